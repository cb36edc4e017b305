from __future__ import annotations

import pandas as pd

from homeshore.domain import Activity, LabourRules, Schedule, WeeklyHours
from homeshore.scheduling.audit import audit
from homeshore.scheduling.problem import build_problem
from homeshore.scheduling.solve import solve
from tests.scheduling.tiny import SETTINGS, agent, at, requirements, scenario, seg

ALWAYS = WeeklyHours.always()


def test_daily_rest_night_then_early_is_forbidden_but_night_then_day_is_not() -> None:
    """Regression: a rule against Night -> Early must not forbid Night -> Day."""
    night = seg("a1", -1, (21, 0), (5, 0), end_day=0)  # Sunday 21:00 - Monday 05:00
    previous = Schedule.of([night])
    sc = scenario([agent(contract_h=4)], rules=LabourRules(contract_tolerance_h=0), opening=ALWAYS)
    req = requirements(1, days=[0], hours=(6, 10))
    day = requirements(1, days=[0], hours=(16, 20))
    both = pd.concat([req, day], ignore_index=True).drop_duplicates(["queue", "start"])
    p = build_problem(sc, both, SETTINGS, previous=previous)
    result = solve(p)
    assert result.schedule is not None
    starts = sorted({s.start for s in result.schedule})
    assert starts[0] == at(0, 16)  # the Day shift, 11 h after the night
    # 06:00-10:00 stays uncovered (8 slots) and the paid break takes one slot at 16:00-20:00
    assert result.penalty_units["under_coverage"] == 9
    # without the night before, the early shift is taken as well as the day one is
    free = solve(build_problem(sc, both, SETTINGS))
    assert free.schedule is not None
    assert free.penalty_units["under_coverage"] == 9
    assert audit(result.schedule, sc, previous=previous) == []


def test_daily_rest() -> None:
    sc = scenario([agent(contract_h=8)], opening=ALWAYS)
    late = seg("a1", 0, (14, 0), (18, 0))
    early = seg("a1", 1, (4, 0), (8, 0))  # 10 h after
    found = [v.rule for v in audit(Schedule.of([late, early]), sc, weeks=1)]
    assert "daily_rest" in found
    fine = seg("a1", 1, (5, 0), (9, 0))  # 11 h after
    assert "daily_rest" not in [v.rule for v in audit(Schedule.of([late, fine]), sc, weeks=1)]


def test_max_working_days() -> None:
    rules = LabourRules(max_working_days_per_week=5, contract_tolerance_h=0, max_shift_h=5)
    sc = scenario([agent(contract_h=30)], rules=rules)
    result = solve(build_problem(sc, requirements(1), SETTINGS))
    assert result.status == "infeasible"
    rules_in_conflict = {rule for rule, _ in result.conflicts}
    assert "max_working_days" in rules_in_conflict
    assert rules_in_conflict <= {
        "max_working_days",
        "contract_hours",
        "shift_length",
        "max_daily_work",
        "weekly_rest",
    }
    ok = solve(
        build_problem(scenario([agent(contract_h=25)], rules=rules), requirements(1), SETTINGS)
    )
    assert ok.schedule is not None
    days = {s.start.date() for s in ok.schedule}
    assert len(days) <= 5


def test_weekly_rest() -> None:
    sc = scenario([agent(contract_h=35)], opening=ALWAYS)
    # six days at work with at most 34 h between two of them
    shifts = [seg("a1", d, (8, 0), (14, 0)) for d in range(3)]
    shifts += [seg("a1", d, (8, 0), (14, 0)) for d in range(4, 7)]
    shifts += [seg("a1", 2, (14, 0), (22, 0), Activity.WORK)]
    found = [v.rule for v in audit(Schedule.of(shifts), sc, weeks=1)]
    assert "weekly_rest" in found
    good = [seg("a1", d, (8, 0), (14, 0)) for d in range(5)]
    assert "weekly_rest" not in [v.rule for v in audit(Schedule.of(good), sc, weeks=1)]
    result = solve(build_problem(sc, requirements(2, days=range(7), hours=(0, 24)), SETTINGS))
    assert result.schedule is not None
    assert "weekly_rest" not in [v.rule for v in audit(result.schedule, sc, weeks=1)]
