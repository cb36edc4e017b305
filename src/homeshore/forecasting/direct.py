"""Interval-level model: each weekday x interval forecast on its own, for comparison.

Every (weekday, slot) is the exponentially weighted mean of the same slot on past ordinary
days of that weekday (half-life `half_life_weeks`: the recent level counts most). There is no
daily model; special days in the history are left out, and future ones are scaled by effects
estimated against the ordinary days of the same weekday around each past special day
(special_days.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.forecasting.history import FloatArray
from homeshore.forecasting.kind_effects import KindEffect
from homeshore.forecasting.method import Context, decay
from homeshore.forecasting.special_days import context_effects


def local_expectation(totals: FloatArray, normal: np.ndarray, weeks: int = 2) -> FloatArray:
    """Each day's expected total: the mean of the ordinary days of its weekday within
    `weeks` weeks either side (the level at the time, not today's)."""
    n = len(totals)
    out = np.full(n, np.nan)
    for i in range(n):
        near = [
            j
            for j in range(i - weeks * DAYS_PER_WEEK, i + weeks * DAYS_PER_WEEK + 1, DAYS_PER_WEEK)
            if 0 <= j < n and j != i and normal[j]
        ]
        if near:
            out[i] = float(np.mean(totals[near]))
    return out


@dataclass(frozen=True, slots=True)
class Direct:
    half_life_weeks: float = 3.0

    @property
    def name(self) -> str:
        return "direct"

    def weekday_means(self, context: Context) -> FloatArray:
        history = context.history
        weekdays = history.weekdays()
        normal = context.normal_days()
        w = decay(context.age_weeks(), self.half_life_weeks)
        means = np.zeros((DAYS_PER_WEEK, history.slots_per_day))
        for d in range(DAYS_PER_WEEK):
            rows = normal & (weekdays == d)
            if rows.any():
                means[d] = (w[rows, None] * history.volume[rows]).sum(axis=0) / w[rows].sum()
        return means

    def special_effects(self, context: Context) -> dict[str, KindEffect]:
        history = context.history
        totals = np.where(history.valid_days(), history.volume.sum(axis=1), np.nan)
        return context_effects(context, local_expectation(totals, context.normal_days()))

    def predict(self, context: Context) -> FloatArray:
        means = self.weekday_means(context)
        effects = self.special_effects(context)
        scale = np.array([effects[k].effect for k in context.horizon_kinds])
        return np.asarray(means[context.horizon_weekdays()] * scale[:, None], dtype=np.float64)
