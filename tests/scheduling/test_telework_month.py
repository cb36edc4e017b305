"""The telework agreement's monthly rules (telework_month.py): training_share and onsite_days
per calendar month, counting the weeks already worked or planned (a previous schedule)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ortools.sat.python import cp_model

from homeshore.domain import Activity, Schedule, ScheduleSegment, TeleworkAgreement, WorkMode
from homeshore.scheduling.audit import Violation, audit
from homeshore.scheduling.model import RosterModel
from homeshore.scheduling.plan import Plan
from homeshore.scheduling.problem import build_problem
from homeshore.scheduling.solve import build_schedule, solve
from homeshore.scheduling.telework_month import (
    EMPTY,
    MonthRecord,
    horizon_months,
    month_records,
    onsite_days_due,
    onsite_days_ok,
    training_share_ok,
    training_target_min,
)
from homeshore.scheduling.templates import ShiftTemplate
from tests.scheduling.tiny import SETTINGS, TZ, agent, requirements, scenario, seg

AGREEMENT = TeleworkAgreement(onsite_days_per_month=1, training_share=0.10)
BLOCK_MIN = 7 * 60  # a training day (SchedulingSettings.training_day_h)
#: a smaller deterministic budget than the other tiny tests: these chain several solves
CHAIN = dataclasses.replace(SETTINGS, time_limit_s=0.8)
#: weeks after tiny.MONDAY (2 November 2026) of the weeks of November 2027, a month that
#: starts on a Monday: five weekly plans, the fifth also holding 1-5 December
NOVEMBER_2027 = range(52, 57)
MONTHLY = ("training_share", "onsite_days")


def _record(paid_h: float, training_h: float = 0.0, onsite: int = 0, home: int = 1) -> MonthRecord:
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=i) for i in range(onsite + home)]
    return MonthRecord(
        paid_h * 60, training_h * 60, frozenset(days[:onsite]), frozenset(days[onsite:])
    )


def _share_ok(done: MonthRecord, planned: MonthRecord) -> bool:
    return training_share_ok(done, planned, per_mille=100, block_min=BLOCK_MIN)


def _monthly(found: list[Violation]) -> list[str]:
    return [v.rule for v in found if v.rule in MONTHLY]


def _by_agent(schedule: Schedule, agent_id: str, month: str) -> MonthRecord:
    records = month_records(schedule, TZ, AGREEMENT.split_gap_max_min)
    return records.get((agent_id, month), EMPTY)


def test_horizon_months_count_the_whole_weeks_left() -> None:
    # one week from Monday 15 November 2027: 9 days of November left after it (1 week)
    (nov,) = horizon_months(dt.date(2027, 11, 15), 7)
    assert (nov.name, nov.days, nov.weeks_left) == ("2027-11", tuple(range(7)), 1)
    (nov,) = horizon_months(dt.date(2027, 11, 22), 7)  # 29-30 November left: no whole week
    assert nov.weeks_left == 0
    nov, dec = horizon_months(dt.date(2027, 11, 29), 7)
    assert (nov.days, nov.weeks_left) == ((0, 1), 0)
    assert (dec.name, dec.first_day, dec.days, dec.weeks_left) == (
        "2027-12",
        dt.date(2027, 12, 1),
        (2, 3, 4, 5, 6),
        3,  # 6-31 December: 26 days
    )


def test_onsite_days_due_one_per_whole_week_left() -> None:
    assert [onsite_days_due(1, w) for w in (3, 2, 1, 0)] == [0, 0, 0, 1]
    assert [onsite_days_due(2, w) for w in (3, 1, 0)] == [0, 1, 2]
    none, one = _record(35), _record(35, onsite=1)
    assert not onsite_days_ok(none, EMPTY, per_month=1, weeks_left=0)
    assert onsite_days_ok(none, EMPTY, per_month=1, weeks_left=1)
    assert onsite_days_ok(one, EMPTY, per_month=1, weeks_left=0)  # done in an earlier week
    assert onsite_days_ok(none, _record(35, onsite=1), per_month=1, weeks_left=0)


def test_training_share_rounds_down_to_whole_training_days() -> None:
    # the finding on main: a one-week plan of 30 paid hours with a 7-h training day (23 %)
    assert not _share_ok(EMPTY, _record(30, training_h=7))
    assert _share_ok(EMPTY, _record(30))  # 3 h owed, less than a block: none
    assert training_target_min(30 * 60, 100, BLOCK_MIN) == 0
    # a month at 70 h owes exactly one training day, whichever plan holds it
    assert not _share_ok(_record(35), _record(35))
    assert _share_ok(_record(35), _record(35, training_h=7))
    assert _share_ok(_record(35, training_h=7), _record(35))
    assert not _share_ok(_record(35), _record(35, training_h=14))  # overshoot
    assert training_target_min(152 * 60, 100, BLOCK_MIN) == 14 * 60  # 15.2 h owed: 2 days


def test_training_share_plan_adds_none_above_the_share() -> None:
    """Training above the share in earlier weeks does not forbid the plan; the plan then
    adds none. Training below it is caught up."""
    above = _record(35, training_h=7)  # 20 % after one week, from an older plan
    assert _share_ok(above, _record(30))
    assert not _share_ok(above, _record(30, training_h=7))
    behind = _record(105)  # three weeks without training: 10.5 h owed
    assert not _share_ok(behind, _record(35))
    assert _share_ok(behind, _record(35, training_h=14))


def test_month_records_put_a_shift_on_the_day_it_starts() -> None:
    night = [  # Saturday 31 October 2026 21:00 - Sunday 1 November 03:00, at home
        seg("h", -2, (21, 0), (23, 59), home=True),
        seg("h", -2, (23, 59), (3, 0), home=True, end_day=-1),
    ]
    training = seg("h", 0, (9, 0), (16, 0), Activity.TRAINING)
    records = month_records([*night, training], TZ, 120)
    assert set(records) == {("h", "2026-10"), ("h", "2026-11")}
    october = records["h", "2026-10"]
    assert october.paid_min == 6 * 60 and october.home_days == {dt.date(2026, 10, 31)}
    november = records["h", "2026-11"]
    assert november.training_min == 7 * 60 and november.onsite_days == {dt.date(2026, 11, 2)}


def test_training_share_one_week_plan_gives_no_training_day() -> None:
    """On main a one-week plan gave a 30-h volunteer 7 h of training (23 %)."""
    sc = scenario([agent("v", home=True, contract_h=30)], agreement=AGREEMENT)
    problem = build_problem(sc, requirements(1, week=1), CHAIN)  # 9-15 November 2026
    result = solve(problem)
    assert result.schedule is not None
    month = _by_agent(result.schedule, "v", "2026-11")
    assert month.teleworked  # the volunteer works from home ...
    assert month.training_min == 0  # ... and owes no training day for 28-32 h
    assert audit(result.schedule, sc, weeks=1, settings=CHAIN) == []
    # the old plan's week, one training day out of 30 h, is now a violation
    old = Schedule.of(
        [
            seg("v", 7, (9, 0), (16, 0), Activity.TRAINING, queue=None),
            seg("v", 8, (9, 0), (17, 0), home=True),
            seg("v", 9, (9, 0), (17, 0), home=True),
            seg("v", 10, (9, 0), (16, 0), home=True),
        ]
    )
    found = [v for v in audit(old, sc, weeks=1, settings=CHAIN) if v.rule == MONTHLY[0]]
    assert len(found) == 1 and "23.3%" in found[0].detail and "asks 0 h" in found[0].detail


def _previous_november_2026(*, onsite: bool) -> list[ScheduleSegment]:
    """Two earlier weeks of November 2026 for volunteer v: home days, and one on-site day."""
    days = [d for week in (1, 2) for d in range(7 * week, 7 * week + 4)]
    out = [seg("v", d, (9, 0), (16, 0), home=True) for d in days]
    if onsite:
        out[0] = seg("v", days[0], (9, 0), (16, 0))
    return out


def test_onsite_days_previous_weeks_with_the_day_need_none() -> None:
    agreement = dataclasses.replace(AGREEMENT, training_share=0.0)
    sc = scenario([agent("v", home=True, contract_h=28)], agreement=agreement)
    req = requirements(1, week=3)  # 23-29 November 2026: the last whole week of the month

    def onsite_days(previous: list[ScheduleSegment]) -> tuple[int, bool]:
        before = Schedule.of(previous) if previous else None
        result = solve(build_problem(sc, req, CHAIN, previous=before))
        assert result.schedule is not None
        found = audit(result.schedule, sc, weeks=1, previous=before, settings=CHAIN)
        assert found == []
        month = _by_agent(result.schedule, "v", "2026-11")
        return len(month.onsite_days), month.teleworked

    assert onsite_days([]) == (1, True)  # due in this week: one day on site, the rest home
    assert onsite_days(_previous_november_2026(onsite=False)) == (1, True)
    assert onsite_days(_previous_november_2026(onsite=True)) == (0, True)  # all at home
    # and the auditor agrees: the same all-home week needs the earlier on-site day
    week = Schedule.of([seg("v", d, (9, 0), (16, 0), home=True) for d in range(21, 25)])
    assert _monthly(audit(week, sc, weeks=1, settings=CHAIN)) == ["onsite_days"]
    with_day = Schedule.of(_previous_november_2026(onsite=True))
    assert _monthly(audit(week, sc, weeks=1, previous=with_day, settings=CHAIN)) == []


def test_training_share_and_onsite_days_over_a_month_of_chained_weekly_plans() -> None:
    """Five weekly plans of November 2027, each given the weeks before it as its previous
    schedule: every plan passes the audit across weeks, the training of the month so far
    never exceeds the share and lags it by less than a training day, and the month ends
    with its share rounded down to whole training days and its on-site day."""
    volunteers = {"h35": 35.0, "h28": 28.0}
    agents = [agent(a, home=True, contract_h=h) for a, h in volunteers.items()]
    sc = scenario([*agents, agent("s", contract_h=35)], agreement=AGREEMENT, seats=2)
    done: list[ScheduleSegment] = []
    for week in NOVEMBER_2027:
        previous = Schedule.of(done) if done else None
        problem = build_problem(sc, requirements(1, week=week), CHAIN, previous=previous)
        result = solve(problem)
        assert result.schedule is not None, week
        found = audit(result.schedule, sc, weeks=1, previous=previous, settings=CHAIN)
        assert found == [], (week, found)
        done += result.schedule.segments
        for a in volunteers:
            month = _by_agent(Schedule.of(done), a, "2027-11")
            assert month.teleworked
            share_min = 0.10 * month.paid_min
            assert share_min - BLOCK_MIN < month.training_min <= share_min, (week, a)
    whole = Schedule.of(done)
    for a in volunteers:
        month = _by_agent(whole, a, "2027-11")
        assert month.training_min == training_target_min(month.paid_min, 100, BLOCK_MIN) > 0
        assert len(month.onsite_days) >= 1
    # the month as one schedule passes the same rules (the totals are those of the chain)
    assert _monthly(audit(whole, sc, start_date=dt.date(2027, 11, 1), weeks=5)) == []


def _model_allows(rm: RosterModel, week: dict[int, ShiftTemplate]) -> bool:
    """Whether the roster's model accepts exactly these templates (every other variable
    free): the model's side of the rules, on a fixed week."""
    model = rm.model.clone()
    for (_ai, d), options in rm.choices.items():
        for tid, x in options:
            fixed = model.get_bool_var_from_proto_index(x.index)
            model.add(fixed == int(rm.catalogue[tid] == week.get(d)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 5.0
    solver.parameters.stop_after_first_solution = True
    status = solver.solve(model)
    assert status != cp_model.UNKNOWN  # templates fixed: propagation decides at once
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _seven_hours(
    rm: RosterModel, d: int, *, home: bool = False, training: bool = False
) -> ShiftTemplate:
    """The model's 09:00 template of 7 paid hours on day d: at home, on site, or training."""
    return next(
        t
        for t, _x in rm.options(rm.agents[0], d)
        if t.start_min == 9 * 60
        and t.paid_min == 7 * 60
        and bool(t.training_min) is training
        and (t.location is WorkMode.HOME) is home
    )


def _history(home: int, site: int = 0, training: int = 0) -> list[ScheduleSegment]:
    """Earlier 7-h days of November 2026 (from Monday 2): home, then site, then training."""
    days = [d for week in range(3) for d in range(7 * week, 7 * week + 5)]
    kinds = ["home"] * home + ["site"] * site + ["training"] * training
    out = []
    for d, kind in zip(days, kinds, strict=False):
        activity = Activity.TRAINING if kind == "training" else Activity.WORK
        out.append(seg("v", d, (9, 0), (16, 0), activity, home=kind == "home"))
    return out


def test_training_share_and_onsite_days_model_agrees_with_the_audit() -> None:
    """The model's constraints and the auditor's checks are the same rules: on fixed weeks
    after various earlier weeks of the month, the model accepts a week exactly when the
    auditor finds no training_share or onsite_days violation."""
    sc = scenario([agent("v", home=True, contract_h=35)], agreement=AGREEMENT)
    histories = {
        "none": [],
        "35 h home": _history(5),
        "70 h home": _history(10),
        "70 h with a training day": _history(9, training=1),
        "105 h with an on-site day": _history(14, site=1),
        "105 h with two training days": _history(13, training=2),
    }
    accepted: set[tuple[str, str]] = set()
    for name, history in histories.items():
        previous = Schedule.of(history) if history else None
        problem = build_problem(sc, requirements(1, week=3), CHAIN, previous=previous)
        rm = RosterModel(problem)
        a = problem.agents[0]
        home = {d: _seven_hours(rm, d, home=True) for d in range(5)}
        training = {d: _seven_hours(rm, d, training=True) for d in range(2)}
        weeks = {
            "5 home days": home,
            "4 home + 1 site": {**home, 0: _seven_hours(rm, 0)},
            "4 home + 1 training": {**home, 0: training[0]},
            "3 home + 2 training": {**home, **training},
        }
        for label, week in weeks.items():
            plan = Plan({(a.id, d): t for d, t in week.items()})
            schedule = build_schedule(problem, plan, work_queue="q1")
            found = audit(schedule, sc, weeks=1, previous=previous, settings=CHAIN)
            assert [v.rule for v in found if v.rule not in MONTHLY] == [], (name, label)
            audit_ok = not _monthly(found)
            assert _model_allows(rm, week) is audit_ok, (name, label, found)
            if audit_ok:
                accepted.add((name, label))
    # 23-29 November 2026 owes the on-site day; the training owed by the month's end of
    # the week is the share of 35 h more, rounded down to 7-h days
    assert accepted == {
        ("none", "4 home + 1 site"),  # 35 h owe no training, the site day is due
        ("35 h home", "4 home + 1 training"),  # 70 h owe one day, which is on site
        ("70 h home", "4 home + 1 training"),  # 105 h: one day
        ("70 h with a training day", "5 home days"),  # already done, on site too
        ("70 h with a training day", "4 home + 1 site"),
        ("105 h with an on-site day", "3 home + 2 training"),  # 140 h: two days, caught up
        ("105 h with two training days", "5 home days"),
        ("105 h with two training days", "4 home + 1 site"),
    }
