from __future__ import annotations

import datetime as dt

import numpy as np

from homeshore.forecasting import ForecastSettings, setups
from homeshore.forecasting.direct import Direct
from tests.forecasting.synthetic import rates, table_from_grid

FIRST = dt.date(2026, 1, 5)


def test_noiseless_weekly_pattern_is_reproduced() -> None:
    lam = rates(FIRST, 8 * 7)
    setup = setups(
        table_from_grid(lam, FIRST), ForecastSettings(timezone="Europe/Paris", country="")
    )["q1"]
    start = FIRST + dt.timedelta(weeks=8)
    out = Direct().predict(setup.context(8 * 7, start, 14))
    np.testing.assert_allclose(out, rates(start, 14), rtol=1e-9, atol=1e-9)


def test_recent_weeks_weigh_more() -> None:
    lam = rates(FIRST, 8 * 7)
    lam[7 * 7 :] *= 2.0  # the last week doubled
    setup = setups(
        table_from_grid(lam, FIRST), ForecastSettings(timezone="Europe/Paris", country="")
    )["q1"]
    start = FIRST + dt.timedelta(weeks=8)
    fast = Direct(half_life_weeks=0.5).predict(setup.context(8 * 7, start, 7)).sum()
    slow = Direct(half_life_weeks=8.0).predict(setup.context(8 * 7, start, 7)).sum()
    base = rates(start, 7).sum()
    assert 1.0 < slow / base < fast / base < 2.0
    assert fast / base > 1.7
