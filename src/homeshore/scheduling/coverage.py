"""Coverage: what a schedule puts against the requirement, per queue, pool and interval.

The one definition of coverage, read by the report, by `homeshore schedule`'s coverage.csv
(explain.py) and counted the same way by the roster's under-coverage goal on its grid
(soft_goals.py; a test holds the two together):

- an advisor at contact work counts toward the queue its WORK segment names, once, pro
  rata of the minutes it works in the interval (15 minutes of 30 count half);
- each queue is held to its share of its pool's requirement (staffing/pooling.py): the
  shares of a pool add up to the advisors the pool needs, counted once, and meeting every
  share gives every skill group the advisors it needs;
- `shortfall`: advisors missing against the target after shrinkage (`scheduled_agents`);
  `below_required`: advisors missing against the requirement itself. A pool's figure adds
  up its queues': an advisor planned on one queue of the pool while another misses one
  counts as a gap, because the roster names the queue of every segment to fill the shares
  it can (its advisors' skills allow no better).

Recomputed from the schedule segments, independently of the rostering engine.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Final

import numpy as np
import pandas as pd

from homeshore.domain import Schedule
from homeshore.domain.schedule import CONTACT_ACTIVITIES

__all__ = ["COVERAGE_COLUMNS", "POOL_COVERAGE_COLUMNS", "coverage_table", "pool_coverage"]

COVERAGE_COLUMNS: Final = (
    "pool",  # the queues sharing advisors with this one (the queue alone without a column)
    "queue",
    "start",
    "interval_min",
    "volume",
    "required_agents",  # the queue's share of its pool's requirement
    "scheduled_agents",  # after shrinkage: the rostering target
    "planned_agents",  # agents the schedule puts on the queue (mean over the interval)
    "shortfall",  # max(0, scheduled - planned)
    "surplus",  # max(0, planned - scheduled)
    "below_required",  # max(0, required - planned)
)

#: the same per pool and interval, the queues' figures added up
POOL_COVERAGE_COLUMNS: Final = tuple(c for c in COVERAGE_COLUMNS if c != "queue")

_SUMMED = (
    "volume",
    "required_agents",
    "scheduled_agents",
    "planned_agents",
    "shortfall",
    "surplus",
    "below_required",
)


def _epoch_s(values: pd.Series) -> np.ndarray:
    return np.array([pd.Timestamp(t).timestamp() for t in values], dtype=float)


def planned_agents(schedule: Schedule, requirements: pd.DataFrame) -> np.ndarray:
    """Mean agents the schedule puts on each requirement row's queue and interval."""
    req = requirements.reset_index(drop=True)
    index: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for queue, rows in req.groupby("queue", sort=False):
        starts = _epoch_s(rows["start"])
        order = np.argsort(starts)
        lengths = rows["interval_min"].to_numpy(dtype=float)[order] * 60.0
        index[str(queue)] = (starts[order], lengths, rows.index.to_numpy()[order])
    seconds: dict[int, float] = defaultdict(float)
    for seg in schedule:
        if seg.activity not in CONTACT_ACTIVITIES or seg.queue not in index:
            continue
        starts, lengths, rows_idx = index[seg.queue]
        a, b = seg.start.timestamp(), seg.end.timestamp()
        first = max(0, int(np.searchsorted(starts, a, side="right")) - 1)
        last = int(np.searchsorted(starts, b, side="left"))
        for k in range(first, last):
            overlap = min(b, starts[k] + lengths[k]) - max(a, starts[k])
            if overlap > 0:
                seconds[int(rows_idx[k])] += overlap
    planned = np.zeros(len(req))
    interval_s = req["interval_min"].to_numpy(dtype=float) * 60.0
    for row, s in seconds.items():
        planned[row] = s / interval_s[row]
    return planned


def coverage_table(schedule: Schedule, requirements: pd.DataFrame) -> pd.DataFrame:
    """COVERAGE_COLUMNS for every requirement row (queue, start), in order."""
    req = requirements.reset_index(drop=True)
    planned = planned_agents(schedule, req)
    scheduled = req["scheduled_agents"].to_numpy(dtype=float)
    required = pd.to_numeric(req.get("required_agents", np.nan), errors="coerce")
    required_values = np.broadcast_to(np.asarray(required, dtype=float), planned.shape)
    queue = req["queue"].astype(str)
    out = pd.DataFrame(
        {
            "pool": req["pool"].astype(str) if "pool" in req else queue,
            "queue": queue,
            "start": req["start"],
            "interval_min": req["interval_min"].astype(int),
            "volume": req.get("volume", np.nan),
            "required_agents": required_values,
            "scheduled_agents": scheduled,
            "planned_agents": planned,
            "shortfall": np.maximum(0.0, scheduled - planned),
            "surplus": np.maximum(0.0, planned - scheduled),
            "below_required": np.maximum(0.0, required_values - planned),
        }
    )
    return out[list(COVERAGE_COLUMNS)]


def pool_coverage(coverage: pd.DataFrame) -> pd.DataFrame:
    """POOL_COVERAGE_COLUMNS: per pool and interval, the queues' figures added up."""
    frame = coverage.assign(_t=pd.to_datetime(coverage["start"], utc=True))
    grouped = frame.groupby(["pool", "_t"], sort=False)
    out = grouped[list(_SUMMED)].sum(min_count=1).reset_index()
    first = grouped[["start", "interval_min"]].first().reset_index(drop=True)
    out["start"] = first["start"].to_numpy()
    out["interval_min"] = first["interval_min"].to_numpy()
    rank = {p: i for i, p in enumerate(dict.fromkeys(coverage["pool"]))}
    out = out.assign(_rank=out["pool"].map(rank))
    out = out.sort_values(["_rank", "_t"], kind="stable").reset_index(drop=True)
    return out[list(POOL_COVERAGE_COLUMNS)]
