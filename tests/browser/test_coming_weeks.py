"""The desk shows the advisor's published schedule for the coming weeks, day by day, with
where each day is worked (the fixture's a2 works from 25 hours from now, on the site)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.services.support import mini_scenario

pytestmark = [pytest.mark.browser]


def test_the_coming_weeks_on_the_desk(server: Server, open_page: Any) -> None:
    zone = ZoneInfo(mini_scenario().timezone)
    desk = open_page("a2", "/agent")
    days = desk.locator("#coming-list li")
    expect(days).to_have_count(1)
    # a2's shift starts 25 hours after the fixture's start, a minute or so before now
    starts = [s.start for s in server.platform.schedule["a2"] if s.start > dt.datetime.now(dt.UTC)]
    day = min(starts).astimezone(zone).date().isoformat()
    expect(days.first).to_have_attribute("data-date", day)
    expect(days.first).to_have_attribute("data-locations", "site")
    expect(days.first).to_contain_text("centre de contacts")
    expect(desk.locator("#coming-empty")).to_be_hidden()
    # an advisor with nothing published ahead is told so
    other = open_page("b1", "/agent")
    expect(other.locator("#coming-empty")).to_be_visible()
    expect(other.locator("#coming-empty")).to_contain_text("Rien de publié")
