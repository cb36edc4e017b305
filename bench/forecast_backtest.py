"""Rolling-origin backtest on the shared bank logs: homeshore's methods against the peers.

Reads ../shared/data/anonymous_bank_1999 (six months of 1999, Israel) through the call-log
importer, 30-minute intervals, trains from 8 weeks, origins every week, 1 week ahead by
default. Peers: seasonal naive, the 4-week average of seasonal naive, statsforecast's MSTL
(daily and weekly seasonality, AutoETS trend). Prints the pooled table, the per-queue WAPE,
and the ratios the goal is stated in.

    .venv/bin/python bench/forecast_backtest.py [--horizon-weeks 1] [--no-mstl] [--no-intervals]
        [--min-train-weeks 8] [--until YYYY-MM-DD] [--calendar-priors]

`--calendar-priors` gives the kinds of special day the training part never saw the Israeli
calendar's typical effect (holiday x0.1, eve x0.45, ...), as a user who knows the bank closes on
holidays would ask; without it, effects are learned from the history only and the first Pesach
of the months (1 April), unseen at the origins of 25 March and 1 April, is forecast as an
ordinary day, flagged.

`--until` ends the history on that date (exclusive) and `--min-train-weeks` moves the first
origin: together they split the origins into halves, a check that what helps on one half of
the months also helps on the other.

`--no-mstl` and `--no-intervals` (no prediction-interval scoring, which refits every method on
inner origins) make a run take about 20 s instead of about 10 minutes, to iterate; the figures
in docs/forecasting.md come from the full run.

The six months end on 30 June; the importer puts a few calls just after midnight on
1 July, an incomplete day this script drops.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from homeshore.data.acd import read_acd
from homeshore.data.intervals import aggregate
from homeshore.forecasting import ForecastSettings, backtest, setups
from homeshore.forecasting.daily_profile import DailyProfile
from homeshore.forecasting.direct import Direct
from homeshore.forecasting.history import FloatArray
from homeshore.forecasting.method import Context
from homeshore.forecasting.seasonal_naive import SeasonalNaive

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "anonymous_bank_1999"
TIMEZONE = "Asia/Jerusalem"


def load_intervals(interval_min: int = 30, until: str = "1999-07-01") -> pd.DataFrame:
    files = sorted(DATA.glob("*.txt"))
    if not files:
        sys.exit(f"no call logs in {DATA}")
    calls, _ = read_acd(files, timezone=TIMEZONE)
    table = aggregate(calls, interval_min=interval_min, threshold_s=20, timezone=TIMEZONE)
    intervals = table.intervals
    end = pd.Timestamp(until, tz=TIMEZONE)
    return intervals[intervals["start"] < end].reset_index(drop=True)


class MSTLPeer:
    """statsforecast MSTL on the interval series (seasons of one day and one week).

    Missing days are filled with the same day a week earlier (MSTL needs a complete series);
    negative forecasts are clipped to zero.
    """

    name = "mstl (statsforecast)"

    def predict(self, context: Context) -> FloatArray:
        from statsforecast.models import MSTL

        volume = context.history.volume.copy()
        for i in range(len(volume)):
            if np.isnan(volume[i, 0]):
                volume[i] = volume[i - 7] if i >= 7 else 0.0
        slots = volume.shape[1]
        gap = (context.horizon_start - context.history.last_date).days - 1
        steps = (gap + context.horizon_days) * slots
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = MSTL(season_length=[slots, 7 * slots])
            mean = model.forecast(volume.ravel(), h=steps)["mean"]
        out = np.maximum(np.asarray(mean, dtype=float), 0.0)[gap * slots :]
        return out.reshape(context.horizon_days, slots)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--horizon-weeks", type=int, default=1)
    parser.add_argument("--min-train-weeks", type=int, default=8)
    parser.add_argument("--no-mstl", action="store_true", help="skip the (slow) MSTL peer")
    parser.add_argument(
        "--no-intervals", action="store_true", help="skip scoring the prediction intervals"
    )
    parser.add_argument(
        "--until", default="1999-07-01", help="end of the history (exclusive), YYYY-MM-DD"
    )
    parser.add_argument(
        "--calendar-priors",
        action="store_true",
        help="the calendar's typical effect for kinds of day the training never saw",
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    intervals = load_intervals(until=args.until)
    settings = ForecastSettings(timezone=TIMEZONE, country="IL")
    if args.calendar_priors:
        settings = dataclasses.replace(settings, calendar_priors=True)
    prepared = setups(intervals, settings)
    print(
        f"history: {len(intervals)} rows, {len(prepared)} queues, "
        f"read in {time.perf_counter() - t0:.1f} s"
    )
    peers = [SeasonalNaive(1), SeasonalNaive(4)]
    if not args.no_mstl:
        peers.append(MSTLPeer())  # type: ignore[arg-type]
    ours = [DailyProfile(), Direct()]
    t0 = time.perf_counter()
    result = backtest(
        prepared,
        [*ours, *peers],
        horizon_weeks=args.horizon_weeks,
        min_train_weeks=args.min_train_weeks,
        with_intervals=[] if args.no_intervals else [m.name for m in [*ours, *peers[:2]]],
    )
    print(
        f"backtest: {len(result.origins)} weekly origins "
        f"({result.origins[0]} .. {result.origins[-1]}), horizon {args.horizon_weeks} week(s), "
        f"{time.perf_counter() - t0:.1f} s"
    )
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    pooled = result.pooled().drop(columns=["queue"]).set_index("method")
    print("\npooled over queues (WAPE = sum|F-A| / sum A):")
    print(pooled.round(3).to_string())
    per_queue = result.scores.pivot(index="queue", columns="method", values="wape")
    print("\nWAPE per queue:")
    print(per_queue.round(3).to_string())

    wapes = pooled["wape"]
    best_peer = min(wapes[m.name] for m in peers)
    best_name = next(m.name for m in peers if wapes[m.name] == best_peer)
    floor = wapes["poisson_floor"]
    print("\nratios (pooled):")
    for method in ours:
        ours_w = wapes[method.name]
        print(
            f"  {method.name}: WAPE {ours_w:.3f}, {1 - ours_w / best_peer:+.1%} vs best peer "
            f"({best_name} {best_peer:.3f}); {ours_w / floor:.2f} x Poisson floor {floor:.3f}; "
            f"oracle daily {pooled.loc[method.name, 'oracle_daily_wape']:.3f}"
        )
    for peer in peers:
        print(f"  {peer.name}: {wapes[peer.name] / floor:.2f} x Poisson floor")


if __name__ == "__main__":
    main()
