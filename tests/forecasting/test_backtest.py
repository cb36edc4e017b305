from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from homeshore.forecasting import ForecastSettings, backtest, setups
from homeshore.forecasting.backtest import SCORE_COLUMNS
from homeshore.forecasting.daily_profile import DailyProfile
from homeshore.forecasting.seasonal_naive import SeasonalNaive
from tests.forecasting.synthetic import poisson_table, rates, table_from_grid

FIRST = dt.date(2026, 1, 5)
SETTINGS = ForecastSettings(timezone="Europe/Paris", country="")


def test_noiseless_periodic_series_scores_zero_for_seasonal_naive() -> None:
    table = table_from_grid(rates(FIRST, 12 * 7), FIRST)
    result = backtest(setups(table, SETTINGS), [SeasonalNaive(1)], min_train_weeks=4)
    row = result.pooled().set_index("method").loc["seasonal_naive"]
    assert row["wape"] == pytest.approx(0.0, abs=1e-12)
    assert row["bias"] == pytest.approx(0.0, abs=1e-12)
    assert row["oracle_daily_wape"] == pytest.approx(0.0, abs=1e-12)
    assert result.origins[0] == FIRST + dt.timedelta(weeks=4)
    assert result.origins[-1] == FIRST + dt.timedelta(weeks=11)
    assert len(result.origins) == 8


def test_scores_per_queue_and_pooled_with_calibrated_intervals() -> None:
    rng = np.random.default_rng(21)
    a, _ = poisson_table(rng, FIRST, 16 * 7, queue="a")
    b, _ = poisson_table(rng, FIRST, 16 * 7, queue="b", scale=0.2)
    result = backtest(
        setups(pd.concat([a, b]), SETTINGS),
        [DailyProfile(), SeasonalNaive(1)],
        horizon_weeks=2,
        min_train_weeks=8,
    )
    scores = result.scores
    assert tuple(scores.columns) == SCORE_COLUMNS
    assert set(scores["queue"]) == {"a", "b", "all"}
    assert set(scores["method"]) == {"daily_profile", "seasonal_naive", "poisson_floor"}
    pooled = result.pooled().set_index("method")
    ours = pooled.loc["daily_profile"]
    assert ours["wape"] < pooled.loc["seasonal_naive", "wape"]
    assert pooled.loc["poisson_floor", "wape"] < ours["wape"]
    assert ours["below_p10"] == pytest.approx(0.1, abs=0.04)
    assert ours["below_p50"] == pytest.approx(0.5, abs=0.05)
    assert ours["below_p90"] == pytest.approx(0.9, abs=0.04)
    assert ours["within_p10_p90"] >= 0.8
    # the small queue is noisier: higher WAPE, and so is its floor
    by_queue = scores[scores["method"] == "poisson_floor"].set_index("queue")["wape"]
    assert by_queue["b"] > by_queue["a"]


def test_missing_days_are_not_scored() -> None:
    table = table_from_grid(rates(FIRST, 12 * 7), FIRST)
    gap = table["start"].dt.date == dt.date(2026, 3, 18)
    result = backtest(setups(table[~gap], SETTINGS), [SeasonalNaive(1)], min_train_weeks=4)
    total = result.pooled().set_index("method").loc["seasonal_naive", "actual"]
    assert total == pytest.approx(rates(FIRST, 12 * 7)[28:].sum() - rates(FIRST, 84)[72].sum())


def test_only_origins_with_data_to_score_are_announced() -> None:
    # two whole weeks without data (an extract that lost a fortnight): their origins are not
    # scored and not counted among the origins, but listed as skipped
    table = table_from_grid(rates(FIRST, 12 * 7), FIRST)
    days = table["start"].dt.date
    lost = (days >= FIRST + dt.timedelta(weeks=6)) & (days < FIRST + dt.timedelta(weeks=8))
    result = backtest(setups(table[~lost], SETTINGS), [SeasonalNaive(1)], min_train_weeks=4)
    assert result.skipped == (FIRST + dt.timedelta(weeks=6), FIRST + dt.timedelta(weeks=7))
    assert len(result.origins) == 6 and not set(result.origins) & set(result.skipped)
    scores = result.pooled().set_index("method")
    assert scores.loc["seasonal_naive", "origins"] == 6
