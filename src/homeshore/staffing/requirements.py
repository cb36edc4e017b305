"""The requirements table: agents every queue needs in every interval (REQUIREMENT_COLUMNS).

Input rows carry queue, start, interval_min, volume (or offered) and aht_s, as a forecast
(FORECAST_COLUMNS) or an imported interval table (INTERVAL_COLUMNS) does. Each queue's
targets, patience and concurrency come from the scenario (or a QueueStaffing given directly).
Patience set: Erlang A; no patience: Erlang C. A chat agent handling N contacts at once counts
as N servers; the requirement is in agents: ceil(servers / N).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from homeshore.domain import Queue, Scenario
from homeshore.domain.tables import REQUIREMENT_COLUMNS
from homeshore.errors import InputError
from homeshore.staffing.erlang import queue_metrics
from homeshore.staffing.sizing import (
    StaffingTargets,
    UnattainableTargetError,
    required_agents,
    scheduled_agents,
)

__all__ = ["QueueStaffing", "requirements_table", "staff_requirements"]

#: rows computed per step (a progress callback is told after each)
CHUNK_ROWS = 5000


@dataclass(frozen=True, slots=True)
class QueueStaffing:
    """How one queue is sized: its targets, mean patience (None: Erlang C) and concurrency."""

    targets: StaffingTargets
    patience_s: float | None = None
    concurrency: int = 1
    default_aht_s: float | None = None  # used where a row has contacts but no handle time

    def __post_init__(self) -> None:
        if self.patience_s is not None and not self.patience_s > 0:
            raise ValueError("patience_s must be > 0")
        if self.concurrency < 1:
            raise ValueError("concurrency must be >= 1")

    @classmethod
    def from_queue(cls, queue: Queue) -> QueueStaffing:
        return cls(
            targets=StaffingTargets.from_service_targets(queue.targets),
            patience_s=queue.default_patience_s,
            concurrency=queue.concurrency,
            default_aht_s=queue.default_aht_s,
        )


def staff_requirements(
    forecast: pd.DataFrame,
    scenario: Scenario,
    *,
    shrinkage: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Requirements for a forecast (FORECAST_COLUMNS) under the scenario's queue targets.

    Shrinkage defaults to the scenario's planning shrinkage. Returns REQUIREMENT_COLUMNS,
    one row per input row, in input order.
    """
    settings = {q.id: QueueStaffing.from_queue(q) for q in scenario.queues}
    s = scenario.planning.shrinkage if shrinkage is None else shrinkage
    return requirements_table(forecast, settings, shrinkage=s, progress=progress)


def requirements_table(
    frame: pd.DataFrame,
    settings: Mapping[str, QueueStaffing] | QueueStaffing,
    *,
    shrinkage: float = 0.0,
    progress: Callable[[int], None] | None = None,
    max_agents: int | None = None,
) -> pd.DataFrame:
    """Size every row of ``frame``; ``settings`` per queue id, or one for every queue.

    Bad rows raise InputError naming the row (1-based, in frame order) and column; so do
    targets no staffing up to ``max_agents`` (default: far above the load) can meet.
    """
    if not 0.0 <= shrinkage < 1.0:
        raise InputError(f"shrinkage must be in [0, 1), got {shrinkage}", where="shrinkage")
    table = _validated(frame, settings)
    n_rows = len(table)
    required = np.zeros(n_rows, dtype=np.int64)
    sl = np.ones(n_rows)
    asa = np.zeros(n_rows)
    p_ab = np.zeros(n_rows)
    occ = np.zeros(n_rows)
    for queue_id, rows in table.groupby("queue", sort=False).indices.items():
        qs = settings if isinstance(settings, QueueStaffing) else settings[str(queue_id)]
        for start in range(0, len(rows), CHUNK_ROWS):
            idx = rows[start : start + CHUNK_ROWS]
            chunk = table.iloc[idx]
            lam = chunk["volume"].to_numpy(float) / (chunk["interval_min"].to_numpy(float) * 60.0)
            aht = chunk["aht_s"].to_numpy(float)
            aht = np.where(lam > 0, aht, 1.0)  # handle time is irrelevant without contacts
            patience = np.inf if qs.patience_s is None else qs.patience_s
            try:
                agents = required_agents(
                    lam,
                    aht,
                    qs.targets,
                    patience_s=patience,
                    servers_per_agent=qs.concurrency,
                    max_agents=max_agents,
                )
            except UnattainableTargetError as exc:
                first = int(idx[exc.indices[0]])
                raise InputError(
                    f"queue {queue_id}: the targets cannot be met at any staffing",
                    where=f"row {first + 1}",
                ) from exc
            m = queue_metrics(agents * qs.concurrency, lam, aht, qs.targets.threshold_s, patience)
            required[idx] = agents
            sl[idx] = (
                m.service_level_excl_early_abandons
                if qs.targets.sl_excludes_early_abandons
                else m.service_level
            )
            asa[idx] = m.asa_s
            p_ab[idx] = m.p_abandon
            occ[idx] = m.occupancy
            if progress is not None:
                progress(len(idx))
    return pd.DataFrame(
        {
            "queue": table["queue"].to_numpy(),
            "start": table["start"].to_numpy() if n_rows == 0 else table["start"],
            "interval_min": table["interval_min"].to_numpy(),
            "volume": table["volume"].to_numpy(float),
            "aht_s": table["aht_s"].to_numpy(float),
            "required_agents": required,
            "scheduled_agents": scheduled_agents(required, shrinkage),
            "service_level": sl,
            "asa_s": asa,
            "p_abandon": p_ab,
            "occupancy": occ,
        },
        columns=list(REQUIREMENT_COLUMNS),
    ).reset_index(drop=True)


def _validated(
    frame: pd.DataFrame, settings: Mapping[str, QueueStaffing] | QueueStaffing
) -> pd.DataFrame:
    table = frame.reset_index(drop=True)
    if "volume" not in table.columns and "offered" in table.columns:
        table = table.rename(columns={"offered": "volume"})
    missing = [c for c in ("queue", "start", "interval_min", "volume", "aht_s") if c not in table]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} (need queue, start, interval_min, "
            "volume or offered, aht_s)",
            where="header",
        )
    table = table[["queue", "start", "interval_min", "volume", "aht_s"]].copy()
    table["queue"] = table["queue"].astype(str)
    if not isinstance(settings, QueueStaffing):
        unknown = ~table["queue"].isin(list(settings))
        if unknown.any():
            row = int(np.flatnonzero(unknown)[0])
            raise InputError(
                f"unknown queue {table['queue'].iloc[row]!r} (known: {', '.join(settings)})",
                where=f"row {row + 1}, column queue",
            )
    for column in ("interval_min", "volume", "aht_s"):
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() & table[column].notna()
        _fail_first(bad, table, column, "is not a number")
        table[column] = values.astype(float)
    _fail_first(
        ~(table["interval_min"] > 0) | ~np.isfinite(table["interval_min"]),
        table,
        "interval_min",
        "must be a positive number of minutes",
    )
    _fail_first(
        ~(table["volume"] >= 0) | ~np.isfinite(table["volume"]),
        table,
        "volume",
        "must be a finite number >= 0",
    )
    minutes = table["interval_min"].to_numpy(float)
    if np.all(minutes == np.round(minutes)):
        table["interval_min"] = minutes.astype(np.int64)
    busy = table["volume"] > 0
    # a history interval whose only answered contacts lasted 0 s (call logs do have them)
    # carries no usable handle time: like a missing one, it takes the queue's default
    no_aht = busy & (table["aht_s"].isna() | (table["aht_s"] == 0))
    if no_aht.any():
        fill = _default_aht(table.loc[no_aht, "queue"], settings)
        table.loc[no_aht, "aht_s"] = fill
    _fail_first(
        busy & (~(table["aht_s"] > 0) | ~np.isfinite(table["aht_s"])),
        table,
        "aht_s",
        "must be > 0 where there are contacts (give the queue a default_aht_s to fill gaps)",
    )
    return table


def _default_aht(
    queues: pd.Series, settings: Mapping[str, QueueStaffing] | QueueStaffing
) -> list[float]:
    def one(q: str) -> float:
        qs = settings if isinstance(settings, QueueStaffing) else settings[q]
        return np.nan if qs.default_aht_s is None else qs.default_aht_s

    return [one(str(q)) for q in queues]


def _fail_first(bad: pd.Series, table: pd.DataFrame, column: str, reason: str) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        value = table[column].iloc[row]
        raise InputError(
            f"{column} {reason} (got {value!r}; queue {table['queue'].iloc[row]})",
            where=f"row {row + 1}, column {column}",
        )


def with_overrides(base: QueueStaffing, **changes: object) -> QueueStaffing:
    """A copy of ``base`` with the given fields (or target fields) replaced where not None."""
    target_fields = set(StaffingTargets.__dataclass_fields__)
    target_changes = {k: v for k, v in changes.items() if k in target_fields and v is not None}
    own = {k: v for k, v in changes.items() if k not in target_fields and v is not None}
    targets = replace(base.targets, **target_changes) if target_changes else base.targets  # type: ignore[arg-type]
    return replace(base, targets=targets, **own)  # type: ignore[arg-type]
