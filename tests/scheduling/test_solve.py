from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeshore.domain import LabourRules, WorkMode
from homeshore.scheduling import audit, explanation, solve, under_coverage_bound
from homeshore.scheduling.problem import build_problem
from homeshore.scheduling.settings import PenaltyWeights
from homeshore.scheduling.template_bound import template_bound
from tests.scheduling.tiny import SETTINGS, agent, requirements, scenario


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    contracts=st.lists(st.sampled_from([8.0, 16.0, 24.0, 35.0]), min_size=1, max_size=3),
    homes=st.lists(st.booleans(), min_size=3, max_size=3),
    splits=st.lists(st.booleans(), min_size=3, max_size=3),
    seats=st.integers(min_value=1, max_value=3),
    need=st.integers(min_value=0, max_value=2),
    hours=st.sampled_from([(8, 12), (8, 20), (12, 22)]),
)
def test_solver_output_passes_the_audit(
    contracts: list[float],
    homes: list[bool],
    splits: list[bool],
    seats: int,
    need: int,
    hours: tuple[int, int],
) -> None:
    agents = [
        agent(f"a{i}", contract_h=c, home=homes[i], split=homes[i] and splits[i])
        for i, c in enumerate(contracts)
    ]
    sc = scenario(agents, seats=seats)
    p = build_problem(sc, requirements(need, hours=hours), SETTINGS)
    result = solve(p)
    if result.schedule is None:
        assert result.status in ("infeasible", "unknown")
        if result.status == "infeasible":
            assert result.conflicts
        return
    assert audit(result.schedule, sc, weeks=1, settings=p.settings) == []
    # both lower bounds hold for any rule-abiding schedule, the template one is tighter
    loose, tight = under_coverage_bound(p), template_bound(p)
    assert loose.under_agent_slots <= tight.under_agent_slots + 1e-6
    assert tight.under_agent_slots <= result.penalty_units["under_coverage"] + 1e-6


def test_same_seed_same_schedule() -> None:
    sc = scenario([agent("a", contract_h=24), agent("b", contract_h=24, home=True, split=True)])
    p = build_problem(sc, requirements(2), SETTINGS)
    first, second = solve(p), solve(p)
    assert first.schedule == second.schedule
    assert first.objective == second.objective


def test_objective_equals_the_sum_of_named_penalties() -> None:
    sc = scenario([agent("a", contract_h=16), agent("b", contract_h=16)])
    result = solve(build_problem(sc, requirements(1), SETTINGS))
    assert result.objective is not None
    top_level = {k: v for k, v in result.penalty_costs.items() if "[" not in k}
    assert sum(top_level.values()) == result.objective
    text = explanation(result)
    for name in ("under_coverage", "over_coverage", "start_time_change", "contract_hours"):
        assert name in text


def test_exact_under_coverage_penalty() -> None:
    """One 4 h agent, 4 h wanted: the only loss is the paid break's slot."""
    quiet = PenaltyWeights(over_coverage=0, off_primary_queue=0, start_time_change=0)
    s = dataclasses.replace(SETTINGS, weights=quiet)
    sc = scenario([agent(contract_h=4)], rules=LabourRules(contract_tolerance_h=0))
    result = solve(build_problem(sc, requirements(1, days=[2], hours=(9, 13)), s))
    assert result.status == "optimal"
    assert result.penalty_units["under_coverage"] == 1
    assert result.penalty_costs["under_coverage"] == quiet.under_coverage


def test_batches_and_neighbourhood_search_give_a_clean_schedule() -> None:
    agents = [agent(f"a{i}", contract_h=16, home=i % 2 == 0) for i in range(6)]
    sc = scenario(agents, seats=3)
    s = dataclasses.replace(
        SETTINGS, batch_agents=2, lns_agents=2, time_limit_s=3.0, lns_step_s=0.5
    )
    p = build_problem(sc, requirements(2), s)
    result = solve(p)
    assert result.schedule is not None
    assert audit(result.schedule, sc, weeks=1, settings=s) == []
    bound = under_coverage_bound(p)
    tight = template_bound(p)
    assert bound.under_agent_slots <= tight.under_agent_slots + 1e-6
    assert tight.under_agent_slots <= result.penalty_units["under_coverage"] + 1e-6
    assert {seg.location for seg in result.schedule} <= {WorkMode.SITE, WorkMode.HOME}


def test_template_bound_counts_the_break_inside_the_only_shift() -> None:
    """One 4 h agent, 8 h wanted: its shift has a paid break slot, so 9 of 16 slots miss."""
    sc = scenario([agent(contract_h=4)], rules=LabourRules(contract_tolerance_h=0))
    p = build_problem(sc, requirements(1, days=[2], hours=(9, 17)), SETTINGS)
    assert abs(template_bound(p).under_agent_slots - 9) < 1e-6


def test_lower_bound_is_exact_when_capacity_is_the_only_limit() -> None:
    sc = scenario([agent(contract_h=4)], rules=LabourRules(contract_tolerance_h=0))
    p = build_problem(sc, requirements(1, days=[2], hours=(9, 17)), SETTINGS)
    bound = under_coverage_bound(p)
    assert bound.required_agent_slots == 16
    assert abs(bound.under_agent_slots - 8) < 1e-6  # 4 h of 8 h at most
