"""From the (day x slot) grid of local wall-clock times back to real, timezone-aware intervals.

On the day clocks go forward the missing hour's slots produce no row; on the day they go
back the repeated hour's slots produce two rows (before and after the change), each with half
of the slot's forecast, so the rows of a day always add up to the day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from homeshore.domain.time import MINUTES_PER_DAY
from homeshore.forecasting.history import FloatArray


def interval_starts(
    first_date: dt.date, n_days: int, interval_min: int, timezone: str
) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray, np.ndarray]:
    """Every real interval start of the days, with its (day, slot) and its share of the slot."""
    first = pd.Timestamp(first_date).tz_localize(
        timezone, ambiguous=True, nonexistent="shift_forward"
    )
    end = (pd.Timestamp(first_date) + pd.Timedelta(days=n_days)).tz_localize(
        timezone, ambiguous=True, nonexistent="shift_forward"
    )
    first_utc = first.tz_convert("UTC").floor(f"{interval_min}min")
    starts = pd.date_range(
        first_utc, end.tz_convert("UTC"), freq=f"{interval_min}min", inclusive="left"
    ).tz_convert(timezone)
    wall = starts.tz_localize(None)
    day = np.asarray((wall.normalize() - pd.Timestamp(first_date)).days, dtype=np.int64)
    minute = np.asarray(wall.hour * 60 + wall.minute, dtype=np.int64)
    keep = (day >= 0) & (day < n_days) & (minute % interval_min == 0)
    starts, day, slot = starts[keep], day[keep], minute[keep] // interval_min
    key = day * (MINUTES_PER_DAY // interval_min) + slot
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    share = 1.0 / counts[inverse]
    return starts, day, slot, share


def grid_rows(
    values: dict[str, FloatArray],
    first_date: dt.date,
    interval_min: int,
    timezone: str,
    *,
    split: tuple[str, ...],
) -> pd.DataFrame:
    """A frame with `start` and one column per grid in `values` ((days, slots) each).

    Columns named in `split` are divided between the two rows of a repeated hour; the
    others (rates, quantiles of a whole slot) are copied.
    """
    n_days = next(iter(values.values())).shape[0]
    starts, day, slot, share = interval_starts(first_date, n_days, interval_min, timezone)
    frame = pd.DataFrame({"start": starts})
    for name, grid in values.items():
        column = grid[day, slot]
        frame[name] = column * share if name in split else column
    return frame
