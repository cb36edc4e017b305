"""An offer nobody answers times out: it leaves the desk, the advisor is set not ready."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: long enough that each step of the countdown stays on screen for seconds, even when
#: a busy machine delivers the offer late
SETTINGS = {"offer_timeout_s": 10.0}


def test_an_unanswered_offer_counts_down_and_times_out(server: Server, open_page: Any) -> None:
    page = open_page("a1", "/agent")
    page.get_by_label("Je travaille depuis").select_option("site")
    page.get_by_role("button", name="Disponible", exact=True).click()
    expect(page.locator("#state")).to_have_attribute("data-state", "available")
    contact = server.new_chat("CUST-LATE")
    offer = page.locator(f'.offer[data-contact="{contact["id"]}"]')
    countdown = offer.locator('[data-field="countdown"]')
    expect(countdown).to_have_text(re.compile(r"^([6-9]|10) s pour répondre$"))
    expect(countdown).to_have_text(re.compile(r"^[1-4] s pour répondre$"))
    expect(offer).to_have_count(0)
    expect(page.locator("#state")).to_have_attribute("data-state", "break")
    expect(page.locator("#announcer")).to_contain_text("expiré")
    assert server.api.get(f"/api/contacts/{contact['id']}").json()["state"] == "queued"
