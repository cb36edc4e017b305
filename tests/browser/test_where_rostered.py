"""Where an advisor works against where the schedule has them: a home volunteer rostered on
the site who goes available from home is recorded and shown out of adherence to the manager
(the console's badge says where the schedule had them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from tests.browser.conftest import Server, _schedule

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def SCHEDULE(now: dt.datetime) -> Schedule:
    """The usual schedule, and h1 on the Lyon site from an hour ago for five hours."""
    h1 = ScheduleSegment(
        agent_id="h1",
        start=now.replace(second=0, microsecond=0) - dt.timedelta(hours=1),
        end=now.replace(second=0, microsecond=0) + dt.timedelta(hours=4),
        activity=Activity.WORK,
        location=WorkMode.SITE,
        site="lyon",
        queue="plans",
    )
    usual = _schedule(now)
    return Schedule.of([*usual.segments, h1])


def test_home_on_a_site_day_is_out_of_adherence_on_the_console(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    desk = open_page("h1", "/agent")
    # a passed home check first (measured by the platform, from this browser)
    desk.goto("/readiness")
    desk.get_by_label("Mon ordinateur est relié par câble (Ethernet)").check()
    desk.get_by_label("J'utilise un casque USB").check()
    desk.get_by_label("Je travaille dans une pièce calme, à l'écart").check()
    desk.get_by_role("button", name="Lancer le test").click()
    expect(desk.locator("#verdict")).to_have_attribute("data-verdict", "pass")
    desk.goto("/agent")
    console = open_page("m.blue", "/supervisor")
    row = console.locator('#agents-table tr[data-agent="h1"]')
    expect(row).to_contain_text("Hors ligne")

    desk.get_by_label("Je travaille depuis").select_option("home")
    desk.get_by_role("button", name="Disponible", exact=True).click()
    expect(desk.locator("#state")).to_have_attribute("data-state", "available")
    expect(row).to_have_attribute("data-adherence", "out")
    expect(row).to_contain_text("Hors du lieu planifié")
    console.screenshot(path=artifacts / "console-not-where-rostered.png", full_page=True)
    events = server.api.get("/api/events", params={"limit": 1000}).json()
    recorded = [e["data"] for e in events if e["type"] == "agent.location_mismatch"]
    assert recorded == [{"declared": "home", "rostered": "site"}]
