"""What the planner hands to the report: each variant's stage outputs and what follows from them.

`VariantOutcome` holds the stage outputs as they came (tables of domain/tables.py, the
Schedule, the audit's violations, the simulated KPIs); `analyse` derives the report's tables
from them, and `comparison_table` puts the variants side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from homeshore.analytics.coverage import coverage_summary, coverage_table, pool_coverage
from homeshore.analytics.workforce import (
    WorkforceSettings,
    agent_table,
    daily_hours_by_location,
    evening_saturday_cover,
    peak_seats,
    seat_occupancy,
    workforce_summary,
)
from homeshore.domain import Scenario, Schedule

#: the audit's findings, one row per violation
AUDIT_COLUMNS: Final = ("agent_id", "start", "rule", "detail")

#: simulated KPIs per queue and interval: mean over replications and a 95 % interval
SIM_KPI_COLUMNS: Final = (
    "queue",
    "start",
    "interval_min",
    "offered",  # mean simulated contacts
    "service_level",  # answered within the threshold / offered (abandons not answered)
    "service_level_lo",
    "service_level_hi",
    "asa_s",  # mean wait of answered contacts
    "asa_s_lo",
    "asa_s_hi",
    "abandon_rate",
    "abandon_rate_lo",
    "abandon_rate_hi",
    "answered",  # mean answered contacts
    "answered_within_t",  # mean answered within the threshold
    "abandoned",  # mean abandoned contacts
)


@dataclass(frozen=True)
class VariantOutcome:
    name: str
    title: str
    description: str
    scenario: Scenario
    forecast: pd.DataFrame  # FORECAST_COLUMNS
    requirements: pd.DataFrame  # REQUIREMENT_COLUMNS
    schedule: Schedule
    roster_status: str  # optimal, feasible
    audit: pd.DataFrame  # AUDIT_COLUMNS
    simulation: pd.DataFrame  # SIM_KPI_COLUMNS
    replications: int
    roster_wall_s: float = 0.0
    roster_objective: float | None = None
    roster_bound: float | None = None
    penalty_costs: Mapping[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.title or self.name


@dataclass(frozen=True)
class VariantAnalysis:
    outcome: VariantOutcome
    coverage: pd.DataFrame  # COVERAGE_COLUMNS
    coverage_by_queue: pd.DataFrame
    pool_coverage: pd.DataFrame  # POOL_COVERAGE_COLUMNS
    coverage_by_pool: pd.DataFrame
    simulation_by_pool: pd.DataFrame
    agents: pd.DataFrame
    seats: pd.DataFrame
    occupancy: pd.DataFrame
    cover: pd.DataFrame
    daily_hours: pd.DataFrame
    simulation_by_queue: pd.DataFrame
    summary: dict[str, float]


def _service(g: pd.DataFrame) -> dict[str, float]:
    """Contacts, SL, ASA and abandon rate of a set of KPI rows (count-weighted)."""
    offered = float(g["offered"].sum())
    answered = float(g["answered"].sum())
    return {
        "offered": offered,
        "service_level": float(g["answered_within_t"].sum()) / offered if offered else np.nan,
        "asa_s": float((g["asa_s"].fillna(0) * g["answered"]).sum()) / answered
        if answered
        else np.nan,
        "abandon_rate": float(g["abandoned"].sum()) / offered if offered else np.nan,
    }


def simulation_by_queue(kpis: pd.DataFrame) -> pd.DataFrame:
    """Per queue and overall: SL, ASA and abandon rate over the whole horizon (count-weighted)."""
    groups = [(str(q), g) for q, g in kpis.groupby("queue", sort=False)]
    rows = [{"queue": q, **_service(g)} for q, g in [*groups, ("all queues", kpis)]]
    return pd.DataFrame(
        rows, columns=["queue", "offered", "service_level", "asa_s", "abandon_rate"]
    )


def simulation_by_pool(
    kpis: pd.DataFrame, coverage: pd.DataFrame, scenario: Scenario
) -> pd.DataFrame:
    """Per pool (coverage's pool of each queue): simulated service of all its contacts (each
    against its queue's threshold), and the strictest service-level target of its queues."""
    pool_of = dict(zip(coverage["queue"].astype(str), coverage["pool"].astype(str), strict=False))
    targets = {q.id: q.targets.service_level for q in scenario.queues}
    k = kpis.assign(pool=kpis["queue"].astype(str).map(pool_of))
    rows = [
        {
            "pool": pool,
            **_service(g),
            "sl_target": max(targets[str(q)] for q in g["queue"].unique()),
        }
        for pool, g in k.dropna(subset=["pool"]).groupby("pool", sort=False)
    ]
    return pd.DataFrame(
        rows, columns=["pool", "offered", "service_level", "asa_s", "abandon_rate", "sl_target"]
    )


def _with_alone(by_queue: pd.DataFrame, requirements: pd.DataFrame) -> pd.DataFrame:
    """The per-queue coverage with the agent-hours each queue would need staffed alone."""
    if "standalone_agents" not in requirements:
        return by_queue
    alone = (
        (requirements["standalone_agents"] * requirements["interval_min"] / 60.0)
        .groupby(requirements["queue"].astype(str))
        .sum()
    )
    out = by_queue.copy()
    out.insert(1, "alone_agent_h", out["queue"].astype(str).map(alone).to_numpy())
    return out


def analyse(outcome: VariantOutcome, settings: WorkforceSettings | None = None) -> VariantAnalysis:
    scenario, schedule = outcome.scenario, outcome.schedule
    coverage = coverage_table(schedule, outcome.requirements)
    by_queue = _with_alone(coverage_summary(coverage), outcome.requirements)
    pools = pool_coverage(coverage)
    agents = agent_table(schedule, scenario, settings)
    seats = peak_seats(schedule, scenario)
    sim = simulation_by_queue(outcome.simulation)
    overall = sim[sim["queue"] == "all queues"].iloc[0]
    summary = workforce_summary(agents, seats)
    summary.update(
        {
            "required_agent_h": float(by_queue["required_agent_h"].sum()),
            "scheduled_agent_h": float(by_queue["scheduled_agent_h"].sum()),
            "planned_agent_h": float(by_queue["planned_agent_h"].sum()),
            "short_agent_h": float(by_queue["short_agent_h"].sum()),
            "below_required_agent_h": float(by_queue["below_required_agent_h"].sum()),
            "service_level": float(overall["service_level"]),
            "asa_s": float(overall["asa_s"]),
            "abandon_rate": float(overall["abandon_rate"]),
            "audit_violations": float(len(outcome.audit)),
        }
    )
    return VariantAnalysis(
        outcome=outcome,
        coverage=coverage,
        coverage_by_queue=by_queue,
        pool_coverage=pools,
        coverage_by_pool=coverage_summary(pools, by="pool"),
        simulation_by_pool=simulation_by_pool(outcome.simulation, coverage, scenario),
        agents=agents,
        seats=seats,
        occupancy=seat_occupancy(schedule, scenario),
        cover=evening_saturday_cover(schedule, scenario, settings),
        daily_hours=daily_hours_by_location(schedule, scenario),
        simulation_by_queue=sim,
        summary=summary,
    )


#: (summary key, column title, format) of the comparison table at the top of the report
COMPARISON: Final = (
    ("agents_scheduled", "advisors scheduled", "{:.0f}"),
    ("paid_h", "paid hours", "{:,.0f}"),
    ("overtime_h", "overtime hours", "{:,.1f}"),
    ("peak_seats_used", "peak seats used", "{:.0f}"),
    ("home_share", "hours from home", "{:.1%}"),
    ("evening_saturday_home_share", "evening/Saturday hours from home", "{:.1%}"),
    ("required_agent_h", "agent-hours required (pooled)", "{:,.1f}"),
    ("short_agent_h", "agent-hours short of target", "{:,.1f}"),
    ("below_required_agent_h", "agent-hours below the requirement", "{:,.1f}"),
    ("service_level", "simulated service level", "{:.1%}"),
    ("asa_s", "simulated ASA (s)", "{:.1f}"),
    ("abandon_rate", "simulated abandon rate", "{:.2%}"),
    ("training_h", "training hours", "{:,.1f}"),
    ("audit_violations", "audit violations", "{:.0f}"),
)


def comparison_table(analyses: Sequence[VariantAnalysis]) -> pd.DataFrame:
    """One row per variant with the COMPARISON figures (raw numbers, for CSV/JSON)."""
    rows = []
    for a in analyses:
        evening_sat = a.cover.groupby("location")["work_h"].sum()
        total = float(evening_sat.sum())
        row: dict[str, object] = {"variant": a.outcome.name, "title": a.outcome.label}
        summary = {
            **a.summary,
            "evening_saturday_home_share": float(evening_sat.get("home", 0.0)) / total
            if total
            else 0.0,
        }
        row.update({key: summary[key] for key, _, _ in COMPARISON})
        rows.append(row)
    return pd.DataFrame(rows, columns=["variant", "title", *(k for k, _, _ in COMPARISON)])
