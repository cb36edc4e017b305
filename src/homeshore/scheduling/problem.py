"""A rostering problem: scenario, horizon of whole weeks, planning grid and requirements.

The horizon starts on the Monday on or before the first requirement (L3121-35: the week runs
Monday 00:00 to Sunday 24:00) and ends on the Sunday on or after the last one. Requirements
(scheduled agents per queue and interval) are spread on the slots of the grid.

A previous schedule (the weeks already worked or planned) gives each agent's end of work
before the horizon (daily rest) and its record in the calendar months the horizon touches
(the telework agreement's monthly rules, telework_month.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from homeshore.domain import Agent, Scenario, Schedule, ScheduleSegment
from homeshore.domain.schedule import PAID_ACTIVITIES
from homeshore.domain.time import DAYS_PER_WEEK, MINUTES_PER_DAY
from homeshore.errors import InputError
from homeshore.scheduling.settings import SchedulingSettings
from homeshore.scheduling.telework_month import (
    HorizonMonth,
    MonthRecord,
    horizon_months,
    month_records,
    shift_groups,
)

MAX_WEEKS = 6


@dataclass(frozen=True)
class Problem:
    scenario: Scenario
    settings: SchedulingSettings
    start_date: dt.date  # a Monday
    n_weeks: int
    queue_ids: tuple[str, ...]
    #: scheduled agents wanted per queue (row, in queue_ids order) and slot
    required: npt.NDArray[np.int64]
    #: queue open per queue and slot
    open_: npt.NDArray[np.bool_]
    requirement_interval_min: int
    #: end of each agent's last paid activity before the horizon (previous schedule)
    previous_end: dict[str, dt.datetime] = field(default_factory=dict)
    #: each agent's previous shifts that the rules across the horizon start read: those of
    #: the calendar months the horizon touches, and the one of its last paid activity
    previous_segments: dict[str, tuple[ScheduleSegment, ...]] = field(default_factory=dict)
    #: (agent id, month name) -> the month's record before the horizon (previous schedule)
    month_done: dict[tuple[str, str], MonthRecord] = field(default_factory=dict)
    #: memo of derived data (template verdicts...) shared by the models built on it
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.scenario.timezone)

    @property
    def slot_min(self) -> int:
        return self.settings.slot_min

    @property
    def n_days(self) -> int:
        return self.n_weeks * DAYS_PER_WEEK

    @cached_property
    def slots_per_day(self) -> int:
        return MINUTES_PER_DAY // self.slot_min

    @cached_property
    def n_slots(self) -> int:
        return self.n_days * self.slots_per_day

    @property
    def agents(self) -> tuple[Agent, ...]:
        return self.scenario.agents

    def date(self, day: int) -> dt.date:
        return self.start_date + dt.timedelta(days=day)

    def at(self, day: int, minute: int) -> dt.datetime:
        """Local wall-clock time `minute` minutes after midnight of horizon day `day`."""
        base = dt.datetime.combine(self.date(day), dt.time(0), tzinfo=self.zone)
        return base + dt.timedelta(minutes=minute)

    def slot_time(self, slot: int) -> dt.datetime:
        day, rest = divmod(slot, self.slots_per_day)
        return self.at(day, rest * self.slot_min)

    def minute_of_horizon(self, when: dt.datetime) -> int:
        """Wall-clock minutes from the horizon start (negative before it)."""
        local = when.astimezone(self.zone)
        days = (local.date() - self.start_date).days
        return days * MINUTES_PER_DAY + local.hour * 60 + local.minute

    @cached_property
    def months(self) -> tuple[HorizonMonth, ...]:
        """The calendar months the horizon touches (the agreement's monthly rules)."""
        return horizon_months(self.start_date, self.n_days)


def _previous_ends(previous: Schedule | None, start: dt.datetime) -> dict[str, dt.datetime]:
    out: dict[str, dt.datetime] = {}
    if previous is None:
        return out
    for seg in previous:
        if seg.activity in PAID_ACTIVITIES and seg.start < start:
            end = seg.end  # a night shift may run past the horizon start
            if seg.agent_id not in out or end > out[seg.agent_id]:
                out[seg.agent_id] = end
    return out


def _previous_in_months(
    previous: Schedule | None, scenario: Scenario, start_date: dt.date, n_days: int
) -> tuple[dict[str, tuple[ScheduleSegment, ...]], dict[tuple[str, str], MonthRecord]]:
    """Each agent's previous shifts (whole) whose day lies in a month of the horizon and
    before it, plus the shift of its last paid activity; and the months' records."""
    if previous is None:
        return {}, {}
    zone = ZoneInfo(scenario.timezone)
    gap = scenario.agreement.split_gap_max_min
    months = horizon_months(start_date, n_days)
    first_day = months[0].first_day
    known = {a.id for a in scenario.agents}
    by_agent: dict[str, list[ScheduleSegment]] = {}
    for seg in previous:
        if seg.agent_id in known:
            by_agent.setdefault(seg.agent_id, []).append(seg)
    kept: dict[str, tuple[ScheduleSegment, ...]] = {}
    for agent_id, segs in by_agent.items():
        shifts = [
            shift
            for shift in shift_groups(segs, gap)
            if shift[0].start.astimezone(zone).date() < start_date
        ]
        paid = [sh for sh in shifts if any(s.activity in PAID_ACTIVITIES for s in sh)]
        last = max(
            paid,
            key=lambda sh: max(s.end for s in sh if s.activity in PAID_ACTIVITIES),
            default=None,
        )
        keep = [
            sh
            for sh in shifts
            if sh is last or first_day <= sh[0].start.astimezone(zone).date() < start_date
        ]
        if keep:
            kept[agent_id] = tuple(s for sh in keep for s in sh)
    names = {m.name for m in months}
    records = month_records(
        (s for segs in kept.values() for s in segs),
        zone,
        gap,
        first_day=first_day,
        last_day=start_date - dt.timedelta(days=1),
    )
    return kept, {k: v for k, v in records.items() if k[1] in names}


def build_problem(
    scenario: Scenario,
    requirements: pd.DataFrame,
    settings: SchedulingSettings | None = None,
    *,
    previous: Schedule | None = None,
    path: str | None = None,
) -> Problem:
    """Check the requirement table against the scenario and put it on the planning grid."""
    settings = settings or SchedulingSettings()
    if requirements.empty:
        raise InputError("the requirement table has no rows", path=path)
    zone = ZoneInfo(scenario.timezone)
    queue_ids = tuple(q.id for q in scenario.queues)
    unknown = sorted(set(requirements["queue"]) - set(queue_ids))
    if unknown:
        raise InputError(
            f"unknown queue(s) {', '.join(map(repr, unknown))} (scenario has "
            f"{', '.join(queue_ids)})",
            path=path,
            where="column queue",
        )
    intervals = {int(v) for v in requirements["interval_min"]}
    if len(intervals) != 1:
        raise InputError("all rows must share one interval_min", path=path)
    interval = intervals.pop()
    slot = settings.slot_min
    if interval % slot:
        raise InputError(
            f"interval of {interval} min is not a multiple of the {slot}-min planning slot",
            path=path,
        )
    starts = [pd.Timestamp(s).to_pydatetime().astimezone(zone) for s in requirements["start"]]
    first = min(starts).date()
    last = max(starts).date()
    start_date = first - dt.timedelta(days=first.weekday())
    n_weeks = ((last - start_date).days // DAYS_PER_WEEK) + 1
    if n_weeks > MAX_WEEKS:
        raise InputError(
            f"the requirements span {n_weeks} weeks; plan at most {MAX_WEEKS} at once", path=path
        )
    slots_per_day = MINUTES_PER_DAY // slot
    n_slots = n_weeks * DAYS_PER_WEEK * slots_per_day
    required = np.zeros((len(queue_ids), n_slots), dtype=np.int64)
    per_interval = interval // slot
    for row, (queue, when, value) in enumerate(
        zip(requirements["queue"], starts, requirements["scheduled_agents"], strict=True)
    ):
        minute = (when.date() - start_date).days * MINUTES_PER_DAY + when.hour * 60 + when.minute
        if minute % slot:
            raise InputError(
                f"interval start {when.isoformat()} is not on the {slot}-min grid",
                path=path,
                line=row + 2,
            )
        k = minute // slot
        required[queue_ids.index(queue), k : k + per_interval] = int(value)
    open_ = np.zeros((len(queue_ids), n_slots), dtype=np.bool_)
    for qi, queue in enumerate(scenario.queues):
        mask = queue.opening_hours.interval_mask(slot)
        for day in range(n_weeks * DAYS_PER_WEEK):
            weekday = (start_date + dt.timedelta(days=day)).weekday()
            open_[qi, day * slots_per_day : (day + 1) * slots_per_day] = mask[weekday]
    closed = required.astype(bool) & ~open_
    if closed.any():
        qi, k = (int(v) for v in np.argwhere(closed)[0])
        day, rest = divmod(k, slots_per_day)
        when = dt.datetime.combine(start_date + dt.timedelta(days=day), dt.time(0), tzinfo=zone)
        when += dt.timedelta(minutes=rest * slot)
        raise InputError(
            f"queue {queue_ids[qi]!r} requires agents at {when.isoformat()} while it is closed",
            path=path,
        )
    horizon_start = dt.datetime.combine(start_date, dt.time(0), tzinfo=zone)
    kept, month_done = _previous_in_months(previous, scenario, start_date, n_weeks * DAYS_PER_WEEK)
    return Problem(
        scenario=scenario,
        settings=settings,
        start_date=start_date,
        n_weeks=n_weeks,
        queue_ids=queue_ids,
        required=required,
        open_=open_,
        requirement_interval_min=interval,
        previous_end=_previous_ends(previous, horizon_start),
        previous_segments=kept,
        month_done=month_done,
    )


__all__ = ["MAX_WEEKS", "Problem", "build_problem"]
