"""A day of the schedule changed at an advisor's request: worked at another place, or
swapped with a colleague. Pure: a schedule in, the changed schedule out; whether the change
is legal is :func:`homeshore.intraday.violations_added`'s answer.

A day is the segments that *start* in ``[start, end)`` (the local day's bounds): a night
shift belongs to the day it starts.

Where a swapped segment is worked (the advisor taking it may not work where its owner did):

- a segment at home stays at home for a taker who may work from home (a home volunteer
  whose readiness check holds, :attr:`homeshore.domain.Agent.may_work_from_home`);
- a segment on a site or in a telecentre is worked in the same mode when the taker has it,
  at the taker's own site (:meth:`homeshore.domain.Scenario.agent_site`);
- otherwise on the taker's site in its first mode away from home (site before
  telecentre), or at home for an advisor who only works from home.

So a swap moves the hours and their queues, never an advisor to a site not theirs, and
gives nobody a home day they may not take; the rules then judge the result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from homeshore.domain import Scenario, Schedule, ScheduleSegment, WorkMode

__all__ = ["day_segments", "relocate_day", "swap_days", "taker_place"]


def _in_day(seg: ScheduleSegment, start: dt.datetime, end: dt.datetime) -> bool:
    return start <= seg.start < end


def day_segments(
    schedule: Iterable[ScheduleSegment], agent_id: str, start: dt.datetime, end: dt.datetime
) -> list[ScheduleSegment]:
    """That advisor's segments of the day, in time order."""
    return sorted(
        (s for s in schedule if s.agent_id == agent_id and _in_day(s, start, end)),
        key=lambda s: s.start,
    )


def relocate_day(
    schedule: Schedule,
    agent_id: str,
    start: dt.datetime,
    end: dt.datetime,
    location: WorkMode,
    site: str | None,
) -> Schedule:
    """`schedule` with that advisor's day worked at `location` (`site` None at home)."""
    where = None if location is WorkMode.HOME else site
    return Schedule.of(
        dataclasses.replace(s, location=location, site=where)
        if s.agent_id == agent_id and _in_day(s, start, end)
        else s
        for s in schedule
    )


def taker_place(
    scenario: Scenario, agent_id: str, seg: ScheduleSegment
) -> tuple[WorkMode, str | None]:
    """Where that advisor works `seg` taken from a colleague (module docstring)."""
    agent = scenario.agent(agent_id)
    if seg.location is WorkMode.HOME and agent.may_work_from_home:
        return WorkMode.HOME, None
    if seg.location is not WorkMode.HOME and seg.location in agent.work_modes:
        return seg.location, scenario.agent_site(agent)
    away = sorted(m for m in agent.work_modes if m is not WorkMode.HOME)
    if away:
        return away[0], scenario.agent_site(agent)
    return WorkMode.HOME, None


def swap_days(
    schedule: Schedule,
    scenario: Scenario,
    first: str,
    second: str,
    start: dt.datetime,
    end: dt.datetime,
) -> Schedule:
    """`schedule` with the two advisors' days exchanged: each segment keeps its times,
    activity and queue, and goes to the other advisor, at the place :func:`taker_place`
    gives."""
    other = {first: second, second: first}
    out: list[ScheduleSegment] = []
    for seg in schedule:
        taker = other.get(seg.agent_id)
        if taker is None or not _in_day(seg, start, end):
            out.append(seg)
            continue
        location, site = taker_place(scenario, taker, seg)
        out.append(dataclasses.replace(seg, agent_id=taker, location=location, site=site))
    return Schedule.of(out)
