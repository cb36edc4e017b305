"""Synthetic interval histories with known rates (Poisson counts around them)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

SLOTS_30 = 48


def day_shape(weekday: int, slots: int = SLOTS_30) -> np.ndarray:
    """Intraday shares: open 08:00-20:00 Monday-Friday, 09:00-13:00 Saturday, closed Sunday."""
    minutes = np.arange(slots) * (1440 // slots)
    hours = minutes / 60
    if weekday == 6:
        return np.zeros(slots)
    if weekday == 5:
        open_ = (hours >= 9) & (hours < 13)
        shape = np.where(open_, 1.0, 0.0)
    else:
        open_ = (hours >= 8) & (hours < 20)
        shape = np.where(open_, 1.0 + 1.5 * np.exp(-((hours - 10) ** 2) / 2), 0.0)
        shape += np.where(open_, 0.8 * np.exp(-((hours - 15) ** 2) / 3), 0.0)
        if weekday == 0:
            shape *= np.where(hours < 12, 1.4, 1.0)  # Monday morning peak
    return shape / shape.sum()


DAILY = np.array([1300.0, 1000.0, 950.0, 1000.0, 900.0, 250.0, 0.0])


def rates(first: dt.date, days: int, *, scale: float = 1.0, slots: int = SLOTS_30) -> np.ndarray:
    """(days, slots) true rates."""
    out = np.zeros((days, slots))
    for i in range(days):
        wd = (first + dt.timedelta(days=i)).weekday()
        out[i] = scale * DAILY[wd] * day_shape(wd, slots)
    return out


def table_from_grid(
    grid: np.ndarray,
    first: dt.date,
    *,
    queue: str = "q1",
    timezone: str = "Europe/Paris",
    interval_min: int = 30,
    aht_s: float | np.ndarray = 300.0,
) -> pd.DataFrame:
    """An interval table with one row per day and slot (by local wall clock).

    Slots that do not exist (spring change) or exist twice (autumn) are dropped: the synthetic
    services are closed at night.
    """
    days, slots = grid.shape
    wall = [
        pd.Timestamp(first) + pd.Timedelta(days=d, minutes=s * interval_min)
        for d in range(days)
        for s in range(slots)
    ]
    starts = pd.DatetimeIndex(wall).tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    offered = grid.reshape(-1)
    frame = pd.DataFrame(
        {
            "queue": queue,
            "start": starts,
            "interval_min": interval_min,
            "offered": offered,
            "answered": offered,
            "aht_s": np.broadcast_to(np.asarray(aht_s, dtype=float), grid.shape).reshape(-1),
        }
    )
    return frame[starts.notna()].reset_index(drop=True)


def poisson_table(
    rng: np.random.Generator,
    first: dt.date,
    days: int,
    *,
    scale: float = 1.0,
    queue: str = "q1",
    timezone: str = "Europe/Paris",
) -> tuple[pd.DataFrame, np.ndarray]:
    lam = rates(first, days, scale=scale)
    counts = rng.poisson(lam).astype(float)
    return table_from_grid(counts, first, queue=queue, timezone=timezone), lam
