from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from homeshore.errors import InputError
from homeshore.scheduling import explanation, solve
from homeshore.scheduling.coverage import (
    COVERAGE_COLUMNS,
    POOL_COVERAGE_COLUMNS,
    coverage_table,
    pool_coverage,
)
from homeshore.scheduling.explain import coverage_table as explain_coverage
from homeshore.scheduling.problem import build_problem
from homeshore.scheduling.requirement_schedule import fewer_agents, requirement_schedule
from homeshore.scheduling.settings import PenaltyWeights
from tests.scheduling.tiny import SETTINGS, agent, requirements, scenario


def _pooled(req: pd.DataFrame, required: dict[str, int]) -> pd.DataFrame:
    return req.assign(
        pool="q1+q2",
        required_agents=req["queue"].map(required).where(req["scheduled_agents"] > 0, 0),
    )


def test_the_roster_counts_what_the_coverage_counts() -> None:
    """The roster's under-coverage goal and the report's shortfall are one measure: on a
    solved roster (grid = interval), the agents the solver says are missing are the
    agent-intervals the coverage table finds short, and explain.py's coverage agrees."""
    agents = [
        agent("a", contract_h=16, skills=("q1", "q2")),
        agent("b", contract_h=16, skills=("q1",)),
        agent("c", contract_h=16, skills=("q2",)),
    ]
    sc = scenario(agents, queues=("q1", "q2"))
    req = requirements({"q1": 2, "q2": 1}, days=[0, 1, 2], hours=(8, 18))
    quiet = PenaltyWeights(start_time_change=0)
    p = build_problem(sc, req, dataclasses.replace(SETTINGS, weights=quiet))
    result = solve(p)
    assert result.schedule is not None
    cover = coverage_table(result.schedule, _pooled(req, {"q1": 2, "q2": 1}))
    assert tuple(cover.columns) == COVERAGE_COLUMNS
    under = result.penalty_units["under_coverage"]
    assert under > 0  # 48 agent-hours of contract for 90 wanted: some intervals short
    assert cover["shortfall"].sum() == pytest.approx(under)
    for queue in ("q1", "q2"):
        mine = cover[cover["queue"] == queue]
        assert mine["shortfall"].sum() == pytest.approx(
            result.penalty_units[f"under_coverage[{queue}]"]
        )
    assert explain_coverage(p, result.schedule)["under"].sum() == pytest.approx(under)
    assert "under_coverage" in explanation(result)


def test_a_pool_adds_up_its_queues() -> None:
    sc = scenario(
        [agent("a", skills=("q1", "q2")), agent("b", skills=("q1",))], queues=("q1", "q2")
    )
    req = _pooled(requirements({"q1": 1, "q2": 1}, days=[0], hours=(9, 11)), {"q1": 1, "q2": 1})
    schedule = requirement_schedule(req.assign(required_agents=req["required_agents"]), sc)
    cover = coverage_table(schedule, req)
    pools = pool_coverage(cover)
    assert tuple(pools.columns) == POOL_COVERAGE_COLUMNS
    busy = pools[pools["required_agents"] > 0]
    assert len(busy) == 4 and (busy["planned_agents"] == 2).all()
    assert (busy["shortfall"] == 0).all() and (busy["below_required"] == 0).all()
    # one advisor on the other queue of the pool: the pool has its two, q2 misses its one
    moved = [dataclasses.replace(s, queue="q1") if s.agent_id == "a" else s for s in schedule]
    cover = coverage_table(type(schedule).of(moved), req)
    pools = pool_coverage(cover)
    busy = pools[pools["required_agents"] > 0]
    assert (busy["planned_agents"] == 2).all() and (busy["below_required"] == 1).all()


def test_requirement_schedule_puts_exactly_the_requirement_on_each_queue() -> None:
    agents = [
        agent("a", skills=("q1", "q2")),
        agent("b", skills=("q1",)),
        agent("c", skills=("q2",)),
    ]
    sc = scenario(agents, queues=("q1", "q2"))
    req = _pooled(requirements({"q1": 1, "q2": 2}, days=[0, 1], hours=(9, 12)), {"q1": 1, "q2": 2})
    schedule = requirement_schedule(req, sc)
    cover = coverage_table(schedule, req)
    assert (cover["planned_agents"] == cover["required_agents"]).all()
    # q2 needs both advisors with its skill, so q1 goes to b; each keeps its queue all along
    assert {(s.agent_id, s.queue) for s in schedule} == {("a", "q2"), ("b", "q1"), ("c", "q2")}
    assert len(schedule) == 6  # one segment per advisor and day
    # a tenth fewer (at least one) in every interval, taken from the queue with the most
    fewer = requirement_schedule(req, sc, fewer=0.1)
    short = coverage_table(fewer, req)
    busy = pool_coverage(short)
    busy = busy[busy["required_agents"] > 0]
    assert (busy["below_required"] == 1).all()
    assert short.loc[short["queue"] == "q2", "below_required"].max() == 1
    assert list(fewer_agents(req, 1.0, "required_agents")) == [0] * len(req)


def test_too_few_advisors_for_a_requirement_is_named() -> None:
    sc = scenario([agent("a", skills=("q1",))], queues=("q1", "q2"))
    req = requirements({"q2": 1}, days=[0], hours=(9, 10)).assign(required_agents=1)
    with pytest.raises(InputError, match="queue q2 needs 1 advisors at 2026-11-02T09:00"):
        requirement_schedule(req, sc)
