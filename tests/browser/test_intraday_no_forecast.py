"""Without a forecast of the day, the console's "The day" says how to give one; the form to
post an offer by hand refuses a time that ends before it starts, before asking the server."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]


def test_the_day_without_a_forecast(open_page: Any) -> None:
    console = open_page("m.red", "/supervisor", "en-GB")
    day = console.locator("#day-card")
    expect(day.locator("#day-no-forecast")).to_be_visible()
    expect(day.locator("#day-no-forecast")).to_contain_text(
        "homeshore serve --forecast out/plan/forecast.csv"
    )
    expect(day.locator("#day-view")).to_be_hidden()
    expect(day.locator("#day-offers-empty")).to_have_text("No offer today.")
    # still none after re-forecasting now
    day.get_by_role("button", name="Re-forecast now").click()
    expect(day.locator("#day-status")).to_have_text("Forecast recalculated.")
    expect(day.locator("#day-no-forecast")).to_be_visible()

    form = day.locator("#day-post")
    form.get_by_label("From", exact=True).fill("15:00")
    form.get_by_label("To", exact=True).fill("14:00")
    form.get_by_role("button", name="Post the offer").click()
    expect(day.locator("#day-error")).to_have_text("The offer must end after it starts.")
    expect(day.locator("#day-offers-empty")).to_be_visible()

    desk = open_page("a1", "/agent")
    card = desk.locator("#extra-card")
    expect(card.get_by_role("heading", name="Heures proposées")).to_be_visible()
    empty = card.locator('[data-part="empty"]')
    expect(empty).to_have_text("Aucune heure proposée pour le moment.")
