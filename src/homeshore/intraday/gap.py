"""The staffing gap of the rest of the day: advisors needed against advisors there.

``required`` is the Erlang minimum (homeshore.staffing.pooling, as the plan's requirement:
the queues advisors share are sized together and each gets its share; no shrinkage: the gap
is about advisors taking contacts now, not about a plan's allowance for absence) for the
re-forecast's mean ``volume`` of each interval: the mean is what the day is expected to
bring, and the P10-P90 band stays in the re-forecast table for who wants to plan on a
quantile. ``scheduled`` counts advisors the schedule puts in a WORK segment on the queue,
pro rata of the interval they cover (homeshore.analytics.coverage). ``logged_in`` is what
the platform counts for the interval holding ``now``, NaN for later intervals (nobody can
be logged in the future yet). ``gap = required - there``, ``there`` being ``logged_in`` for
the current interval and ``scheduled`` for the later ones: positive is understaffed,
negative overstaffed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from homeshore.analytics.coverage import coverage_table
from homeshore.domain import Scenario, Schedule
from homeshore.domain.tables import FORECAST_COLUMNS
from homeshore.errors import InputError
from homeshore.intraday._inputs import aware, epoch_s, numbers, require_columns, utc_times
from homeshore.intraday.reforecast import Reforecast
from homeshore.staffing.pooling import pooled_requirements

__all__ = ["GAP_COLUMNS", "scheduled_per_interval", "staffing_gap"]

GAP_COLUMNS = (
    "queue",
    "start",
    "interval_min",
    "volume",  # re-forecast mean of the interval
    "required",  # Erlang minimum for that volume
    "scheduled",  # advisors the schedule puts on the queue (pro rata of the interval)
    "logged_in",  # the current interval: logged in now; later ones: NaN
    "gap",  # required - (logged_in now, scheduled later): > 0 understaffed
)


def scheduled_per_interval(schedule: Schedule, starts: pd.DataFrame) -> pd.DataFrame:
    """`starts` (queue, start, interval_min) with "scheduled": advisors in a WORK segment on
    that queue, each weighted by the share of the interval it covers."""
    require_columns(starts, ("queue", "start", "interval_min"), "intervals")
    rows = starts.reset_index(drop=True).copy()
    utc_times(rows["start"], "intervals, column start")
    numbers(rows, "interval_min", "intervals", strict=True)
    planned = coverage_table(schedule, rows.assign(scheduled_agents=0.0))["planned_agents"]
    rows["scheduled"] = planned.to_numpy(dtype=float)
    return rows


def staffing_gap(
    reforecast: Reforecast,
    scenario: Scenario,
    schedule: Schedule,
    logged_in: Mapping[str, int],
    now: dt.datetime,
) -> pd.DataFrame:
    """GAP_COLUMNS, one row per queue and interval of the re-forecast not ended at `now`,
    sorted by queue and start. A queue missing from `logged_in` has nobody logged in."""
    aware(now, "now")
    known = {q.id for q in scenario.queues}
    for queue, count in logged_in.items():
        if queue not in known:
            raise InputError(f"unknown queue {queue!r}", where="logged_in")
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
            raise InputError(
                f"queue {queue}: logged-in advisors must be a whole number >= 0, got {count!r}",
                where="logged_in",
            )
    table = reforecast.table
    require_columns(table, FORECAST_COLUMNS, "re-forecast table")
    start_s = epoch_s(utc_times(table["start"], "re-forecast table, column start"))
    end_s = start_s + table["interval_min"].to_numpy(dtype=float) * 60.0
    now_s = now.timestamp()
    rows = table.loc[end_s > now_s, list(FORECAST_COLUMNS)].reset_index(drop=True)
    current = (start_s[end_s > now_s] <= now_s).astype(bool)
    required = pooled_requirements(rows, scenario, shrinkage=0.0)["required_agents"]
    scheduled = scheduled_per_interval(schedule, rows[["queue", "start", "interval_min"]])
    counts = rows["queue"].map(lambda q: float(logged_in.get(str(q), 0))).to_numpy(dtype=float)
    planned = scheduled["scheduled"].to_numpy(dtype=float)
    there = np.where(current, counts, planned)
    need = required.to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "queue": rows["queue"].astype(str),
            "start": rows["start"],
            "interval_min": rows["interval_min"],
            "volume": rows["volume"].to_numpy(dtype=float),
            "required": need.astype(np.int64),
            "scheduled": planned,
            "logged_in": np.where(current, counts, np.nan),  # known for the current one only
            "gap": need - there,
        },
        columns=list(GAP_COLUMNS),
    )
    return out.sort_values(["queue", "start"], ignore_index=True)
