"""Whole-schedule passes of cheap per-agent moves (polish)."""

from __future__ import annotations

from homeshore.domain import Activity
from homeshore.scheduling import audit
from homeshore.scheduling.construct import valid_week
from homeshore.scheduling.plan import Plan, evaluate, seat_counts
from homeshore.scheduling.polish import polish
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.solve import _patterns, build_schedule
from tests.scheduling.tiny import agent, problem, requirements, scenario


def _start(p: Problem) -> Plan:
    """Each agent's rule-abiding week, blind to coverage."""
    return Plan(_patterns(p, list(p.agents)), {})


def _never(p: Problem, plan: Plan) -> Plan:
    return polish(p, plan, valid_week, max_passes=10, stop=lambda: False)


def test_polish_moves_shifts_onto_the_missing_hours_and_stays_clean() -> None:
    agents = [agent(f"a{i}", contract_h=20, home=i % 2 == 0) for i in range(4)]
    sc = scenario(agents, seats=2)
    p = problem(sc, requirements(2, hours=(15, 22)))
    start = _start(p)
    counted = Plan(
        dict(start.chosen),
        {
            (aid, d * p.slots_per_day + k): 0
            for (aid, d), t in start.chosen.items()
            for k in t.slots(p.slot_min, Activity.WORK)
            if p.open_[0, d * p.slots_per_day + k]
        },
    )
    before = evaluate(p, counted)[0]
    after_plan = _never(p, Plan(dict(start.chosen), {}))
    after = evaluate(p, after_plan)[0]
    required = int(p.required.sum())
    assert before["under_coverage"] > 0
    assert after["under_coverage"] < before["under_coverage"] < required
    schedule = build_schedule(p, after_plan)
    assert audit(schedule, sc, weeks=1, settings=p.settings) == []
    assert int(seat_counts(p, after_plan)["s1"].max()) <= 2


def test_polish_never_loses_coverage_and_is_repeatable() -> None:
    agents = [agent(f"a{i}", contract_h=24, skills=("q1", "q2")) for i in range(3)]
    sc = scenario(agents, queues=("q1", "q2"))
    p = problem(sc, requirements({"q1": 1, "q2": 1}, hours=(7, 13)))
    once = _never(p, Plan(dict(_start(p).chosen), {}))
    again = _never(p, Plan(dict(once.chosen), dict(once.queue_of)))
    assert evaluate(p, again)[0]["under_coverage"] <= evaluate(p, once)[0]["under_coverage"]
    twice = _never(p, Plan(dict(_start(p).chosen), {}))
    assert twice.chosen == once.chosen and twice.queue_of == once.queue_of
    # each agent counts toward one queue per slot, one of its skills, while it is open
    for (_aid, slot), q in once.queue_of.items():
        assert p.open_[q, slot]
