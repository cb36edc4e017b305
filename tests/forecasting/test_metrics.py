from __future__ import annotations

import numpy as np
import pytest

from homeshore.forecasting.metrics import (
    oracle_daily,
    poisson_mean_abs_deviation,
    seasonal_naive_scale,
    wape,
)


def test_poisson_mean_absolute_deviation_exact_and_monte_carlo() -> None:
    assert poisson_mean_abs_deviation(np.array([1.0]))[0] == pytest.approx(2 / np.e)
    assert poisson_mean_abs_deviation(np.array([0.0]))[0] == 0.0
    rng = np.random.default_rng(0)
    for lam in (0.3, 4.5, 37.0):
        draws = rng.poisson(lam, 400_000)
        mc = np.abs(draws - lam).mean()
        assert poisson_mean_abs_deviation(np.array([lam]))[0] == pytest.approx(mc, rel=0.01)


def test_wape_and_scale() -> None:
    assert wape(5.0, 20.0) == 0.25
    assert np.isnan(wape(1.0, 0.0))
    volume = np.array([[1.0], [2.0], [4.0], [np.nan]])
    assert seasonal_naive_scale(volume, season_days=1) == pytest.approx(1.5)


def test_oracle_daily_keeps_the_shape_and_takes_the_true_total() -> None:
    forecast = np.array([[1.0, 3.0], [0.0, 0.0]])
    out = oracle_daily(forecast, np.array([8.0, 5.0]))
    np.testing.assert_allclose(out, [[2.0, 6.0], [0.0, 0.0]])
