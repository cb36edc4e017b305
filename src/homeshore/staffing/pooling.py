"""Requirements of a multi-skill centre: each pool's advisors counted once (POOLED_COLUMNS).

Staffed queue by queue, three queues of 22, 83 and 165 contacts a week each "require" one
advisor in every open interval, although the advisors who take them also take the big
queue's contacts. Here every skill group of a pool (staffing/pools.py) is sized as one
queue: Erlang A (C without patience) on the group's summed arrivals with the
arrival-weighted handle time, and the smallest staffing meeting the targets of every queue
of the group that has contacts in the interval, each read on the group's common wait with
that queue's own threshold and patience. A group whose queues share one concurrency keeps
it (N chats per advisor); a group mixing channels counts each contact for its handle time
over its queue's concurrency. A group never needs more than its queues staffed alone.

The pool's requirement is then shared out among its queues (`required_agents` per row):
groups from the smallest, each topping up what its queues already hold to its own
requirement, on the queue that the most groups still to come contain, then that most
advisors serve, then the busiest. So the shares of every group's queues add up to at least
its requirement, and a roster that puts on each queue at least its share, counting every
advisor once, gives every group the advisors it needs. The same is done after shrinkage
(`scheduled_agents`: each group's requirement / (1 - shrinkage), rounded up). A queue alone
in its pool keeps the per-queue figures; `standalone_agents` always holds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from homeshore.domain import Queue, Scenario
from homeshore.domain.tables import REQUIREMENT_COLUMNS
from homeshore.errors import InputError
from homeshore.staffing.erlang import queue_metrics
from homeshore.staffing.pools import Pool, skill_pools
from homeshore.staffing.requirements import staff_requirements
from homeshore.staffing.sizing import (
    StaffingTargets,
    UnattainableTargetError,
    required_agents,
    scheduled_agents,
)

__all__ = [
    "POOLED_COLUMNS",
    "GroupLoad",
    "group_load",
    "mean_patience",
    "pooled_requirements",
    "share_out",
]

#: REQUIREMENT_COLUMNS (required_agents, scheduled_agents: the queue's share of its pool's
#: requirement; service_level, asa_s, p_abandon, occupancy: of the pool's contacts at the
#: pool's requirement, with the queue's threshold), the pool, the queue staffed alone
POOLED_COLUMNS: Final = (*REQUIREMENT_COLUMNS, "pool", "standalone_agents")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Group = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroupLoad:
    """Queues merged into one, per interval (arrays over intervals)."""

    arrivals_per_s: FloatArray
    aht_s: FloatArray  # per server: the handle time, or over concurrency when mixed
    servers_per_agent: int


def group_load(lam: FloatArray, aht_s: FloatArray, concurrency: Sequence[int]) -> GroupLoad:
    """Merge queues (rows: queues, columns: intervals) into one queue."""
    total = lam.sum(axis=0)
    same = len(set(concurrency)) == 1
    per_server = aht_s if same else aht_s / np.asarray(concurrency, dtype=float)[:, None]
    safe = np.where(total > 0, total, 1.0)
    aht = np.where(total > 0, (lam * per_server).sum(axis=0) / safe, 1.0)
    return GroupLoad(total, aht, int(concurrency[0]) if same else 1)


def mean_patience(lam: FloatArray, patience_s: Sequence[float | None]) -> FloatArray:
    """Arrival-weighted mean patience per interval; inf (Erlang C) where a queue without
    abandonment has contacts, or where nobody calls."""
    finite = np.array([p is not None and np.isfinite(p) for p in patience_s])
    values = np.array([p if p is not None and np.isfinite(p) else 0.0 for p in patience_s])
    total = lam.sum(axis=0)
    mean = (lam * values[:, None]).sum(axis=0) / np.where(total > 0, total, 1.0)
    patient = (lam[~finite] > 0).any(axis=0) | (total <= 0)
    return np.where(patient, np.inf, mean)


def _group_need(
    load: GroupLoad,
    lam: FloatArray,
    patience_s: Sequence[float],
    targets: Sequence[StaffingTargets],
    names: Sequence[str],
) -> IntArray:
    """Smallest staffing of the merged queue meeting the targets of every queue with
    contacts in the interval, each read with that queue's own patience."""
    out = np.zeros(load.arrivals_per_s.shape, dtype=np.int64)
    for row, name in enumerate(names):
        busy = np.flatnonzero(lam[row] > 0)
        if not busy.size:
            continue
        try:
            need = required_agents(
                load.arrivals_per_s[busy],
                load.aht_s[busy],
                targets[row],
                patience_s=patience_s[row],
                servers_per_agent=load.servers_per_agent,
            )
        except UnattainableTargetError as exc:
            raise InputError(
                f"queue {name}: the targets cannot be met at any staffing", where="targets"
            ) from exc
        out[busy] = np.maximum(out[busy], need)
    return out


def share_out(pool: Pool, need: Mapping[Group, IntArray], lam: FloatArray) -> IntArray:
    """Each queue's share (rows in pool.queues order, columns intervals) of the groups'
    requirements `need`. A group is topped up only where it has contacts, on one of its
    queues with contacts."""
    shares = np.zeros(lam.shape, dtype=np.int64)
    peak = float(lam.max(initial=0.0)) or 1.0
    for done, group in enumerate(pool.groups):
        rows = [pool.queues.index(q) for q in group]
        missing = need[group] - shares[rows].sum(axis=0)
        short = np.flatnonzero(missing > 0)
        if not short.size:
            continue
        later = pool.groups[done + 1 :]
        rank = np.array(
            [
                sum(q in g for g in later) * 1e6 + pool.servers[i] + 0.0
                for i, q in zip(rows, group, strict=True)
            ]
        )[:, None] + lam[rows][:, short] / (2.0 * peak)
        score = np.where(lam[rows][:, short] > 0, rank, -np.inf)
        pick = np.asarray(rows)[np.argmax(score, axis=0)]
        shares[pick, short] += missing[short]
    return shares


@dataclass(frozen=True, slots=True)
class _PoolFrame:
    """One pool's demand on a grid of intervals (rows: the pool's queues)."""

    pool: Pool
    queues: tuple[Queue, ...]
    lam: FloatArray
    aht_s: FloatArray
    standalone: IntArray
    standalone_scheduled: IntArray


def _pool_shares(f: _PoolFrame, shrinkage: float) -> tuple[IntArray, IntArray, GroupLoad]:
    """(required shares, scheduled shares, the whole pool merged)."""
    p = f.pool
    patience = [q.default_patience_s or np.inf for q in f.queues]
    targets = [StaffingTargets.from_service_targets(q.targets) for q in f.queues]
    need: dict[Group, IntArray] = {}
    after: dict[Group, IntArray] = {}
    whole = group_load(f.lam, f.aht_s, [q.concurrency for q in f.queues])
    for group in p.groups:
        idx = [p.queues.index(q) for q in group]
        load = group_load(f.lam[idx], f.aht_s[idx], [f.queues[i].concurrency for i in idx])
        pooled = _group_need(
            load, f.lam[idx], [patience[i] for i in idx], [targets[i] for i in idx], group
        )
        need[group] = np.minimum(pooled, f.standalone[idx].sum(axis=0))
        after[group] = np.minimum(
            scheduled_agents(need[group], shrinkage), f.standalone_scheduled[idx].sum(axis=0)
        )
    return share_out(p, need, f.lam), share_out(p, after, f.lam), whole


def pooled_requirements(
    forecast: pd.DataFrame, scenario: Scenario, *, shrinkage: float | None = None
) -> pd.DataFrame:
    """POOLED_COLUMNS for a forecast (FORECAST_COLUMNS), one row per input row, in order.
    Rows are validated as by staff_requirements (errors name the row and column)."""
    s = scenario.planning.shrinkage if shrinkage is None else shrinkage
    base = staff_requirements(forecast, scenario, shrinkage=s)
    out = base.copy()
    out["pool"] = base["queue"].astype(str)
    out["standalone_agents"] = base["required_agents"].astype(np.int64)
    if base.empty:
        return out[list(POOLED_COLUMNS)]
    starts = pd.to_datetime(base["start"], utc=True)
    keys = pd.Index(starts.unique()).sort_values()
    col = keys.get_indexer(pd.Index(starts))
    queue_of = {q.id: q for q in scenario.queues}
    lam_row = base["volume"].to_numpy(float) / (base["interval_min"].to_numpy(float) * 60.0)
    for pool in skill_pools(scenario):
        rows = [np.flatnonzero((base["queue"] == q).to_numpy()) for q in pool.queues]
        if not any(r.size for r in rows):
            continue
        out.loc[np.concatenate(rows), "pool"] = pool.name
        if pool.single:
            continue  # the per-queue figures, as staff_requirements gives them
        shape = (len(pool.queues), len(keys))
        lam, aht = np.zeros(shape), np.ones(shape)
        alone, alone_sched = np.zeros(shape, np.int64), np.zeros(shape, np.int64)
        for i, r in enumerate(rows):
            lam[i, col[r]] = lam_row[r]
            aht[i, col[r]] = np.where(lam_row[r] > 0, base["aht_s"].to_numpy(float)[r], 1.0)
            alone[i, col[r]] = base["required_agents"].to_numpy()[r]
            alone_sched[i, col[r]] = base["scheduled_agents"].to_numpy()[r]
        frame = _PoolFrame(
            pool, tuple(queue_of[q] for q in pool.queues), lam, aht, alone, alone_sched
        )
        shares, scheduled, whole = _pool_shares(frame, s)
        n_pool = shares.sum(axis=0)
        patience = mean_patience(lam, [queue_of[q].default_patience_s for q in pool.queues])
        for i, (q, r) in enumerate(zip(pool.queues, rows, strict=True)):
            if not r.size:
                continue
            c = col[r]
            m = queue_metrics(
                n_pool[c] * whole.servers_per_agent,
                whole.arrivals_per_s[c],
                whole.aht_s[c],
                queue_of[q].targets.threshold_s,
                patience[c],
            )
            out.loc[r, "required_agents"] = shares[i, c]
            out.loc[r, "scheduled_agents"] = scheduled[i, c]
            out.loc[r, "service_level"] = m.service_level
            out.loc[r, "asa_s"] = m.asa_s
            out.loc[r, "p_abandon"] = m.p_abandon
            out.loc[r, "occupancy"] = m.occupancy
    return out[list(POOLED_COLUMNS)]
