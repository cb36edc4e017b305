"""Rolling-origin backtest: every method forecasts from weekly origins and is scored.

For each queue and origin (the first forecast day, every `step_days`, the last one leaving
exactly one horizon of data), each method trains on the days before the origin only, exactly
as `forecast()` would (same reconciliation, dispersion estimated on that training part), and
is scored on the next `horizon_weeks` weeks. Missing days are skipped; an origin whose horizon
holds no day with data is not scored, and is listed apart (`skipped`), not among `origins`.

Per method and queue (and pooled over queues, "all"):
- WAPE = sum |F - A| / sum A; bias = sum (F - A) / sum A;
- MASE = mean |F - A| over the horizon / mean |y_t - y_(t-7 days)| over the training days,
  averaged over origins (the pooled row averages the queues);
- coverage, over the intervals with a forecast or an actual above zero: below_p10/p50/p90 are
  the shares of actuals below each quantile counted by randomised PIT (an actual equal to
  the quantile counts by the share of its probability mass under it), ideal 10 %, 50 %,
  90 %; within_p10_p90 is the plain share of actuals in [P10, P90] as printed in the
  forecast (ideal >= 80 %: counts are integers, so the interval holds more than 80 %);
- oracle daily WAPE: the method's intraday shape applied to the true daily totals.

References per queue (method "poisson_floor"): the WAPE of a forecast that knew the true rate,
sum E|N - rate| / sum A with N ~ Poisson(rate), computed exactly from the best estimate of
the rate in hindsight: the day's true total times the intraday profile of the same weekday
pooled over the ordinary days within `floor_window_weeks` weeks either side (the day
included); a special day uses its own counts as its rate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.forecasting.calendar import NORMAL
from homeshore.forecasting.history import FloatArray
from homeshore.forecasting.intervals import pit_below, quantiles
from homeshore.forecasting.method import VolumeMethod
from homeshore.forecasting.metrics import (
    oracle_daily,
    poisson_mean_abs_deviation,
    seasonal_naive_scale,
    wape,
)
from homeshore.forecasting.pipeline import QueueSetup

FLOOR = "poisson_floor"
SCORE_COLUMNS = (
    "method",
    "queue",
    "wape",
    "mase",
    "bias",
    "below_p10",
    "below_p50",
    "below_p90",
    "within_p10_p90",
    "oracle_daily_wape",
    "actual",
    "origins",
)


@dataclass(frozen=True, slots=True)
class BacktestResult:
    scores: pd.DataFrame  # SCORE_COLUMNS, one row per method and queue, plus queue "all"
    origins: tuple[dt.date, ...]  # origins scored for at least one queue
    horizon_weeks: int
    skipped: tuple[dt.date, ...] = ()  # origins whose horizon held no day with data

    def pooled(self) -> pd.DataFrame:
        return self.scores[self.scores["queue"] == "all"].reset_index(drop=True)


def hindsight_rate(setup: QueueSetup, day: int, window_weeks: int) -> FloatArray:
    """Best estimate of the true rate of each slot of history day `day` (see module doc)."""
    h = setup.history
    volume = h.volume
    if setup.day_kinds[day] != NORMAL:
        return np.asarray(volume[day], dtype=np.float64)
    span = window_weeks * DAYS_PER_WEEK
    days = np.arange(max(0, day - span), min(h.n_days, day + span + 1), DAYS_PER_WEEK)
    days = days[days % DAYS_PER_WEEK == day % DAYS_PER_WEEK]
    kinds = np.array(setup.day_kinds)[days]
    days = days[(kinds == NORMAL) & h.valid_days()[days]]
    pooled = volume[days].sum(axis=0)
    total = pooled.sum()
    if total <= 0:
        return np.asarray(volume[day], dtype=np.float64)
    return np.asarray(volume[day].sum() * pooled / total, dtype=np.float64)


class _Tally:
    def __init__(self) -> None:
        self.sums: dict[str, float] = defaultdict(float)
        self.mase: list[float] = []

    def add(self, **values: float) -> None:
        for key, value in values.items():
            self.sums[key] += value


def _origins(n_days: int, horizon_days: int, min_train_days: int, step_days: int) -> list[int]:
    last = n_days - horizon_days
    return list(range(last, min_train_days - 1, -step_days))[::-1]


def backtest(
    setups: dict[str, QueueSetup],
    methods: Sequence[VolumeMethod],
    *,
    horizon_weeks: int = 1,
    min_train_weeks: int = 8,
    step_days: int = DAYS_PER_WEEK,
    with_intervals: Sequence[str] | None = None,
    floor_window_weeks: int = 4,
) -> BacktestResult:
    """Score `methods` on `setups` (see module doc). `with_intervals`: methods whose
    prediction intervals are scored (default all; estimating them refits each method)."""
    horizon_days = horizon_weeks * DAYS_PER_WEEK
    scored = {m.name for m in methods} if with_intervals is None else set(with_intervals)
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    origin_dates: set[dt.date] = set()
    considered: set[dt.date] = set()
    for queue, setup in setups.items():
        h = setup.history
        for origin in _origins(h.n_days, horizon_days, min_train_weeks * DAYS_PER_WEEK, step_days):
            start = h.first_date + dt.timedelta(days=origin)
            considered.add(start)
            actual = h.volume[origin : origin + horizon_days]
            valid = ~np.isnan(actual[:, 0])
            if not valid.any():
                continue
            origin_dates.add(start)
            actual = actual[valid]
            floor_rate = np.array(
                [
                    hindsight_rate(setup, int(origin + j), floor_window_weeks)
                    for j in np.flatnonzero(valid)
                ]
            )
            floor = float(poisson_mean_abs_deviation(floor_rate).sum())
            total = float(actual.sum())
            tallies[(FLOOR, queue)].add(abs_error=floor, actual=total, origins=1)
            train = setup.truncated(origin)
            scale = seasonal_naive_scale(train.history.volume)
            context = train.context(origin, start, horizon_days)
            for method in methods:
                forecast = train.predict(method, context)[valid]
                error = forecast - actual
                tally = tallies[(method.name, queue)]
                oracle = oracle_daily(forecast, actual.sum(axis=1))
                tally.add(
                    abs_error=float(np.abs(error).sum()),
                    error=float(error.sum()),
                    actual=total,
                    oracle=float(np.abs(oracle - actual).sum()),
                    origins=1,
                )
                if scale > 0:
                    tally.mase.append(float(np.abs(error).mean()) / scale)
                if method.name in scored:
                    alpha = train.dispersion(method, horizon_weeks)
                    days = np.flatnonzero(valid) // DAYS_PER_WEEK
                    a = alpha[days][:, None] * np.ones_like(forecast)
                    live = (forecast > 0) | (actual > 0)
                    y, mu, a = actual[live], forecast[live], a[live]
                    p10, p90 = quantiles(mu, a, 0.1), quantiles(mu, a, 0.9)
                    tally.add(
                        n_live=float(live.sum()),
                        below_p10=float(pit_below(y, mu, a, 0.1).sum()),
                        below_p50=float(pit_below(y, mu, a, 0.5).sum()),
                        below_p90=float(pit_below(y, mu, a, 0.9).sum()),
                        within=float(((y >= p10) & (y <= p90)).sum()),
                    )
    return BacktestResult(
        _scores(tallies),
        tuple(sorted(origin_dates)),
        horizon_weeks,
        tuple(sorted(considered - origin_dates)),
    )


def _row(method: str, queue: str, sums: dict[str, float], mase: float) -> dict[str, object]:
    n_live = sums.get("n_live", 0.0)

    def share(key: str) -> float:
        return sums[key] / n_live if n_live > 0 else float("nan")

    is_floor = method == FLOOR
    return {
        "method": method,
        "queue": queue,
        "wape": wape(sums["abs_error"], sums["actual"]),
        "mase": mase,
        "bias": float("nan") if is_floor else wape(sums["error"], sums["actual"]),
        "below_p10": share("below_p10"),
        "below_p50": share("below_p50"),
        "below_p90": share("below_p90"),
        "within_p10_p90": share("within"),
        "oracle_daily_wape": float("nan") if is_floor else wape(sums["oracle"], sums["actual"]),
        "actual": sums["actual"],
        "origins": int(sums["origins"]),
    }


def _scores(tallies: dict[tuple[str, str], _Tally]) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    methods = sorted({m for m, _ in tallies}, key=lambda m: (m == FLOOR, m))
    for method in methods:
        pooled: dict[str, float] = defaultdict(float)
        queue_mase: list[float] = []
        for (m, queue), tally in sorted(tallies.items()):
            if m != method:
                continue
            mase = float(np.mean(tally.mase)) if tally.mase else float("nan")
            rows.append(_row(method, queue, tally.sums, mase))
            queue_mase.append(mase)
            for key, value in tally.sums.items():
                pooled[key] += value
        pooled["origins"] = max(
            (t.sums["origins"] for (m, _), t in tallies.items() if m == method), default=0
        )
        known = [m for m in queue_mase if not np.isnan(m)]
        rows.append(_row(method, "all", pooled, float(np.mean(known)) if known else float("nan")))
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
