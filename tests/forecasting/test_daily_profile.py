from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from homeshore.forecasting import ForecastSettings, backtest, setups
from homeshore.forecasting.calendar import DayCalendar
from homeshore.forecasting.daily_profile import (
    DailyProfile,
    fit_daily,
    kernel_matrix,
    level_forecast,
    weekday_profiles,
)
from homeshore.forecasting.metrics import poisson_mean_abs_deviation
from tests.forecasting.synthetic import DAILY, poisson_table, rates, table_from_grid

FIRST = dt.date(2026, 1, 5)
SETTINGS = ForecastSettings(timezone="Europe/Paris", country="")


def _setup(table: pd.DataFrame, country: str = ""):  # type: ignore[no-untyped-def]
    settings = ForecastSettings(timezone="Europe/Paris", country=country)
    return setups(table, settings)["q1"]


def test_reaches_the_poisson_floor_on_a_seasonal_poisson_series() -> None:
    rng = np.random.default_rng(20260101)
    days = 20 * 7
    table, lam = poisson_table(rng, FIRST, days)
    result = backtest(
        setups(table, SETTINGS),
        [DailyProfile()],
        min_train_weeks=10,
        with_intervals=[],
    )
    scores = result.scores.set_index(["method", "queue"])
    ours = scores.loc[("daily_profile", "q1")]
    floor = scores.loc[("poisson_floor", "q1")]
    start = days - 10 * 7
    actual = setups(table, SETTINGS)["q1"].history.volume[start:]
    true_floor = poisson_mean_abs_deviation(lam[start:]).sum() / actual.sum()
    assert abs(floor["wape"] / true_floor - 1) < 0.05  # the hindsight floor is honest
    assert ours["wape"] < 1.10 * true_floor  # within 10 % of the physical limit
    assert abs(ours["bias"]) < 0.02


class _Unsmoothed:
    name = "unsmoothed"

    def predict(self, context):  # type: ignore[no-untyped-def]
        return DailyProfile(profile_bandwidths_slots=(0.0,)).predict(context)


@pytest.mark.parametrize("seed", [1, 2])
def test_smoothing_brings_a_sparse_smooth_profile_closer_to_the_floor(seed: int) -> None:
    # open around the clock, about 2 contacts per half hour, a smooth daily wave, four weeks
    # of training at the first origins: the raw shares are noisy, the smoothed ones are not
    hours = np.arange(48) / 2
    shape = 1 + 0.9 * np.sin((hours - 9) / 24 * 2 * np.pi)
    lam = np.tile(100 * shape / shape.sum(), (12 * 7, 1))
    counts = np.random.default_rng(seed).poisson(lam).astype(float)
    prepared = setups(table_from_grid(counts, FIRST), SETTINGS)
    result = backtest(
        prepared, [DailyProfile(), _Unsmoothed()], min_train_weeks=4, with_intervals=[]
    )
    wape = result.scores.set_index(["method", "queue"])["wape"].xs("q1", level="queue")
    floor = poisson_mean_abs_deviation(lam[28:]).sum() / counts[28:].sum()
    assert wape["daily_profile"] < 0.985 * wape["unsmoothed"]
    assert wape["daily_profile"] < 1.07 * floor


def test_a_sharp_profile_is_not_smoothed() -> None:
    # opening at 08:00 and a Monday-morning step: the inner test weeks choose no smoothing
    table, _ = poisson_table(np.random.default_rng(3), FIRST, 12 * 7)
    setup = _setup(table)
    context = setup.context(12 * 7, FIRST + dt.timedelta(weeks=12), 7)
    smoothed = weekday_profiles(context, (2.0, 8.0), 2.0, 6, (0.0, 0.5, 1.0, 2.0, 3.0))
    np.testing.assert_allclose(smoothed, weekday_profiles(context, (2.0, 8.0), 2.0, 6, (0.0,)))


def test_kernel_keeps_the_volume_of_each_slot() -> None:
    np.testing.assert_array_equal(kernel_matrix(6, 0.0), np.eye(6))
    kernel = kernel_matrix(48, 1.5)
    np.testing.assert_allclose(kernel.sum(axis=0), 1.0)
    counts = np.zeros(48)
    counts[20] = 10.0
    spread = kernel @ counts
    assert spread.sum() == pytest.approx(10.0)
    assert spread[19] == pytest.approx(spread[21]) and spread[20] > spread[19] > spread[18]


def test_daily_model_recovers_weekday_factors_and_level() -> None:
    rng = np.random.default_rng(7)
    table, _ = poisson_table(rng, FIRST, 12 * 7, scale=2.0)
    setup = _setup(table)
    context = setup.context(setup.history.n_days, FIRST + dt.timedelta(weeks=12), 7)
    fit = fit_daily(context, weekday_half_life_weeks=8.0, level_half_lives_weeks=(1.0, 4.0))
    np.testing.assert_allclose(fit.weekday_factor[:6], DAILY[:6] / DAILY[0], rtol=0.04)
    assert fit.weekday_factor[6] == 0.0  # Sunday closed
    assert abs(fit.level / (2.0 * DAILY[0]) - 1) < 0.03


def test_glm_is_the_weighted_poisson_fit_statsmodels_gives() -> None:
    rng = np.random.default_rng(11)
    table, _ = poisson_table(rng, FIRST, 6 * 7)
    setup = _setup(table)
    context = setup.context(setup.history.n_days, FIRST + dt.timedelta(weeks=6), 7)
    fit = fit_daily(context, weekday_half_life_weeks=3.0, level_half_lives_weeks=(1.0,))
    totals = setup.history.volume.sum(axis=1)
    wd = setup.history.weekdays()
    rows = context.normal_days() & (wd < 6)  # first working days of a month are apart
    age = (42 - np.arange(42)) / 7
    x = np.column_stack(
        [(np.arange(42) // 7 == b).astype(float) for b in range(6)]
        + [(wd == d).astype(float) for d in range(1, 6)]
    )
    ref = sm.GLM(
        totals[rows], x[rows], family=sm.families.Poisson(), var_weights=0.5 ** (age[rows] / 3)
    ).fit()
    np.testing.assert_allclose(fit.weekday_factor[1:6], np.exp(ref.params[6:]), rtol=1e-6)
    np.testing.assert_allclose(fit.week_level[::7], np.exp(ref.params[:6]), rtol=1e-6)


def test_level_shift_is_followed_within_three_weeks() -> None:
    rng = np.random.default_rng(5)
    lam = rates(FIRST, 14 * 7)
    lam[10 * 7 :] *= 1.5  # the service grows by half in week 11
    counts = rng.poisson(lam).astype(float)
    setup = _setup(table_from_grid(counts, FIRST))
    ratios = []
    for weeks in (11, 12, 13):
        context = setup.context(weeks * 7, FIRST + dt.timedelta(weeks=weeks), 7)
        out = setup.predict(DailyProfile(), context)
        ratios.append(out.sum() / lam[weeks * 7 : (weeks + 1) * 7].sum())
    assert ratios[0] < ratios[1] < ratios[2]
    assert abs(ratios[2] - 1) < 0.06


def test_level_forecast_combines_short_and_long_memories() -> None:
    steps = np.array([100.0] * 6 + [200.0] * 6)
    fast, slow = level_forecast(steps, (0.5,)), level_forecast(steps, (8.0,))
    assert fast > 199 and 140 < slow < 170
    assert level_forecast(steps, (0.5, 8.0)) == pytest.approx((fast + slow) / 2)
    assert level_forecast(np.array([100.0, np.nan, 100.0]), (1.0,)) == 100.0
    assert level_forecast(np.array([np.nan, np.nan]), (1.0,)) == 0.0


def test_holiday_effect_is_estimated_from_past_holidays() -> None:
    rng = np.random.default_rng(9)
    days = 26 * 7  # 5 January to 5 July 2026
    lam = rates(FIRST, days)
    dates = [FIRST + dt.timedelta(days=i) for i in range(days)]
    kinds = DayCalendar.build("FR", [2026]).kinds("q1", dates, range(5))
    holidays = [i for i, kind in enumerate(kinds) if kind == "holiday" and lam[i].sum() > 0]
    assert len(holidays) == 5  # Easter Monday, 1 May, 8 May, Ascension, Whit Monday
    lam[holidays] *= 0.5
    setup = _setup(table_from_grid(rng.poisson(lam).astype(float), FIRST), country="FR")
    start = FIRST + dt.timedelta(days=days)
    context = setup.context(days, start, 21)
    fit = fit_daily(context, weekday_half_life_weeks=8.0, level_half_lives_weeks=(2.0,))
    # five holidays at half volume, far beyond the day-to-day noise: kept almost whole
    holiday = fit.effects["holiday"]
    assert (holiday.days, holiday.basis) == (5, "learned") and holiday.weight > 0.95
    assert 0.45 < holiday.effect < 0.55
    daily = DailyProfile().daily(context)
    bastille = (dt.date(2026, 7, 14) - start).days
    assert context.horizon_kinds[bastille] == "holiday"
    assert 0.45 < daily[bastille] / daily[bastille + 7] < 0.55


def test_special_day_keeps_its_own_shape() -> None:
    # eves close at noon: after a few eves in history the forecast eve does too; an eve on a
    # Saturday (open 09:00-13:00 anyway) loses an hour, an eve on a Monday half its day
    rng = np.random.default_rng(13)
    days = 26 * 7
    lam = rates(FIRST, days)
    morning = np.arange(48) < 24
    dates = [FIRST + dt.timedelta(days=i) for i in range(days)]
    kinds = DayCalendar.build("FR", [2026]).kinds("q1", dates, range(5))
    eves = [i for i, kind in enumerate(kinds) if kind == "holiday_eve"]
    assert len(eves) >= 3
    for i in eves:
        lam[i] = np.where(morning, lam[i], 0.0)
    setup = _setup(table_from_grid(rng.poisson(lam).astype(float), FIRST), country="FR")
    start = FIRST + dt.timedelta(days=days)
    context = setup.context(setup.history.n_days, start, 18 * 7)
    out = setup.predict(DailyProfile(), context)
    monday = (dt.date(2026, 7, 13) - start).days  # eve of 14 July
    saturday = (dt.date(2026, 10, 31) - start).days  # eve of 1 November
    assert context.horizon_kinds[monday] == context.horizon_kinds[saturday] == "holiday_eve"
    assert context.horizon_kinds[monday + 7] == context.horizon_kinds[saturday - 7] == "normal"
    assert out[monday, 24:].sum() < 0.1 * out[monday].sum()
    assert out[monday + 7, 24:].sum() > 0.45 * out[monday + 7].sum()
    assert out[monday].sum() < 0.65 * out[monday + 7].sum()
    assert out[saturday].sum() > 0.65 * out[saturday - 7].sum()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_holiday_season_does_not_read_as_a_level_shift(seed: int) -> None:
    # Israel, autumn 1999: Rosh Hashana, Yom Kippur and Sukkot within three weeks, their eves,
    # intermediate days and days after; the ordinary days keep one level throughout, so the
    # week after the season is forecast at that level (holiday weeks leave the level alone)
    rng = np.random.default_rng(seed)
    first, days = dt.date(1999, 6, 6), 18 * 7  # to Saturday 9 October
    settings = ForecastSettings(timezone="Asia/Jerusalem", country="IL")
    lam = rates(first, days)
    kinds = setups(table_from_grid(lam, first, timezone="Asia/Jerusalem"), settings)["q1"].day_kinds
    effect = {"holiday": 0.1, "holiday_eve": 0.5, "reduced": 0.8, "after_holiday": 1.3}
    assert sum(k == "holiday" for k in kinds[-5 * 7 :]) == 5
    for i, kind in enumerate(kinds):
        lam[i] *= effect.get(kind, 1.0)
    table = table_from_grid(rng.poisson(lam).astype(float), first, timezone="Asia/Jerusalem")
    setup = setups(table, settings)["q1"]
    start = first + dt.timedelta(days=days)
    context = setup.context(days, start, 7)
    assert set(context.horizon_kinds) == {"normal"}
    out = setup.predict(DailyProfile(), context).sum()
    assert abs(out / rates(start, 7).sum() - 1) < 0.04
