from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import pytest

from homeshore.domain import (
    Activity,
    LabourRules,
    Schedule,
    ScheduleSegment,
    TeleworkAgreement,
    WeeklyHours,
    WorkMode,
)
from homeshore.scheduling.audit import audit
from tests.scheduling.tiny import MONDAY, agent, at, scenario, seg

W, B, L, T = Activity.WORK, Activity.BREAK, Activity.LUNCH, Activity.TRAINING


def _day(d: int, *, home: bool = False) -> list[ScheduleSegment]:
    """A clean 7 h day: 08:00-15:45 with breaks and lunch."""
    return [
        seg("a1", d, (8, 0), (10, 0), home=home),
        seg("a1", d, (10, 0), (10, 15), B, home=home),
        seg("a1", d, (10, 15), (12, 0), home=home),
        seg("a1", d, (12, 0), (12, 45), L, home=home),
        seg("a1", d, (12, 45), (14, 0), home=home),
        seg("a1", d, (14, 0), (14, 15), B, home=home),
        seg("a1", d, (14, 15), (15, 45), home=home),
    ]


CLEAN = [s for d in range(5) for s in _day(d)]


def _rules(extra: list[ScheduleSegment], drop: int | None = None, **kw: object) -> set[str]:
    base = [s for i, s in enumerate(CLEAN) if i != drop]
    sc = scenario([agent(**kw)])  # type: ignore[arg-type]
    return {v.rule for v in audit(Schedule.of(base + extra), sc, weeks=1)}


def test_clean_week_has_no_violation() -> None:
    assert _rules([]) == set()


@pytest.mark.parametrize(
    ("extra", "rule"),
    [
        ([seg("a1", 5, (8, 0), (19, 0))], "max_daily_work"),
        ([seg("a1", 5, (8, 0), (10, 0))], "shift_length"),
        ([seg("a1", 5, (8, 0), (11, 0))], "paid_breaks"),
        ([seg("a1", 5, (8, 0), (8, 5), B)], "paid_breaks"),
        ([seg("a1", 5, (8, 0), (8, 30), L)], "lunch_window"),
        ([seg("a1", 5, (8, 0), (12, 0), home=True)], "home_work"),
        ([seg("a1", 5, (8, 0), (12, 0), T, home=True)], "training_site"),
        ([seg("a1", 5, (8, 0), (12, 0), queue="nope")], "skills"),
        ([seg("a1", 6, (8, 0), (12, 0))], "skills"),  # queue closed on Sunday
        ([seg("a1", 0, (9, 0), (9, 30))], "overlap"),
        ([seg("zz", 0, (9, 0), (9, 30))], "unknown_agent"),
        ([seg("a1", 5, (8, 0), (10, 0)), seg("a1", 5, (11, 0), (13, 0))], "split_shifts"),
    ],
)
def test_auditor_flags(extra: list[ScheduleSegment], rule: str) -> None:
    assert rule in _rules(extra)


def test_auditor_flags_contract_hours_of_unscheduled_agents() -> None:
    sc = scenario([agent("a1"), agent("idle")])
    found = audit(Schedule.of(CLEAN), sc, weeks=1)
    assert [(v.rule, v.who) for v in found] == [("contract_hours", "idle")]


def test_auditor_flags_days_off_and_availability() -> None:
    assert "days_off" in _rules([], days_off=frozenset({MONDAY}))
    hours = WeeklyHours.from_mapping(
        {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    )
    assert "availability" in _rules([], availability=hours)


def test_auditor_flags_night_work_and_right_to_disconnect() -> None:
    night = ScheduleSegment("a1", at(5, 21), at(6, 1), W, WorkMode.SITE, "s1", "q1")
    sc = scenario([agent()], opening=WeeklyHours.always())
    assert "night_work_daily" in {v.rule for v in audit(Schedule.of([*CLEAN, night]), sc, weeks=1)}
    contact = WeeklyHours.from_mapping(
        {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    )
    sc2 = scenario([agent(home=True)], agreement=TeleworkAgreement(contact_hours=contact))
    home_week = [s for d in range(5) for s in _day(d, home=True)]
    found = {v.rule for v in audit(Schedule.of(home_week), sc2, weeks=1)}
    assert "right_to_disconnect" in found


def test_auditor_break_after_work() -> None:
    long_day = [
        seg("a1", 5, (14, 0), (16, 0)),
        seg("a1", 5, (16, 0), (16, 15), B),
        seg("a1", 5, (16, 15), (18, 15)),
        seg("a1", 5, (18, 15), (18, 30), B),
        seg("a1", 5, (18, 30), (20, 30)),
    ]
    sc = scenario([agent(contract_h=42)], rules=LabourRules(contract_tolerance_h=5))
    found = {v.rule for v in audit(Schedule.of(CLEAN + long_day), sc, weeks=1)}
    assert "break_after_work" in found


def test_auditor_names_agent_time_and_rule() -> None:
    sc = scenario([agent()])
    v = audit(Schedule.of([*CLEAN, seg("a1", 5, (8, 0), (19, 0))]), sc, weeks=1)
    hit = next(x for x in v if x.rule == "max_daily_work")
    assert hit.who == "a1"
    assert hit.when == at(5, 8)
    assert hit.when.tzinfo is not None and isinstance(hit.when, dt.datetime)


HOME_LIMITS = TeleworkAgreement(
    onsite_days_per_month=0, training_share=0.0, max_home_days_per_week=2
)


def _home_weeks(home_days: set[int], days: Iterable[int] = range(5)) -> Schedule:
    return Schedule.of([s for d in days for s in _day(d, home=d in home_days)])


def test_max_home_days_week_audit() -> None:
    sc = scenario([agent(home=True)], agreement=HOME_LIMITS)
    found = audit(_home_weeks({0, 1, 2}), sc, weeks=1)
    assert [(v.rule, v.who, v.when) for v in found] == [("max_home_days_week", "a1", at(0, 0))]
    assert found[0].detail == "3 home days in week 2026-W45, limit 2"
    assert audit(_home_weeks({0, 1}), sc, weeks=1) == []
    # a day whose shift is partly at home is a home day
    mixed = [*_day(2)[:-1], _day(2, home=True)[-1]]
    partly = Schedule.of([*_home_weeks({0, 1}, range(2)), *mixed, *_home_weeks(set(), range(3, 5))])
    assert [v.rule for v in audit(partly, sc, weeks=1)] == ["max_home_days_week"]


def test_max_home_days_month_audit() -> None:
    agreement = dataclasses.replace(HOME_LIMITS, max_home_days_per_week=None)
    sc = scenario(
        [agent(home=True)], agreement=dataclasses.replace(agreement, max_home_days_per_month=4)
    )
    two_weeks = [*range(5), *range(7, 12)]
    found = audit(_home_weeks({0, 1, 2, 7, 8}, two_weeks), sc, weeks=2)
    assert [(v.rule, v.who, v.detail) for v in found] == [
        ("max_home_days_month", "a1", "5 home days in month 2026-11, limit 4")
    ]
    assert audit(_home_weeks({0, 1, 7, 8}, two_weeks), sc, weeks=2) == []
