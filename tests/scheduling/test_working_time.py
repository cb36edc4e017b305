from __future__ import annotations

from collections import defaultdict

from homeshore.domain import LabourRules, Schedule
from homeshore.domain.schedule import PAID_ACTIVITIES
from homeshore.scheduling.audit import audit
from homeshore.scheduling.problem import build_problem
from homeshore.scheduling.solve import solve
from tests.scheduling.tiny import SETTINGS, agent, requirements, scenario, seg


def _paid_h(schedule: Schedule) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for s in schedule:
        if s.activity in PAID_ACTIVITIES:
            out[s.agent_id] += s.duration_min / 60
    return out


def test_contract_hours() -> None:
    rules = LabourRules(contract_tolerance_h=1.0)
    sc = scenario([agent("a", contract_h=20), agent("b", contract_h=30)], rules=rules)
    result = solve(build_problem(sc, requirements(3), SETTINGS))
    assert result.schedule is not None
    paid = _paid_h(result.schedule)
    assert 19 <= paid["a"] <= 21
    assert 29 <= paid["b"] <= 31
    # an agent free on Monday only cannot reach 20 h
    from homeshore.domain import WeeklyHours

    monday = WeeklyHours.from_mapping({"mon": ["06:00-22:00"]})
    tight = scenario([agent("c", contract_h=20, availability=monday)], rules=rules)
    bad = solve(build_problem(tight, requirements(1), SETTINGS))
    assert bad.status == "infeasible"
    assert {r for r, _ in bad.conflicts} >= {"contract_hours"}
    assert {r for r, _ in bad.conflicts} & {"availability", "max_daily_work", "shift_length"}


def test_overtime() -> None:
    sc = scenario([agent(contract_h=35)], rules=LabourRules(max_overtime_h_per_week=2.0))
    shifts = [seg("a1", d, (8, 0), (15, 45)) for d in range(5)]  # 5 x 7.75 h = 38.75 h
    found = [v.rule for v in audit(Schedule.of(shifts), sc, weeks=1)]
    assert "overtime" in found
    rules = LabourRules(max_overtime_h_per_week=0.0, contract_tolerance_h=0.0)
    result = solve(
        build_problem(scenario([agent(contract_h=38)], rules=rules), requirements(1), SETTINGS)
    )
    assert result.status == "infeasible"
    assert {r for r, _ in result.conflicts} == {"overtime", "contract_hours"}


def test_max_weekly_work() -> None:
    rules = LabourRules(max_weekly_work_h=30.0, contract_tolerance_h=0.0)
    result = solve(
        build_problem(scenario([agent(contract_h=32)], rules=rules), requirements(1), SETTINGS)
    )
    assert result.status == "infeasible"
    assert ("max_weekly_work", "a1") in result.conflicts
    sc = scenario([agent(contract_h=35)], rules=LabourRules(max_weekly_work_h=30.0))
    shifts = [seg("a1", d, (8, 0), (14, 30)) for d in range(5)]
    assert "max_weekly_work" in [v.rule for v in audit(Schedule.of(shifts), sc, weeks=1)]


def test_average_weekly_work() -> None:
    rules = LabourRules(max_avg_weekly_work_h=30.0, contract_tolerance_h=0.0)
    result = solve(
        build_problem(scenario([agent(contract_h=32)], rules=rules), requirements(1), SETTINGS)
    )
    assert result.status == "infeasible"
    assert ("average_weekly_work", "a1") in result.conflicts
