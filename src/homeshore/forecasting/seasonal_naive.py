"""Seasonal naive baselines: the same interval last week, or the mean of the last k weeks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from homeshore.forecasting.history import FloatArray
from homeshore.forecasting.method import Context


def _same_weekday_days(context: Context, weekday: int, count: int) -> list[int]:
    """Indices of the last `count` valid history days on `weekday`, most recent first."""
    history = context.history
    valid = history.valid_days()
    weekdays = history.weekdays()
    found = [i for i in range(history.n_days - 1, -1, -1) if valid[i] and weekdays[i] == weekday]
    return found[:count]


@dataclass(frozen=True, slots=True)
class SeasonalNaive:
    """Each forecast day repeats the mean of the last `weeks` valid days of its weekday.

    weeks=1 is the classic seasonal naive (same interval last week; a missing day falls back
    to the week before); weeks=4 is the "4-week average" peer. Special days are ignored: that
    is what makes it a baseline.
    """

    weeks: int = 1

    @property
    def name(self) -> str:
        return "seasonal_naive" if self.weeks == 1 else f"seasonal_mean{self.weeks}"

    def predict(self, context: Context) -> FloatArray:
        history = context.history
        out = np.zeros((context.horizon_days, history.slots_per_day))
        for j, weekday in enumerate(context.horizon_weekdays()):
            days = _same_weekday_days(context, int(weekday), self.weeks)
            if days:
                out[j] = history.volume[days].mean(axis=0)
        return out
