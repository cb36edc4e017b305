"""The telework agreement's monthly rules, per calendar month and across successive plans.

Written once, used by the roster's model (constraints/training.py posts them) and by the
auditor (audit.py checks them), so the two always agree.

A *teleworker in a month* is an advisor with at least one home day in that calendar month,
in the schedule already worked or planned before the horizon (``--previous``) or in the
plan. The day of a shift is the local date of its start; segments of an agent separated by
at most the split-gap maximum form one shift (as the auditor groups them). For each
teleworker and each calendar month the horizon touches, the rules look at the month so far:
its days before the horizon (the previous schedule) and its days inside the horizon.

``training_share`` (the agreement's "about a tenth of working time in training"): the
training time ``T`` of the month so far stays at the agreement's share of its paid time
``P``, rounded down to whole training blocks (one block = a training day,
``SchedulingSettings.training_day_h``)::

    share x P - block < T <= share x P

So a plan covering part of a month plans the pro-rata share of what the month has worked
so far, never more: a one-week plan of 35 paid hours owes 3.5 h, less than a 7-h block,
and plans none (the old per-horizon rule asked a whole day, 7 h of 30-37 h, 19-23 %); two
weeks, 70 h, owe one training day. At the month's end the month holds its share within one
block, never above it. Only training time counts (not on-site contact work, meetings or
coaching): presence on site is the separate ``onsite_days`` rule. The upper side binds only
a plan that adds training: training above the share in earlier weeks (an older plan) does
not forbid the plan, it only means the plan adds none. Training below the share in earlier
weeks is caught up.

``onsite_days``: by the end of the horizon the month has at least
``onsite_days_per_month - w`` on-site days, ``w`` being the whole weeks (7 days) of the
month left after the horizon. Each whole week still ahead may carry one missing day; the
plan after which less than a week of the month is left must complete the month. A
sequence of plans chained with ``--previous`` thus ends every month with the agreement's
on-site days, and with weekly plans the day falls due in a plan holding seven days of the
month, not on the month's last day alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from homeshore.domain import Activity, ScheduleSegment, WorkMode
from homeshore.domain.schedule import PAID_ACTIVITIES
from homeshore.domain.time import DAYS_PER_WEEK

#: per-mille arithmetic: shares are compared as integers in the roster's model
PER_MILLE = 1000
_EPS = 1e-6

__all__ = [
    "EMPTY",
    "PER_MILLE",
    "HorizonMonth",
    "MonthRecord",
    "ShareBand",
    "horizon_months",
    "month_name",
    "month_records",
    "onsite_days_due",
    "onsite_days_ok",
    "share_per_mille",
    "shift_groups",
    "training_share_band",
    "training_share_ok",
    "training_target_min",
]


def month_name(day: dt.date) -> str:
    """'2027-02'."""
    return f"{day:%Y-%m}"


@dataclass(frozen=True, slots=True)
class MonthRecord:
    """What an advisor's shifts of one calendar month hold (all or part of the month)."""

    paid_min: float = 0.0
    training_min: float = 0.0
    onsite_days: frozenset[dt.date] = frozenset()
    home_days: frozenset[dt.date] = frozenset()

    @property
    def teleworked(self) -> bool:
        return bool(self.home_days)

    def __add__(self, other: MonthRecord) -> MonthRecord:
        return MonthRecord(
            self.paid_min + other.paid_min,
            self.training_min + other.training_min,
            self.onsite_days | other.onsite_days,
            self.home_days | other.home_days,
        )


EMPTY = MonthRecord()


def shift_groups(
    segments: Iterable[ScheduleSegment], gap_max_min: float
) -> list[list[ScheduleSegment]]:
    """One agent's segments as shifts: in time order, a segment starting at most
    `gap_max_min` after the latest end so far belongs to the same shift."""
    out: list[list[ScheduleSegment]] = []
    end: dt.datetime | None = None
    for seg in sorted(segments, key=lambda s: s.start):
        if out and end is not None and (seg.start - end).total_seconds() / 60.0 <= gap_max_min:
            out[-1].append(seg)
            end = max(end, seg.end)
        else:
            out.append([seg])
            end = seg.end
    return out


def month_records(
    segments: Iterable[ScheduleSegment],
    zone: ZoneInfo,
    gap_max_min: float,
    *,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> dict[tuple[str, str], MonthRecord]:
    """Per (agent id, month name): the shifts whose day lies in [first_day, last_day]
    (unbounded where None). A shift belongs wholly to the day it starts."""
    by_agent: dict[str, list[ScheduleSegment]] = defaultdict(list)
    for seg in segments:
        by_agent[seg.agent_id].append(seg)
    out: dict[tuple[str, str], MonthRecord] = {}
    for agent_id, segs in by_agent.items():
        for shift in shift_groups(segs, gap_max_min):
            day = shift[0].start.astimezone(zone).date()
            if (first_day is not None and day < first_day) or (
                last_day is not None and day > last_day
            ):
                continue
            paid = sum(s.duration_min for s in shift if s.activity in PAID_ACTIVITIES)
            training = sum(s.duration_min for s in shift if s.activity is Activity.TRAINING)
            home = any(s.location is WorkMode.HOME for s in shift)
            onsite = any(s.location is not WorkMode.HOME for s in shift)
            record = MonthRecord(
                paid,
                training,
                frozenset({day}) if onsite else frozenset(),
                frozenset({day}) if home else frozenset(),
            )
            key = (agent_id, month_name(day))
            out[key] = out.get(key, EMPTY) + record
    return out


@dataclass(frozen=True, slots=True)
class HorizonMonth:
    """The days of one calendar month inside a horizon, and what is left of it after."""

    name: str  # "2027-02"
    first_day: dt.date  # of the month
    days: tuple[int, ...]  # horizon day indexes (0 = the horizon's first day)
    weeks_left: int  # whole weeks of the month after the horizon's last day


def horizon_months(start: dt.date, n_days: int) -> tuple[HorizonMonth, ...]:
    """The calendar months a horizon of `n_days` days from `start` touches, in order."""
    last = start + dt.timedelta(days=n_days - 1)
    days: dict[str, list[int]] = defaultdict(list)
    for d in range(n_days):
        days[month_name(start + dt.timedelta(days=d))].append(d)
    out = []
    for name, ds in days.items():
        first = start + dt.timedelta(days=ds[0])
        month_first = first.replace(day=1)
        month_last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        left = max(0, (month_last - last).days)
        out.append(HorizonMonth(name, month_first, tuple(ds), left // DAYS_PER_WEEK))
    return tuple(out)


# -- onsite_days ----------------------------------------------------------------------------


def onsite_days_due(per_month: int, weeks_left: int) -> int:
    """On-site days the month must hold by the horizon's end: one per whole week of the
    month still ahead may wait for a later plan."""
    return max(0, per_month - weeks_left)


def onsite_days_ok(
    done: MonthRecord, planned: MonthRecord, *, per_month: int, weeks_left: int
) -> bool:
    return len(done.onsite_days | planned.onsite_days) >= onsite_days_due(per_month, weeks_left)


# -- training_share -------------------------------------------------------------------------


def share_per_mille(share: float) -> int:
    return round(share * PER_MILLE)


@dataclass(frozen=True, slots=True)
class ShareBand:
    """Bounds on the plan's own q = 1000 x training_min - share_per_mille x paid_min within
    one month: q > above always; q <= at_most when the plan has training in that month."""

    above: float
    at_most: float


def training_share_band(done: MonthRecord, per_mille: int, block_min: float) -> ShareBand:
    """The band of `training_share` for a plan, given the month's record before it."""
    q_done = PER_MILLE * done.training_min - per_mille * done.paid_min
    return ShareBand(above=-PER_MILLE * block_min - q_done, at_most=-q_done)


def training_share_ok(
    done: MonthRecord, planned: MonthRecord, *, per_mille: int, block_min: float
) -> bool:
    band = training_share_band(done, per_mille, block_min)
    q = PER_MILLE * planned.training_min - per_mille * planned.paid_min
    if q <= band.above + _EPS:
        return False
    return planned.training_min <= 0 or q <= band.at_most + _EPS


def training_target_min(paid_min: float, per_mille: int, block_min: float) -> float:
    """Training the rule asks for `paid_min` of paid time: the share rounded down to whole
    blocks."""
    if block_min <= 0:
        return 0.0
    return block_min * math.floor(per_mille * paid_min / (PER_MILLE * block_min) + _EPS)
