from __future__ import annotations

import math

import numpy as np
import pytest

from homeshore.simulation import Empirical, Exponential, LogNormal, sample_with_means


def test_means_and_shapes() -> None:
    rng = np.random.default_rng(7)
    assert Exponential(120.0).sample(rng, 200_000).mean() == pytest.approx(120.0, rel=0.01)
    ln = LogNormal(300.0, cv=0.5).sample(rng, 400_000)
    assert ln.mean() == pytest.approx(300.0, rel=0.01)
    assert ln.std() / ln.mean() == pytest.approx(0.5, rel=0.02)
    emp = Empirical((10.0, 20.0, 60.0))
    draws = emp.sample(rng, 30_000)
    assert set(np.unique(draws)) == {10.0, 20.0, 60.0}
    assert emp.mean_s == pytest.approx(30.0)


def test_rescaled_to_interval_means() -> None:
    rng = np.random.default_rng(1)
    means = np.repeat([100.0, 400.0], 100_000)
    for dist in (Exponential(50.0), LogNormal(50.0, 1.2), Empirical((1.0, 2.0, 9.0))):
        x = sample_with_means(dist, rng, means)
        assert x[:100_000].mean() == pytest.approx(100.0, rel=0.03)
        assert x[100_000:].mean() == pytest.approx(400.0, rel=0.03)


def test_infinite_patience() -> None:
    rng = np.random.default_rng(1)
    assert np.all(np.isinf(Exponential(math.inf).sample(rng, 5)))
    assert np.all(np.isinf(sample_with_means(Exponential(math.inf), rng, np.ones(3))))


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="exponential: mean must be > 0"):
        Exponential(0.0)
    with pytest.raises(ValueError, match="lognormal"):
        LogNormal(10.0, cv=0.0)
    with pytest.raises(ValueError, match="at least one"):
        Empirical(())
    with pytest.raises(ValueError, match="finite and >= 0"):
        Empirical((1.0, -2.0))
