"""The day itself, in two browsers: calls above the forecast open a staffing gap on the
console; the manager posts extra time by hand; the advisor accepts it on the desk; the desk's
schedule shows the new hours and the console the place taken. Once in English, once in
French; and a reply after the deadline is refused in words.

The platform's clock runs at the real pace from 10:00 on the next working Tuesday (Paris),
so that working-time rules and contact hours allow the offers whatever the hour of the run;
the forecast, the schedule and the arrivals are built on that day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import expect

from homeshore.api.app import create_app
from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.domain.tables import FORECAST_COLUMNS
from tests.browser.conftest import WAIT_S, Server
from tests.services.support import START, make_users, mini_scenario
from tests.web.live_server import admin_client, serve, web_settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: offers are posted by hand here; the platform's own re-forecast runs once, at start
SETTINGS = {"intraday_offers": "manual", "intraday_every_s": 3600.0}
DAY = START.replace(hour=0, minute=0)
#: contacts on plans by 10:00 where the forecast expects 2 per quarter hour from 08:00 (16)
ARRIVALS = 40


def _at(hours: float) -> dt.datetime:
    return DAY + dt.timedelta(hours=hours)


class ShiftedClock:
    """Real time moved to another moment: it runs at the real pace; a test moves it on."""

    def __init__(self, start: dt.datetime) -> None:
        self._offset = start - dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += dt.timedelta(seconds=seconds)


def _work(agent: str, start_h: float, end_h: float) -> ScheduleSegment:
    return ScheduleSegment(
        agent, _at(start_h), _at(end_h), Activity.WORK, WorkMode.SITE, site="lyon", queue="plans"
    )


def _schedule() -> Schedule:
    """a2 (red) and b1 (blue) on plans on the site 8:00-12:00; a1 (red) 8:00-16:00 with
    lunch: nobody on plans from 12:00 to 13:00, one advisor in the afternoon."""
    return Schedule.of(
        [
            _work("a1", 8, 12),
            ScheduleSegment("a1", _at(12), _at(13), Activity.LUNCH, WorkMode.SITE, site="lyon"),
            _work("a1", 13, 16),
            _work("a2", 8, 12),
            _work("b1", 8, 12),
        ]
    )


def _forecast() -> pd.DataFrame:
    """Two calls per quarter hour on plans, 08:00-20:00."""
    rows = [
        ("plans", _at(8 + i / 4), 15, 2.0, 1.2, 2.0, 2.8, 240.0)
        for i in range(48)  # 12 hours of quarter hours
    ]
    return pd.DataFrame(rows, columns=list(FORECAST_COLUMNS))


@pytest.fixture(scope="module")
def clock() -> ShiftedClock:
    return ShiftedClock(_at(10))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: ShiftedClock) -> Iterator[Server]:
    """The conftest's server on the shifted clock, with a forecast of the day and a morning
    of calls well above it."""
    db = tmp_path_factory.mktemp("intraday") / "live.db"
    app = create_app(
        web_settings(db, **SETTINGS),
        mini_scenario(),
        schedule=_schedule(),
        forecast=_forecast(),
        clock=clock,
    )
    with serve(app) as base:
        make_users(app.state.platform)
        with admin_client(base, WAIT_S) as api:
            live = Server(base, app.state.platform, api)
            for n in range(ARRIVALS):
                r = api.post("/api/contacts", json={"queue_id": "plans", "customer_ref": f"c{n}"})
                assert r.status_code == 201, r.text
            yield live


def _millis(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def _works_between(desk: Any, start: dt.datetime, end: dt.datetime) -> None:
    """Wait until the desk's schedule of today has a work segment covering [start, end)."""
    desk.wait_for_function(
        """([from, to]) => [...document.querySelectorAll('#schedule-list li[data-activity=work]')]
            .some((li) => Date.parse(li.dataset.start) <= from
                && Date.parse(li.dataset.end) >= to)""",
        arg=[_millis(start), _millis(end)],
        timeout=WAIT_S * 1000,
    )


def _post(day: Any, labels: dict[str, str], values: dict[str, str], submit: str) -> None:
    form = day.locator("#day-post")
    form.get_by_label(labels["kind"], exact=True).select_option(values["kind"])
    form.get_by_label(labels["queue"], exact=True).select_option(values["queue"])
    form.get_by_label(labels["from"], exact=True).fill(values["from"])
    form.get_by_label(labels["to"], exact=True).fill(values["to"])
    form.get_by_label(labels["places"], exact=True).fill(values["places"])
    form.get_by_role("button", name=submit, exact=True).click()


def test_extra_time_posted_by_a_manager_and_taken_on_the_desk_in_english(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    console = open_page("m.red", "/supervisor", "en-GB")
    day = console.locator("#day-card")
    expect(day.get_by_role("heading", name="The day", exact=True)).to_be_visible()
    day.get_by_role("button", name="Re-forecast now").click()
    plans = day.locator('#day-levels li[data-queue="plans"]')
    # 16 calls expected by 10:00, a little more as the minutes of the run go by
    expect(plans).to_contain_text(
        re.compile(rf"Plans: {ARRIVALS} calls so far, 1\d expected — [\d.]+ × the forecast")
    )
    expect(plans).to_contain_text("(80 % band")
    expect(plans).to_have_attribute("data-trend", "above")
    expect(plans).to_contain_text("above the forecast")
    # nobody on plans at noon: a shortage, said in words
    noon = day.locator(f'#day-gap tr[data-start="{_at(12).isoformat()}"]')
    expect(noon).to_have_attribute("data-gap", "short")
    expect(noon).to_contain_text("short")
    console.screenshot(path=artifacts / "console-the-day.png", full_page=True)

    labels = {"kind": "Kind", "queue": "Queue", "from": "From", "to": "To", "places": "Places"}
    values = {"kind": "extra", "queue": "plans", "from": "12:00", "to": "13:00", "places": "2"}
    _post(day, labels, values, "Post the offer")
    offer = day.locator("#day-offers > li").filter(has=console.locator('li[data-agent="a2"]'))
    expect(offer).to_have_count(1)
    expect(offer).to_contain_text("Extra time · Plans")
    expect(offer).to_contain_text("0 of 2 place(s) taken, 2 left")
    expect(offer.locator('li[data-agent="a2"]')).to_have_text("Bob (contact centre): no reply yet")

    desk = open_page("a2", "/agent", "en-GB")
    item = desk.locator("#extra-card li.extra-offer")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Extra time: Plans")
    expect(item).to_contain_text(re.compile(r"12:00\sPM–01:00\sPM"))
    expect(item).to_contain_text("contact centre")
    expect(item).to_contain_text("2 of 2")
    desk.screenshot(path=artifacts / "desk-extra-time.png", full_page=True)
    item.get_by_role("button", name="Accept", exact=True).click()
    expect(item).to_have_attribute("data-reply", "accepted")
    expect(item).to_contain_text("You accepted: this time is in your schedule.")
    expect(item.get_by_role("button", name="Accept", exact=True)).to_be_hidden()
    _works_between(desk, _at(12), _at(13))

    expect(offer).to_contain_text("1 of 2 place(s) taken, 1 left")
    expect(offer.locator('li[data-agent="a2"]')).to_have_attribute("data-reply", "accepted")
    expect(offer.locator('li[data-agent="a2"]')).to_contain_text("Bob (contact centre): accepted")


def test_extra_time_pushed_to_the_desk_and_taken_in_french(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    # the desk is open first: b1 works now, so the offer is pushed to it
    desk = open_page("b1", "/agent")
    expect(desk.locator("#connection")).to_have_attribute("data-state", "open")
    card = desk.locator("#extra-card")
    expect(card.get_by_role("heading", name="Heures proposées")).to_be_visible()
    expect(card.locator('[data-part="empty"]')).to_be_visible()

    console = open_page("m.blue", "/supervisor")
    day = console.locator("#day-card")
    expect(day.get_by_role("heading", name="La journée", exact=True)).to_be_visible()
    day.get_by_role("button", name="Recalculer la prévision").click()
    plans = day.locator('#day-levels li[data-queue="plans"]')
    expect(plans).to_contain_text(
        re.compile(rf"Plans : {ARRIVALS} appels jusqu'ici, 1\d attendus — [\d,]+ × la prévision")
    )
    expect(plans).to_contain_text("(intervalle à 80 %")
    expect(plans).to_contain_text("au-dessus de la prévision")
    noon = day.locator(f'#day-gap tr[data-start="{_at(12).isoformat()}"]')
    expect(noon).to_have_attribute("data-gap", "short")
    expect(noon).to_contain_text("manque")

    labels = {
        "kind": "Type",
        "queue": "File",
        "from": "Début",
        "to": "Fin",
        "places": "Nombre de places",
    }
    values = {"kind": "extra", "queue": "plans", "from": "12:00", "to": "13:00", "places": "1"}
    _post(day, labels, values, "Publier l'offre")
    # the console lists the day's open offers (the red team's too), with the replies of the
    # advisors of the manager's teams
    offer = day.locator("#day-offers > li").filter(has=console.locator('li[data-agent="b1"]'))
    expect(offer).to_have_count(1)
    expect(offer).to_contain_text("Heures en plus · Plans · 12:00–13:00")
    expect(offer.locator('li[data-agent="b1"]')).to_have_text(
        "Cid (centre de contacts) : pas encore de réponse"
    )

    item = card.locator("li.extra-offer")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Heures en plus : Plans")
    expect(item).to_contain_text("12:00–13:00")
    expect(item).to_contain_text("centre de contacts")
    expect(item).to_contain_text("1 sur 1")
    item.get_by_role("button", name="Accepter", exact=True).click()
    # its only place taken, the offer is closed: it leaves the desk, the hours are in the day
    expect(item).to_have_count(0)
    _works_between(desk, _at(12), _at(13))

    expect(offer).to_have_attribute("data-state", "filled")
    expect(offer).to_contain_text("1 place(s) prise(s) sur 1, 0 restante(s)")
    expect(offer).to_contain_text("close : toutes les places sont prises")
    expect(offer.locator('li[data-agent="b1"]')).to_contain_text("acceptée")
    console.screenshot(path=artifacts / "console-offer-taken.png", full_page=True)

    # time off on the chat queue, where nobody works: refused, in the manager's words
    values = {"kind": "time_off", "queue": "legal", "from": "14:00", "to": "15:00", "places": "1"}
    _post(day, labels, values, "Publier l'offre")
    expect(day.locator("#day-error")).to_have_text(
        "Personne ne peut prendre cette offre selon les règles (temps de travail, repos, plages "
        "de joignabilité, compétences…)."
    )


def test_a_reply_after_the_deadline_is_refused_in_words(
    server: Server, clock: ShiftedClock, open_page: Any
) -> None:
    """Last of the module: it moves the platform's clock past the offer's deadline."""
    body = {
        "kind": "extra",
        "queue_id": "plans",
        "start": _at(16).isoformat(),
        "end": _at(17).isoformat(),
        "places": 1,
        "reply_min": 5,
    }
    r = server.api.post("/api/intraday/offers", json=body)
    assert r.status_code == 201, r.text
    offer_id = r.json()["offer_id"]
    offers = server.api.get("/api/intraday/offers").json()
    (offer,) = [o for o in offers if o["offer_id"] == offer_id]
    who = offer["recipients"][0]["agent_id"]
    desk = open_page(who, "/agent", "en-GB")
    item = desk.locator(f'#extra-card li[data-offer="{offer_id}"]')
    expect(item).to_contain_text("Extra time: Plans")
    clock.advance(6 * 60)
    item.get_by_role("button", name="Accept", exact=True).click()
    notice = desk.locator('#extra-card [data-part="notice"]')
    expect(notice).to_have_text("Too late: the time to reply is over.")
    expect(item).to_have_count(0)
