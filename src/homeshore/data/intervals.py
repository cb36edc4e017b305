"""Per-call table -> interval table (INTERVAL_COLUMNS) and waits table (WAIT_COLUMNS).

Conventions (docs/import.md):

- a contact counts in the interval in which it reached the queue (`arrival`);
- offered = answered + abandoned (contacts not offered never reach the call table);
- answered within T: answered with wait <= threshold_s (an abandon never counts);
- wait_s_mean is the mean wait of all offered contacts (abandons: their time to abandon),
  asa_s that of answered ones, aht_s the mean handle time of answered ones;
- busy_s: agent-seconds of service overlapping the interval, a service being split across
  interval boundaries; agents_staffed: distinct agents serving the queue at some time in the
  interval. Per queue: an agent serving two queues counts in both. busy_s counts
  contact-seconds, so on a chat queue an agent with two chats at once counts twice.
- the grid holds every interval of every local day with records (zeros where no contact
  came), so days without any record (missing data) stay absent rather than read as zero.

Interval starts are tz-aware in the given timezone; a day has 23 or 25 hours when clocks
change, and the grid follows the clock (intervals are always interval_min long).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from homeshore.data.atomic import write_atomic
from homeshore.domain.tables import INTERVAL_COLUMNS, WAIT_COLUMNS
from homeshore.errors import InputError

VALID_INTERVALS_MIN = (15, 30, 60)
_COUNT_COLUMNS = ("offered", "answered", "abandoned", "answered_within_t", "agents_staffed")
_FLOAT_COLUMNS = ("threshold_s", "wait_s_mean", "asa_s", "aht_s", "handle_s_total", "busy_s")


@dataclass(frozen=True, slots=True)
class IntervalTables:
    intervals: pd.DataFrame  # INTERVAL_COLUMNS
    waits: pd.DataFrame  # WAIT_COLUMNS


def aggregate(
    calls: pd.DataFrame,
    *,
    interval_min: int,
    threshold_s: float | Mapping[str, float],
    timezone: str,
    days: Iterable[pd.Timestamp] | None = None,
) -> IntervalTables:
    """Aggregate a call table (CALL_COLUMNS) per queue and interval.

    `threshold_s` is one value or one per queue. `days` are the local dates to cover in
    full (default: the days with an offered contact).
    """
    if interval_min not in VALID_INTERVALS_MIN:
        raise ValueError(f"interval_min must be one of {VALID_INTERVALS_MIN}, not {interval_min}")
    step = pd.Timedelta(minutes=interval_min)
    step_s = interval_min * 60
    arrival = pd.DatetimeIndex(calls["arrival"]).tz_convert(timezone)
    queue = calls["queue"].astype(str).to_numpy()
    start = interval_start(arrival, interval_min)

    thresholds = _thresholds(threshold_s, queue)
    wait = calls["wait_s"].to_numpy(dtype=float)
    abandoned = calls["abandoned"].to_numpy(dtype=bool)
    handle = np.where(abandoned, 0.0, calls["handle_s"].to_numpy(dtype=float))
    frame = pd.DataFrame(
        {
            "queue": queue,
            "start": start,
            "offered": 1,
            "answered": (~abandoned).astype(np.int64),
            "abandoned": abandoned.astype(np.int64),
            "answered_within_t": (~abandoned & (wait <= thresholds)).astype(np.int64),
            "wait_total": wait,
            "answered_wait_total": np.where(abandoned, 0.0, wait),
            "handle_s_total": handle,
        }
    )
    sums = frame.groupby(["queue", "start"], sort=False).sum()
    busy = _busy(calls.loc[~abandoned], arrival[~abandoned], start[~abandoned], step_s)

    index = _grid(sums.index, busy.index, days, queue, timezone, step)
    out = pd.DataFrame(index=index)
    out = out.join(sums).join(busy)
    for name in ("offered", "answered", "abandoned", "answered_within_t", "agents_staffed"):
        out[name] = out[name].fillna(0).astype(np.int64)
    for name in ("wait_total", "answered_wait_total", "handle_s_total", "busy_s"):
        out[name] = out[name].fillna(0.0).astype(float)
    out = out.reset_index()
    out["interval_min"] = interval_min
    out["threshold_s"] = _thresholds(threshold_s, out["queue"].to_numpy())
    with np.errstate(invalid="ignore", divide="ignore"):
        out["wait_s_mean"] = out["wait_total"] / out["offered"].where(out["offered"] > 0)
        out["asa_s"] = out["answered_wait_total"] / out["answered"].where(out["answered"] > 0)
        out["aht_s"] = out["handle_s_total"] / out["answered"].where(out["answered"] > 0)
    intervals = out[list(INTERVAL_COLUMNS)].sort_values(["queue", "start"], ignore_index=True)

    waits = pd.DataFrame(
        {"queue": queue, "start": arrival, "wait_s": wait, "abandoned": abandoned}
    ).sort_values(["queue", "start"], ignore_index=True)
    return IntervalTables(intervals, waits[list(WAIT_COLUMNS)])


def interval_start(instants: pd.DatetimeIndex, interval_min: int) -> pd.DatetimeIndex:
    """Start of the local-clock interval holding each instant (tz-aware, same zone).

    Computed from the wall-clock offset within the interval, so it is right on days when
    clocks change and in zones whose offset is not a whole hour.
    """
    wall_ns = instants.tz_localize(None).as_unit("ns").asi8
    offset_ns = wall_ns % (interval_min * 60 * 1_000_000_000)
    return instants - pd.to_timedelta(offset_ns, unit="ns")


def _thresholds(threshold_s: float | Mapping[str, float], queues: np.ndarray) -> np.ndarray:
    if isinstance(threshold_s, Mapping):
        missing = sorted(set(queues) - set(threshold_s))
        if missing:
            raise ValueError(f"no service-level threshold for queue(s) {', '.join(missing)}")
        return np.array([float(threshold_s[q]) for q in queues], dtype=float)
    return np.full(len(queues), float(threshold_s))


def _busy(
    served: pd.DataFrame, arrival: pd.DatetimeIndex, start: pd.DatetimeIndex, step_s: int
) -> pd.DataFrame:
    """busy_s and agents_staffed per (queue, interval) from services split at boundaries."""
    begin_s = (arrival - start).total_seconds().to_numpy() + served["wait_s"].to_numpy(float)
    handle_s = served["handle_s"].to_numpy(float)
    end_s = begin_s + handle_s
    first = np.floor(begin_s / step_s).astype(np.int64)
    last = np.maximum(np.ceil(end_s / step_s).astype(np.int64) - 1, first)
    pieces = last - first + 1
    row = np.repeat(np.arange(len(served)), pieces)
    k = first[row] + (np.arange(len(row)) - np.repeat(np.cumsum(pieces) - pieces, pieces))
    lo = np.maximum(begin_s[row], k * step_s)
    hi = np.minimum(end_s[row], (k + 1) * step_s)
    frame = pd.DataFrame(
        {
            "queue": served["queue"].astype(str).to_numpy()[row],
            "start": start[row] + pd.to_timedelta(k * step_s, unit="s"),
            "busy_s": np.maximum(hi - lo, 0.0),
            "agent": served["agent"].to_numpy()[row],
        }
    )
    grouped = frame.groupby(["queue", "start"], sort=False)
    busy = grouped["busy_s"].sum().to_frame()
    busy["agents_staffed"] = grouped["agent"].nunique()
    return busy


def _grid(
    have: pd.Index,
    busy: pd.Index,
    days: Iterable[pd.Timestamp] | None,
    queues: np.ndarray,
    timezone: str,
    step: pd.Timedelta,
) -> pd.MultiIndex:
    """Every interval of the given local days for every queue, plus any interval with data."""
    seen = have.union(busy)
    day_list = (
        sorted({pd.Timestamp(d).normalize().tz_localize(None) for d in days})
        if days is not None
        else sorted({t.tz_localize(None).normalize() for t in seen.get_level_values("start")})
    )
    starts: list[pd.Timestamp] = []
    for day in day_list:
        midnight = day.tz_localize(timezone, ambiguous=True, nonexistent="shift_forward")
        following = (day + pd.Timedelta(days=1)).tz_localize(
            timezone, ambiguous=True, nonexistent="shift_forward"
        )
        starts.extend(pd.date_range(midnight, following, freq=step, inclusive="left"))
    names = sorted(set(queues.tolist()))
    grid = pd.MultiIndex.from_product(
        [names, pd.DatetimeIndex(starts, tz=timezone)], names=["queue", "start"]
    )
    full = grid.union(cast(pd.MultiIndex, seen)) if len(seen) else grid
    return full.set_names(["queue", "start"]).sort_values()


# --------------------------------------------------------------------------- read / write


def write_tables(tables: IntervalTables, out_dir: Path) -> list[Path]:
    """Write intervals.parquet, intervals.csv and waits.parquet atomically into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [
        write_atomic(out_dir / "intervals.parquet", lambda p: _to_parquet(tables.intervals, p)),
        write_atomic(out_dir / "intervals.csv", lambda p: _to_csv(tables.intervals, p)),
        write_atomic(out_dir / "waits.parquet", lambda p: _to_parquet(tables.waits, p)),
    ]
    return written


def write_intervals(intervals: pd.DataFrame, path: Path) -> Path:
    """Write one interval table as .parquet or .csv (by suffix), atomically."""
    if path.suffix == ".parquet":
        return write_atomic(path, lambda p: _to_parquet(intervals, p))
    if path.suffix == ".csv":
        return write_atomic(path, lambda p: _to_csv(intervals, p))
    raise InputError("interval tables are .parquet or .csv files", path=path)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write any table with a `start` column as CSV (ISO 8601 times), atomically."""
    return write_atomic(path, lambda p: _to_csv(frame, p))


def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False, compression="zstd")


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    out["start"] = out["start"].map(lambda t: t.isoformat())
    out.to_csv(path, index=False, float_format="%.10g")


def read_intervals(path: Path | str, timezone: str | None = None) -> pd.DataFrame:
    """Read an interval table (.parquet or .csv) and check it against INTERVAL_COLUMNS.

    CSV starts carry their UTC offset; they are converted to `timezone` (UTC if None).
    Parquet keeps its zone unless `timezone` is given.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("interval table not found", path=path)
    try:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif path.suffix == ".csv":
            frame = pd.read_csv(path, dtype={"queue": str}, keep_default_na=True)
        else:
            raise InputError("interval tables are .parquet or .csv files", path=path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read interval table ({exc})", path=path) from exc
    return check_intervals(frame, path, timezone)


def check_intervals(frame: pd.DataFrame, path: Path, timezone: str | None) -> pd.DataFrame:
    missing = [c for c in INTERVAL_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", path=path, line=1)
    frame = frame[list(INTERVAL_COLUMNS)].copy()
    csv = path.suffix == ".csv"

    def fail(mask: np.ndarray, column: str, reason: str) -> None:
        i = int(np.flatnonzero(mask)[0])
        raise InputError(
            f"{reason} ({int(mask.sum())} row(s))",
            path=path,
            line=i + 2 if csv else None,
            where=f"column {column}" + ("" if csv else f", row {i}"),
        )

    if pd.api.types.is_datetime64_any_dtype(frame["start"]) and frame["start"].dt.tz:
        start = frame["start"]
    else:
        start = pd.to_datetime(frame["start"], utc=True, errors="coerce", format="ISO8601")
        bad = start.isna().to_numpy()
        if bad.any():
            fail(bad, "start", "not a date-time with its UTC offset")
    frame["start"] = start.dt.tz_convert(timezone) if timezone else start
    null_ok = {"wait_s_mean", "asa_s", "aht_s"}
    for column in (*_COUNT_COLUMNS, *_FLOAT_COLUMNS, "interval_min"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = (values.isna() & ~frame[column].isna()).to_numpy()
        if column not in null_ok:
            bad |= values.isna().to_numpy()
        if bad.any():
            fail(bad, column, "not a number")
        negative = (values < 0).to_numpy()
        if negative.any():
            fail(negative, column, "negative")
        frame[column] = values
    for column in (*_COUNT_COLUMNS, "interval_min"):
        frame[column] = frame[column].astype(np.int64)
    bad_step = ~frame["interval_min"].isin(VALID_INTERVALS_MIN).to_numpy()
    if bad_step.any():
        fail(bad_step, "interval_min", f"interval_min must be one of {VALID_INTERVALS_MIN}")
    over = (frame["answered"] + frame["abandoned"] > frame["offered"]).to_numpy()
    if over.any():
        fail(over, "offered", "answered + abandoned exceeds offered")
    frame["queue"] = frame["queue"].astype(str)
    return frame.sort_values(["queue", "start"], ignore_index=True)


def read_waits(path: Path | str, timezone: str | None = None) -> pd.DataFrame:
    """Read a waits table (WAIT_COLUMNS, Parquet)."""
    path = Path(path)
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read waits table ({exc})", path=path) from exc
    missing = [c for c in WAIT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", path=path)
    frame = frame[list(WAIT_COLUMNS)].copy()
    frame["queue"] = frame["queue"].astype(str)
    frame["wait_s"] = frame["wait_s"].astype(float)
    frame["abandoned"] = frame["abandoned"].astype(bool)
    if timezone:
        frame["start"] = frame["start"].dt.tz_convert(timezone)
    return frame
