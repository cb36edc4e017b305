"""Slots to offer from the staffing gap: extra time where short, time off where over.

A run is a sequence of consecutive intervals of one queue (each starting where the previous
ends), all starting at or after ``not_before`` (an offer needs notice), whose gap
(extra time) or surplus ``-gap`` (time off) is at least ``threshold``. A run is cut into
slots of at most ``max_slot_min`` minutes, in whole intervals and as even as they go
(a slot is never shorter than an interval, even when ``max_slot_min`` is).

A run shorter than ``min_slot_min``:

- extra time: the slot grows over the queue's next intervals, then over its previous ones,
  until it reaches ``min_slot_min``. It only takes intervals of the gap table (the forecast
  day's intervals not ended), starting at or after ``not_before``, consecutive, in no
  other run and in no time-off slot (extra time and time off never overlap); when the day
  has no more of them the slot stays shorter. Advisors asked to
  come for less than ``min_slot_min`` would rarely come, and an interval next to a
  shortage is rarely overstaffed.
- time off: no slot. Growing it would release advisors from intervals that are not
  overstaffed.

``cuts`` (times where advisors' shifts start or end) split runs before they are cut into
slots, so that a slot can start as a shift ends (or end as one starts) and extend it: a
run from 10:30 to 20:00 with shifts ending at 12:00 and 16:00 gives slots from 10:30,
12:00 and 16:00 rather than evenly cut ones no shift touches. A cut that would leave a piece
shorter than ``min_slot_min`` is not made.

``places``: extra time, the ceiling of the slot's largest gap; time off, the floor of its
smallest surplus. A slot with no place is not made.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from homeshore.errors import InputError
from homeshore.intraday._inputs import aware, epoch_s, numbers, require_columns, utc_times

__all__ = ["EXTRA", "TIME_OFF", "Slot", "extra_time_slots", "time_off_slots"]

EXTRA: Final = "extra"
TIME_OFF: Final = "time_off"
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Slot:
    queue: str
    start: dt.datetime
    end: dt.datetime
    places: int  # advisors wanted (extra time) or released (time off)
    kind: str  # "extra" or "time_off"

    def __post_init__(self) -> None:
        if self.kind not in (EXTRA, TIME_OFF):
            raise ValueError(f"slot kind must be {EXTRA!r} or {TIME_OFF!r}, got {self.kind!r}")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError(f"queue {self.queue}: slot times must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"queue {self.queue}: slot at {self.start} ends before it starts")
        if self.places < 1:
            raise ValueError(f"queue {self.queue}: a slot has at least one place")

    @property
    def duration_min(self) -> float:
        return (self.end - self.start).total_seconds() / 60.0


def extra_time_slots(
    gap: pd.DataFrame,
    *,
    threshold: float = 1.0,
    min_slot_min: int = 60,
    max_slot_min: int = 120,
    not_before: dt.datetime,
    cuts: Iterable[dt.datetime] = (),
) -> list[Slot]:
    """Slots where the queue is short of at least `threshold` advisors (module docstring)."""
    return _slots(gap, EXTRA, threshold, min_slot_min, max_slot_min, not_before, cuts)


def time_off_slots(
    gap: pd.DataFrame,
    *,
    threshold: float = 1.0,
    min_slot_min: int = 60,
    max_slot_min: int = 120,
    not_before: dt.datetime,
    cuts: Iterable[dt.datetime] = (),
) -> list[Slot]:
    """Slots where the queue has at least `threshold` advisors too many (module docstring)."""
    return _slots(gap, TIME_OFF, threshold, min_slot_min, max_slot_min, not_before, cuts)


def _slots(
    gap: pd.DataFrame,
    kind: str,
    threshold: float,
    min_slot_min: int,
    max_slot_min: int,
    not_before: dt.datetime,
    cuts: Iterable[dt.datetime],
) -> list[Slot]:
    aware(not_before, "not_before")
    cut_s = sorted({aware(c, "cuts").timestamp() for c in cuts})
    if not (math.isfinite(threshold) and threshold > 0):
        raise InputError(f"threshold must be a number > 0, got {threshold}", where="threshold")
    if not 0 < min_slot_min <= max_slot_min:
        raise InputError(
            f"slot lengths must satisfy 0 < min_slot_min <= max_slot_min "
            f"(got {min_slot_min} and {max_slot_min})",
            where="min_slot_min",
        )
    require_columns(gap, ("queue", "start", "interval_min", "gap"), "gap table")
    frame = gap.reset_index(drop=True)
    start = utc_times(frame["start"], "gap table, column start")
    given = frame["start"].dtype
    if isinstance(given, pd.DatetimeTZDtype):  # slots keep the table's timezone
        start = start.dt.tz_convert(given.tz)
    minutes = numbers(frame, "interval_min", "gap table", strict=True)
    values = pd.to_numeric(frame["gap"], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(values).all():
        i = int(np.flatnonzero(~np.isfinite(values))[0])
        raise InputError("gap must be a number", where=f"gap table, row {i + 1}, column gap")
    table = pd.DataFrame(
        {
            "queue": frame["queue"].astype(str),
            "start": start,
            "start_s": epoch_s(start),
            "length_s": minutes * 60.0,
            "need": values if kind == EXTRA else -values,
        }
    )
    table = table.loc[table["start_s"] >= not_before.timestamp()]
    out: list[Slot] = []
    for queue, rows in table.groupby("queue", sort=True):
        rows = rows.sort_values("start_s").reset_index(drop=True)
        out += _queue_slots(str(queue), rows, kind, threshold, min_slot_min, max_slot_min, cut_s)
    return out


def _queue_slots(
    queue: str,
    rows: pd.DataFrame,
    kind: str,
    threshold: float,
    min_slot_min: int,
    max_slot_min: int,
    cut_s: Sequence[float] = (),
) -> list[Slot]:
    starts = rows["start_s"].to_numpy(float)
    ends = starts + rows["length_s"].to_numpy(float)
    need = rows["need"].to_numpy(float)
    follows = np.r_[False, np.abs(starts[1:] - ends[:-1]) < 1e-3]  # row i starts where i-1 ends

    def long_enough(run: tuple[int, int]) -> bool:
        return bool((ends[run[1] - 1] - starts[run[0]]) / 60.0 >= min_slot_min - _EPS)

    runs = _split(_runs(need >= threshold - _EPS, follows), starts, ends, cut_s, min_slot_min)
    # growth takes no interval of another run, nor of a time-off slot (a long surplus run)
    taken = np.zeros(len(rows), dtype=bool)
    surplus = _runs(-need >= threshold - _EPS, follows) if kind == EXTRA else []
    for lo, hi in [*runs, *filter(long_enough, surplus)]:
        taken[lo:hi] = True
    pieces: list[tuple[int, int]] = []
    for lo, hi in runs:
        if not long_enough((lo, hi)):
            if kind == TIME_OFF:
                continue
            lo, hi = _grown(lo, hi, starts, ends, follows, taken, min_slot_min)
            pieces.append((lo, hi))
            continue
        per_slot = max(1, int(max_slot_min * 60 // rows["length_s"].iloc[lo]))
        count = hi - lo
        n = math.ceil(count / per_slot)
        sizes = [count // n + (1 if j < count % n else 0) for j in range(n)]
        for size in sizes:
            pieces.append((lo, lo + size))
            lo += size
    out: list[Slot] = []
    for lo, hi in pieces:
        places = (
            math.ceil(float(need[lo:hi].max()) - _EPS)
            if kind == EXTRA
            else math.floor(float(need[lo:hi].min()) + _EPS)
        )
        if places >= 1:
            out.append(Slot(queue, _at(rows, lo), _end(rows, hi - 1), places, kind))
    return out


def _runs(hot: npt.NDArray[np.bool_], follows: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[first, last) rows of each run of consecutive hot rows."""
    out: list[tuple[int, int]] = []
    for i in (int(k) for k in np.flatnonzero(hot)):
        if out and out[-1][1] == i and follows[i]:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _split(
    runs: list[tuple[int, int]],
    starts: npt.NDArray[np.float64],
    ends: npt.NDArray[np.float64],
    cut_s: Sequence[float],
    min_slot_min: int,
) -> list[tuple[int, int]]:
    """Runs cut where an interval starts at one of the cut times (where advisors' shifts
    start or end: a slot that starts there can extend a shift), except where a cut would
    leave a piece shorter than ``min_slot_min`` (nobody comes for a quarter of an hour)."""
    if not cut_s:
        return runs
    at_cut = np.isin(np.round(starts, 3), np.round(np.asarray(cut_s, dtype=float), 3))
    shortest_s = min_slot_min * 60.0 - 1e-3
    out: list[tuple[int, int]] = []
    for lo, hi in runs:
        kept = [lo]
        for i in range(lo + 1, hi):
            if (
                at_cut[i]
                and starts[i] - starts[kept[-1]] >= shortest_s
                and ends[hi - 1] - starts[i] >= shortest_s
            ):
                kept.append(i)
        out += list(itertools.pairwise([*kept, hi]))
    return out


def _grown(
    lo: int,
    hi: int,
    starts: npt.NDArray[np.float64],
    ends: npt.NDArray[np.float64],
    follows: npt.NDArray[np.bool_],
    taken: npt.NDArray[np.bool_],
    min_slot_min: int,
) -> tuple[int, int]:
    def short() -> bool:
        return bool((ends[hi - 1] - starts[lo]) / 60.0 < min_slot_min - _EPS)

    while short() and hi < len(starts) and follows[hi] and not taken[hi]:
        taken[hi] = True
        hi += 1
    while short() and lo > 0 and follows[lo] and not taken[lo - 1]:
        taken[lo - 1] = True
        lo -= 1
    return lo, hi


def _at(rows: pd.DataFrame, i: int) -> dt.datetime:
    stamp: pd.Timestamp = rows["start"].iloc[i]
    return stamp.to_pydatetime()


def _end(rows: pd.DataFrame, i: int) -> dt.datetime:
    return _at(rows, i) + dt.timedelta(seconds=float(rows["length_s"].iloc[i]))
