"""Flat records, one per contact, that load straight into a DataFrame.

``pd.DataFrame(iter_records(...))`` and ``records_frame(...)`` give the same table; the
latter builds it from the arrays at once (millions of contacts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from homeshore.simulation.contacts import Outcome, RunResult
from homeshore.simulation.model import SimModel

OUTCOME_NAMES = {o.value: o.name.lower() for o in Outcome}


class ContactRecord(NamedTuple):
    replication: int
    contact: int
    queue: str
    interval: int
    arrival_s: float
    outcome: str  # answered | abandoned | waiting (at the end of the horizon)
    wait_s: float  # answered: until service; abandoned: its patience; waiting: until horizon
    agent: str | None
    start_s: float  # nan if never answered
    end_s: float
    handle_s: float  # drawn handle time (served or not)
    patience_s: float


RECORD_COLUMNS = ContactRecord._fields


def iter_records(
    model: SimModel, result: RunResult, replication: int = 0
) -> Iterator[ContactRecord]:
    c = result.contacts
    qids = [q.id for q in model.queues]
    agents = [a.id for a in model.agents]
    end = result.end_s
    for j in range(len(c)):
        k = int(result.agent[j])
        yield ContactRecord(
            replication,
            j,
            qids[int(c.queue[j])],
            int(c.interval[j]),
            float(c.arrival_s[j]),
            OUTCOME_NAMES[int(result.outcome[j])],
            float(result.wait_s[j]),
            agents[k] if k >= 0 else None,
            float(result.start_s[j]),
            float(end[j]),
            float(c.handle_s[j]),
            float(c.patience_s[j]),
        )


def records_frame(
    model: SimModel, results: Sequence[RunResult], *, with_times: bool = True
) -> pd.DataFrame:
    """All replications' records; with_times adds tz-aware ``arrival`` and ``interval_start``."""
    frames = []
    qids = np.array([q.id for q in model.queues], dtype=object)
    agents = np.array([a.id for a in model.agents] + [None], dtype=object)
    names = np.array([OUTCOME_NAMES[o.value] for o in Outcome], dtype=object)
    for r, res in enumerate(results):
        c = res.contacts
        frames.append(
            pd.DataFrame(
                {
                    "replication": np.full(len(c), r, dtype=np.int64),
                    "contact": np.arange(len(c), dtype=np.int64),
                    "queue": qids[c.queue],
                    "interval": c.interval,
                    "arrival_s": c.arrival_s,
                    "outcome": names[res.outcome],
                    "wait_s": res.wait_s,
                    "agent": agents[res.agent],
                    "start_s": res.start_s,
                    "end_s": res.end_s,
                    "handle_s": c.handle_s,
                    "patience_s": c.patience_s,
                }
            )
        )
    frame = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame({col: [] for col in RECORD_COLUMNS})
    )
    if with_times:
        origin = pd.Timestamp(model.origin)
        frame["arrival"] = origin + pd.to_timedelta(frame["arrival_s"], unit="s")
        step = dt.timedelta(seconds=model.interval_s)
        frame["interval_start"] = origin + frame["interval"].astype(np.int64) * step
    return frame
