"""A schedule request in two browsers: on the desk, h1 (rostered at home the day after
tomorrow) asks to work that day at the contact centre; automatic approval is off, so the
request waits; on the console, h1's manager approves it; the desk shows it approved and
the coming days show the day on the site. The desk in English, the console in French.

h1 works now (on the site) so that the manager's decision is pushed to the desk (the right
to disconnect holds back what others do outside an advisor's working time)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from tests.browser.conftest import Server
from tests.services.support import mini_scenario

pytestmark = [pytest.mark.browser]

SETTINGS = {"requests_auto_approve": []}
ZONE = ZoneInfo(mini_scenario().timezone)


def _asked_day(now: dt.datetime) -> dt.date:
    """The day after tomorrow (a request is for a day from tomorrow on)."""
    return now.astimezone(ZONE).date() + dt.timedelta(days=2)


def SCHEDULE(now: dt.datetime) -> Schedule:
    """h1 on the site from an hour ago for three hours, and at home 9:00-13:00 on the day
    after tomorrow (two hours on plans, a paid break, the rest)."""
    start = now.replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    day = dt.datetime.combine(_asked_day(now), dt.time(9), tzinfo=ZONE)

    def home(a: float, b: float, activity: Activity) -> ScheduleSegment:
        queue = "plans" if activity is Activity.WORK else None
        return ScheduleSegment(
            "h1",
            day + dt.timedelta(hours=a),
            day + dt.timedelta(hours=b),
            activity,
            WorkMode.HOME,
            queue=queue,
        )

    return Schedule.of(
        [
            ScheduleSegment(
                "h1",
                start,
                start + dt.timedelta(hours=3),
                Activity.WORK,
                WorkMode.SITE,
                site="lyon",
                queue="plans",
            ),
            home(0, 2, Activity.WORK),
            home(2, 2 + 1 / 6, Activity.BREAK),
            home(2 + 1 / 6, 4, Activity.WORK),
        ]
    )


def test_a_day_asked_on_the_desk_and_approved_on_the_console(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    day = _asked_day(dt.datetime.now(dt.UTC))
    desk = open_page("h1", "/agent", "en-GB")
    expect(desk.locator("#connection")).to_have_attribute("data-state", "open")
    card = desk.locator("#requests-card")
    expect(card.get_by_role("heading", name="My requests")).to_be_visible()
    expect(card.locator('[data-part="empty"]')).to_be_visible()
    coming = desk.locator(f'#coming-list li[data-date="{day.isoformat()}"]')
    expect(coming).to_have_attribute("data-locations", "home")

    form = card.locator('[data-form="location"]')
    form.get_by_label("Day", exact=True).fill(day.isoformat())
    form.get_by_label("Where", exact=True).select_option("site")
    form.get_by_role("button", name="Ask", exact=True).click()
    item = card.locator("li[data-request]")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-state", "awaiting_planner")
    expect(item).to_contain_text("place of work: contact centre")
    expect(item).to_contain_text("waiting for a manager")
    expect(item.get_by_role("button", name="Cancel the request")).to_be_visible()
    card.screenshot(path=artifacts / "desk-request-asked.png")

    console = open_page("m.blue", "/supervisor")
    panel = console.locator("#requests-card")
    expect(panel.get_by_role("heading", name="Demandes de planning")).to_be_visible()
    waiting = panel.locator("li[data-request]")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Eve")
    expect(waiting).to_contain_text("lieu de travail : centre de contacts")
    expect(waiting).to_contain_text("en attente d'un responsable")
    panel.screenshot(path=artifacts / "console-request-waiting.png")
    waiting.get_by_role("button", name="Approuver", exact=True).click()
    expect(panel.locator('[data-part="status"]')).to_contain_text("acceptée")
    expect(waiting).to_have_count(0)  # decided: no longer pending
    expect(panel.locator('[data-part="empty"]')).to_be_visible()

    # the decision reaches the desk: the request approved, the day on the site
    expect(item).to_have_attribute("data-state", "approved")
    expect(item).to_contain_text("approved · by m.blue")
    expect(item.get_by_role("button")).to_have_count(0)
    expect(coming).to_have_attribute("data-locations", "site")
    card.screenshot(path=artifacts / "desk-request-approved.png")
    planned = server.platform.planned("h1", dt.datetime.combine(day, dt.time(10), tzinfo=ZONE))
    assert planned is not None and planned.location is WorkMode.SITE
