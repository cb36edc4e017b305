from __future__ import annotations

from homeshore.domain import LabourRules, WeeklyHours, WorkMode
from homeshore.scheduling.constraints.night_work import night_work_daily
from homeshore.scheduling.solve import solve
from homeshore.scheduling.templates import ShiftTemplate, lay_out
from tests.scheduling.tiny import SETTINGS, agent, problem, requirements, scenario

ALWAYS = WeeklyHours.always()


def _t(start_h: int, paid_h: int) -> ShiftTemplate:
    pieces = lay_out(start_h * 60, paid_h * 60, LabourRules(), SETTINGS)
    assert pieces is not None
    return ShiftTemplate(pieces, WorkMode.SITE, "s1")


def test_night_work_daily() -> None:
    p = problem(scenario([agent("day"), agent("night", night_worker=True)], opening=ALWAYS))
    day, night = p.agents
    assert not night_work_daily(p, day, 0, _t(16, 7))  # 1 h of night work (21:00-22:00...)
    assert night_work_daily(p, day, 0, _t(20, 5))  # 21:00-01:00: 4 h at night
    assert not night_work_daily(p, night, 0, _t(21, 8))
    assert night_work_daily(p, night, 0, _t(21, 9))  # more than 8 h with night work


def test_night_work_average() -> None:
    rules = LabourRules(night_worker_max_avg_weekly_h=30.0)
    sc = scenario([agent("night", night_worker=True, contract_h=35)], rules=rules, opening=ALWAYS)
    result = solve(problem(sc, requirements(1, days=range(5))))
    assert result.status == "infeasible"
    assert ("night_work_average", "night") in result.conflicts
