"""Build a SimModel from planning tables: forecast, schedule, or a staffing table.

Pure functions of already-read tables (the CLI reads the files). Bad rows raise InputError
naming the table, the row and the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from homeshore.domain.queue import Queue
from homeshore.domain.scenario import Scenario
from homeshore.domain.schedule import CONTACT_ACTIVITIES, Schedule
from homeshore.errors import InputError
from homeshore.simulation.distributions import Distribution, Exponential
from homeshore.simulation.model import QueueDemand, SimAgent, WorkWindow

REQUIRED_FORECAST_COLUMNS = ("queue", "start", "interval_min", "volume", "aht_s")


def _times(values: pd.Series, timezone: str, what: str, path: Path | None) -> pd.Series:
    """Timezone-aware times in `timezone`: ISO 8601 with offsets (which may differ across a
    clock change), or without offset and then read as local times of `timezone`."""
    try:
        if pd.api.types.is_datetime64_any_dtype(values):
            parsed = pd.Series(values)
            local: pd.Series = (
                parsed.dt.tz_localize(timezone)
                if parsed.dt.tz is None
                else parsed.dt.tz_convert(timezone)
            )
            return local
        text = values.astype(str)
        has_offset = text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
        if bool(has_offset.all()):
            return pd.to_datetime(text, format="ISO8601", utc=True).dt.tz_convert(timezone)
        if bool(has_offset.any()):
            i = int(np.flatnonzero(~has_offset.to_numpy())[0])
            raise InputError(
                f"{what}: {text.iloc[i]!r} has no UTC offset while others do",
                path=path,
                where=f"row {i + 1}",
            )
        return pd.to_datetime(text, format="ISO8601").dt.tz_localize(timezone)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{what}: times must be ISO 8601 ({exc})", path=path) from exc


def demand_from_forecast(
    scenario: Scenario,
    forecast: pd.DataFrame,
    *,
    handle: Mapping[str, Distribution] | None = None,
    patience: Mapping[str, Distribution] | None = None,
    path: Path | None = None,
) -> tuple[dt.datetime, float, tuple[QueueDemand, ...]]:
    """Origin, interval length and per-queue demand on a regular grid of intervals.

    Queues absent from the forecast are left out; missing intervals have no contacts.
    Handle-time shapes default to exponential, patience to the queue's default_patience_s
    (exponential; none: nobody abandons).
    """
    missing = [c for c in REQUIRED_FORECAST_COLUMNS if c not in forecast.columns]
    if missing:
        raise InputError(f"forecast lacks column(s) {', '.join(missing)}", path=path)
    if forecast.empty:
        raise InputError("forecast has no rows", path=path)
    known = {q.id: q for q in scenario.queues}
    for i, qid in enumerate(forecast["queue"].astype(str)):
        if qid not in known:
            raise InputError(
                f"unknown queue {qid!r} (scenario has {', '.join(sorted(known))})",
                path=path,
                where=f"forecast row {i + 1}",
            )
    for col in ("interval_min", "volume", "aht_s"):
        values = pd.to_numeric(forecast[col], errors="coerce")
        bad = values.isna() | (values < 0) | ((values <= 0) & (col != "volume"))
        if bool(bad.any()):
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"{col} must be a number {'>= 0' if col == 'volume' else '> 0'}, "
                f"got {forecast[col].iloc[i]!r}",
                path=path,
                where=f"forecast row {i + 1}",
            )
    steps = set(pd.to_numeric(forecast["interval_min"]).astype(float))
    if len(steps) != 1:
        raise InputError("forecast mixes interval lengths", path=path)
    interval_s = steps.pop() * 60.0
    starts = _times(forecast["start"], scenario.timezone, "forecast start", path)
    origin = starts.min()
    offset_s = (starts - origin).dt.total_seconds().to_numpy()
    k = np.rint(offset_s / interval_s).astype(np.int64)
    off = np.abs(k * interval_s - offset_s) > 1e-6
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise InputError("start is not on the interval grid", path=path, where=f"row {i + 1}")
    n_k = int(k.max()) + 1
    frame = pd.DataFrame(
        {
            "queue": forecast["queue"].astype(str).to_numpy(),
            "k": k,
            "volume": pd.to_numeric(forecast["volume"]).to_numpy(dtype=np.float64),
            "aht_s": pd.to_numeric(forecast["aht_s"]).to_numpy(dtype=np.float64),
        }
    )
    dup = frame.duplicated(["queue", "k"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError("queue and start repeated", path=path, where=f"forecast row {i + 1}")
    demand = []
    for q in scenario.queues:
        rows = frame[frame["queue"] == q.id]
        if rows.empty:
            continue
        volumes = np.zeros(n_k)
        aht = np.full(n_k, q.default_aht_s)
        volumes[rows["k"].to_numpy()] = rows["volume"].to_numpy()
        aht[rows["k"].to_numpy()] = rows["aht_s"].to_numpy()
        shape = (handle or {}).get(q.id) or Exponential(q.default_aht_s)
        default_patience = Exponential(q.default_patience_s or float("inf"))
        demand.append(
            QueueDemand(q, volumes, aht, shape, (patience or {}).get(q.id, default_patience))
        )
    return origin.to_pydatetime().astimezone(ZoneInfo(scenario.timezone)), interval_s, tuple(demand)


def _merge(windows: Iterable[WorkWindow]) -> tuple[WorkWindow, ...]:
    out: list[WorkWindow] = []
    for w in sorted(windows, key=lambda w: w.start_s):
        if out and w.start_s <= out[-1].end_s and w.queue == out[-1].queue:
            out[-1] = WorkWindow(out[-1].start_s, max(out[-1].end_s, w.end_s), w.queue)
        elif out and w.start_s < out[-1].end_s:
            raise ValueError(f"work windows overlap at {w.start_s} s")
        else:
            out.append(w)
    return tuple(out)


def primary_queue(queues: Iterable[Queue], skill: str | None) -> str | None:
    return next((q.id for q in queues if skill is not None and q.skill == skill), None)


def agents_from_schedule(
    scenario: Scenario,
    schedule: Schedule,
    origin: dt.datetime,
    horizon_s: float,
    *,
    path: Path | None = None,
) -> tuple[SimAgent, ...]:
    """One SimAgent per scheduled agent: its WORK segments inside the horizon."""
    known = {a.id: a for a in scenario.agents}
    agents = []
    for agent_id in schedule.agent_ids():
        agent = known.get(agent_id)
        if agent is None:
            raise InputError(f"agent {agent_id!r} is not in the scenario", path=path)
        windows = []
        location = None
        for seg in schedule.for_agent(agent_id):
            if seg.activity not in CONTACT_ACTIVITIES:
                continue
            # timestamps, not datetime subtraction: with one shared tzinfo Python subtracts
            # wall times, an hour off across a clock change
            start_s = max(0.0, seg.start.timestamp() - origin.timestamp())
            end_s = min(horizon_s, seg.end.timestamp() - origin.timestamp())
            if end_s > start_s:
                windows.append(WorkWindow(start_s, end_s, seg.queue))
                location = location or seg.location
        try:
            merged = _merge(windows)
        except ValueError as exc:
            raise InputError(f"agent {agent_id}: {exc}", path=path) from exc
        skills = {s.skill: s.proficiency for s in agent.skills}
        agents.append(
            SimAgent(
                agent_id,
                skills,
                merged,
                primary_queue(scenario.queues, agent.primary_skill),
                location or next(iter(sorted(agent.work_modes))),
            )
        )
    return tuple(agents)


def agents_from_staffing(
    staffing: pd.DataFrame,
    queues: Iterable[Queue],
    origin: dt.datetime,
    interval_s: float,
    n_intervals: int,
    *,
    timezone: str,
    column: str = "agents",
    path: Path | None = None,
) -> tuple[SimAgent, ...]:
    """'N generic agents on the queue' per interval: agent j of a queue works every interval
    where the table has more than j agents (proficiency 3, primary queue that queue)."""
    qs = {q.id: q for q in queues}
    for col in ("queue", "start", column):
        if col not in staffing.columns:
            raise InputError(f"staffing table lacks column {col!r}", path=path)
    counts = pd.to_numeric(staffing[column], errors="coerce")
    bad = counts.isna() | (counts < 0) | (counts != counts.round())
    if bool(bad.any()):
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{column} must be a whole number >= 0, got {staffing[column].iloc[i]!r}",
            path=path,
            where=f"staffing row {i + 1}",
        )
    starts = _times(staffing["start"], timezone, "staffing start", path)
    k = np.floor((starts - pd.Timestamp(origin)).dt.total_seconds() / interval_s + 1e-9)
    table: dict[str, np.ndarray] = {q: np.zeros(n_intervals, dtype=np.int64) for q in qs}
    for i, (qid, kk, n) in enumerate(zip(staffing["queue"].astype(str), k, counts, strict=True)):
        if qid not in qs:
            raise InputError(f"unknown queue {qid!r}", path=path, where=f"staffing row {i + 1}")
        if 0 <= kk < n_intervals:
            table[qid][int(kk)] = int(n)
    agents = []
    for qid, per_k in table.items():
        q = qs[qid]
        for j in range(int(per_k.max(initial=0))):
            on = per_k > j
            windows = [
                WorkWindow(kk * interval_s, (kk + 1) * interval_s, qid) for kk in np.flatnonzero(on)
            ]
            agents.append(SimAgent(f"{qid}#{j + 1}", {q.skill: 3}, _merge(windows), qid))
    return tuple(agents)
