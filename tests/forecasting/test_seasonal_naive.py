from __future__ import annotations

import datetime as dt

import numpy as np

from homeshore.forecasting.history import QueueHistory
from homeshore.forecasting.method import Context
from homeshore.forecasting.seasonal_naive import SeasonalNaive

FIRST = dt.date(2026, 1, 5)


def _context(volume: np.ndarray, horizon: int = 14) -> Context:
    n = len(volume)
    h = QueueHistory("q", 60, FIRST, volume, np.full_like(volume, np.nan), np.zeros_like(volume))
    return Context(h, ("normal",) * n, FIRST + dt.timedelta(days=n), ("normal",) * horizon)


def test_repeats_last_week_for_every_horizon_week() -> None:
    volume = np.arange(21 * 24, dtype=float).reshape(21, 24)
    out = SeasonalNaive(1).predict(_context(volume))
    np.testing.assert_array_equal(out[:7], volume[14:])
    np.testing.assert_array_equal(out[7:], volume[14:])


def test_missing_day_falls_back_to_the_week_before() -> None:
    volume = np.arange(21 * 24, dtype=float).reshape(21, 24)
    volume[16] = np.nan
    out = SeasonalNaive(1).predict(_context(volume, 7))
    np.testing.assert_array_equal(out[2], volume[9])


def test_mean_of_four_weeks() -> None:
    volume = np.random.default_rng(3).poisson(5.0, (35, 24)).astype(float)
    out = SeasonalNaive(4).predict(_context(volume, 7))
    np.testing.assert_allclose(out[0], volume[[7, 14, 21, 28]].mean(axis=0))
    assert SeasonalNaive(4).name == "seasonal_mean4"
