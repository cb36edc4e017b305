"""Special days and opening hours: what makes a date or an interval unlike its weekday.

Day kinds: a public holiday, the eve of one (many services close early), an optional or
reduced-activity day (the `holidays` package's "optional" category: Purim, Remembrance Day...),
the intermediate days of a festival (an optional day between two holidays a week apart at most:
Pesach, Sukkot), a statutory day off that is no holiday (an Israeli
election day: no eve, no backlog after), and user-declared events (a campaign, an outage), each
event name a kind of its own. Holidays come from the `holidays` package by ISO country code,
completed by the special-days files of national_days.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import holidays
import numpy as np
import numpy.typing as npt

from homeshore.domain.time import DAYS_PER_WEEK, MINUTES_PER_DAY, WeeklyHours

if TYPE_CHECKING:
    from homeshore.forecasting.national_days import NationalDay

NORMAL = "normal"
HOLIDAY = "holiday"
EVE = "holiday_eve"
REDUCED = "reduced"
AFTER = "after_holiday"
MONTH_START = "month_start"
DAY_OFF = "day_off"
INTERMEDIATE = "intermediate"
BUILT_IN_KINDS = (NORMAL, HOLIDAY, EVE, REDUCED, AFTER, MONTH_START, DAY_OFF, INTERMEDIATE)
#: A reduced day between two public holidays at most this many days apart is an intermediate
#: day of a festival (Pesach, Sukkot), unlike a lone memorial or minor day (Purim).
FESTIVAL_MAX_DAYS = 8
#: Kinds that change the volume of a day but not its intraday shape (every other special
#: kind, events included, gets its own shape).
SAME_SHAPE_KINDS = frozenset({NORMAL, REDUCED, INTERMEDIATE, AFTER, MONTH_START})
#: Days of rest: a date of one of these kinds with no row at all in an interval table (which
#: omits empty intervals) is a day the centre was closed, not a lost day of the extract.
REST_KINDS = frozenset({HOLIDAY, DAY_OFF})

#: The calendar's typical multiplier of a day's expected volume, per kind: many services are
#: closed or quiet on public holidays, and get a backlog on the first working day after one; a
#: statutory day off on which businesses may open (an election day): half an ordinary day,
#: between closed and open. Used only when the user asks for priors (calendar_priors), for the
#: kinds the history never saw and as the target of the learned effects (kind_effects.py); by
#: default effects are learned from the centre's own days and a kind never seen has none.
DEFAULT_EFFECTS: dict[str, float] = {
    HOLIDAY: 0.25,
    DAY_OFF: 0.5,
    EVE: 0.9,
    REDUCED: 0.9,
    INTERMEDIATE: 0.9,
    AFTER: 1.15,
    MONTH_START: 1.0,
}
#: Countries whose holidays behave differently: in Israel businesses close for a holiday and
#: close early on its eve (like a Friday); the intermediate days of Pesach and Sukkot are
#: working days for most.
DEFAULT_EFFECTS_BY_COUNTRY: dict[str, dict[str, float]] = {
    "IL": {HOLIDAY: 0.1, EVE: 0.45, REDUCED: 0.9, AFTER: 1.2},
}

#: Countries guessed from a timezone when none is given (extend with --country).
COUNTRY_BY_TIMEZONE: dict[str, str] = {
    "Europe/Paris": "FR",
    "Asia/Jerusalem": "IL",
    "Asia/Tel_Aviv": "IL",
    "Europe/London": "GB",
    "Europe/Berlin": "DE",
    "Europe/Madrid": "ES",
    "Europe/Rome": "IT",
    "Europe/Brussels": "BE",
    "Europe/Lisbon": "PT",
    "America/New_York": "US",
    "America/Chicago": "US",
    "America/Los_Angeles": "US",
    "Africa/Casablanca": "MA",
    "Africa/Tunis": "TN",
}


@dataclass(frozen=True, slots=True)
class Event:
    """A user-declared special period: [start, end] inclusive local dates.

    `effect` multiplies the expected volume of those days (1.3 = +30 %); None estimates it from
    past days of the same event name. `queues` empty means every queue.
    """

    name: str
    start: dt.date
    end: dt.date
    effect: float | None = None
    queues: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"event {self.name}: ends ({self.end}) before it starts")
        if self.effect is not None and self.effect < 0:
            raise ValueError(f"event {self.name}: effect must be >= 0")
        if self.name in BUILT_IN_KINDS:
            raise ValueError(f"event name {self.name!r} is reserved")

    def applies_to(self, queue: str) -> bool:
        return not self.queues or queue in self.queues


@dataclass(frozen=True, slots=True)
class DayCalendar:
    """Which kind of day each date is, for one queue."""

    country: str | None = None
    events: tuple[Event, ...] = ()
    holiday_names: dict[dt.date, str] = field(default_factory=dict)
    reduced_names: dict[dt.date, str] = field(default_factory=dict)
    day_off_names: dict[dt.date, str] = field(default_factory=dict)
    default_effects: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_EFFECTS))
    month_start_days: int = 2

    @classmethod
    def build(
        cls,
        country: str | None,
        years: Iterable[int],
        events: Sequence[Event] = (),
        national: Sequence[NationalDay] = (),
    ) -> DayCalendar:
        """The calendar of `country`: the `holidays` package's public and optional days, and
        the `national` days (national_days.py) of the country, which take precedence."""
        years = sorted(set(years))
        public: dict[dt.date, str] = {}
        optional: dict[dt.date, str] = {}
        if country:
            try:
                found = holidays.country_holidays(country, years=years)
            except NotImplementedError:
                raise ValueError(
                    f"country {country!r} is not known to the holidays package"
                ) from None
            public = {d: str(n) for d, n in found.items()}
            cats = getattr(holidays.country_holidays(country), "supported_categories", ())
            if "optional" in cats:
                extra = holidays.country_holidays(country, years=years, categories=("optional",))
                optional = {d: str(n) for d, n in extra.items() if d not in public}
        day_off: dict[dt.date, str] = {}
        by_kind = {HOLIDAY: public, REDUCED: optional, DAY_OFF: day_off}
        for day in national:
            if country and day.country == country.upper():
                for names in by_kind.values():
                    names.pop(day.date, None)
                by_kind[day.kind][day.date] = day.name
        defaults = dict(DEFAULT_EFFECTS)
        defaults.update(DEFAULT_EFFECTS_BY_COUNTRY.get((country or "").upper(), {}))
        return cls(country, tuple(events), public, optional, day_off, defaults)

    def kinds(
        self,
        queue: str,
        dates: Sequence[dt.date],
        main_weekdays: Collection[int] = range(DAYS_PER_WEEK),
    ) -> list[str]:
        """The kind of each date for `queue`; an event beats a holiday beats a day off beats an
        eve beats a reduced or intermediate day beats the first day after a holiday. (The
        intermediate days of Pesach and Sukkot are quiet, many being on leave: the backlog of
        the holiday comes after the whole festival, not on the intermediate day that follows
        its first day.)

        The first day after a holiday is the first date after it, within three days, that is
        neither a holiday nor outside `main_weekdays` (the weekdays of full activity).
        """
        out: list[str] = []
        for day in dates:
            kind = NORMAL
            if self._month_start(day, main_weekdays):
                kind = MONTH_START
            if self._after_holiday(day, main_weekdays):
                kind = AFTER
            if day in self.reduced_names:
                kind = INTERMEDIATE if self._within_festival(day) else REDUCED
            if (day + dt.timedelta(days=1)) in self.holiday_names:
                kind = EVE
            if day in self.day_off_names:
                kind = DAY_OFF
            if day in self.holiday_names:
                kind = HOLIDAY
            for event in self.events:
                if event.applies_to(queue) and event.start <= day <= event.end:
                    kind = event.name
            out.append(kind)
        return out

    def _month_start(self, day: dt.date, main_weekdays: Collection[int]) -> bool:
        """One of the first `month_start_days` working days of its month."""
        if self.month_start_days <= 0 or day.weekday() not in main_weekdays:
            return False
        rank = 0
        for d in range(1, day.day + 1):
            other = day.replace(day=d)
            if other.weekday() in main_weekdays and other not in self.holiday_names:
                rank += 1
        return day not in self.holiday_names and rank <= self.month_start_days

    def _within_festival(self, day: dt.date) -> bool:
        """Between two public holidays at most FESTIVAL_MAX_DAYS apart."""
        reach = range(1, FESTIVAL_MAX_DAYS)
        back = next((k for k in reach if day - dt.timedelta(days=k) in self.holiday_names), None)
        ahead = next((k for k in reach if day + dt.timedelta(days=k) in self.holiday_names), None)
        return back is not None and ahead is not None and back + ahead <= FESTIVAL_MAX_DAYS

    def _after_holiday(self, day: dt.date, main_weekdays: Collection[int]) -> bool:
        if day in self.holiday_names or day.weekday() not in main_weekdays:
            return False
        for back in range(1, 4):
            before = day - dt.timedelta(days=back)
            if before in self.holiday_names:
                return True
            if before.weekday() in main_weekdays:
                return False
        return False

    def name_of(self, day: dt.date, kind: str) -> str:
        """What the day is called in the calendar (the holiday of an eve, the one a backlog day
        follows); "" for an ordinary day or a first working day of a month."""
        if kind == EVE:
            return f"eve of {self.holiday_names.get(day + dt.timedelta(days=1), 'a holiday')}"
        if kind == AFTER:
            for back in range(1, 4):
                name = self.holiday_names.get(day - dt.timedelta(days=back))
                if name:
                    return f"after {name}"
            return ""
        if kind in (NORMAL, MONTH_START):
            return ""
        if kind not in (HOLIDAY, DAY_OFF, REDUCED, INTERMEDIATE):
            return kind  # an event
        for names in (self.holiday_names, self.day_off_names, self.reduced_names):
            if day in names:
                return names[day]
        return kind

    def effect_given(self, kind: str) -> float | None:
        """A user-given effect for an event kind, else None."""
        for event in self.events:
            if event.name == kind and event.effect is not None:
                return event.effect
        return None


def opening_mask(hours: WeeklyHours, interval_min: int) -> npt.NDArray[np.bool_]:
    """mask[weekday, slot]: is the slot open (at least partly) in these opening hours."""
    slots = MINUTES_PER_DAY // interval_min
    mask = np.zeros((DAYS_PER_WEEK, slots), dtype=bool)
    for weekday in range(DAYS_PER_WEEK):
        for window in hours.day(weekday):
            first = window.start_min // interval_min
            last = -(-window.end_min // interval_min)
            mask[weekday, first:last] = True
    return mask


def inferred_open_mask(
    volume: npt.NDArray[np.float64], weekdays: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Without opening hours: a weekday's slot is closed if every day of history has zero there."""
    mask = np.zeros((DAYS_PER_WEEK, volume.shape[1]), dtype=bool)
    valid = ~np.isnan(volume[:, 0])
    for weekday in range(DAYS_PER_WEEK):
        rows = volume[valid & (weekdays == weekday)]
        mask[weekday] = rows.sum(axis=0) > 0 if len(rows) else True
    return mask
