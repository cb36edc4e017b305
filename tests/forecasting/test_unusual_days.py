from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from homeshore.forecasting import ForecastSettings, setups
from homeshore.forecasting.daily_profile import DailyProfile
from homeshore.forecasting.unusual_days import UNUSUAL, unusual_days
from tests.forecasting.synthetic import rates, table_from_grid

FIRST = dt.date(2026, 1, 5)


def test_an_outage_day_is_unusual_and_noise_is_not() -> None:
    rng = np.random.default_rng(4)
    expected = np.full(60, 1000.0)
    actual = rng.poisson(expected).astype(float)
    actual[10] = 300.0  # an outage
    actual[20] = np.nan  # a missing day stays missing
    flagged = unusual_days(actual, expected)
    assert np.flatnonzero(flagged).tolist() == [10]


def test_a_small_queue_keeps_its_noisy_days() -> None:
    # three calls a day: a day with none or with eight is chance, not an outage
    rng = np.random.default_rng(8)
    expected = np.full(200, 3.0)
    actual = rng.poisson(expected).astype(float)
    assert (actual == 0).any() and (actual >= 7).any()
    assert not unusual_days(actual, expected).any()


def test_a_surge_beyond_twice_the_usual_is_unusual() -> None:
    rng = np.random.default_rng(2)
    expected = np.full(40, 500.0)
    actual = rng.poisson(expected).astype(float)
    actual[5] = 1500.0
    assert np.flatnonzero(unusual_days(actual, expected)).tolist() == [5]


def _outage_setup(seed: int):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    days = 12 * 7
    lam = rates(FIRST, days)
    outage = days - 5  # the Wednesday of the last week of history
    lam[outage] *= 0.2
    table = table_from_grid(rng.poisson(lam).astype(float), FIRST)
    setup = setups(table, ForecastSettings(timezone="Europe/Paris", country=""))["q1"]
    start = FIRST + dt.timedelta(days=days)
    return setup, setup.context(days, start, 7), outage, rates(start, 7).sum()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_outage_in_the_history_does_not_drag_the_forecast(seed: int) -> None:
    setup, context, outage, truth = _outage_setup(seed)
    marked = DailyProfile().without_unusual_days(context)
    assert marked.history_kinds[outage] == UNUSUAL
    assert marked.history_kinds.count(UNUSUAL) == 1
    robust = setup.predict(DailyProfile(), context).sum()
    naive = setup.predict(DailyProfile(unusual_ratio=0.0), context).sum()
    assert abs(robust / truth - 1) < 0.03
    assert naive / truth < 0.95  # the outage pulls the plain fit's last week level down
