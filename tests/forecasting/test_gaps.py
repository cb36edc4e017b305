"""A month missing from the history biases neither the level nor the weekly pattern: a
seeded centre with a known truth (synthetic_centre: a flat level, weekday factors, 5 %
day-to-day noise), forecast four weeks ahead from 22 weeks of history, with and without a
month deleted in the middle of the history or just before the forecast."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from homeshore.forecasting import ForecastSettings, forecast
from homeshore.forecasting.synthetic_centre import SyntheticCentre

PARIS = ForecastSettings(timezone="Europe/Paris", country="FR")
SEEDS = range(8)


def _runs(seed: int) -> dict[str, tuple[float, float]]:
    """Per history (full, a month missing in the middle, a month missing at the end): the
    forecast's total over the four weeks against the truth's (relative error), and the
    largest error of a weekday's share of the weeks' contacts (points)."""
    centre = SyntheticCentre(dt.date(2025, 9, 1), 26 * 7)
    history = centre.generate(np.random.default_rng([21, seed]))
    dates = centre.dates()
    origin = dates[-28]
    truth = centre.rates().sum(axis=1)[-28:]
    weekday = np.array([d.weekday() for d in dates[-28:]])
    day = history.table["start"].dt.tz_convert(centre.timezone).dt.date
    train = history.table[day < origin]
    train_day = day[day < origin]
    month = dt.timedelta(weeks=4)
    histories = {
        "full": train,
        "middle": train[~((train_day >= origin - 3 * month) & (train_day < origin - 2 * month))],
        "end": train[~(train_day >= origin - month)],
    }
    out = {}
    settings = dataclasses.replace(PARIS, start_date=origin)
    for name, table in histories.items():
        daily = forecast(table, settings, 4).daily.groupby("date")["volume"].sum()
        got = np.array([daily.get(d, 0.0) for d in dates[-28:]])
        shares = [got[weekday == k].sum() / got.sum() for k in range(5)]
        true_shares = [truth[weekday == k].sum() / truth.sum() for k in range(5)]
        share_error = 100 * max(abs(a - b) for a, b in zip(shares, true_shares, strict=True))
        out[name] = (got.sum() / truth.sum() - 1, share_error)
    return out


def test_a_missing_month_biases_neither_the_level_nor_the_weekly_pattern() -> None:
    runs = [_runs(seed) for seed in SEEDS]
    for run in runs:
        # a month missing in the middle changes the forecast by less than a point
        assert abs(run["middle"][0] - run["full"][0]) < 0.01, run
        for _level, share_error in run.values():
            assert share_error < 1.5, run  # each weekday's share within 1.5 points
    # a month missing just before the forecast: noisier (older data), not biased
    for name in ("full", "middle", "end"):
        mean = float(np.mean([run[name][0] for run in runs]))
        assert abs(mean) < 0.02, (name, mean)
    assert pd.Series([run["end"][0] for run in runs]).std() < 0.05
