"""Requirements against the coverage a schedule plans, per queue and interval.

An agent counts toward the queue its WORK segment names (one queue at a time, never twice),
pro rata of the minutes it works in the interval: 15 minutes of a 30-minute interval count as
half an agent. Recomputed from the schedule segments, independently of the rostering engine.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from homeshore.domain import Schedule
from homeshore.domain.schedule import CONTACT_ACTIVITIES

COVERAGE_COLUMNS = (
    "queue",
    "start",
    "interval_min",
    "volume",
    "required_agents",  # Erlang minimum on the queue
    "scheduled_agents",  # after shrinkage: the rostering target
    "planned_agents",  # agents the schedule puts on the queue (mean over the interval)
    "shortfall",  # max(0, scheduled - planned)
    "surplus",  # max(0, planned - scheduled)
)


def _epoch_s(values: pd.Series) -> np.ndarray:
    return np.array([t.timestamp() for t in values], dtype=float)


def coverage_table(schedule: Schedule, requirements: pd.DataFrame) -> pd.DataFrame:
    """COVERAGE_COLUMNS for every requirement row (queue, start)."""
    req = requirements.reset_index(drop=True)
    planned = np.zeros(len(req))
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
    interval_s = req["interval_min"].to_numpy(dtype=float) * 60.0
    for row, s in seconds.items():
        planned[row] = s / interval_s[row]
    scheduled = req["scheduled_agents"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "queue": req["queue"].astype(str),
            "start": req["start"],
            "interval_min": req["interval_min"].astype(int),
            "volume": req.get("volume", np.nan),
            "required_agents": req.get("required_agents", np.nan),
            "scheduled_agents": scheduled,
            "planned_agents": planned,
            "shortfall": np.maximum(0.0, scheduled - planned),
            "surplus": np.maximum(0.0, planned - scheduled),
        }
    )
    return out[list(COVERAGE_COLUMNS)]


def coverage_summary(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per queue: agent-hours required, targeted, planned, short and over."""
    hours = coverage.assign(
        h=coverage["interval_min"] / 60.0,
    )
    rows = []
    for queue, g in hours.groupby("queue", sort=False):
        h = g["h"]
        rows.append(
            {
                "queue": queue,
                "required_agent_h": float((g["required_agents"].fillna(0) * h).sum()),
                "scheduled_agent_h": float((g["scheduled_agents"] * h).sum()),
                "planned_agent_h": float((g["planned_agents"] * h).sum()),
                "short_agent_h": float((g["shortfall"] * h).sum()),
                "over_agent_h": float((g["surplus"] * h).sum()),
                "intervals_short": int((g["shortfall"] > 1e-9).sum()),
                "intervals": len(g),
            }
        )
    return pd.DataFrame(rows)
