from __future__ import annotations

from homeshore.domain import LabourRules, Schedule
from homeshore.scheduling.audit import audit
from homeshore.scheduling.explain import coverage_table
from homeshore.scheduling.problem import build_problem
from homeshore.scheduling.solve import solve
from tests.scheduling.tiny import SETTINGS, agent, requirements, scenario, seg

RULES = LabourRules(contract_tolerance_h=0.0)


def test_skills() -> None:
    sc = scenario(
        [agent("only_q1", contract_h=8, skills=("q1",))], queues=("q1", "q2"), rules=RULES
    )
    p = build_problem(sc, requirements({"q1": 1, "q2": 1}, days=[0, 1], hours=(8, 12)), SETTINGS)
    result = solve(p)
    assert result.schedule is not None
    assert {s.queue for s in result.schedule if s.queue} == {"q1"}
    wrong = Schedule.of([seg("only_q1", 0, (8, 0), (12, 0), queue="q2")])
    assert "skills" in [v.rule for v in audit(wrong, sc, weeks=1)]


def test_skills_no_double_counting_of_multi_skilled_agents() -> None:
    """One agent with both skills counts toward one queue at a time."""
    sc = scenario(
        [agent("both", contract_h=4, skills=("q1", "q2"))], queues=("q1", "q2"), rules=RULES
    )
    p = build_problem(sc, requirements({"q1": 1, "q2": 1}, days=[0], hours=(8, 12)), SETTINGS)
    result = solve(p)
    assert result.schedule is not None
    cover = coverage_table(p, result.schedule)
    per_interval = cover.groupby("start")["scheduled"].sum()
    assert per_interval.max() <= 1.0
    # 16 queue-intervals wanted, one agent covers at most 7 of the 8 half-hours (one break)
    assert result.penalty_units["under_coverage"] == 16 - 7
