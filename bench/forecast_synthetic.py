"""The intraday smoothing on synthetic Poisson queues whose true rates are known.

Each queue is open around the clock with a smooth daily wave (peak at 15:00, trough at 03:00)
and a constant daily volume; counts are Poisson around the rates. Twelve weeks, weekly origins
from four weeks of training, one week ahead. Printed: the WAPE of `daily_profile` with the
smoothing (its default) and without it, each divided by the exact Poisson floor of the true
rates (1.00 = a forecast as good as knowing the rates), over five seeds per daily volume.

    .venv/bin/python bench/forecast_synthetic.py
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from homeshore.forecasting import ForecastSettings, backtest, setups
from homeshore.forecasting.daily_profile import DailyProfile
from homeshore.forecasting.history import FloatArray
from homeshore.forecasting.method import Context
from homeshore.forecasting.metrics import poisson_mean_abs_deviation

FIRST = dt.date(2026, 1, 5)
SLOTS = 48
WEEKS = 12
TRAIN_WEEKS = 4


class Unsmoothed:
    name = "unsmoothed"

    def predict(self, context: Context) -> FloatArray:
        return DailyProfile(profile_bandwidths_slots=(0.0,)).predict(context)


def table(counts: FloatArray) -> pd.DataFrame:
    starts = pd.date_range(pd.Timestamp(FIRST, tz="UTC"), periods=counts.size, freq="30min")
    return pd.DataFrame(
        {"queue": "q", "start": starts, "interval_min": 30, "offered": counts.reshape(-1)}
    )


def main() -> None:
    hours = np.arange(SLOTS) / 2
    shape = 1 + 0.9 * np.sin((hours - 9) / 24 * 2 * np.pi)
    shape /= shape.sum()
    settings = ForecastSettings(timezone="UTC", country="")
    print("calls/day  seed  smoothed/floor  unsmoothed/floor")
    for per_day in (25, 100, 400, 1600):
        ratios = []
        for seed in range(1, 6):
            lam = np.tile(per_day * shape, (WEEKS * 7, 1))
            counts = np.random.default_rng(seed).poisson(lam).astype(float)
            result = backtest(
                setups(table(counts), settings),
                [DailyProfile(), Unsmoothed()],
                min_train_weeks=TRAIN_WEEKS,
                with_intervals=[],
            )
            wape = result.scores.set_index(["method", "queue"])["wape"].xs("q", level="queue")
            start = TRAIN_WEEKS * 7
            floor = poisson_mean_abs_deviation(lam[start:]).sum() / counts[start:].sum()
            pair = (wape["daily_profile"] / floor, wape["unsmoothed"] / floor)
            ratios.append(pair)
            print(f"{per_day:9d}  {seed:4d}  {pair[0]:14.3f}  {pair[1]:16.3f}")
        mean = np.mean(ratios, axis=0)
        print(f"{per_day:9d}  mean  {mean[0]:14.3f}  {mean[1]:16.3f}")


if __name__ == "__main__":
    main()
