"""The day itself on the live platform: a morning above forecast opens a gap, the platform
offers extra time to the advisors the rules allow (home volunteers first), the first to
accept gets it, the schedule changes (audited) and adherence follows it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from homeshore.api.app import create_app
from homeshore.commands.staff import read_table
from homeshore.db.tables import ForecastIntervalRow
from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.errors import InputError
from homeshore.services.clock import ManualClock
from tests.api.probe_client import measured_check
from tests.services.support import START, Live, live_app, live_settings, mini_scenario

DAY = START.replace(hour=0, minute=0)
#: planned contacts of queue plans per 15 minutes, 08:00-20:00: two advisors suffice
PLANNED = 2.0
AHT_S = 240.0


def _at(hours: float) -> dt.datetime:
    return DAY + dt.timedelta(hours=hours)


def _forecast_rows(
    per_interval: float = PLANNED, until_h: float = 20, aht_s: float = AHT_S
) -> list[dict[str, Any]]:
    rows = []
    for i in range(int((until_h - 8) * 4)):  # from 08:00
        start = _at(8 + i / 4)
        rows.append(
            {
                "queue": "plans",
                "start": start.isoformat(),
                "interval_min": 15,
                "volume": per_interval,
                "volume_p10": per_interval * 0.6,
                "volume_p50": per_interval,
                "volume_p90": per_interval * 1.4,
                "aht_s": aht_s,
            }
        )
    return rows


def _work(agent: str, start_h: float, end_h: float, where: WorkMode) -> ScheduleSegment:
    return ScheduleSegment(
        agent,
        _at(start_h),
        _at(end_h),
        Activity.WORK,
        where,
        site=None if where is WorkMode.HOME else "lyon",
        queue="plans",
    )


def _schedule() -> Schedule:
    """a1 on site 8:00-12:00 and 13:00-16:00, h1 at home 8:00-12:00, a2 on site
    12:00-16:00: two advisors on plans in the morning, one or two in the afternoon, nobody
    after 16:00. b1 and b2 do not work today."""
    return Schedule.of(
        [
            _work("a1", 8, 12, WorkMode.SITE),
            ScheduleSegment("a1", _at(12), _at(13), Activity.LUNCH, WorkMode.SITE, site="lyon"),
            _work("a1", 13, 16, WorkMode.SITE),
            _work("h1", 8, 12, WorkMode.HOME),
            _work("a2", 12, 16, WorkMode.SITE),
        ]
    )


@contextmanager
def _day(db_url: str, **overrides: Any) -> Iterator[Live]:
    with live_app(db_url, schedule=_schedule(), start=_at(8), **overrides) as live:
        yield live


def _arrivals(live: Live, count: int, until_h: float) -> None:
    """``count`` contacts evenly from the clock's time to ``until_h``."""
    end = _at(until_h)
    step = (end - live.clock.now()).total_seconds() / count
    for _ in range(count):
        live.new_contact()
        live.clock.advance(step)


def _refresh(live: Live, user: str = "admin") -> dict[str, Any]:
    r = live.post(user, "/api/intraday/refresh")
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_without_a_forecast_there_is_no_intraday_view(db_url: str) -> None:
    with _day(db_url) as live:
        view = _refresh(live)
        assert view["forecast"] is False and view["gap"] == []
        assert live.get("a1", "/api/intraday").status_code == 403
        # once a forecast is stored, the view is there before the first tick computes it
        put = live.client.put(
            "/api/intraday/forecast",
            json={"rows": _forecast_rows(until_h=12)},
            headers=live.headers("admin"),
        )
        assert put.status_code == 200, put.text
        view = live.get("m.red", "/api/intraday").json()
        assert view["forecast"] is True and view["at"] is not None and view["gap"]
        assert live.get("admin", "/api/intraday/offers").json() == []  # nothing posted


def test_a_morning_as_forecast_opens_no_gap_and_offers_nothing(db_url: str) -> None:
    with _day(db_url, intraday_offers="auto") as live:
        # calls are forecast for the morning only, when a1 and h1 work
        assert live.client.put(
            "/api/intraday/forecast",
            json={"rows": _forecast_rows(until_h=12)},
            headers=live.headers("admin"),
        ).json() == {"rows": 16}
        _arrivals(live, 16, until_h=10)  # 8 intervals x 2 planned
        view = _refresh(live)
        (level,) = view["queues"]
        assert level["observed"] == 16 and abs(level["expected"] - 16) < 0.5
        assert level["level_low"] < 1.0 < level["level_high"]
        # the current interval counts who is logged in (nobody here); the next ones the schedule
        morning = [
            r for r in view["gap"] if _at(10.25).isoformat() <= r["start"] < _at(12).isoformat()
        ]
        assert morning and all(r["gap"] <= 0 for r in morning), morning
        current = next(r for r in view["gap"] if r["start"] == _at(10).isoformat())
        assert (current["logged_in"], current["scheduled"]) == (0, 2) and current["gap"] > 0
        assert view["proposals"] == []
        assert live.get("admin", "/api/intraday/offers").json() == []


def test_a_busy_morning_offers_extra_time_home_first_and_the_first_to_accept_gets_it(
    db_url: str,
) -> None:
    with _day(db_url, intraday_offers="auto", intraday_slot_min=60) as live:
        assert measured_check(live, "h1", wired=True).json()["check"]["verdict"] == "pass"
        put = live.client.put(
            "/api/intraday/forecast", json={"rows": _forecast_rows()}, headers=live.headers("admin")
        )
        assert put.status_code == 200, put.text
        _arrivals(live, 40, until_h=10)  # 2.5 times the planned 16
        view = _refresh(live)
        (level,) = view["queues"]
        assert level["level"] > 1.8 and level["level_low"] > 1.3
        ahead = [r for r in view["gap"] if r["start"] >= _at(10.5).isoformat()]
        assert max(r["gap"] for r in ahead) >= 1
        extra = [p for p in view["proposals"] if p["kind"] == "extra"]
        assert extra, view["proposals"]
        first = extra[0]
        assert first["start"] >= _at(10.5).isoformat()  # 30 min of notice at least
        offered = [c["agent_id"] for c in first["candidates"]]
        assert offered and len(set(offered)) == len(offered)
        homes = [c["location"] == "home" for c in first["candidates"]]
        assert homes == sorted(homes, reverse=True), "home volunteers come first"
        # posted automatically: the advisors named see it; the others do not
        offers = live.get("admin", "/api/intraday/offers").json()
        assert offers and offers[0]["kind"] == "extra"
        offer = offers[0]
        recipients = [r["agent_id"] for r in offer["recipients"]]
        mine = live.get(recipients[0], "/api/intraday/offers").json()
        assert offer["offer_id"] in [o["offer_id"] for o in mine]
        # b2 has no skill for plans, b1 does not work today (a 1-2 h shift is too short)
        for outsider in ("b1", "b2"):
            assert live.get(outsider, "/api/intraday/offers").json() == []
        reply = f"/api/intraday/offers/{offer['offer_id']}/reply"
        assert live.post("b1", reply, {"accept": True}).status_code == 404
        # the first to accept gets the time; the schedule changes and the audit says so
        taker = recipients[0]
        r = live.post(taker, reply, {"accept": True})
        assert r.status_code == 200, r.text
        assert r.json()["reply"] == "accepted"
        start = dt.datetime.fromisoformat(offer["start"])
        planned = live.platform.planned(taker, start)
        assert planned is not None and planned.activity is Activity.WORK
        assert planned.queue == "plans"
        entries = live.get("admin", f"/api/audit?agent_id={taker}").json()
        changed = [e for e in entries if e["action"] == "schedule.changed"]
        assert changed and changed[0]["detail"]["offer_id"] == offer["offer_id"]
        assert live.post(taker, reply, {"accept": True}).status_code == 409  # replied already
        # adherence follows: the taker is now scheduled to take contacts then
        live.clock.set(start + dt.timedelta(minutes=5))
        assert live.platform.in_contact_time(live.platform.agents[taker], live.clock.now())


def test_two_advisors_for_the_last_place_one_gets_it(db_url: str) -> None:
    with _day(db_url, intraday_offers="manual") as live:
        put = live.client.put(
            "/api/intraday/forecast", json={"rows": _forecast_rows()}, headers=live.headers("admin")
        )
        assert put.status_code == 200, put.text
        body = {
            "kind": "extra",
            "queue_id": "plans",
            "start": _at(16).isoformat(),
            "end": _at(17).isoformat(),
            "places": 1,
        }
        r = live.post("m.red", "/api/intraday/offers", body)
        assert r.status_code == 201, r.text
        (offer,) = live.get("m.red", "/api/intraday/offers").json()
        # a1 and a2 end their shift at 16:00 on site: both may stay an hour longer
        assert sorted(x["agent_id"] for x in offer["recipients"]) == ["a1", "a2"]
        assert {x["location"] for x in offer["recipients"]} == {"site"}
        reply = f"/api/intraday/offers/{offer['offer_id']}/reply"
        assert live.post("a2", reply, {"accept": True}).json()["reply"] == "accepted"
        late = live.post("a1", reply, {"accept": True})
        assert late.status_code == 409 and "no place left" in late.text, late.text
        assert live.platform.planned("a1", _at(16.5)) is None
        assert live.platform.planned("a2", _at(16.5)) is not None
        assert live.get("admin", "/api/intraday/offers").json() == []  # filled: not open
        (closed,) = live.get("admin", "/api/intraday/offers?all=true").json()
        assert (closed["state"], closed["taken"]) == ("filled", 1)
        replies = {x["agent_id"]: x["reply"] for x in closed["recipients"]}
        assert replies == {"a1": "too_late", "a2": "accepted"}
        assert live.get("a1", "/api/intraday/offers").json() == []
        # a manager sees only their teams' advisors' replies
        (seen,) = live.get("m.blue", "/api/intraday/offers?all=true").json()
        assert seen["recipients"] == []


def test_an_offer_past_its_deadline_is_closed(db_url: str) -> None:
    with _day(db_url, intraday_offers="manual") as live:
        assert measured_check(live, "h1", wired=True).json()["check"]["verdict"] == "pass"
        live.client.put(
            "/api/intraday/forecast", json={"rows": _forecast_rows()}, headers=live.headers("admin")
        )
        body = {
            "kind": "extra",
            "queue_id": "plans",
            "start": _at(12).isoformat(),
            "end": _at(13).isoformat(),
            "places": 1,
            "reply_min": 10,
        }
        r = live.post("admin", "/api/intraday/offers", body)
        assert r.status_code == 201, r.text
        offer_id = r.json()["offer_id"]
        offers = live.get("admin", "/api/intraday/offers").json()
        (offer,) = offers
        who = offer["recipients"][0]["agent_id"]
        live.clock.advance(11 * 60)
        _refresh(live)
        assert live.get("admin", "/api/intraday/offers").json() == []
        r = live.post(who, f"/api/intraday/offers/{offer_id}/reply", {"accept": True})
        assert r.status_code in (404, 409)


def test_a_change_by_hand_that_breaks_a_rule_is_refused_with_the_rule(db_url: str) -> None:
    with _day(db_url) as live:
        # a1 already works 8:00-16:00 with lunch: 6 more hours make a 14-hour day
        body = {
            "agent_id": "a1",
            "kind": "extra",
            "queue_id": "plans",
            "start": _at(16).isoformat(),
            "end": _at(22).isoformat(),
            "location": "site",
        }
        r = live.post("admin", "/api/intraday/changes", body)
        assert r.status_code == 409, r.text
        assert "max_daily_work" in r.text or "max_shift" in r.text
        assert live.platform.planned("a1", _at(17)) is None
        # a manager changes only their teams' advisors: a1 is in red
        assert live.post("m.blue", "/api/intraday/changes", body).status_code == 404
        # an hour more at the end of a1's shift is allowed, but today is inside the
        # 7-day notice period: a1 is asked, and the hour is a1's once accepted
        ok = body | {"end": _at(17).isoformat()}
        r = live.post("m.red", "/api/intraday/changes", ok)
        assert r.status_code == 200, r.text
        asked = r.json()
        assert asked["applied"] is False and asked["offer_id"] is not None
        assert live.platform.planned("a1", _at(16.5)) is None
        (offer,) = live.get("a1", "/api/intraday/offers").json()
        assert (offer["offer_id"], offer["places"]) == (asked["offer_id"], 1)
        reply = f"/api/intraday/offers/{offer['offer_id']}/reply"
        assert live.post("a1", reply, {"accept": True}).json()["reply"] == "accepted"
        assert live.platform.planned("a1", _at(16.5)) is not None
        # a change in the past is refused
        past = body | {"start": _at(7).isoformat(), "end": _at(7.5).isoformat()}
        assert live.post("m.red", "/api/intraday/changes", past).status_code == 422


def test_outside_the_notice_period_a_change_is_applied_at_once(db_url: str) -> None:
    mini = mini_scenario()
    no_notice = dataclasses.replace(
        mini, rules=dataclasses.replace(mini.rules, change_notice_days=0)
    )
    with live_app(db_url, schedule=_schedule(), start=_at(8), scenario=no_notice) as live:
        body = {
            "agent_id": "a1",
            "kind": "extra",
            "queue_id": "plans",
            "start": _at(16).isoformat(),
            "end": _at(17).isoformat(),
        }
        r = live.post("m.red", "/api/intraday/changes", body)
        assert r.status_code == 200, r.text
        assert r.json() == {"applied": True, "offer_id": None}
        planned = live.platform.planned("a1", _at(16.5))
        assert planned is not None and planned.location is WorkMode.SITE  # the shift's place
        entries = live.get("a1", "/api/agents/a1/audit").json()
        assert any(e["action"] == "schedule.changed" and e["actor"] == "m.red" for e in entries)


def test_a_bad_forecast_is_refused_and_names_what_is_wrong(db_url: str) -> None:
    with _day(db_url) as live:
        rows = _forecast_rows()
        rows[3]["queue"] = "nowhere"
        r = live.client.put(
            "/api/intraday/forecast", json={"rows": rows}, headers=live.headers("admin")
        )
        assert r.status_code in (400, 422) and "nowhere" in r.text
        rows = _forecast_rows()
        rows[0]["aht_s"] = 0
        r = live.client.put(
            "/api/intraday/forecast", json={"rows": rows}, headers=live.headers("admin")
        )
        assert r.status_code == 422
        r = live.client.put(
            "/api/intraday/forecast", json={"rows": _forecast_rows()}, headers=live.headers("m.red")
        )
        assert r.status_code == 403


def test_a_quiet_afternoon_offers_time_off_where_the_rules_allow_it(db_url: str) -> None:
    with _day(db_url, intraday_offers="auto") as live:
        # a tenth of the planned calls, a minute each, and none by noon: one advisor
        # suffices even at the re-forecast's P90, a1 and a2 share the afternoon
        put = live.client.put(
            "/api/intraday/forecast",
            json={"rows": _forecast_rows(per_interval=0.2, until_h=16, aht_s=60.0)},
            headers=live.headers("admin"),
        )
        assert put.status_code == 200, put.text
        live.clock.set(_at(12))
        view = _refresh(live)
        time_off = [p for p in view["proposals"] if p["kind"] == "time_off"]
        assert time_off, view["proposals"]
        # a2 works 12:00-16:00: any time off leaves a shift under the 4-hour minimum;
        # a1 (8:00-16:00 with lunch) may stop early
        for proposal in time_off:
            assert [c["agent_id"] for c in proposal["candidates"]] == ["a1"]
        last = max(time_off, key=lambda p: p["end"])
        assert last["end"] == _at(16).isoformat()
        offers = live.get("a1", "/api/intraday/offers").json()
        offer = next(
            o for o in offers if o["start"] == last["start"] or o["end"] == _at(16).isoformat()
        )
        assert offer["kind"] == "time_off"
        r = live.post("a1", f"/api/intraday/offers/{offer['offer_id']}/reply", {"accept": True})
        assert r.status_code == 200, r.text
        assert live.platform.planned("a1", _at(15.9)) is None
        assert live.platform.planned("a1", _at(9)) is not None  # the morning stays
        # declining another offer is stored and asks nothing more
        others = live.get("a1", "/api/intraday/offers").json()
        for other in others:
            r = live.post(
                "a1", f"/api/intraday/offers/{other['offer_id']}/reply", {"accept": False}
            )
            assert r.json()["reply"] == "declined"
        assert live.get("a1", "/api/intraday/offers").json() == []


def test_serve_stores_the_forecast_file_it_is_given(tmp_path: Path) -> None:
    """`homeshore serve --forecast FILE`: the file is read as `serve` reads it and stored at
    start-up; a file naming a queue of another centre stops the start with its name."""
    path = tmp_path / "forecast.csv"
    pd.DataFrame(_forecast_rows(until_h=10)).to_csv(path, index=False)
    frame = read_table(path, mini_scenario().timezone)
    url = f"sqlite:///{tmp_path / 'live.db'}"
    app = create_app(
        live_settings(url),
        mini_scenario(),
        forecast=frame,
        clock=ManualClock(_at(9)),
        run_tick=False,
    )
    with TestClient(app) as client:
        platform = client.app.state.platform  # type: ignore[attr-defined]
        assert platform.intraday_on
        with platform.sessions() as session:
            assert session.scalar(select(func.count()).select_from(ForecastIntervalRow)) == 8
    frame.loc[2, "queue"] = "elsewhere"
    app = create_app(live_settings(url), mini_scenario(), forecast=frame, run_tick=False)
    with pytest.raises(InputError, match="elsewhere"), TestClient(app):
        pass


def test_no_time_off_before_the_calls_say_the_day_is_quiet(db_url: str) -> None:
    """At 08:00 nothing is known of the day: a1 and a2 on plans in the afternoon are one
    advisor too many against the forecast's mean, not against its P90, so nobody is sent
    home on the forecast alone (against the mean, a1 could stop at 15:00)."""
    with _day(db_url, intraday_offers="auto") as live:
        put = live.client.put(
            "/api/intraday/forecast",
            json={"rows": _forecast_rows(per_interval=0.6, until_h=16)},
            headers=live.headers("admin"),
        )
        assert put.status_code == 200, put.text
        view = _refresh(live)
        afternoon = [r for r in view["gap"] if r["start"] >= _at(13).isoformat()]
        assert afternoon and all(r["gap"] <= -1 for r in afternoon)  # against the mean
        assert [p for p in view["proposals"] if p["kind"] == "time_off"] == []
