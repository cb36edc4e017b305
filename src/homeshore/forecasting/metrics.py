"""Accuracy measures and the Poisson noise floor."""

from __future__ import annotations

import numpy as np
from scipy import stats

from homeshore.forecasting.history import FloatArray


def wape(abs_error: float, actual: float) -> float:
    """Weighted absolute percentage error: sum |F - A| / sum A (NaN when nothing happened)."""
    return abs_error / actual if actual > 0 else float("nan")


def poisson_mean_abs_deviation(rate: FloatArray) -> FloatArray:
    """E|N - rate| for N ~ Poisson(rate): 2 * rate * P(N = floor(rate)) (exact)."""
    rate = np.maximum(np.asarray(rate, dtype=float), 0.0)
    return np.asarray(2.0 * rate * stats.poisson.pmf(np.floor(rate), rate), dtype=np.float64)


def seasonal_naive_scale(volume: FloatArray, season_days: int = 7) -> float:
    """MASE denominator: mean |y_t - y_(t - one week)| over the training intervals."""
    if volume.shape[0] <= season_days:
        return float("nan")
    diff = np.abs(volume[season_days:] - volume[:-season_days])
    ok = ~np.isnan(diff)
    return float(diff[ok].mean()) if ok.any() else float("nan")


def oracle_daily(forecast: FloatArray, actual_daily: FloatArray) -> FloatArray:
    """The forecast's intraday shape scaled to the true daily totals."""
    sums = forecast.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shape = np.where(sums > 0, forecast / sums, 0.0)
    return np.asarray(shape * actual_daily[:, None], dtype=np.float64)
