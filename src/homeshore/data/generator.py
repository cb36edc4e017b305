"""A seeded generator of call history for a scenario (docs/data.md).

For every queue it draws a per-call table (CALL_COLUMNS) over whole weeks:

- **volume**: the queue's weekly contacts come from the scenario itself, as the work its
  advisors can carry: contract hours of the advisors whose main skill it is, less shrinkage,
  times a target occupancy, divided by the handle time (or `calls_per_week` when given);
- **weekly and intraday seasonality**: weekday factors (Monday busiest, Saturday lighter), an
  intraday shape with a late-morning peak, an afternoon peak and an evening shoulder, and an
  extra **Monday-morning peak**; evening and Saturday traffic follows from the opening hours;
- **public holidays** (`holidays` package, France by default) carry a small share of a normal
  day's traffic and the next open day a catch-up bump;
- **a slowly changing level**: a gentle trend and a weekly random walk on the log level;
- **Poisson arrivals** at a rate constant within each minute, only while the queue is open
  (so opening hours are always respected);
- **lognormal handle times** with the queue's `default_aht_s` as mean, **exponential patience**
  with mean `default_patience_s` (none: nobody abandons);
- waits come from a first-come-first-served multi-server queue staffed per interval by the
  square-root rule n = ceil(A + beta * sqrt(A)) (A = offered load in Erlangs), so abandonment
  and waits respond to load as in a real centre. The queue runs on the local wall clock.

Everything random comes from the numpy Generator passed in: same seed, same history.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

from homeshore.data.calls import ImportReport, empty_calls, localize
from homeshore.domain import Queue, Scenario
from homeshore.domain.time import DAYS_PER_WEEK, MINUTES_PER_DAY

#: history ends the day before this Monday when the scenario sets no planning start date
DEFAULT_HISTORY_END: Final = dt.date(2026, 11, 30)
DEFAULT_WEEKS: Final = 26


@dataclass(frozen=True, slots=True)
class GeneratorSettings:
    occupancy: float = 0.75  # share of staffed time on contacts, sets the base volume
    calls_per_week: Mapping[str, float] = field(default_factory=dict)  # overrides per queue
    # Monday .. Sunday
    weekday_factors: tuple[float, ...] = (1.22, 1.05, 1.0, 0.98, 0.95, 0.70, 0.55)
    monday_morning_factor: float = 1.35  # on top of Monday's factor, peaking around 09:30
    # intraday shape: base + peaks (hour, width h, weight)
    intraday_base: float = 0.30
    intraday_peaks: tuple[tuple[float, float, float], ...] = (
        (10.5, 1.6, 1.0),
        (14.75, 1.8, 0.85),
        (19.0, 1.6, 0.45),
    )
    country: str = "FR"  # public holidays (holidays package)
    holiday_factor: float = 0.15
    after_holiday_factor: float = 1.20
    trend_per_week: float = 0.002  # relative growth of the level per week
    level_sd_per_week: float = 0.02  # weekly random walk on the log level
    handle_sigma: float = 0.65  # sigma of log handle time (lognormal)
    staffing_beta: float = 0.4  # square-root staffing safety factor
    staffing_interval_min: int = 30

    def __post_init__(self) -> None:
        if len(self.weekday_factors) != DAYS_PER_WEEK:
            raise ValueError("weekday_factors needs one factor per weekday (Monday first)")
        if not 0.0 < self.occupancy <= 1.0:
            raise ValueError("occupancy must be in (0, 1]")
        if MINUTES_PER_DAY % self.staffing_interval_min:
            raise ValueError("staffing_interval_min must divide a day")


def history_window(scenario: Scenario) -> tuple[dt.date, int]:
    """First day and number of weeks of a scenario's generated history: the weeks just
    before the planning start date, or before DEFAULT_HISTORY_END when it has none."""
    weeks = DEFAULT_WEEKS
    if scenario.history is not None and scenario.history.weeks is not None:
        weeks = scenario.history.weeks
    end = scenario.planning.start_date or DEFAULT_HISTORY_END
    return end - dt.timedelta(weeks=weeks), weeks


def weekly_volume(scenario: Scenario, settings: GeneratorSettings) -> dict[str, float]:
    """Base contacts per week of each queue, from the work its advisors can carry."""
    hours = {q.id: 0.0 for q in scenario.queues}
    by_skill = {q.skill: q.id for q in scenario.queues}
    for agent in scenario.agents:
        main = agent.primary_skill or max(agent.skills, key=lambda s: s.proficiency).skill
        if main in by_skill:
            hours[by_skill[main]] += agent.contract_h_per_week
    volume = {}
    for q in scenario.queues:
        if q.id in settings.calls_per_week:
            volume[q.id] = float(settings.calls_per_week[q.id])
            continue
        work_s = hours[q.id] * 3600 * (1 - scenario.planning.shrinkage) * settings.occupancy
        volume[q.id] = work_s * q.concurrency / q.default_aht_s
    return volume


def generate_calls(
    scenario: Scenario,
    rng: np.random.Generator,
    *,
    start: dt.date,
    weeks: int,
    settings: GeneratorSettings | None = None,
) -> pd.DataFrame:
    """Draw `weeks` weeks of offered contacts from `start` (CALL_COLUMNS, tz-aware)."""
    settings = settings or GeneratorSettings()
    if weeks < 1:
        raise ValueError("weeks must be >= 1")
    days = weeks * DAYS_PER_WEEK
    dates = [start + dt.timedelta(days=d) for d in range(days)]
    day_factor = _day_factors(dates, settings)
    level = _level(rng, weeks, settings)
    volume = weekly_volume(scenario, settings)
    frames = []
    for queue in scenario.queues:
        rate = _minute_rates(queue, dates, day_factor, level, volume[queue.id], settings)
        frames.append(_queue_calls(queue, rate, rng, settings))
    calls = pd.concat(frames, ignore_index=True) if frames else empty_calls(scenario.timezone)
    wall = pd.Timestamp(start) + pd.to_timedelta(calls.pop("t_s"), unit="s")
    calls.insert(1, "arrival", localize(wall, scenario.timezone, ImportReport()))
    return calls.sort_values("arrival", ignore_index=True)


def _day_factors(dates: list[dt.date], settings: GeneratorSettings) -> npt.NDArray[np.float64]:
    years = sorted({d.year for d in dates})
    public = holidays.country_holidays(settings.country, years=years)
    factors = np.array([settings.weekday_factors[d.weekday()] for d in dates], dtype=float)
    for i, d in enumerate(dates):
        if d in public:
            factors[i] *= settings.holiday_factor
        elif i > 0 and dates[i - 1] in public:
            factors[i] *= settings.after_holiday_factor
    return factors


def _level(
    rng: np.random.Generator, weeks: int, settings: GeneratorSettings
) -> npt.NDArray[np.float64]:
    steps = rng.normal(0.0, settings.level_sd_per_week, size=weeks)
    steps[0] = 0.0
    log_level = np.cumsum(steps) + np.log1p(settings.trend_per_week) * np.arange(weeks)
    out: npt.NDArray[np.float64] = np.exp(log_level)
    return out


def _intraday(settings: GeneratorSettings) -> npt.NDArray[np.float64]:
    hour = (np.arange(MINUTES_PER_DAY) + 0.5) / 60.0
    shape = np.full(MINUTES_PER_DAY, settings.intraday_base)
    for peak_h, width_h, weight in settings.intraday_peaks:
        shape += weight * np.exp(-0.5 * ((hour - peak_h) / width_h) ** 2)
    return shape


def _minute_rates(
    queue: Queue,
    dates: list[dt.date],
    day_factor: npt.NDArray[np.float64],
    level: npt.NDArray[np.float64],
    weekly_calls: float,
    settings: GeneratorSettings,
) -> npt.NDArray[np.float64]:
    """Expected arrivals in each minute of each day, shape (days, 1440)."""
    shape = _intraday(settings)
    hour = (np.arange(MINUTES_PER_DAY) + 0.5) / 60.0
    monday_boost = 1 + (settings.monday_morning_factor - 1) * np.exp(
        -0.5 * ((hour - 9.5) / 1.5) ** 2
    )
    open_mask = np.zeros((DAYS_PER_WEEK, MINUTES_PER_DAY), dtype=bool)
    for weekday in range(DAYS_PER_WEEK):
        for window in queue.opening_hours.day(weekday):
            open_mask[weekday, window.start_min : window.end_min] = True
    # a typical week's weights, normalised so that they sum to one
    week = np.stack(
        [
            settings.weekday_factors[d] * shape * (monday_boost if d == 0 else 1.0) * open_mask[d]
            for d in range(DAYS_PER_WEEK)
        ]
    )
    total = week.sum()
    if total == 0:
        return np.zeros((len(dates), MINUTES_PER_DAY))
    per_weekday = week / total / np.array(settings.weekday_factors)[:, None]
    weekdays = np.array([d.weekday() for d in dates])
    week_index = np.arange(len(dates)) // DAYS_PER_WEEK
    rates: npt.NDArray[np.float64] = (
        weekly_calls * per_weekday[weekdays] * (day_factor * level[week_index])[:, None]
    )
    return rates


def _queue_calls(
    queue: Queue,
    rate: npt.NDArray[np.float64],
    rng: np.random.Generator,
    settings: GeneratorSettings,
) -> pd.DataFrame:
    counts = rng.poisson(rate).ravel()
    minute = np.repeat(np.arange(counts.size), counts)
    t_s = np.sort(minute * 60.0 + rng.uniform(0.0, 60.0, size=minute.size))
    n = t_s.size
    sigma = settings.handle_sigma
    handle_s = rng.lognormal(math.log(queue.default_aht_s) - sigma**2 / 2, sigma, size=n)
    patience_s = (
        rng.exponential(queue.default_patience_s, size=n)
        if queue.default_patience_s is not None
        else np.full(n, np.inf)
    )
    step_min = settings.staffing_interval_min
    per_interval = rate.reshape(-1, step_min).sum(axis=1)  # expected arrivals per interval
    load = per_interval / (step_min * 60) * queue.default_aht_s / queue.concurrency
    agents = np.where(
        per_interval > 0, np.ceil(load + settings.staffing_beta * np.sqrt(load)), 0
    ).astype(np.int64)
    agents = np.where(per_interval > 0, np.maximum(agents, 1), 0)
    wait_s, served_by = _fcfs(t_s, handle_s, patience_s, agents, step_min * 60, queue.concurrency)
    abandoned = served_by < 0
    names = np.array([f"{queue.id}-{k:03d}" for k in range(int(agents.max(initial=0)) + 1)])
    agent = names[np.maximum(served_by, 0)].astype(object)
    agent[abandoned] = None
    return pd.DataFrame(
        {
            "queue": queue.id,
            "t_s": t_s,
            "wait_s": np.round(wait_s, 3),
            "abandoned": abandoned,
            "handle_s": np.where(abandoned, np.nan, np.round(handle_s, 3)),
            "agent": agent,
        }
    )


def _fcfs(
    t_s: npt.NDArray[np.float64],
    handle_s: npt.NDArray[np.float64],
    patience_s: npt.NDArray[np.float64],
    agents: npt.NDArray[np.int64],
    step_s: int,
    concurrency: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """First-come-first-served queue with abandonment and staffing changing per interval.

    Returns each contact's wait and the agent who served it (-1: abandoned). When staff
    leaves at an interval boundary, the advisors who free up last leave (after their call).
    """
    n = t_s.size
    wait = np.zeros(n)
    served_by = np.full(n, -1, dtype=np.int64)
    free: list[tuple[float, int]] = []  # (time the slot frees up, slot id)
    current = -1
    interval = (t_s // step_s).astype(np.int64)
    for i in range(n):
        k = int(interval[i])
        if k != current:
            current = k
            target = int(agents[k]) * concurrency
            if target > len(free):
                used = {slot for _, slot in free}
                spare = (s for s in range(10**9) if s not in used)
                boundary = float(k * step_s)
                free.extend((boundary, next(spare)) for _ in range(target - len(free)))
                heapq.heapify(free)
            elif target < len(free):
                free = heapq.nsmallest(target, free)
        if not free:
            continue
        t = float(t_s[i])
        ready, slot = free[0]
        w = ready - t if ready > t else 0.0
        if w > patience_s[i]:
            wait[i] = patience_s[i]
            continue
        wait[i] = w
        served_by[i] = slot // concurrency
        heapq.heapreplace(free, (t + w + float(handle_s[i]), slot))
    return wait, served_by
