from __future__ import annotations

import numpy as np
import pytest

from homeshore.simulation import poisson_arrivals


def test_counts_rates_and_order() -> None:
    rng = np.random.default_rng(3)
    vol = np.array([[100.0, 0.0, 300.0], [50.0, 50.0, 50.0]])
    counts = np.zeros_like(vol)
    reps = 400
    for _ in range(reps):
        arr = poisson_arrivals(vol, 1800.0, rng)
        assert np.all(np.diff(arr.arrival_s) >= 0)
        assert np.array_equal(arr.interval, (arr.arrival_s // 1800.0).astype(np.int64))
        np.add.at(counts, (arr.queue, arr.interval), 1)
    np.testing.assert_allclose(counts / reps, vol, rtol=0.02, atol=0.01)


def test_day_level_rates_add_variance() -> None:
    rng = np.random.default_rng(5)
    vol = np.full((1, 48 * 30), 20.0)  # 30 days of 30-minute intervals
    plain = poisson_arrivals(vol, 1800.0, rng)
    noisy = poisson_arrivals(vol, 1800.0, rng, day_cv=0.2)
    per_day_plain = np.bincount(plain.interval // 48, minlength=30)
    per_day_noisy = np.bincount(noisy.interval // 48, minlength=30)
    # Poisson day totals: cv = 1/sqrt(960) ~ 0.03; with day factors ~ 0.2
    assert per_day_plain.std() / per_day_plain.mean() < 0.08
    assert per_day_noisy.std() / per_day_noisy.mean() > 0.1


def test_bad_volumes() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="finite and >= 0"):
        poisson_arrivals(np.array([[1.0, -1.0]]), 60.0, rng)
    with pytest.raises(ValueError, match=r"\(queues, intervals\)"):
        poisson_arrivals(np.array([1.0]), 60.0, rng)
