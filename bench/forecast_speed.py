"""Speed of `forecast()`: every queue of the six shared months (30-minute intervals), 6 weeks
ahead, including the backtest-based prediction intervals and the AHT forecast.

    .venv/bin/python bench/forecast_speed.py [--repeat 3] [--weeks 6]

Prints the wall time of each run (the goal: under 10 s on 2 cores) and the split between
validation, the default method and the dispersion estimate.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from forecast_backtest import TIMEZONE, load_intervals
from homeshore.forecasting import ForecastSettings, forecast, setups
from homeshore.forecasting.daily_profile import DailyProfile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=6)
    args = parser.parse_args()
    intervals = load_intervals()
    settings = ForecastSettings(timezone=TIMEZONE, country="IL")
    queues = intervals["queue"].nunique()
    days = intervals["start"].dt.tz_convert(TIMEZONE).dt.date.nunique()
    print(f"history: {len(intervals)} rows, {queues} queues, {days} days, 30-minute intervals")
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = forecast(intervals, settings, args.weeks)
        runs.append(time.perf_counter() - t0)
    print(
        f"forecast(), {args.weeks} weeks ahead, all queues: "
        + ", ".join(f"{r:.2f} s" for r in runs)
        + f" (median {statistics.median(runs):.2f} s; {len(result.table)} output rows)"
    )
    t0 = time.perf_counter()
    prepared = setups(intervals, settings)
    t_setup = time.perf_counter() - t0
    method = DailyProfile()
    t0 = time.perf_counter()
    for setup in prepared.values():
        h = setup.history
        start = h.last_date.fromordinal(h.last_date.toordinal() + 1)
        setup.predict(method, setup.context(h.n_days, start, 7 * args.weeks))
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    for setup in prepared.values():
        setup.dispersion(method, args.weeks)
    t_disp = time.perf_counter() - t0
    print(
        f"split: validation + calendar {t_setup:.2f} s, daily_profile fit + predict "
        f"{t_fit:.2f} s, dispersion (6 inner origins) {t_disp:.2f} s"
    )


if __name__ == "__main__":
    main()
