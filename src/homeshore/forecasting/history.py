"""An interval table turned into one day x interval-of-day grid per queue.

Every model works on the same shape: `volume[day, slot]` for the consecutive local dates of the
history, one slot per `interval_min` from local midnight. Handling of imperfect input
(docs/forecasting.md, "Bad input"):

- a missing column, a naive `start` without a timezone, a NaN or negative count, a duplicated
  (queue, start), a start not on an interval boundary or a history shorter than one week:
  InputError naming the queue and the interval;
- an interval absent from a day that has data is zero (interval tables omit empty intervals);
- a date with no row for any queue is missing (NaN), never zero: it is left out of fitting and
  scoring (the shared bank data lacks 11-12 January). Dates before a queue's first row are
  missing for that queue;
- the first or last day of the history, when it holds under a quarter of the usual volume of
  its weekday (all queues together), is an incomplete extract and counts as missing (an
  export ending at 01:00 on the last day must not read as a collapse of demand);
- daylight-saving changes: intervals are placed by local wall-clock time; the hour that does
  not exist in spring is an empty slot, the repeated hour in autumn adds into one slot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from homeshore.domain.time import DAYS_PER_WEEK, MINUTES_PER_DAY
from homeshore.errors import InputError

FloatArray = npt.NDArray[np.float64]
REQUIRED_COLUMNS = ("queue", "start", "offered")


@dataclass(frozen=True, slots=True)
class QueueHistory:
    """One queue's history on a grid of consecutive local dates x slots of the day."""

    queue: str
    interval_min: int
    first_date: dt.date
    volume: FloatArray  # (days, slots), NaN rows for missing days
    aht_s: FloatArray  # (days, slots), NaN where unknown or nothing handled
    handled: FloatArray  # (days, slots) weights of aht_s (answered contacts)

    @property
    def n_days(self) -> int:
        return int(self.volume.shape[0])

    @property
    def slots_per_day(self) -> int:
        return int(self.volume.shape[1])

    @property
    def last_date(self) -> dt.date:
        return self.first_date + dt.timedelta(days=self.n_days - 1)

    def dates(self) -> list[dt.date]:
        return [self.first_date + dt.timedelta(days=i) for i in range(self.n_days)]

    def weekdays(self) -> npt.NDArray[np.int64]:
        first = self.first_date.weekday()
        return (first + np.arange(self.n_days)) % DAYS_PER_WEEK

    def valid_days(self) -> npt.NDArray[np.bool_]:
        return ~np.isnan(self.volume[:, 0])

    def head(self, n_days: int) -> QueueHistory:
        """The first `n_days` days (the training part of a backtest origin)."""
        return QueueHistory(
            self.queue,
            self.interval_min,
            self.first_date,
            self.volume[:n_days],
            self.aht_s[:n_days],
            self.handled[:n_days],
        )


def _where(queue: object, start: object) -> str:
    return f"queue {queue}, interval {start}"


def _local_starts(frame: pd.DataFrame, timezone: str, source: str | None) -> pd.Series:
    raw = frame["start"]
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        return pd.Series(raw.dt.tz_convert(timezone))
    if pd.api.types.is_datetime64_dtype(raw.dtype):
        parsed = raw
    else:
        text = raw.astype(str)
        has_offset = text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
        if bool(has_offset.all()):
            try:
                utc = pd.to_datetime(text, utc=True, format="ISO8601")
                return pd.Series(utc.dt.tz_convert(timezone))
            except (ValueError, TypeError) as exc:
                raise InputError(f"unreadable start time ({exc})", path=source) from None
        if bool(has_offset.any()):
            row = int(np.argmin(has_offset.to_numpy()))
            raise InputError(
                "start mixes times with and without a UTC offset",
                path=source,
                where=_where(frame["queue"].iloc[row], text.iloc[row]),
            )
        try:
            parsed = pd.to_datetime(text, format="ISO8601")
        except (ValueError, TypeError) as exc:
            raise InputError(f"unreadable start time ({exc})", path=source) from None
    try:
        return pd.Series(parsed.dt.tz_localize(timezone, ambiguous="raise", nonexistent="raise"))
    except Exception as exc:  # pytz/pandas raise several types for DST problems
        raise InputError(
            f"start has no UTC offset and is ambiguous or nonexistent in {timezone} ({exc}); "
            "write starts with their offset (e.g. 2026-10-25T02:00:00+02:00)",
            path=source,
        ) from None


def _check_counts(frame: pd.DataFrame, column: str, source: str | None) -> FloatArray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) | (values < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        shown = frame[column].iloc[row]
        what = "missing or not a number" if np.isnan(values[row]) else f"negative ({shown})"
        raise InputError(
            f"{column} is {what}; {int(bad.sum())} such row(s)",
            path=source,
            where=_where(frame["queue"].iloc[row], frame["start"].iloc[row]),
            line=row + 2 if source else None,
        )
    return values


def _infer_interval_min(minutes: npt.NDArray[np.int64], queue: str, source: str | None) -> int:
    for candidate in (60, 30, 15, 10, 5):
        if not (minutes % candidate).any():
            return candidate
    raise InputError(
        "interval starts are not on a 5-minute boundary; pass interval_min",
        path=source,
        where=f"queue {queue}",
    )


PARTIAL_DAY_SHARE = 0.25


def _looks_partial(totals: FloatArray, present: npt.NDArray[np.bool_], edge: int) -> bool:
    """An edge day of the history with under a quarter of the usual volume of its weekday
    (mean of up to four present same-weekday days) is an incomplete extract."""
    step = DAYS_PER_WEEK if edge == 0 else -DAYS_PER_WEEK
    same = [edge + k * step for k in range(1, 5)]
    same = [d for d in same if 0 <= d < len(totals) and present[d]]
    if len(same) < 2:
        return False
    usual = float(np.mean(totals[same]))
    return usual > 0 and totals[edge] < PARTIAL_DAY_SHARE * usual


def histories_from_table(
    table: pd.DataFrame,
    *,
    timezone: str,
    interval_min: int | None = None,
    min_days: int = DAYS_PER_WEEK,
    source: str | None = None,
) -> dict[str, QueueHistory]:
    """Validate an interval table (INTERVAL_COLUMNS or queue, start, offered[, aht_s]) and grid it.

    `source` names the file in error messages. All queues share one calendar of dates.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; need at least queue, start, offered",
            path=source,
        )
    if table.empty:
        raise InputError("the history has no rows", path=source)
    frame = table.reset_index(drop=True).copy()
    frame["queue"] = frame["queue"].astype(str)
    offered = _check_counts(frame, "offered", source)
    local = _local_starts(frame, timezone, source)
    wall = local.dt.tz_localize(None)
    dup = frame.assign(_utc=local.dt.tz_convert("UTC")).duplicated(["queue", "_utc"], keep=False)
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(
            f"duplicated interval ({int(dup.sum())} duplicated rows in all)",
            path=source,
            where=_where(frame["queue"].iloc[row], local.iloc[row]),
        )
    minute_of_day = (wall.dt.hour * 60 + wall.dt.minute).to_numpy(dtype=np.int64)
    seconds = wall.dt.second.to_numpy()
    if "interval_min" in frame.columns and interval_min is None:
        sizes = pd.to_numeric(frame["interval_min"], errors="coerce").dropna().unique()
        if len(sizes) > 1:
            raise InputError(f"mixed interval_min values {sorted(sizes)}", path=source)
        if len(sizes) == 1:
            interval_min = int(sizes[0])
    if interval_min is None:
        interval_min = _infer_interval_min(minute_of_day, str(frame["queue"].iloc[0]), source)
    if MINUTES_PER_DAY % interval_min:
        raise InputError(f"interval_min {interval_min} does not divide a day", path=source)
    off = (minute_of_day % interval_min != 0) | (seconds != 0)
    if off.any():
        row = int(np.flatnonzero(off)[0])
        raise InputError(
            f"start is not on a {interval_min}-minute boundary",
            path=source,
            where=_where(frame["queue"].iloc[row], local.iloc[row]),
        )
    aht = (
        pd.to_numeric(frame["aht_s"], errors="coerce").to_numpy(dtype=float)
        if "aht_s" in frame.columns
        else np.full(len(frame), np.nan)
    )
    if (aht < 0).any():
        row = int(np.flatnonzero(aht < 0)[0])
        raise InputError(
            f"aht_s is negative ({aht[row]})",
            path=source,
            where=_where(frame["queue"].iloc[row], local.iloc[row]),
        )
    if "answered" in frame.columns:
        handled = pd.to_numeric(frame["answered"], errors="coerce").fillna(0).to_numpy(float)
    else:
        handled = offered.copy()
    handled = np.where(np.isnan(aht), 0.0, np.maximum(handled, 0.0))

    dates = wall.dt.normalize()
    first_all = dates.min().date()
    n_days = (dates.max().date() - first_all).days + 1
    day_idx = ((dates - dates.min()).dt.days).to_numpy(dtype=np.int64)
    slot_idx = minute_of_day // interval_min
    slots = MINUTES_PER_DAY // interval_min
    present_days = np.zeros(n_days, dtype=bool)
    present_days[day_idx] = True
    day_totals = np.bincount(day_idx, weights=offered, minlength=n_days).astype(np.float64)
    for edge in (0, n_days - 1):
        if present_days[edge] and _looks_partial(day_totals, present_days, edge):
            present_days[edge] = False

    queues: dict[str, QueueHistory] = {}
    codes, names = pd.factorize(frame["queue"], sort=True)
    for q, name in enumerate(names):
        rows = codes == q
        volume = np.zeros((n_days, slots))
        handled_grid = np.zeros((n_days, slots))
        aht_sum = np.zeros((n_days, slots))
        np.add.at(volume, (day_idx[rows], slot_idx[rows]), offered[rows])
        w = handled[rows]
        np.add.at(handled_grid, (day_idx[rows], slot_idx[rows]), w)
        np.add.at(aht_sum, (day_idx[rows], slot_idx[rows]), np.nan_to_num(aht[rows]) * w)
        missing_days = ~present_days.copy()
        missing_days[: int(day_idx[rows].min())] = True
        volume[missing_days] = np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            aht_grid = np.where(handled_grid > 0, aht_sum / handled_grid, np.nan)
        history = QueueHistory(str(name), interval_min, first_all, volume, aht_grid, handled_grid)
        valid = int(history.valid_days().sum())
        if valid < min_days:
            raise InputError(
                f"history covers {valid} day(s) with data; at least {min_days} are needed "
                "(one week, the seasonal period)",
                path=source,
                where=f"queue {name}",
            )
        queues[str(name)] = history
    return queues
