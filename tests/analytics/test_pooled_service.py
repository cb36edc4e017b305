"""Required, scheduled and simulated service agree (issue 19, section 1).

On the bundled examples, a schedule of the scenario's own advisors that meets the pooled
requirement in every interval reaches the pool's service target in simulation (within the
95 % interval over the replications), and one that misses it everywhere does not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from homeshore.analytics.relation import relation_text
from homeshore.analytics.results import AUDIT_COLUMNS, VariantOutcome, analyse
from homeshore.analytics.stages import (
    forecast_stage,
    history_stage,
    requirements_stage,
    simulation_model,
)
from homeshore.data.scenario_file import load_scenario
from homeshore.domain import Scenario, Schedule
from homeshore.planning import planning_start
from homeshore.scheduling.coverage import coverage_table, pool_coverage
from homeshore.scheduling.requirement_schedule import requirement_schedule
from homeshore.simulation import simulate
from homeshore.staffing.pools import skill_pools
from tests.analytics.conftest import forecast_from, requirements, simulated

REPLICATIONS = 10


def _pool_service(
    scenario: Scenario, schedule: Schedule, forecast: pd.DataFrame, waits: pd.DataFrame | None
) -> tuple[float, float]:
    model = simulation_model(scenario, schedule, forecast, waits)
    kpis = simulate(model, replications=REPLICATIONS, seed=scenario.planning.seed).horizon_kpis()
    every = kpis[kpis["queue"] == "ALL"].iloc[0]
    return float(every["service_level"]), float(every["service_level_ci95"])


@pytest.mark.parametrize("example", ["anonymous_bank.yaml", "telecom_fr.yaml"])
def test_meeting_the_requirement_meets_the_target_and_missing_it_does_not(
    examples_dir: Path, example: str
) -> None:
    scenario = load_scenario(examples_dir / example)
    (pool,) = skill_pools(scenario)  # each example is one pool: its service is ALL's
    target = max(scenario.queue(q).targets.service_level for q in pool.queues)
    history = history_stage(scenario)
    forecast = forecast_stage(
        history.intervals, scenario, planning_start(scenario, history.intervals), "auto"
    )
    req = requirements_stage(forecast, scenario)

    meets = requirement_schedule(req, scenario)
    cover = pool_coverage(coverage_table(meets, req))
    assert (cover["below_required"] < 1e-9).all()
    sl, ci = _pool_service(scenario, meets, forecast, history.waits)
    assert sl + ci >= target

    misses = requirement_schedule(req, scenario, fewer=0.1)
    cover = pool_coverage(coverage_table(misses, req))
    busy = cover["required_agents"] > 0
    assert (cover.loc[busy, "below_required"] >= 1).all()
    sl, ci = _pool_service(scenario, misses, forecast, history.waits)
    assert sl + ci < target


def test_the_report_says_how_required_planned_and_simulated_relate(
    tiny_scenario: Scenario, tiny_schedule: Schedule
) -> None:
    rows = [(0, f"{h:02d}:{m:02d}", 1 + (h % 2)) for h in range(8, 22) for m in (0, 30)]
    req = requirements(rows).assign(pool="q1", standalone_agents=lambda r: r["required_agents"] + 1)
    outcome = VariantOutcome(
        name="one",
        title="One",
        description="",
        scenario=tiny_scenario,
        forecast=forecast_from(req),
        requirements=req,
        schedule=tiny_schedule,
        roster_status="optimal",
        audit=pd.DataFrame(columns=list(AUDIT_COLUMNS)),
        simulation=simulated(req, sl=0.75, abandon=0.02, asa_s=12.0),
        replications=3,
    )
    a = analyse(outcome)
    text = relation_text(a)
    s = a.summary
    hours = req["interval_min"] / 60
    assert s["required_agent_h"] == pytest.approx(float((req["required_agents"] * hours).sum()))
    alone = float((req["standalone_agents"] * hours).sum())
    for figure in (s["required_agent_h"], alone, s["scheduled_agent_h"], s["planned_agent_h"]):
        assert f"{figure:,.0f} agent-hour" in text
    short, below = s["short_agent_h"], s["below_required_agent_h"]
    assert short > 0 and below > 0
    assert re.search(rf"{short:,.0f} agent-hours? short of the target", text)
    assert re.search(rf"{below:,.0f} agent-hours? below the requirement", text)
    assert "30% shrinkage" in text
    # the simulated service of the pool against its target, and the queue under its own
    assert "q1: 75.0% of" in text and "(target 80%)" in text
    assert "Under their own target: q1 75.0%" in text
