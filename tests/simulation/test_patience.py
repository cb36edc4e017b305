from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from homeshore.errors import InputError
from homeshore.simulation import (
    Exponential,
    KaplanMeier,
    estimate_patience,
    exponential_mle,
    kaplan_meier,
)


def _censored(n: int, mean_patience: float, mean_offer: float, seed: int) -> pd.DataFrame:
    """Waits as a centre sees them: patience censored by the moment an agent answers."""
    rng = np.random.default_rng(seed)
    patience = rng.exponential(mean_patience, n)
    offer = rng.exponential(mean_offer, n)
    return pd.DataFrame(
        {
            "queue": "q",
            "start": pd.Timestamp("2026-01-05", tz="UTC"),
            "wait_s": np.minimum(patience, offer),
            "abandoned": patience < offer,
        }
    )


def test_censoring_is_taken_into_account() -> None:
    waits = _censored(50_000, 200.0, 40.0, 1)
    naive = waits.loc[waits["abandoned"], "wait_s"].mean()
    mle = estimate_patience(waits)["q"]
    assert naive < 60.0  # abandons alone say patience is short...
    assert mle.mean_s == pytest.approx(200.0, rel=0.05)  # ...censored MLE finds the truth
    km = estimate_patience(waits, "kaplan_meier")["q"]
    assert isinstance(km, KaplanMeier)
    draws = km.sample(np.random.default_rng(2), 200_000)
    # KM survival at 60 s: exp(-60/200)
    assert np.mean(draws > 60.0) == pytest.approx(np.exp(-0.3), abs=0.01)
    assert km.mean_s == pytest.approx(200.0, rel=0.08)


def test_kaplan_meier_without_censoring_is_the_empirical_law() -> None:
    km = kaplan_meier(np.array([10.0, 20.0, 20.0, 40.0]), np.array([True] * 4))
    assert km.times_s == (10.0, 20.0, 40.0)
    assert km.survival == pytest.approx((0.75, 0.25, 0.0))
    assert km.mean_s == pytest.approx(22.5)


def test_nobody_abandoned_means_infinite_patience() -> None:
    est = exponential_mle(np.array([5.0, 10.0]), np.array([False, False]))
    assert isinstance(est, Exponential) and est.mean_s == float("inf")


def test_bad_wait_tables() -> None:
    with pytest.raises(InputError, match="lacks column"):
        estimate_patience(pd.DataFrame({"queue": ["q"], "wait_s": [1.0]}))
    bad = pd.DataFrame({"queue": ["q"], "start": [0], "wait_s": [-3.0], "abandoned": [True]})
    with pytest.raises(InputError, match="waits row 0: wait_s must be a number >= 0"):
        estimate_patience(bad)
    with pytest.raises(InputError, match="unknown patience method"):
        estimate_patience(bad, "weibull")
