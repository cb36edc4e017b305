"""`forecast()`: volumes, prediction intervals and handle times per queue and interval."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from homeshore.domain.scenario import Scenario
from homeshore.domain.tables import FORECAST_COLUMNS
from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.errors import InputError
from homeshore.forecasting.aht import forecast_aht
from homeshore.forecasting.calendar import DayCalendar, opening_mask
from homeshore.forecasting.history import FloatArray, QueueHistory, histories_from_table
from homeshore.forecasting.intervals import quantiles
from homeshore.forecasting.national_days import national_days
from homeshore.forecasting.pipeline import METHODS, QueueSetup
from homeshore.forecasting.settings import ForecastSettings
from homeshore.forecasting.special_day_notes import SPECIAL_DAY_COLUMNS, special_day_table
from homeshore.forecasting.timegrid import interval_starts

MAX_HORIZON_WEEKS = 52


@dataclass(frozen=True, slots=True)
class ForecastResult:
    table: pd.DataFrame  # FORECAST_COLUMNS, one row per queue and real interval
    daily: pd.DataFrame  # queue, date, kind, volume, note: the daily forecast the rows add up to
    methods: dict[str, str]  # queue -> method used
    dispersion: dict[str, FloatArray]  # queue -> NB alpha per horizon week
    histories: dict[str, QueueHistory] = field(default_factory=dict)
    #: SPECIAL_DAY_COLUMNS: each special open day of the horizon, its effect and its basis
    special_days: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(SPECIAL_DAY_COLUMNS))
    )

    def flagged(self) -> pd.DataFrame:
        """The special days without precedent in the history (their forecast is assumed)."""
        return self.special_days[self.special_days["flagged"].astype(bool)].reset_index(drop=True)


def setups(
    history: pd.DataFrame, settings: ForecastSettings, *, source: str | None = None
) -> dict[str, QueueSetup]:
    """Validate the history and prepare every queue (shared with the backtest).

    The holiday calendar covers the history and the year after it (or after start_date).
    """
    table = history
    if settings.queue_map:
        table = history.assign(queue=history["queue"].astype(str).replace(settings.queue_map))
    histories = histories_from_table(
        table, timezone=settings.timezone, interval_min=settings.interval_min, source=source
    )
    first = min(h.first_date for h in histories.values())
    last = max(h.last_date for h in histories.values())
    end = max(last, settings.start_date or last)
    country = settings.resolved_country()
    national = national_days(country, settings.special_days_files)
    try:
        calendar = DayCalendar.build(
            country, range(first.year, end.year + 2), settings.events, national
        )
    except ValueError as exc:
        raise InputError(str(exc), where="country") from None
    out: dict[str, QueueSetup] = {}
    for queue, h in histories.items():
        hours = settings.opening_hours.get(queue)
        mask = opening_mask(hours, h.interval_min) if hours is not None else None
        out[queue] = QueueSetup.build(h, calendar, mask, settings.calendar_priors)
    return out


def forecast(
    history: pd.DataFrame,
    scenario_or_settings: Scenario | ForecastSettings,
    horizon_weeks: int,
    method: str = "auto",
    *,
    source: str | None = None,
) -> ForecastResult:
    """Forecast every queue of `history` (an interval table) `horizon_weeks` ahead.

    method: "auto" (daily_profile, or seasonal_naive under three weeks of data) or a name of
    pipeline.METHODS. The first forecast day is settings.start_date, else the day after the
    history. Bad input raises InputError naming the queue and the interval.
    """
    settings = (
        ForecastSettings.from_scenario(scenario_or_settings)
        if isinstance(scenario_or_settings, Scenario)
        else scenario_or_settings
    )
    if not 1 <= horizon_weeks <= MAX_HORIZON_WEEKS:
        raise InputError(f"horizon of {horizon_weeks} weeks is outside 1..{MAX_HORIZON_WEEKS}")
    if method != "auto" and method not in METHODS:
        raise InputError(f"unknown method {method!r} (use auto, {', '.join(METHODS)})")
    horizon_days = horizon_weeks * DAYS_PER_WEEK
    prepared = setups(history, settings, source=source)
    last = max(s.history.last_date for s in prepared.values())
    start = settings.start_date or last + dt.timedelta(days=1)
    if start <= last:
        raise InputError(f"forecast start {start} is not after the history's last day {last}")
    tables: list[pd.DataFrame] = []
    dailies: list[pd.DataFrame] = []
    specials: list[pd.DataFrame] = []
    methods: dict[str, str] = {}
    dispersion: dict[str, FloatArray] = {}
    for queue, setup in prepared.items():
        chosen = setup.resolve(method)
        h = setup.history
        context = setup.context(h.n_days, start, horizon_days)
        mean = setup.predict(chosen, context)
        alpha = setup.dispersion(chosen, horizon_weeks)
        age = (np.datetime64(start) - np.datetime64(h.first_date)).astype(int) - np.arange(h.n_days)
        aht = forecast_aht(
            h,
            age / DAYS_PER_WEEK,
            default_aht_s=settings.default_aht_s.get(queue, settings.fallback_aht_s),
        )
        starts, day, slot, share = interval_starts(
            start, horizon_days, h.interval_min, settings.timezone
        )
        mu = mean[day, slot] * share
        a = alpha[day // DAYS_PER_WEEK]
        tables.append(
            pd.DataFrame(
                {
                    "queue": queue,
                    "start": starts,
                    "interval_min": h.interval_min,
                    "volume": mu,
                    "volume_p10": quantiles(mu, a, 0.1),
                    "volume_p50": quantiles(mu, a, 0.5),
                    "volume_p90": quantiles(mu, a, 0.9),
                    "aht_s": aht[slot],
                }
            )
        )
        daily = np.bincount(day, weights=mu, minlength=horizon_days)
        special = special_day_table(setup, context, chosen)
        notes = dict(zip(special["date"], special["note"], strict=True))
        dates = [start + dt.timedelta(days=i) for i in range(horizon_days)]
        dailies.append(
            pd.DataFrame(
                {
                    "queue": queue,
                    "date": dates,
                    "kind": list(context.horizon_kinds),
                    "volume": daily,
                    "note": [notes.get(d, "") for d in dates],
                }
            )
        )
        specials.append(special)
        methods[queue] = chosen.name
        dispersion[queue] = alpha
    table = pd.concat(tables, ignore_index=True)[list(FORECAST_COLUMNS)]
    return ForecastResult(
        table,
        pd.concat(dailies, ignore_index=True),
        methods,
        dispersion,
        {q: s.history for q, s in prepared.items()},
        _special_days(specials),
    )


def _special_days(parts: list[pd.DataFrame]) -> pd.DataFrame:
    found = [p for p in parts if len(p)]
    if not found:
        return pd.DataFrame(columns=list(SPECIAL_DAY_COLUMNS))
    return pd.concat(found, ignore_index=True)
