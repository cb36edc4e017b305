"""Re-forecast the rest of the day from the arrivals so far.

Method: a Gamma-Poisson update of one multiplier per queue and day. The day's contacts are
taken to arrive as Poisson with rate ``m x planned`` in every interval, ``m`` a day-level
multiplier common to all the queue's intervals (a busy day is busy all day). Before any
arrival ``m ~ Gamma(shape k, rate k)``: mean 1 (the forecast), coefficient of variation
``1/sqrt(k)``. With ``E`` the forecast's volume up to ``now`` (the current interval pro
rata of its elapsed time) and ``A`` the arrivals counted in the same intervals up to
``now``, the posterior is ``Gamma(k + A, k + E)``:

- ``level = (k + A) / (k + E)``, its credible band the ``(1 - band)/2`` and ``(1 + band)/2``
  quantiles of that gamma (scipy.stats.gamma);
- the contacts still to come in an interval with ``e`` planned contacts not yet elapsed
  follow the posterior predictive, a negative binomial with ``n = k + A`` and
  ``p = (k + E) / (k + E + e)`` (scipy.stats.nbinom): ``volume`` is its mean
  (``level x e``), ``volume_p10/p50/p90`` its quantiles. The interval holding ``now`` adds
  the arrivals already counted in it to the predictive of its remaining share.

The prior's ``k``: ``1 / prior_cv**2`` when ``prior_cv`` is given; otherwise from the
forecast itself. When the error is one multiplier common to the day, the sum of the
intervals' quantiles is the quantile of the day's sum, so the day's coefficient of variation
is about ``(sum p90 - sum p10) / (2 x 1.2816 x sum volume)`` over the queue's intervals of
the day (1.2816 the standard normal's 90 % quantile). It is floored at 0.05 (a forecast is
never that sure of a day) and capped at 1.0; a day with no planned volume takes the cap.

"Today" is ``now``'s local date in the scenario's timezone; an interval belongs to the day
of its local start. Arrivals are counted in the forecast interval holding them: arrivals
at or after ``now``, outside the day's intervals (queue closed, another day) or on a queue
with no forecast today are not counted, and ``Reforecast.unmatched`` says how many per
queue.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from homeshore.domain.tables import FORECAST_COLUMNS
from homeshore.errors import InputError
from homeshore.intraday._inputs import aware, epoch_s, numbers, require_columns, utc_times

__all__ = ["MAX_PRIOR_CV", "MIN_PRIOR_CV", "QueueLevel", "Reforecast", "reforecast_day"]

#: bounds of the day-level coefficient of variation read from a forecast's P10-P90 band
MIN_PRIOR_CV = 0.05
MAX_PRIOR_CV = 1.0
_Z90 = float(stats.norm.ppf(0.9))  # 1.2816
_QUANTILES = (("volume_p10", 0.1), ("volume_p50", 0.5), ("volume_p90", 0.9))

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class QueueLevel:
    queue: str
    expected_so_far: float  # the forecast's volume up to `now` (current interval pro rata)
    observed_so_far: int  # arrivals up to now
    level: float  # posterior mean of the day's multiplier (1.0 = as forecast)
    level_low: float  # credible band of the multiplier
    level_high: float
    prior_cv: float = math.nan  # the prior's coefficient of variation (1 / sqrt(k))


@dataclass(frozen=True, slots=True)
class Reforecast:
    now: dt.datetime
    levels: dict[str, QueueLevel]
    #: FORECAST_COLUMNS + planned, observed, elapsed; one row per queue and interval of
    #: the day, sorted by queue and start
    table: pd.DataFrame
    #: arrivals before `now` that fall in no interval of today's forecast, per queue
    unmatched: dict[str, int] = field(default_factory=dict)


def reforecast_day(
    forecast: pd.DataFrame,
    arrivals: pd.DataFrame,
    now: dt.datetime,
    *,
    timezone: str,
    band: float = 0.8,
    prior_cv: float | None = None,
) -> Reforecast:
    """The day's forecast updated by the arrivals up to `now` (module docstring)."""
    aware(now, "now")
    if not 0.0 < band < 1.0:
        raise InputError(f"band must be in (0, 1), got {band}", where="band")
    if prior_cv is not None and not (math.isfinite(prior_cv) and prior_cv > 0):
        raise InputError(f"prior_cv must be a number > 0, got {prior_cv}", where="prior_cv")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown timezone {timezone!r}", where="timezone") from exc
    day = _today(forecast, now, zone)
    arrived = _arrivals(arrivals, now)
    now_s = now.timestamp()
    tables: list[pd.DataFrame] = []
    levels: dict[str, QueueLevel] = {}
    unmatched: dict[str, int] = {}
    for queue, rows in day.groupby("queue", sort=True):
        rows = rows.sort_values("start_s").reset_index(drop=True)
        times = arrived.get(str(queue), np.empty(0))
        observed, outside = _counts(rows, times)
        if outside:
            unmatched[str(queue)] = outside
        level, table = _update(rows, observed, now_s, band, prior_cv)
        levels[str(queue)] = level
        tables.append(table)
    for queue, times in arrived.items():
        if queue not in levels and len(times):
            unmatched[queue] = len(times)
    columns = [*FORECAST_COLUMNS, "planned", "observed", "elapsed"]
    table = (
        pd.concat(tables, ignore_index=True)[columns]
        if tables
        else pd.DataFrame({c: [] for c in columns})
    )
    return Reforecast(now=now, levels=levels, table=table, unmatched=unmatched)


def _today(forecast: pd.DataFrame, now: dt.datetime, zone: ZoneInfo) -> pd.DataFrame:
    """The forecast's rows of now's local date, checked, with start_s (epoch s) and length_s."""
    require_columns(forecast, FORECAST_COLUMNS, "forecast")
    frame = forecast.reset_index(drop=True)
    start = utc_times(frame["start"], "forecast, column start")
    checked = {
        c: numbers(frame, c, "forecast")
        for c in ("volume", "volume_p10", "volume_p50", "volume_p90")
    }
    minutes = numbers(frame, "interval_min", "forecast", strict=True)
    today = now.astimezone(zone).date()
    local_dates = start.dt.tz_convert(zone).dt.date
    keep = (local_dates == today).to_numpy()
    out = pd.DataFrame(
        {
            "queue": frame["queue"].astype(str),
            "start": start.dt.tz_convert(zone),
            "interval_min": frame["interval_min"],
            **checked,
            "aht_s": frame["aht_s"],
            "start_s": epoch_s(start),
            "length_s": minutes * 60.0,
        }
    )
    return pd.DataFrame(out.loc[keep].reset_index(drop=True))


def _arrivals(arrivals: pd.DataFrame, now: dt.datetime) -> dict[str, FloatArray]:
    """Arrival instants before `now` (epoch seconds), sorted, per queue."""
    require_columns(arrivals, ("queue", "at"), "arrivals")
    if arrivals.empty:
        return {}
    frame = arrivals.reset_index(drop=True)
    seconds = epoch_s(utc_times(frame["at"], "arrivals, column at"))
    before = seconds < now.timestamp()
    queues = frame["queue"].astype(str).to_numpy()[before]
    seconds = seconds[before]
    return {str(q): np.sort(seconds[queues == q]) for q in np.unique(queues)}


def _counts(rows: pd.DataFrame, times: FloatArray) -> tuple[FloatArray, int]:
    """Arrivals per interval of `rows` (sorted by start), and those in none of them."""
    starts = rows["start_s"].to_numpy(float)
    ends = starts + rows["length_s"].to_numpy(float)
    k = np.searchsorted(starts, times, side="right") - 1
    inside = (k >= 0) & (times < ends[np.clip(k, 0, None)])
    observed = np.bincount(k[inside], minlength=len(rows)).astype(float)
    return observed, int((~inside).sum())


def _prior_cv(rows: pd.DataFrame) -> float:
    total = float(rows["volume"].sum())
    if total <= 0:
        return MAX_PRIOR_CV
    spread = float(rows["volume_p90"].sum() - rows["volume_p10"].sum())
    return min(MAX_PRIOR_CV, max(MIN_PRIOR_CV, spread / (2 * _Z90 * total)))


def _update(
    rows: pd.DataFrame, observed: FloatArray, now_s: float, band: float, prior_cv: float | None
) -> tuple[QueueLevel, pd.DataFrame]:
    cv = _prior_cv(rows) if prior_cv is None else prior_cv
    k = 1.0 / cv**2
    planned = rows["volume"].to_numpy(float)
    starts = rows["start_s"].to_numpy(float)
    lengths = rows["length_s"].to_numpy(float)
    elapsed_share = np.clip((now_s - starts) / lengths, 0.0, 1.0)
    expected = float((planned * elapsed_share).sum())
    seen = int(observed.sum())
    shape, rate = k + seen, k + expected
    low, high = stats.gamma.ppf([(1 - band) / 2, (1 + band) / 2], shape, scale=1.0 / rate)
    queue = str(rows["queue"].iloc[0])
    level = QueueLevel(
        queue=queue,
        expected_so_far=expected,
        observed_so_far=seen,
        level=shape / rate,
        level_low=float(low),
        level_high=float(high),
        prior_cv=cv,
    )
    ended = elapsed_share >= 1.0
    remaining = np.where(ended, 0.0, planned * (1.0 - elapsed_share))
    p = rate / (rate + np.where(remaining > 0, remaining, 1.0))
    to_come = {"volume": np.where(remaining > 0, remaining * shape / rate, 0.0)}
    for column, q in _QUANTILES:
        values = np.asarray(stats.nbinom.ppf(q, shape, p), dtype=float)
        to_come[column] = np.where(remaining > 0, values, 0.0)
    table = pd.DataFrame(
        {
            "queue": queue,
            "start": rows["start"],
            "interval_min": rows["interval_min"],
            **{c: observed + v for c, v in to_come.items()},
            "aht_s": rows["aht_s"],
            "planned": planned,
            "observed": observed.astype(np.int64),
            "elapsed": ended,
        }
    )
    return level, table
