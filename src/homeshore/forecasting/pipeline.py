"""One queue made ready for forecasting: its history, day kinds and open intervals.

Shared by `forecast()` and the backtest, so both run exactly the same steps: a method's raw
forecast, closed intervals set to zero and the rest rescaled to the method's daily total.

A public holiday or statutory day off (calendar.REST_KINDS) inside the history with no row at
all for any queue is read as a day the centre was closed (zero), not as a lost day: interval
tables omit empty intervals, so a centre closed on its holidays leaves exactly such gaps, and
the effect learned from them closes it on the next holiday.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.forecasting.calendar import REST_KINDS, DayCalendar, inferred_open_mask
from homeshore.forecasting.daily_profile import DailyProfile
from homeshore.forecasting.direct import Direct
from homeshore.forecasting.history import FloatArray, QueueHistory
from homeshore.forecasting.intervals import estimate_dispersion
from homeshore.forecasting.method import Context, VolumeMethod
from homeshore.forecasting.reconcile import reconcile
from homeshore.forecasting.seasonal_naive import SeasonalNaive

#: Methods selectable by name.
METHODS: dict[str, Callable[[], VolumeMethod]] = {
    "daily_profile": DailyProfile,
    "direct": Direct,
    "seasonal_naive": lambda: SeasonalNaive(1),
    "seasonal_mean4": lambda: SeasonalNaive(4),
}
#: `auto` uses daily_profile from this many days of data, seasonal_naive below.
AUTO_MIN_DAYS = 21


def main_weekdays(history: QueueHistory, share: float = 0.5) -> frozenset[int]:
    """Weekdays whose mean daily volume is at least `share` of the busiest weekday's."""
    totals = history.volume.sum(axis=1)
    valid = history.valid_days()
    weekdays = history.weekdays()
    means = np.array(
        [
            totals[valid & (weekdays == d)].mean() if (valid & (weekdays == d)).any() else 0.0
            for d in range(DAYS_PER_WEEK)
        ]
    )
    if means.max() <= 0:
        return frozenset(range(DAYS_PER_WEEK))
    return frozenset(int(d) for d in np.flatnonzero(means >= share * means.max()))


def with_closed_rest_days(history: QueueHistory, kinds: Sequence[str]) -> QueueHistory:
    """The history with its missing rest days strictly inside its span set to zero."""
    valid = history.valid_days()
    known = np.flatnonzero(valid)
    if len(known) < 2:
        return history
    inside = range(int(known[0]) + 1, int(known[-1]))
    closed = [i for i in inside if not valid[i] and kinds[i] in REST_KINDS]
    if not closed:
        return history
    volume = history.volume.copy()
    volume[closed] = 0.0
    return dataclasses.replace(history, volume=volume)


@dataclass(frozen=True, slots=True)
class QueueSetup:
    history: QueueHistory
    calendar: DayCalendar
    open_by_weekday: npt.NDArray[np.bool_]  # (7, slots)
    day_kinds: tuple[str, ...]  # kind of each history day
    main_weekdays: frozenset[int]  # weekdays of full activity
    inferred_hours: bool = False  # open_by_weekday inferred from the history
    calendar_priors: bool = False  # unseen kinds get the calendar's prior (settings.py)

    @classmethod
    def build(
        cls,
        history: QueueHistory,
        calendar: DayCalendar,
        open_by_weekday: npt.NDArray[np.bool_] | None,
        calendar_priors: bool = False,
    ) -> QueueSetup:
        main = main_weekdays(history)
        kinds = tuple(calendar.kinds(history.queue, history.dates(), main))
        history = with_closed_rest_days(history, kinds)
        inferred = open_by_weekday is None
        if open_by_weekday is None:
            open_by_weekday = inferred_open_mask(history.volume, history.weekdays())
        return cls(history, calendar, open_by_weekday, kinds, main, inferred, calendar_priors)

    def truncated(self, n_days: int) -> QueueSetup:
        """The setup as it was with only the first `n_days` of history (a backtest origin)."""
        head = self.history.head(n_days)
        hours = None if self.inferred_hours else self.open_by_weekday
        return QueueSetup.build(head, self.calendar, hours, self.calendar_priors)

    def kinds(self, first: dt.date, n_days: int) -> tuple[str, ...]:
        dates = [first + dt.timedelta(days=i) for i in range(n_days)]
        return tuple(self.calendar.kinds(self.history.queue, dates, self.main_weekdays))

    def context(self, origin: int, start: dt.date, horizon_days: int) -> Context:
        """Train on history days [0, origin), forecast `horizon_days` from `start`."""
        given = {e.name: e.effect for e in self.calendar.events if e.effect is not None}
        return Context(
            self.history.head(origin),
            self.day_kinds[:origin],
            start,
            self.kinds(start, horizon_days),
            given,
            self.calendar.default_effects,
            self.calendar_priors,
        )

    def resolve(self, method: str) -> VolumeMethod:
        if method == "auto":
            enough = int(self.history.valid_days().sum()) >= AUTO_MIN_DAYS
            method = "daily_profile" if enough else "seasonal_naive"
        return METHODS[method]()

    def predict(self, method: VolumeMethod, context: Context) -> FloatArray:
        """The method's forecast with closed intervals at zero, reconciled to its daily total."""
        raw = method.predict(context)
        open_mask = self.open_by_weekday[context.horizon_weekdays()]
        return reconcile(raw, raw.sum(axis=1), open_mask)

    def dispersion(self, method: VolumeMethod, horizon_weeks: int) -> FloatArray:
        """Negative binomial alpha per horizon week from origins inside the history."""
        return estimate_dispersion(
            self.history,
            lambda origin, days: self.context(
                origin, self.history.first_date + dt.timedelta(days=origin), days
            ),
            lambda context: self.predict(method, context),
            horizon_weeks,
        )
