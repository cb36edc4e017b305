"""Who may be offered a slot: extra time where the queue is short, time off where it is over.

An advisor is a candidate when the change breaks no rule: ``violations_added`` (the
audit, homeshore.intraday.checks) finds nothing new. For extra time two of the audit's
rules are looked at first because they cost nothing to see: the queue's skill and an
activity already planned during the slot.

Extra time, where: when the slot starts as one of the advisor's segments ends, or ends as
one starts, it takes that segment's place (nobody leaves the site for an hour at home in
the middle of a shift, or the reverse); otherwise home first, for an advisor with the home
mode, then the advisor's site (homeshore.scheduling.templates.locations): the first place
the audit accepts is the offer's. Order: home candidates before site ones (Orange's reason
for homeshoring: a short peak covered from home with no commute), each by fewest paid
minutes in the slot's week, then agent id.

Time off goes to advisors in WORK segments on the slot's queue over the whole slot (a
break inside the slot means not working through it) whose schedule with the slot cut out
breaks no rule (a shift left shorter than the minimum, a split the agreement does not
allow, a week below its contract hours...), most paid minutes in the week first, then
agent id. In practice that is time off at the start or end of a shift: a gap in the
middle is a split shift, which the audit allows only at home, to advisors who accept them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from homeshore.domain import Activity, Agent, Queue, Scenario, Schedule, ScheduleSegment, WorkMode
from homeshore.errors import InputError
from homeshore.intraday.checks import (
    AgentCheck,
    add_work,
    cut_work,
    present,
    remove_work,
    violations_added,
    work_segment,
)
from homeshore.intraday.slots import EXTRA, TIME_OFF, Slot, extra_time_slots, time_off_slots
from homeshore.scheduling.settings import SchedulingSettings
from homeshore.scheduling.templates import locations

__all__ = [
    "Candidate",
    "Slot",
    "add_work",
    "extra_time_candidates",
    "extra_time_slots",
    "remove_work",
    "time_off_candidates",
    "time_off_slots",
    "violations_added",
]


@dataclass(frozen=True, slots=True)
class Candidate:
    agent_id: str
    location: WorkMode  # where the advisor would work the slot (time off: where it was)
    site: str | None  # None at home
    paid_min_week: float  # paid minutes already in the slot's week (fairness order)


def extra_time_candidates(
    slot: Slot,
    schedule: Schedule,
    scenario: Scenario,
    *,
    previous: Schedule | None = None,
    settings: SchedulingSettings | None = None,
) -> list[Candidate]:
    """Advisors who may work the slot on its queue, home first (module docstring)."""
    queue = _queue(scenario, slot, EXTRA)
    ctx = _Index(schedule, previous, slot)
    home: list[Candidate] = []
    away: list[Candidate] = []
    for agent in scenario.agents:
        mine = ctx.segments(agent.id)
        if agent.proficiency(queue.skill) <= 0 or any(
            s.start < slot.end and slot.start < s.end for s in mine
        ):
            continue
        check = AgentCheck(scenario, agent, slot.start, mine, ctx.earlier(agent.id), settings)
        for location, site in _places(agent, scenario, mine, slot):
            extra = work_segment(agent.id, slot, location, site)
            if not check.added((*mine, extra), ctx.on_site, any_=True):
                found = Candidate(agent.id, location, site, check.paid_min_week)
                (home if location is WorkMode.HOME else away).append(found)
                break
    return sorted(home, key=_fewest) + sorted(away, key=_fewest)


def time_off_candidates(
    slot: Slot,
    schedule: Schedule,
    scenario: Scenario,
    *,
    previous: Schedule | None = None,
    settings: SchedulingSettings | None = None,
) -> list[Candidate]:
    """Advisors on the slot's queue over the whole slot who may stop for it."""
    _queue(scenario, slot, TIME_OFF)
    ctx = _Index(schedule, previous, slot)
    out: list[Candidate] = []
    for agent in scenario.agents:
        mine = ctx.segments(agent.id)
        at = _working_through(mine, slot)
        if at is None:
            continue
        check = AgentCheck(scenario, agent, slot.start, mine, ctx.earlier(agent.id), settings)
        if not check.added(cut_work(mine, agent.id, slot), ctx.on_site, any_=True):
            out.append(Candidate(agent.id, at.location, at.site, check.paid_min_week))
    return sorted(out, key=lambda c: (-c.paid_min_week, c.agent_id))


def _fewest(c: Candidate) -> tuple[float, str]:
    return c.paid_min_week, c.agent_id


def _queue(scenario: Scenario, slot: Slot, kind: str) -> Queue:
    if slot.kind != kind:
        raise InputError(f"a {slot.kind} slot given where a {kind} slot is expected", where="slot")
    try:
        return scenario.queue(slot.queue)
    except KeyError as exc:
        raise InputError(f"unknown queue {slot.queue!r}", where="slot") from exc


def _places(
    agent: Agent, scenario: Scenario, mine: tuple[ScheduleSegment, ...], slot: Slot
) -> list[tuple[WorkMode, str | None]]:
    """Where the advisor could work the slot, in the order tried (module docstring)."""
    touching = [s for s in mine if s.end == slot.start] + [s for s in mine if s.start == slot.end]
    if touching:
        return [(touching[0].location, touching[0].site)]
    places = locations(agent, scenario.agent_site(agent))
    return sorted(places, key=lambda p: p[0] is not WorkMode.HOME)


def _working_through(mine: tuple[ScheduleSegment, ...], slot: Slot) -> ScheduleSegment | None:
    """The segment at the slot's start when WORK segments on its queue cover the whole slot."""
    work = sorted(
        (
            s
            for s in mine
            if s.activity is Activity.WORK
            and s.queue == slot.queue
            and s.start < slot.end
            and slot.start < s.end
        ),
        key=lambda s: s.start,
    )
    if not work or work[0].start > slot.start:
        return None
    reach = slot.start
    for seg in work:
        if seg.start > reach:
            return None
        reach = max(reach, seg.end)
    return work[0] if reach >= slot.end else None


class _Index:
    """The schedule per advisor, and who sits on each site around the slot."""

    def __init__(self, schedule: Schedule, previous: Schedule | None, slot: Slot) -> None:
        self.slot = slot
        self.by_agent: dict[str, list[ScheduleSegment]] = defaultdict(list)
        self.sites: dict[str, list[ScheduleSegment]] = defaultdict(list)
        for seg in schedule:
            self.by_agent[seg.agent_id].append(seg)
            if seg.site is not None and present(seg, seg.site, slot.start, slot.end):
                self.sites[seg.site].append(seg)
        self.previous: dict[str, list[ScheduleSegment]] = defaultdict(list)
        for seg in previous or ():
            self.previous[seg.agent_id].append(seg)
        self.schedule = schedule

    def segments(self, agent_id: str) -> tuple[ScheduleSegment, ...]:
        return tuple(self.by_agent.get(agent_id, ()))

    def earlier(self, agent_id: str) -> tuple[ScheduleSegment, ...]:
        return tuple(self.previous.get(agent_id, ()))

    def on_site(
        self, site: str, lo: dt.datetime, hi: dt.datetime, exclude: str
    ) -> list[ScheduleSegment]:
        inside = self.slot.start <= lo and hi <= self.slot.end
        pool = self.sites.get(site, []) if inside else self.schedule.segments
        return [s for s in pool if s.agent_id != exclude and present(s, site, lo, hi)]
