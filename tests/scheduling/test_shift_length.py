from __future__ import annotations

from homeshore.domain import LabourRules, WorkMode
from homeshore.scheduling.constraints.shift_length import shift_length
from homeshore.scheduling.templates import ShiftTemplate, lay_out
from tests.scheduling.tiny import SETTINGS, agent, problem, scenario


def test_shift_length() -> None:
    rules = LabourRules(min_shift_h=5.0, max_shift_h=7.0)
    p = problem(scenario([agent()], rules=rules))
    a = p.agents[0]

    def t(paid_h: float) -> ShiftTemplate:
        pieces = lay_out(8 * 60, int(paid_h * 60), rules, SETTINGS)
        assert pieces is not None
        return ShiftTemplate(pieces, WorkMode.SITE, "s1")

    assert shift_length(p, a, 0, t(4))
    assert not shift_length(p, a, 0, t(5))
    assert not shift_length(p, a, 0, t(7))
    assert shift_length(p, a, 0, t(8))
