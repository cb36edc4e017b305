from __future__ import annotations

from homeshore.domain import LabourRules, WorkMode
from homeshore.scheduling.constraints.daily_work import daily_span, max_daily_work
from homeshore.scheduling.templates import ShiftTemplate, lay_out
from tests.scheduling.tiny import SETTINGS, agent, problem, scenario


def _t(start_h: float, paid_h: float, rules: LabourRules) -> ShiftTemplate:
    pieces = lay_out(int(start_h * 60), int(paid_h * 60), rules, SETTINGS)
    assert pieces is not None
    return ShiftTemplate(pieces, WorkMode.SITE, "s1")


def test_max_daily_work() -> None:
    rules = LabourRules(max_daily_work_h=7.0, max_shift_h=10.0)
    p = problem(scenario([agent()], rules=rules))
    a = p.agents[0]
    assert not max_daily_work(p, a, 0, _t(8, 7, rules))
    assert max_daily_work(p, a, 0, _t(8, 8, rules))


def test_daily_span() -> None:
    rules = LabourRules(daily_rest_h=15.0)  # a working day may span 9 h
    p = problem(scenario([agent()], rules=rules))
    a = p.agents[0]
    assert not daily_span(p, a, 0, _t(8, 8, rules))  # 8 h + 45 min lunch
    assert daily_span(p, a, 0, _t(8, 9, rules))  # 9 h 45 min
