"""A seeded synthetic contact centre whose public holidays do what the caller says.

Used by the tests and by bench/forecast_calendar_learning.py to check that holiday effects are
learned from a centre's history rather than assumed. The centre is a retail bank's: open Monday
to Friday 07:00-21:00, nothing at the weekend; Monday the busiest day; two peaks a day (mid
morning and early afternoon). Counts are Poisson around rates that also vary from day to day by
a gamma factor of coefficient of variation `day_cv`, so its days are as noisy as a real
centre's. The public holidays of `country` (the `holidays` package, as calendar.DayCalendar
lists them) multiply their day's rates by `holiday_effect`: 1, the holidays do not move the
traffic; 0, the centre is closed on them. Nothing else of the calendar (eves, days after) is
special here.

The interval table has one row per interval with at least one contact, as `homeshore
import-calls` writes it: a weekend, or a holiday the centre is closed on, has no row at all
(`keep_empty_intervals` writes the empty open intervals too, as zeros).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from homeshore.domain.time import MINUTES_PER_DAY
from homeshore.forecasting.calendar import HOLIDAY, DayCalendar
from homeshore.forecasting.history import FloatArray

#: Relative volume of Monday .. Sunday (a weekday-only centre).
WEEKDAY_FACTORS = (1.25, 1.0, 0.95, 0.95, 0.85, 0.0, 0.0)
OPEN_HOUR, CLOSE_HOUR = 7, 21


def day_shape(interval_min: int) -> FloatArray:
    """Intraday shares of an open day: 07:00-21:00, peaks near 10:00 and 14:30."""
    hours = np.arange(MINUTES_PER_DAY // interval_min) * interval_min / 60 + interval_min / 120
    open_ = (hours >= OPEN_HOUR) & (hours < CLOSE_HOUR)
    wave = 0.3 + np.exp(-((hours - 10) ** 2) / 3) + 0.8 * np.exp(-((hours - 14.5) ** 2) / 4)
    shape = np.where(open_, wave, 0.0)
    return np.asarray(shape / shape.sum(), dtype=np.float64)


class SyntheticHistory(NamedTuple):
    table: pd.DataFrame  # queue, start, interval_min, offered
    rates: FloatArray  # (days, slots) true rates, day-to-day factor included
    counts: FloatArray  # (days, slots) contacts drawn (zeros where the table has no row)


@dataclass(frozen=True, slots=True)
class SyntheticCentre:
    """A weekday-only centre from `first` for `days` days (see module doc)."""

    first: dt.date
    days: int
    country: str = "FR"
    timezone: str = "Europe/Paris"
    holiday_effect: float = 1.0
    calls_per_day: float = 1500.0  # an average open day
    day_cv: float = 0.05
    interval_min: int = 30
    queue: str = "retail"
    keep_empty_intervals: bool = False

    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range(self.days)]

    def holidays(self) -> list[dt.date]:
        """The country's public holidays within the centre's days (any weekday)."""
        dates = self.dates()
        years = range(dates[0].year, dates[-1].year + 1)
        kinds = DayCalendar.build(self.country, years).kinds(self.queue, dates)
        return [d for d, kind in zip(dates, kinds, strict=True) if kind == HOLIDAY]

    def rates(self) -> FloatArray:
        """(days, slots) expected contacts before the day-to-day factor."""
        factors = np.array(WEEKDAY_FACTORS) / np.mean([f for f in WEEKDAY_FACTORS if f > 0])
        weekday = np.array([d.weekday() for d in self.dates()])
        daily = self.calls_per_day * factors[weekday]
        holidays = set(self.holidays())
        daily *= np.array([self.holiday_effect if d in holidays else 1.0 for d in self.dates()])
        return np.asarray(daily[:, None] * day_shape(self.interval_min)[None, :], dtype=float)

    def generate(self, rng: np.random.Generator) -> SyntheticHistory:
        """The interval table, the true rates and the counts drawn, day by day."""
        rates = self.rates()
        if self.day_cv > 0:
            k = 1.0 / self.day_cv**2
            rates = rates * rng.gamma(k, 1.0 / k, size=(self.days, 1))
        counts = rng.poisson(rates).astype(float)
        slots = counts.shape[1]
        wall = pd.Timestamp(self.first) + pd.to_timedelta(
            np.arange(self.days * slots) * self.interval_min, unit="min"
        )
        starts = pd.DatetimeIndex(wall).tz_localize(
            self.timezone, ambiguous="NaT", nonexistent="NaT"
        )
        offered = counts.reshape(-1)
        if self.keep_empty_intervals:
            weekday = np.repeat([d.weekday() for d in self.dates()], slots)
            open_day = np.array(WEEKDAY_FACTORS)[weekday] > 0
            wanted = open_day & np.tile(day_shape(self.interval_min) > 0, self.days)
        else:
            wanted = offered > 0
        keep = starts.notna() & wanted
        table = pd.DataFrame(
            {
                "queue": self.queue,
                "start": starts[keep],
                "interval_min": self.interval_min,
                "offered": offered[keep],
            }
        )
        return SyntheticHistory(table.reset_index(drop=True), rates, counts)
