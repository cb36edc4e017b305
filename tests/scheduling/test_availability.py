from __future__ import annotations

from homeshore.domain import LabourRules, WeeklyHours, WorkMode
from homeshore.scheduling.constraints.availability import availability, days_off
from homeshore.scheduling.templates import ShiftTemplate, lay_out
from tests.scheduling.tiny import MONDAY, SETTINGS, agent, problem, scenario


def _t(start_h: int, paid_h: int) -> ShiftTemplate:
    pieces = lay_out(start_h * 60, paid_h * 60, LabourRules(), SETTINGS)
    assert pieces is not None
    return ShiftTemplate(pieces, WorkMode.SITE, "s1")


def test_availability() -> None:
    hours = WeeklyHours.from_mapping({"mon": ["12:00-20:00"], "tue": ["08:00-20:00"]})
    p = problem(scenario([agent(availability=hours)]))
    a = p.agents[0]
    assert availability(p, a, 0, _t(8, 4))  # Monday 08:00 is not available
    assert not availability(p, a, 0, _t(14, 4))
    assert not availability(p, a, 1, _t(8, 4))
    assert availability(p, a, 2, _t(8, 4))  # nothing on Wednesday


def test_days_off() -> None:
    p = problem(scenario([agent(days_off=frozenset({MONDAY}))]))
    a = p.agents[0]
    assert days_off(p, a, 0, _t(8, 4))
    assert not days_off(p, a, 1, _t(8, 4))
    night = ShiftTemplate(_t(22, 4).pieces, WorkMode.SITE, "s1")  # 22:00-02:00
    off_tuesday = problem(scenario([agent(days_off=frozenset({MONDAY.replace(day=3)}))]))
    assert days_off(off_tuesday, off_tuesday.agents[0], 0, night)  # runs into Tuesday
