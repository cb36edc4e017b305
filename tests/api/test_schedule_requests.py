"""Advisors' schedule requests on the live platform: a day worked at home (or on site), a
day swapped with a colleague. The rule functions of the schedule audit decide what is
allowed; approval is automatic within the planner's setting, else a planner or a manager
of the advisors' teams decides; every approval checks the rules again.

The clock starts on START (a Tuesday, 10:00); the requests are for the next days of its
week, which the schedule below publishes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from homeshore.domain import Activity, Scenario, Schedule, ScheduleSegment, WorkMode
from tests.api.probe_client import measured_check
from tests.services.support import START, Live, live_app, mini_scenario, next_event

TUESDAY = START.replace(hour=0, minute=0)
WEDNESDAY = (TUESDAY + dt.timedelta(days=1)).date()
THURSDAY = (TUESDAY + dt.timedelta(days=2)).date()
REQUESTS = "/api/schedule/requests"


def _at(day: dt.date, hours: float) -> dt.datetime:
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=START.tzinfo)
    return midnight + dt.timedelta(hours=hours)


def _day(
    agent: str, day: dt.date, start_h: float, queue: str = "plans", where: WorkMode = WorkMode.SITE
) -> list[ScheduleSegment]:
    """Four paid hours on `queue`: two hours, a 10-minute break, the rest."""
    site = None if where is WorkMode.HOME else "lyon"

    def seg(a: float, b: float, activity: Activity) -> ScheduleSegment:
        q = queue if activity is Activity.WORK else None
        return ScheduleSegment(agent, _at(day, a), _at(day, b), activity, where, site, q)

    return [
        seg(start_h, start_h + 2, Activity.WORK),
        seg(start_h + 2, start_h + 2 + 1 / 6, Activity.BREAK),
        seg(start_h + 2 + 1 / 6, start_h + 4, Activity.WORK),
    ]


def _schedule(h1_thursday: WorkMode = WorkMode.SITE) -> Schedule:
    """h1 (blue, a home volunteer) on site Tuesday to Thursday (a site day in every month
    whatever the dates); a1 and a2 (red, plans) on Wednesday, a1 in the morning and a2 in
    the afternoon; b1 (blue, plans and legal) on plans, and b2 (blue, legal only) on legal
    chats, on Wednesday afternoon."""
    tuesday = TUESDAY.date()
    return Schedule.of(
        [
            *_day("h1", tuesday, 9),
            *_day("h1", WEDNESDAY, 9),
            *_day("h1", THURSDAY, 9, where=h1_thursday),
            *_day("a1", WEDNESDAY, 8),
            *_day("a2", WEDNESDAY, 14),
            *_day("b1", WEDNESDAY, 14),
            *_day("b2", WEDNESDAY, 14, queue="legal"),
        ]
    )


def _limited(home_days_per_week: int) -> Scenario:
    mini = mini_scenario()
    agreement = dataclasses.replace(mini.agreement, max_home_days_per_week=home_days_per_week)
    return dataclasses.replace(mini, agreement=agreement)


@contextmanager
def _live(db_url: str, schedule: Schedule | None = None, **overrides: Any) -> Iterator[Live]:
    # sessions outlive the days the tests move the clock through
    with live_app(
        db_url, schedule=schedule or _schedule(), session_ttl_s=7 * 86_400.0, **overrides
    ) as live:
        yield live


def _ready(live: Live, agent: str = "h1") -> None:
    assert measured_check(live, agent, wired=True).json()["check"]["verdict"] == "pass"


def _ask(live: Live, agent: str, **body: Any) -> Any:
    if isinstance(body.get("day"), dt.date):
        body["day"] = body["day"].isoformat()
    return live.post(agent, REQUESTS, body)


def _where(live: Live, agent: str, day: dt.date, hours: float) -> WorkMode | None:
    planned = live.platform.planned(agent, _at(day, hours))
    return planned.location if planned is not None else None


def _changes(live: Live, agent: str) -> list[dict[str, Any]]:
    entries = live.get("admin", f"/api/audit?agent_id={agent}").json()
    return [e["detail"] for e in entries if e["action"] == "schedule.changed"]


def test_a_home_day_for_a_ready_volunteer_is_approved_and_adherence_follows(db_url: str) -> None:
    with _live(db_url) as live:
        _ready(live)
        r = _ask(live, "h1", kind="location", day=WEDNESDAY, location="home")
        assert r.status_code == 201, r.text
        asked = r.json()
        assert (asked["state"], asked["decided_by"]) == ("approved", "platform")
        assert _where(live, "h1", WEDNESDAY, 10) is WorkMode.HOME
        assert _where(live, "h1", THURSDAY, 10) is WorkMode.SITE  # the other days stay
        (change,) = _changes(live, "h1")
        assert change == {
            "kind": "location",
            "day": WEDNESDAY.isoformat(),
            "request_id": asked["request_id"],
            "decided_by": "platform",
        }
        (mine,) = live.get("h1", REQUESTS).json()
        assert mine["request_id"] == asked["request_id"] and mine["state"] == "approved"
        # a day already at home, a day without work, a day gone: refused, in words
        again = _ask(live, "h1", kind="location", day=WEDNESDAY, location="home")
        assert again.status_code == 409 and "already work at home" in again.text
        friday = WEDNESDAY + dt.timedelta(days=2)
        idle = _ask(live, "h1", kind="location", day=friday, location="home")
        assert idle.status_code == 409, idle.text
        past = _ask(live, "h1", kind="location", day=TUESDAY.date(), location="home")
        assert past.status_code == 422 and past.json()["field"] == "day"
        # on the day, h1 logs in from home: where the schedule now says
        live.clock.set(_at(WEDNESDAY, 10))
        with live.ws("h1"):
            r = live.go("h1", "available", location="home")
            assert r.status_code == 200, r.text
            (kpis,) = [
                k for k in live.get("m.blue", "/api/metrics/agents").json() if k["agent_id"] == "h1"
            ]
            assert kpis["location_as_scheduled"] is True and kpis["in_adherence"] is True


def test_a_home_day_for_a_non_volunteer_is_refused_naming_the_rule(db_url: str) -> None:
    with _live(db_url) as live:
        r = _ask(live, "a1", kind="location", day=WEDNESDAY, location="home")
        assert r.status_code == 409, r.text
        assert "home_work" in r.json()["detail"]
        assert live.get("a1", REQUESTS).json() == []  # nothing stored
        assert _where(live, "a1", WEDNESDAY, 9) is WorkMode.SITE
        assert _changes(live, "a1") == []
        # bad input names the field
        r = _ask(live, "a1", kind="location", day=WEDNESDAY)
        assert r.status_code == 422 and r.json()["field"] == "location"
        r = _ask(live, "a1", kind="swap", day=WEDNESDAY, colleague_id="a1")
        assert r.status_code == 422 and r.json()["field"] == "colleague_id"
        r = _ask(live, "a1", kind="leave", day=WEDNESDAY)
        assert r.status_code == 422
        # requests are the advisors' own
        assert (
            _ask(live, "m.red", kind="location", day=WEDNESDAY, location="site").status_code == 403
        )


def test_a_home_day_beyond_the_weekly_limit_is_refused(db_url: str) -> None:
    schedule = _schedule(h1_thursday=WorkMode.HOME)
    with _live(db_url, schedule=schedule, scenario=_limited(1)) as live:
        _ready(live)
        r = _ask(live, "h1", kind="location", day=WEDNESDAY, location="home")
        assert r.status_code == 409, r.text
        assert "max_home_days_week" in r.json()["detail"]
        assert _where(live, "h1", WEDNESDAY, 10) is WorkMode.SITE
        assert live.get("h1", REQUESTS).json() == []


def test_a_swap_between_advisors_of_different_skills_is_refused(db_url: str) -> None:
    with _live(db_url) as live:
        # b2 takes chats only: a1's morning on plans is not a day b2 may work
        r = _ask(live, "a1", kind="swap", day=WEDNESDAY, colleague_id="b2")
        assert r.status_code == 409, r.text
        assert "skills" in r.json()["detail"]
        assert live.get("b2", REQUESTS).json() == []
        assert live.platform.planned("a1", _at(WEDNESDAY, 9)) is not None


def test_a_swap_both_advisors_agree_to_is_applied_to_both(db_url: str) -> None:
    with _live(db_url) as live:
        r = _ask(live, "a1", kind="swap", day=WEDNESDAY, colleague_id="a2")
        assert r.status_code == 201, r.text
        asked = r.json()
        assert asked["state"] == "awaiting_colleague" and asked["colleague_name"] == "Bob"
        # waiting for a2: nothing changes yet; a2 sees it, others cannot answer it
        assert live.platform.planned("a1", _at(WEDNESDAY, 9)) is not None
        (waiting,) = live.get("a2", REQUESTS).json()
        assert waiting["request_id"] == asked["request_id"]
        agree = f"{REQUESTS}/{asked['request_id']}/agree"
        assert live.post("b1", agree, {"agree": True}).status_code == 404
        assert live.post("a1", agree, {"agree": True}).status_code == 404
        with live.ws("m.red") as ws:  # the advisors' manager is told
            r = live.post("a2", agree, {"agree": True})
            assert r.status_code == 200, r.text
            assert r.json()["state"] == "approved"
            told = next_event(ws, "schedule.request")
        assert (told["data"]["state"], told["data"]["request_id"]) == (
            "approved",
            asked["request_id"],
        )
        # a1 works a2's afternoon, a2 a1's morning, each on its queue and site
        for agent, worked, free in (("a1", 15, 9), ("a2", 9, 15)):
            planned = live.platform.planned(agent, _at(WEDNESDAY, worked))
            assert planned is not None and planned.queue == "plans"
            assert planned.location is WorkMode.SITE
            assert live.platform.planned(agent, _at(WEDNESDAY, free)) is None
            (change,) = _changes(live, agent)
            assert (change["kind"], change["request_id"]) == ("swap", asked["request_id"])
        assert live.post("a2", agree, {"agree": True}).status_code == 409  # answered already


def test_a_swap_the_colleague_declines_changes_nothing(db_url: str) -> None:
    with _live(db_url) as live:
        r = _ask(live, "a1", kind="swap", day=WEDNESDAY, colleague_id="b1")
        assert r.status_code == 201, r.text
        request_id = r.json()["request_id"]
        # b1's manager sees it pending; a1's too
        assert [x["request_id"] for x in live.get("m.blue", REQUESTS).json()] == [request_id]
        r = live.post("b1", f"{REQUESTS}/{request_id}/agree", {"agree": False})
        assert r.status_code == 200, r.text
        declined = r.json()
        assert declined["state"] == "refused"
        assert declined["detail"]["declined_by"] == "b1"
        assert live.platform.planned("a1", _at(WEDNESDAY, 9)) is not None
        assert live.platform.planned("b1", _at(WEDNESDAY, 15)) is not None
        assert _changes(live, "a1") == _changes(live, "b1") == []
        assert live.get("m.red", REQUESTS).json() == []  # decided: not pending
        (decided,) = live.get("m.red", f"{REQUESTS}?all=true").json()
        assert decided["state"] == "refused"


def test_without_auto_approval_a_request_waits_for_a_manager_of_its_team(db_url: str) -> None:
    with _live(db_url, requests_auto_approve=[]) as live:
        _ready(live)
        r = _ask(live, "h1", kind="location", day=WEDNESDAY, location="home")
        assert r.status_code == 201, r.text
        asked = r.json()
        assert asked["state"] == "awaiting_planner"
        assert _where(live, "h1", WEDNESDAY, 10) is WorkMode.SITE
        decision = f"{REQUESTS}/{asked['request_id']}/decision"
        # a manager of another team neither sees nor decides it; an advisor cannot decide
        assert live.get("m.red", REQUESTS).json() == []
        assert live.post("m.red", decision, {"approve": True}).status_code == 404
        assert live.post("h1", decision, {"approve": True}).status_code == 403
        (pending,) = live.get("m.blue", REQUESTS).json()
        assert pending["request_id"] == asked["request_id"]
        r = live.post("m.blue", decision, {"approve": True, "reason": "fine by me"})
        assert r.status_code == 200, r.text
        assert (r.json()["state"], r.json()["decided_by"]) == ("approved", "m.blue")
        assert _where(live, "h1", WEDNESDAY, 10) is WorkMode.HOME
        (change,) = _changes(live, "h1")
        assert change["decided_by"] == "m.blue"
        assert live.post("m.blue", decision, {"approve": False}).status_code == 409
        # a pending request can be cancelled by the advisor who asked, once
        r = _ask(live, "h1", kind="location", day=THURSDAY, location="home")
        assert r.status_code == 201, r.text
        cancel = f"{REQUESTS}/{r.json()['request_id']}/cancel"
        assert live.post("a1", cancel).status_code == 404
        assert live.post("h1", cancel).json()["state"] == "cancelled"
        assert live.post("h1", cancel).status_code == 409


def test_a_request_the_rules_no_longer_allow_is_refused_when_approved(db_url: str) -> None:
    with _live(db_url, scenario=_limited(1), requests_auto_approve=[]) as live:
        _ready(live)
        # each home day alone is within the limit of one a week: both wait for a planner
        ids = []
        for day in (WEDNESDAY, THURSDAY):
            r = _ask(live, "h1", kind="location", day=day, location="home")
            assert r.status_code == 201, r.text
            ids.append(r.json()["request_id"])
        first, second = (f"{REQUESTS}/{i}/decision" for i in ids)
        assert live.post("admin", first, {"approve": True}).json()["state"] == "approved"
        r = live.post("admin", second, {"approve": True})
        assert r.status_code == 409 and "max_home_days_week" in r.json()["detail"], r.text
        assert _where(live, "h1", THURSDAY, 10) is WorkMode.SITE
        refused = next(x for x in live.get("h1", REQUESTS).json() if x["request_id"] == ids[1])
        assert (refused["state"], refused["decided_by"]) == ("refused", "platform")
        assert {x["rule"] for x in refused["detail"]["rules"]} >= {"max_home_days_week"}
        assert len(_changes(live, "h1")) == 1


def test_a_swap_across_two_teams_is_decided_by_a_manager_of_both_or_a_planner(
    db_url: str,
) -> None:
    with _live(db_url, requests_auto_approve=["location"]) as live:
        r = _ask(live, "a1", kind="swap", day=WEDNESDAY, colleague_id="b1")
        assert r.status_code == 201, r.text
        request_id = r.json()["request_id"]
        r = live.post("b1", f"{REQUESTS}/{request_id}/agree", {"agree": True})
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "awaiting_planner"  # swaps are not automatic here
        assert live.platform.planned("a1", _at(WEDNESDAY, 9)) is not None
        decision = f"{REQUESTS}/{request_id}/decision"
        # each manager sees it (one of the advisors is theirs) but may not decide alone
        for manager in ("m.red", "m.blue"):
            (seen,) = live.get(manager, REQUESTS).json()
            assert seen["request_id"] == request_id
            assert live.post(manager, decision, {"approve": True}).status_code == 403
        r = live.post("admin", decision, {"approve": True})
        assert r.status_code == 200 and r.json()["state"] == "approved", r.text
        assert live.platform.planned("b1", _at(WEDNESDAY, 9)) is not None
        assert live.platform.planned("a1", _at(WEDNESDAY, 15)) is not None
