"""What a forecast needs besides the history: timezone, calendar, opening hours, defaults."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from homeshore.domain.scenario import Scenario
from homeshore.domain.time import WeeklyHours
from homeshore.forecasting.calendar import COUNTRY_BY_TIMEZONE, Event


@dataclass(frozen=True, slots=True)
class ForecastSettings:
    """Settings of `forecast()`; `from_scenario` fills them from a scenario.

    opening_hours: per queue id; a queue without entry gets closed intervals inferred from
    its history (a weekday's interval that was zero on every day of history is closed).
    country: ISO code for public holidays (None: guessed from the timezone, "" for none).
    special_days_files: CSV files of national special days added to the bundled one
    (national_days.py: country, date, kind, name); from a scenario, its planning's.
    calendar_priors: a kind of special day the history never saw gets the calendar's typical
    effect (holiday x0.25, ...) instead of none, and learned effects are shrunk toward it
    (kind_effects.py); either way such days are flagged in the forecast.
    """

    timezone: str
    country: str | None = None
    interval_min: int | None = None
    opening_hours: dict[str, WeeklyHours] = field(default_factory=dict)
    default_aht_s: dict[str, float] = field(default_factory=dict)
    fallback_aht_s: float = 300.0
    events: tuple[Event, ...] = ()
    special_days_files: tuple[Path, ...] = ()
    calendar_priors: bool = False
    start_date: dt.date | None = None  # first forecast day; None: the day after the history
    queue_map: dict[str, str] = field(default_factory=dict)  # history id -> scenario id

    @classmethod
    def from_scenario(cls, scenario: Scenario, **overrides: object) -> ForecastSettings:
        values: dict[str, object] = {
            "timezone": scenario.timezone,
            "opening_hours": {q.id: q.opening_hours for q in scenario.queues},
            "default_aht_s": {q.id: q.default_aht_s for q in scenario.queues},
            "start_date": scenario.planning.start_date,
            "special_days_files": scenario.planning.special_days_files,
        }
        if scenario.history is not None:
            values["queue_map"] = dict(scenario.history.queue_map)
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def resolved_country(self) -> str | None:
        if self.country is not None:
            return self.country or None
        return COUNTRY_BY_TIMEZONE.get(self.timezone)
