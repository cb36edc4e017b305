"""KPIs per queue and interval (and over the horizon), per replication and across them.

Conventions (DOMAIN.md): SL(T) = contacts answered within T / contacts **offered** (an
abandon counts as not answered whatever its wait; so does a contact still waiting at the
end); ``service_level_excl`` is the variant that leaves out abandons shorter than T. E[W]
(``wait_s_mean``) is the mean wait of all offered contacts, ASA (``asa_s``) that of answered
contacts. Occupancy = agent-seconds busy on the queue (a chat counts 1/concurrency) over
agent-seconds staffed for it (WORK windows counted toward the queue, or the agent's primary
queue when the window names none); on multi-skill queues it may exceed 1 when other
queues' agents help. Rows of queue ``ALL`` sum every queue. A contact belongs to the
interval it arrived in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from homeshore.simulation.contacts import Outcome, RunResult
from homeshore.simulation.distributions import FloatArray
from homeshore.simulation.model import SimModel

ALL = "ALL"
_SUMS = (
    "offered",
    "answered",
    "abandoned",
    "waiting_at_end",
    "answered_within_t",
    "abandoned_within_t",
    "wait_s_sum",
    "answered_wait_s_sum",
    "busy_s",
    "staffed_s",
)
RATES = ("service_level", "service_level_excl", "wait_s_mean", "asa_s", "abandon_rate", "occupancy")
KPI_COLUMNS = ("queue", "interval", "start", *_SUMS, "threshold_s", *RATES)


def time_in_intervals(
    start_s: FloatArray, end_s: FloatArray, weight: FloatArray, edges_s: FloatArray
) -> FloatArray:
    """Per interval [edges[k], edges[k+1]): integral of sum_i weight_i * 1[start_i <= x < end_i]."""

    def integral(points: FloatArray, at: FloatArray) -> FloatArray:
        order = np.argsort(points, kind="stable")
        p = points[order]
        w = weight[order]
        cw = np.concatenate(([0.0], np.cumsum(w)))
        cwp = np.concatenate(([0.0], np.cumsum(w * p)))
        k = np.searchsorted(p, at, side="right")
        return at * cw[k] - cwp[k]

    if start_s.size == 0:
        return np.zeros(edges_s.size - 1)
    total = integral(start_s, edges_s) - integral(end_s, edges_s)
    return np.diff(total)


def _staffed(model: SimModel) -> tuple[FloatArray, FloatArray]:
    """Agent-seconds staffed per (queue, interval), and in total per interval."""
    q_index = {q.id: i for i, q in enumerate(model.queues)}
    edges = np.arange(model.n_intervals + 1, dtype=np.float64) * model.interval_s
    starts: list[float] = []
    ends: list[float] = []
    qs: list[int] = []
    for a in model.agents:
        for w in a.windows:
            starts.append(w.start_s)
            ends.append(w.end_s)
            qs.append(q_index.get(w.queue or a.primary_queue or "", -1))
    s = np.asarray(starts, dtype=np.float64)
    e = np.asarray(ends, dtype=np.float64)
    q = np.asarray(qs, dtype=np.int64)
    per_queue = np.vstack(
        [
            time_in_intervals(s[q == i], e[q == i], np.ones(int(np.sum(q == i))), edges)
            for i in range(len(model.queues))
        ]
    )
    return per_queue, time_in_intervals(s, e, np.ones(s.size), edges)


def _sums(model: SimModel, result: RunResult) -> pd.DataFrame:
    c = result.contacts
    n_q, n_k = len(model.queues), model.n_intervals
    group = c.queue * n_k + c.interval
    size = n_q * n_k
    thresholds = np.array([q.targets.threshold_s for q in model.queues])
    answered = result.outcome == Outcome.ANSWERED
    abandoned = result.outcome == Outcome.ABANDONED
    within = result.wait_s <= thresholds[c.queue]

    def count(mask: np.ndarray) -> FloatArray:
        counts: FloatArray = np.bincount(group[mask], minlength=size).astype(np.float64)
        return counts

    def total(values: FloatArray, mask: np.ndarray) -> FloatArray:
        sums = np.bincount(group[mask], weights=values[mask], minlength=size)
        return sums.astype(np.float64)

    edges = np.arange(n_k + 1, dtype=np.float64) * model.interval_s
    conc = np.array([q.concurrency for q in model.queues], dtype=np.float64)
    busy = np.vstack(
        [
            time_in_intervals(
                result.start_s[answered & (c.queue == i)],
                result.end_s[answered & (c.queue == i)],
                np.full(int(np.sum(answered & (c.queue == i))), 1.0 / conc[i]),
                edges,
            )
            for i in range(n_q)
        ]
    )
    staffed, _ = _staffed(model)
    all_mask = np.ones(len(c), dtype=bool)
    return pd.DataFrame(
        {
            "queue": np.repeat([q.id for q in model.queues], n_k),
            "interval": np.tile(np.arange(n_k), n_q),
            "offered": count(all_mask),
            "answered": count(answered),
            "abandoned": count(abandoned),
            "waiting_at_end": count(result.outcome == Outcome.WAITING),
            "answered_within_t": count(answered & within),
            "abandoned_within_t": count(abandoned & within),
            "wait_s_sum": total(result.wait_s, all_mask),
            "answered_wait_s_sum": total(result.wait_s, answered),
            "busy_s": busy.ravel(),
            "staffed_s": staffed.ravel(),
            "threshold_s": np.repeat(thresholds, n_k),
        }
    )


def _rates(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        offered = out["offered"].to_numpy(dtype=np.float64)
        out["service_level"] = out["answered_within_t"] / offered
        out["service_level_excl"] = out["answered_within_t"] / (offered - out["abandoned_within_t"])
        out["wait_s_mean"] = out["wait_s_sum"] / offered
        out["asa_s"] = out["answered_wait_s_sum"] / out["answered"]
        out["abandon_rate"] = out["abandoned"] / offered
        out["occupancy"] = out["busy_s"] / out["staffed_s"]
    return out.replace([np.inf, -np.inf], np.nan)


def interval_kpis(model: SimModel, result: RunResult) -> pd.DataFrame:
    """One replication: KPIs per queue and interval, plus queue ALL per interval."""
    sums = _sums(model, result)
    every = sums.groupby("interval", as_index=False)[list(_SUMS)].sum()
    every["staffed_s"] = _staffed(model)[1]
    every["queue"] = ALL
    every["threshold_s"] = np.nan
    table = pd.concat([sums, every[sums.columns]], ignore_index=True)
    step = dt.timedelta(seconds=model.interval_s)
    table["start"] = pd.Timestamp(model.origin) + table["interval"].astype(np.int64) * step
    return _rates(table)[list(KPI_COLUMNS)]


def horizon_kpis(model: SimModel, result: RunResult) -> pd.DataFrame:
    """One replication: KPIs per queue (and ALL) over the whole horizon."""
    table = interval_kpis(model, result)
    sums = table.groupby("queue", as_index=False, sort=False)[list(_SUMS)].sum()
    sums["threshold_s"] = table.groupby("queue", sort=False)["threshold_s"].first().to_numpy()
    return _rates(sums)[["queue", *_SUMS, "threshold_s", *RATES]]


def summarize(tables: Sequence[pd.DataFrame], keys: Sequence[str]) -> pd.DataFrame:
    """Mean across replications and the half-width of its 95 % confidence interval
    (Student t; NaN with one replication) for every count and rate."""
    stacked = pd.concat([t.assign(replication=r) for r, t in enumerate(tables)], ignore_index=True)
    metrics = [c for c in (*_SUMS, *RATES) if c in stacked.columns]
    grouped = stacked.groupby(list(keys), sort=False)
    mean = grouped[metrics].mean()
    std = grouped[metrics].std(ddof=1)
    n = grouped[metrics].count()
    tq = stats.t.ppf(0.975, np.maximum(n - 1, 1))
    half = tq * std / np.sqrt(n)
    half = half.where(n > 1)
    out = mean.copy()
    for m in metrics:
        out[f"{m}_ci95"] = half[m]
    out["replications"] = len(tables)
    return out.reset_index()
