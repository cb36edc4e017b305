"""A holiday season on synthetic Poisson queues: what three weeks of holidays do to the forecasts.

Israel, June to November 1999 (Rosh Hashana, Yom Kippur, Sukkot with its intermediate days and
Simchat Torah within three weeks), 30-minute intervals, the weekly and intraday seasonality of
tests/forecasting/synthetic.py, Poisson counts. The true rates of special days are the ordinary
rate times an assumed effect (holiday 0.1, eve 0.5, intermediate day 0.8, first working day after
a holiday 1.3): the methods are never told these numbers. Weekly origins from 12 weeks of
training (the first origin is 29 August), one week ahead, five seeds. Printed per method: WAPE,
its ratio to the exact Poisson floor of the true rates (1.00 = as good as knowing the rates),
and bias, over the origins whose week holds a holiday and over the other origins. The default
method runs twice: as is (effects learned from the history only: the first holidays, which the
twelve weeks of training never saw, are forecast as ordinary days and flagged) and with the
calendar's priors asked for (`--calendar-priors`: holiday x0.1, eve x0.45 in Israel).

    .venv/bin/python bench/forecast_holiday_season.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.forecasting.synthetic import rates, table_from_grid

from homeshore.forecasting import ForecastSettings, setups
from homeshore.forecasting.daily_profile import DailyProfile
from homeshore.forecasting.metrics import poisson_mean_abs_deviation
from homeshore.forecasting.seasonal_naive import SeasonalNaive

FIRST = dt.date(1999, 6, 6)
WEEKS = 24
TRAIN_WEEKS = 12
TIMEZONE = "Asia/Jerusalem"
EFFECTS = {"holiday": 0.1, "holiday_eve": 0.5, "intermediate": 0.8, "after_holiday": 1.3}


PRIORS = "daily_profile --calendar-priors"


def main() -> None:
    settings = ForecastSettings(timezone=TIMEZONE, country="IL")
    with_priors = ForecastSettings(timezone=TIMEZONE, country="IL", calendar_priors=True)
    days = WEEKS * 7
    base = rates(FIRST, days, scale=0.5)
    grid = table_from_grid(base, FIRST, timezone=TIMEZONE)
    kinds = setups(grid, settings)["q1"].day_kinds
    lam = base * np.array([EFFECTS.get(k, 1.0) for k in kinds])[:, None]
    methods = [DailyProfile(), SeasonalNaive(4), SeasonalNaive(1)]
    sums: dict[tuple[str, str], np.ndarray] = {}
    for seed in range(1, 6):
        rng = np.random.default_rng(seed)
        table = table_from_grid(rng.poisson(lam).astype(float), FIRST, timezone=TIMEZONE)
        setup = setups(table, settings)["q1"]
        primed = setups(table, with_priors)["q1"]
        for origin in range(TRAIN_WEEKS * 7, days - 6, 7):
            start = FIRST + dt.timedelta(days=origin)
            runs = [(m.name, setup, m) for m in methods] + [(PRIORS, primed, DailyProfile())]
            actual = setup.history.volume[origin : origin + 7]
            floor = float(poisson_mean_abs_deviation(lam[origin : origin + 7]).sum())
            kinds = setup.context(origin, start, 7).horizon_kinds
            part = "holiday weeks" if "holiday" in kinds else "other weeks"
            for name, chosen, method in runs:
                train = chosen.truncated(origin)
                forecast = train.predict(method, train.context(origin, start, 7))
                error = forecast - actual
                row = np.array([np.abs(error).sum(), error.sum(), actual.sum(), floor])
                key = (name, part)
                sums[key] = sums.get(key, np.zeros(4)) + row
    rows = [
        {
            "method": name,
            "weeks": part,
            "wape": s[0] / s[2],
            "x floor": s[0] / s[3],
            "bias": s[1] / s[2],
        }
        for (name, part), s in sums.items()
    ]
    table = pd.DataFrame(rows).sort_values(["weeks", "wape"])
    print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
