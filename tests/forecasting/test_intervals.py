from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from homeshore.forecasting import ForecastSettings, setups
from homeshore.forecasting.daily_profile import DailyProfile
from homeshore.forecasting.intervals import cdf, pit_below, quantiles
from tests.forecasting.synthetic import rates, table_from_grid

FIRST = dt.date(2026, 1, 5)


def test_quantiles_poisson_and_negative_binomial() -> None:
    mu = np.array([0.0, 3.0, 40.0])
    np.testing.assert_array_equal(quantiles(mu, 0.0, 0.9), [0, 5, 48])
    size = 1 / 0.1
    expected = stats.nbinom.ppf(0.9, size, size / (size + 40.0))
    assert quantiles(np.array([40.0]), 0.1, 0.9)[0] == expected > 48


def test_cdf_matches_scipy() -> None:
    y = np.array([-1.0, 0.0, 4.0])
    mu = np.array([2.0, 2.0, 2.0])
    np.testing.assert_allclose(cdf(y, mu, 0.0), [0.0, *stats.poisson.cdf([0, 4], 2.0)])


def test_randomised_pit_is_uniform_for_the_true_law() -> None:
    rng = np.random.default_rng(2)
    mu = rng.uniform(0.1, 20.0, 50_000)
    alpha = 0.15
    y = rng.poisson(rng.gamma(1 / alpha, alpha * mu)).astype(float)
    for q in (0.1, 0.5, 0.9):
        assert pit_below(y, mu, alpha, q).mean() == pytest.approx(q, abs=0.01)
    # a Poisson law on overdispersed data puts too many actuals outside
    assert pit_below(y, mu, 0.0, 0.1).mean() > 0.13


@pytest.mark.parametrize("alpha", [0.0, 0.08])
def test_dispersion_estimated_from_inner_origins(alpha: float) -> None:
    rng = np.random.default_rng(4)
    lam = rates(FIRST, 16 * 7, scale=0.3)
    if alpha:
        lam = lam * rng.gamma(1 / alpha, alpha, lam.shape)
    table = table_from_grid(rng.poisson(lam).astype(float), FIRST)
    setup = setups(table, ForecastSettings(timezone="Europe/Paris", country=""))["q1"]
    estimate = setup.dispersion(DailyProfile(), 3)
    assert estimate.shape == (3,)
    assert (np.diff(estimate) >= 0).all()
    assert estimate[0] == pytest.approx(alpha, abs=0.03)


def test_short_history_uses_the_fallback() -> None:
    table = table_from_grid(rates(FIRST, 14), FIRST)
    setup = setups(table, ForecastSettings(timezone="Europe/Paris", country=""))["q1"]
    np.testing.assert_array_equal(setup.dispersion(DailyProfile(), 2), [0.05, 0.05])
