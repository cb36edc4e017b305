from __future__ import annotations

import numpy as np

from homeshore.domain import Activity, LabourRules, Schedule
from homeshore.scheduling.audit import audit
from homeshore.scheduling.explain import coverage_table
from homeshore.scheduling.problem import build_problem
from homeshore.scheduling.solve import solve
from tests.scheduling.tiny import SETTINGS, agent, requirements, scenario, seg


def test_seats() -> None:
    rules = LabourRules(contract_tolerance_h=8.0)
    sc = scenario([agent(f"a{i}", contract_h=12) for i in range(3)], seats=2, rules=rules)
    p = build_problem(sc, requirements(3, days=[0, 1], hours=(8, 12)), SETTINGS)
    result = solve(p)
    assert result.schedule is not None
    cover = coverage_table(p, result.schedule)
    assert cover["scheduled"].max() <= 2  # never more than the seats
    present = np.zeros(p.n_slots)
    for s in result.schedule:
        if s.activity is not Activity.LUNCH:
            a, b = (p.minute_of_horizon(t) // p.slot_min for t in (s.start, s.end))
            present[a:b] += 1
    assert present.max() <= 2
    assert [v for v in audit(result.schedule, sc, weeks=1) if v.rule == "seats"] == []
    crowded = Schedule.of([seg(f"a{i}", 0, (8, 0), (12, 0)) for i in range(3)])
    hits = [v for v in audit(crowded, sc, weeks=1) if v.rule == "seats"]
    assert len(hits) == 1 and hits[0].who == "s1"


def test_seats_home_agents_take_no_seat() -> None:
    sc = scenario(
        [agent(f"h{i}", contract_h=4, home=True) for i in range(2)],
        seats=0,
        rules=LabourRules(contract_tolerance_h=0.0),
    )
    crowded = Schedule.of([seg(f"h{i}", 0, (8, 0), (12, 0), home=True) for i in range(2)])
    assert [v for v in audit(crowded, sc, weeks=1) if v.rule == "seats"] == []
