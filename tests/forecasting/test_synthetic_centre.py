from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from homeshore.forecasting.synthetic_centre import SyntheticCentre, day_shape

FIRST = dt.date(2025, 9, 1)  # a Monday


def test_same_seed_same_history_and_weekdays_only() -> None:
    centre = SyntheticCentre(FIRST, 10 * 7)
    a = centre.generate(np.random.default_rng(7))
    b = centre.generate(np.random.default_rng(7))
    pd.testing.assert_frame_equal(a.table, b.table)
    local = a.table["start"].dt.tz_convert("Europe/Paris")
    assert set(local.dt.dayofweek) == {0, 1, 2, 3, 4}
    assert local.dt.hour.min() == 7 and local.dt.hour.max() == 20
    # Poisson counts around rates with a 5 % day factor: the totals follow the rates
    totals = a.counts.sum(axis=1)
    open_days = a.rates.sum(axis=1) > 0
    assert abs(totals[open_days].sum() / a.rates.sum() - 1) < 0.01
    assert abs(day_shape(30).sum() - 1) < 1e-12


def test_holidays_take_the_effect_asked_for() -> None:
    closed = SyntheticCentre(FIRST, 20 * 7, holiday_effect=0.0)
    assert [d for d in closed.holidays() if d.weekday() < 5] == [
        dt.date(2025, 11, 11),
        dt.date(2025, 12, 25),
        dt.date(2026, 1, 1),
    ]
    plain = SyntheticCentre(FIRST, 20 * 7).rates()
    shut = closed.rates()
    i = (dt.date(2025, 12, 25) - FIRST).days
    assert shut[i].sum() == 0 and plain[i].sum() == plain[i + 7].sum()
    history = closed.generate(np.random.default_rng(1))
    assert not (history.table["start"].dt.date == dt.date(2025, 12, 25)).any()
    zeros = SyntheticCentre(FIRST, 20 * 7, holiday_effect=0.0, keep_empty_intervals=True)
    table = zeros.generate(np.random.default_rng(1)).table
    christmas = table[table["start"].dt.date == dt.date(2025, 12, 25)]
    assert len(christmas) == 28 and (christmas["offered"] == 0).all()  # 07:00-21:00
