from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import homeshore.forecasting as forecasting
from homeshore.domain.tables import FORECAST_COLUMNS
from homeshore.domain.time import WeeklyHours
from homeshore.errors import InputError
from homeshore.forecasting import Event, ForecastSettings, forecast
from tests.forecasting.synthetic import poisson_table, rates, table_from_grid

FIRST = dt.date(2026, 1, 5)
PARIS = ForecastSettings(timezone="Europe/Paris", country="FR")


def test_public_api_is_pinned() -> None:
    assert sorted(forecasting.__all__) == sorted(
        [
            "METHODS",
            "BacktestResult",
            "DailyProfile",
            "Direct",
            "Event",
            "ForecastResult",
            "ForecastSettings",
            "SeasonalNaive",
            "backtest",
            "forecast",
            "setups",
        ]
    )


def test_forecast_table_contract_and_reconciliation() -> None:
    rng = np.random.default_rng(1)
    a, _ = poisson_table(rng, FIRST, 10 * 7, queue="a")
    b, _ = poisson_table(rng, FIRST, 10 * 7, queue="b", scale=0.1)
    result = forecast(pd.concat([a, b]), PARIS, 3)
    table = result.table
    assert tuple(table.columns) == FORECAST_COLUMNS
    assert set(table["queue"]) == {"a", "b"}
    assert table["start"].dt.tz is not None
    assert table["start"].min() == pd.Timestamp("2026-03-16", tz="Europe/Paris")
    assert len(table) == 2 * (21 * 48 - 2)  # 29 March: clocks go forward, 02:00-03:00 absent
    assert (table["volume_p10"] <= table["volume_p50"]).all()
    assert (table["volume_p50"] <= table["volume_p90"]).all()
    np.testing.assert_allclose(table["aht_s"], 300.0)
    assert result.methods == {"a": "daily_profile", "b": "daily_profile"}
    days = table.assign(date=table["start"].dt.date).groupby(["queue", "date"])["volume"].sum()
    daily = result.daily.set_index(["queue", "date"])["volume"]
    np.testing.assert_allclose(days.to_numpy(), daily.loc[days.index].to_numpy(), rtol=1e-9)
    sunday = table[table["start"].dt.dayofweek == 6]
    assert (sunday["volume"] == 0).all()  # closed every Sunday of the history


def test_opening_hours_close_intervals_and_keep_the_daily_total() -> None:
    rng = np.random.default_rng(2)
    table, _ = poisson_table(rng, FIRST, 6 * 7)
    hours = WeeklyHours.from_mapping({d: ["10:00-18:00"] for d in ("mon", "tue", "wed")})
    plain = forecast(table, PARIS, 1)
    narrow = forecast(table, replace(PARIS, opening_hours={"q1": hours}), 1)
    start = narrow.table["start"]
    open_ = (start.dt.dayofweek <= 2) & (start.dt.hour >= 10) & (start.dt.hour < 18)
    assert (narrow.table.loc[~open_, "volume"] == 0).all()
    monday = start.dt.dayofweek == 0
    assert narrow.table.loc[monday, "volume"].sum() == pytest.approx(
        plain.table.loc[monday, "volume"].sum()
    )


def test_event_effect_multiplies_its_days() -> None:
    rng = np.random.default_rng(3)
    table, _ = poisson_table(rng, FIRST, 6 * 7)
    day = dt.date(2026, 2, 19)
    base = forecast(table, PARIS, 1).daily.set_index("date")["volume"]
    with_event = replace(PARIS, events=(Event("campaign", day, day, 1.5),))
    out = forecast(table, with_event, 1).daily.set_index("date")
    assert out.loc[day, "kind"] == "campaign"
    assert out.loc[day, "volume"] == pytest.approx(1.5 * base[day])
    assert out.loc[day + dt.timedelta(days=1), "volume"] == pytest.approx(
        base[day + dt.timedelta(days=1)]
    )


def test_event_without_effect_or_history_is_an_error() -> None:
    table = table_from_grid(rates(FIRST, 6 * 7), FIRST)
    day = dt.date(2026, 2, 19)
    settings = replace(PARIS, events=(Event("launch", day, day),))
    with pytest.raises(InputError, match=r"launch.*no effect given"):
        forecast(table, settings, 1)


def test_autumn_change_gives_25_hours_split_in_the_repeated_hour() -> None:
    starts = pd.date_range(
        "2026-09-07", "2026-10-19", freq="60min", tz="Europe/Paris", inclusive="left"
    )
    table = pd.DataFrame({"queue": "q", "start": starts, "offered": 4.0})
    result = forecast(table, ForecastSettings(timezone="Europe/Paris", country=""), 1)
    rows = result.table
    change = rows[rows["start"].dt.date == dt.date(2026, 10, 25)]
    assert len(change) == 25
    two = change[change["start"].dt.hour == 2]
    assert len(two) == 2 and two["volume"].to_numpy() == pytest.approx([2.0, 2.0])
    assert change["volume"].sum() == pytest.approx(4.0 * 24)


def test_short_history_auto_falls_back_to_seasonal_naive() -> None:
    table = table_from_grid(rates(FIRST, 14), FIRST)
    result = forecast(table, PARIS, 1)
    assert result.methods == {"q1": "seasonal_naive"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"horizon_weeks": 0}, "horizon of 0 weeks"),
        ({"method": "prophet"}, "unknown method 'prophet'"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    table = table_from_grid(rates(FIRST, 14), FIRST)
    args: dict[str, object] = {"horizon_weeks": 1, "method": "auto"} | kwargs
    with pytest.raises(InputError, match=message):
        forecast(table, PARIS, args["horizon_weeks"], args["method"])  # type: ignore[arg-type]


def test_start_inside_the_history_is_an_error() -> None:
    table = table_from_grid(rates(FIRST, 14), FIRST)
    settings = replace(PARIS, start_date=dt.date(2026, 1, 10))
    with pytest.raises(InputError, match="not after the history's last day 2026-01-18"):
        forecast(table, settings, 1)


def test_forecast_from_a_scenario(examples_dir) -> None:  # type: ignore[no-untyped-def]
    from homeshore.data.scenario_file import load_scenario

    scenario = load_scenario(examples_dir / "telecom_fr.yaml")
    rng = np.random.default_rng(5)
    table, _ = poisson_table(rng, FIRST, 5 * 7, queue="plans_services")
    result = forecast(table, scenario, 1)
    rows = result.table
    evening = rows[(rows["start"].dt.dayofweek == 0) & (rows["start"].dt.hour == 21)]
    assert (evening["volume"] == 0).all()  # the synthetic service closes at 20:00
    assert (rows[rows["start"].dt.hour < 8]["volume"] == 0).all()
    assert result.table["aht_s"].iloc[0] == pytest.approx(300.0)
