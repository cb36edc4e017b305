"""The planner's stages: one thin adapter per package, each a single call into it.

`default_stages()` wires the real packages; a caller (a test, another front end) may swap one
stage for another implementation with `dataclasses.replace`. Adapters turn each package's
own result into the tables the report reads (analytics.results) and nothing more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from homeshore.analytics.results import AUDIT_COLUMNS, SIM_KPI_COLUMNS
from homeshore.data.history import History, load_history_tables
from homeshore.domain import Scenario, Schedule
from homeshore.errors import HomeshoreError
from homeshore.forecasting import ForecastSettings, forecast
from homeshore.scheduling.audit import audit
from homeshore.scheduling.problem import build_problem
from homeshore.scheduling.settings import SchedulingSettings
from homeshore.scheduling.solve import Progress, solve
from homeshore.simulation import (
    SimModel,
    agents_from_schedule,
    demand_from_forecast,
    estimate_patience,
    simulate,
)
from homeshore.simulation.kpis import ALL
from homeshore.staffing.pooling import pooled_requirements

RosterProgress = Callable[[float, float], None]  # (wall seconds, objective)
ReplicationProgress = Callable[[int], None]  # replications done


class RosterError(HomeshoreError):
    """The rostering engine found no schedule."""


@dataclass(frozen=True)
class Roster:
    """What the report needs of the rostering engine's answer."""

    schedule: Schedule
    status: str  # optimal or feasible
    wall_s: float
    objective: float | None = None
    bound: float | None = None
    penalty_costs: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Stages:
    history: Callable[[Scenario], History]
    forecast: Callable[[pd.DataFrame, Scenario, dt.date, str], pd.DataFrame]
    requirements: Callable[[pd.DataFrame, Scenario], pd.DataFrame]
    #: the last argument: the schedule already worked or planned before the horizon
    roster: Callable[
        [Scenario, pd.DataFrame, SchedulingSettings, float, RosterProgress, Schedule | None],
        Roster,
    ]
    audit: Callable[
        [Schedule, Scenario, dt.date, SchedulingSettings, Schedule | None], pd.DataFrame
    ]
    simulate: Callable[
        [Scenario, Schedule, pd.DataFrame, pd.DataFrame | None, int, int, ReplicationProgress],
        pd.DataFrame,
    ]


def history_stage(scenario: Scenario) -> History:
    return load_history_tables(scenario)


def forecast_stage(
    history: pd.DataFrame, scenario: Scenario, start: dt.date, method: str
) -> pd.DataFrame:
    settings = ForecastSettings.from_scenario(scenario, start_date=start)
    result = forecast(history, settings, scenario.planning.horizon_weeks, method)
    return result.table


def requirements_stage(forecast_table: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Each pool's advisors counted once (staffing/pooling.py, POOLED_COLUMNS)."""
    return pooled_requirements(forecast_table, scenario)


def roster_stage(
    scenario: Scenario,
    requirements: pd.DataFrame,
    settings: SchedulingSettings,
    max_time_s: float,
    progress: RosterProgress,
    previous: Schedule | None = None,
) -> Roster:
    """Solve within settings.time_limit_s; when the solver has no schedule yet (status
    unknown, not infeasible), search again once with the rest of `max_time_s` (a longer
    limit also gives each construction batch of a large roster more time). `previous`: the
    weeks before (rest, and the telework agreement's month so far)."""
    problem = build_problem(scenario, requirements, settings, previous=previous)
    result = solve(problem, progress=_shifted(progress, 0.0))
    spent_s = result.wall_s
    # a deterministic budget is spent whole, whatever the wall clock says
    used = settings.time_limit_s if settings.deterministic else spent_s
    rest_s = max(max_time_s, settings.time_limit_s) - used
    if result.schedule is None and result.status == "unknown" and rest_s >= 1.0:
        longer = dataclasses.replace(settings, time_limit_s=rest_s)
        result = solve(
            dataclasses.replace(problem, settings=longer), progress=_shifted(progress, spent_s)
        )
        spent_s += result.wall_s
    if result.schedule is None:
        conflicts = "; ".join(f"{rule} ({scope})" for rule, scope in result.conflicts[:8])
        why = f": rules that cannot all hold: {conflicts}" if conflicts else ""
        if result.status == "unknown":
            why = " (no schedule found in the time allowed: raise --time-limit-s)"
        raise RosterError(f"no schedule (solver status {result.status} after {spent_s:.0f} s){why}")
    return Roster(
        result.schedule,
        result.status,
        spent_s,
        result.objective,
        result.bound,
        dict(result.penalty_costs),
    )


def _shifted(progress: RosterProgress, offset_s: float) -> Callable[[Progress], None]:
    return lambda p: progress(offset_s + p.wall_s, p.objective)


def audit_stage(
    schedule: Schedule,
    scenario: Scenario,
    start: dt.date,
    settings: SchedulingSettings,
    previous: Schedule | None = None,
) -> pd.DataFrame:
    """The independent auditor's violations over the planned weeks (AUDIT_COLUMNS)."""
    found = audit(
        schedule,
        scenario,
        start_date=start,
        weeks=scenario.planning.horizon_weeks,
        previous=previous,
        settings=settings,
    )
    rows = [{"agent_id": v.who, "start": v.when, "rule": v.rule, "detail": v.detail} for v in found]
    return pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))


def simulation_stage(
    scenario: Scenario,
    schedule: Schedule,
    forecast_table: pd.DataFrame,
    waits: pd.DataFrame | None,
    replications: int,
    seed: int,
    progress: ReplicationProgress,
) -> pd.DataFrame:
    """Replications of the schedule against the forecast (simulation_model)."""
    model = simulation_model(scenario, schedule, forecast_table, waits)
    result = simulate(model, replications=replications, seed=seed, progress=progress)
    return kpi_table(result.interval_kpis(), round(model.interval_s / 60))


def simulation_model(
    scenario: Scenario, schedule: Schedule, forecast_table: pd.DataFrame, waits: pd.DataFrame | None
) -> SimModel:
    """The schedule's advisors against the forecast; patience estimated from the history's
    waits when it has them (censoring-aware), else each queue's default."""
    patience = estimate_patience(waits) if waits is not None and not waits.empty else None
    origin, interval_s, demand = demand_from_forecast(scenario, forecast_table, patience=patience)
    horizon_s = demand[0].volumes.size * interval_s
    agents = agents_from_schedule(scenario, schedule, origin, horizon_s)
    return SimModel(origin, interval_s, demand, agents)


def kpi_table(kpis: pd.DataFrame, interval_min: int) -> pd.DataFrame:
    """The simulator's per-interval means and CI half-widths as SIM_KPI_COLUMNS."""
    k = kpis[kpis["queue"] != ALL].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "queue": k["queue"].astype(str),
            "start": k["start"],
            "interval_min": interval_min,
        }
    )
    for column in ("offered", "answered", "answered_within_t", "abandoned"):
        out[column] = k[column].astype(float)
    for column, upper in (("service_level", 1.0), ("asa_s", np.inf), ("abandon_rate", 1.0)):
        mean = k[column].astype(float)
        half = k[f"{column}_ci95"].astype(float).fillna(0.0)
        out[column] = mean
        out[f"{column}_lo"] = (mean - half).clip(lower=0.0, upper=upper)
        out[f"{column}_hi"] = (mean + half).clip(lower=0.0, upper=upper)
    return out[list(SIM_KPI_COLUMNS)]


def default_stages() -> Stages:
    return Stages(
        history=history_stage,
        forecast=forecast_stage,
        requirements=requirements_stage,
        roster=roster_stage,
        audit=audit_stage,
        simulate=simulation_stage,
    )


__all__ = [
    "Roster",
    "RosterError",
    "Stages",
    "audit_stage",
    "default_stages",
    "forecast_stage",
    "history_stage",
    "kpi_table",
    "requirements_stage",
    "roster_stage",
    "simulation_model",
    "simulation_stage",
]
