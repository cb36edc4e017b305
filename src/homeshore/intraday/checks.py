"""Is a change to one advisor's schedule legal? The audit's answer, for that advisor only.

``violations_added(before, after, ...)`` runs homeshore.scheduling.audit on the advisor's
week in both schedules and returns the violations ``after`` has that ``before`` has not.
Nothing is re-implemented here: a rule the audit enforces is enforced on every offer, and
the live platform calls the same function again when an advisor accepts.

What is audited, for speed (the platform asks it for every advisor and slot):

- the scenario restricted to that advisor (the audit checks every advisor of a scenario,
  scheduled or not) and the advisor's segments starting in the audited week (Monday of
  ``when``'s local date, ``weeks=1``) or on the next Monday (so daily and weekly rest see
  the next week's first shift). The advisor's earlier segments, from the schedule and from
  ``previous``, go to the audit as the previous schedule (daily rest across the week's
  start, the month's on-site days and training share).
- seats: a seat count needs everyone on the site. For each piece of time ``after`` puts
  the advisor on a site where ``before`` did not, the segments of every advisor present on
  that site then (lunch excepted, as the audit counts) are cut to that piece and audited
  for that site's seats alone: any moment over the seats there refuses the change, even
  when the site was already over before it. (Fewer segments than seats cannot be over:
  that audit is skipped.) Time off never adds presence, so never meets this check.

Comparison: a violation is keyed by its rule and the shift it falls in. Shifts are those of
both schedules together (segments grouped as the audit groups them, gaps up to the split
maximum): a shift that grows or shrinks keeps its key though its start moves. A violation
dated outside every shift (weekly and monthly rules are dated at the week's or month's
start) keys on its date. Counting per key, ``after``'s violations beyond ``before``'s count
are the added ones; the details (hours, counts) are not compared, so a weekly total that
was already out of bounds stays the same violation when it moves. One blind spot follows:
a week already below its contract hours that a change pushes above them keeps the same
key (the contract tolerance is two hours either side by default: a slot of at most two
hours cannot cross that four-hour band).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from zoneinfo import ZoneInfo

from homeshore.domain import Activity, Agent, Scenario, Schedule, ScheduleSegment, WorkMode
from homeshore.domain.schedule import PAID_ACTIVITIES
from homeshore.errors import InputError
from homeshore.intraday._inputs import aware
from homeshore.intraday.slots import Slot
from homeshore.scheduling.audit import Violation, audit
from homeshore.scheduling.settings import SchedulingSettings
from homeshore.scheduling.telework_month import shift_groups

__all__ = ["add_work", "remove_work", "violations_added"]

_DAY = dt.timedelta(days=1)

#: the on-site segments of other advisors on a site overlapping [lo, hi), for the seats check
SiteSegments = Callable[[str, dt.datetime, dt.datetime, str], Iterable[ScheduleSegment]]


def add_work(
    schedule: Schedule, agent_id: str, slot: Slot, location: WorkMode, site: str | None
) -> Schedule:
    """`schedule` with a WORK segment of that advisor on the slot's queue over the slot."""
    return Schedule.of((*schedule.segments, work_segment(agent_id, slot, location, site)))


def work_segment(
    agent_id: str, slot: Slot, location: WorkMode, site: str | None
) -> ScheduleSegment:
    if location is not WorkMode.HOME and site is None:
        raise InputError(f"agent {agent_id}: work at {location} needs a site", where="site")
    return ScheduleSegment(
        agent_id,
        slot.start,
        slot.end,
        Activity.WORK,
        location,
        None if location is WorkMode.HOME else site,
        slot.queue,
    )


def remove_work(schedule: Schedule, agent_id: str, slot: Slot) -> Schedule:
    """`schedule` with that advisor's WORK segments on the slot's queue cut out over
    [slot.start, slot.end) (a segment across an edge of the slot keeps its outer part)."""
    return Schedule.of(cut_work(schedule.segments, agent_id, slot))


def cut_work(
    segments: Iterable[ScheduleSegment], agent_id: str, slot: Slot
) -> list[ScheduleSegment]:
    out: list[ScheduleSegment] = []
    for seg in segments:
        hit = (
            seg.agent_id == agent_id
            and seg.activity is Activity.WORK
            and seg.queue == slot.queue
            and seg.start < slot.end
            and slot.start < seg.end
        )
        if not hit:
            out.append(seg)
            continue
        if seg.start < slot.start:
            out.append(dataclasses.replace(seg, end=slot.start))
        if slot.end < seg.end:
            out.append(dataclasses.replace(seg, start=slot.end))
    return out


def violations_added(
    before: Schedule,
    after: Schedule,
    scenario: Scenario,
    agent_id: str,
    *,
    when: dt.datetime,
    previous: Schedule | None = None,
    settings: SchedulingSettings | None = None,
) -> list[Violation]:
    """The audit's violations of that advisor (and of a site's seats) in `after` that
    `before` has not, in the week of `when` (module docstring)."""
    agent = agent_of(scenario, agent_id)
    check = AgentCheck(
        scenario,
        agent,
        aware(when, "when"),
        before.for_agent(agent_id),
        () if previous is None else previous.for_agent(agent_id),
        settings,
    )

    def on_site(site: str, lo: dt.datetime, hi: dt.datetime, exclude: str) -> list[ScheduleSegment]:
        return [s for s in after if s.agent_id != exclude and present(s, site, lo, hi)]

    return check.added(after.for_agent(agent_id), on_site)


def agent_of(scenario: Scenario, agent_id: str) -> Agent:
    try:
        return scenario.agent(agent_id)
    except KeyError as exc:
        raise InputError(f"unknown agent {agent_id!r}", where="agent_id") from exc


def present(seg: ScheduleSegment, site: str, lo: dt.datetime, hi: dt.datetime) -> bool:
    """The segment takes a seat of `site` at some time in [lo, hi) (the audit's count)."""
    return (
        seg.site == site
        and seg.location is not WorkMode.HOME
        and seg.activity is not Activity.LUNCH
        and seg.start < hi
        and lo < seg.end
    )


class AgentCheck:
    """One advisor's audited week; `added` compares a changed schedule with it."""

    def __init__(
        self,
        scenario: Scenario,
        agent: Agent,
        when: dt.datetime,
        segments: Sequence[ScheduleSegment],
        previous: Iterable[ScheduleSegment],
        settings: SchedulingSettings | None,
    ) -> None:
        self.scenario = scenario
        self.only = dataclasses.replace(scenario, agents=(agent,))
        self.agent = agent
        self.settings = settings
        zone = ZoneInfo(scenario.timezone)
        day = when.astimezone(zone).date()
        self.monday = day - dt.timedelta(days=day.weekday())
        self.week_start = dt.datetime.combine(self.monday, dt.time(0), tzinfo=zone)
        self.week_end = dt.datetime.combine(self.monday + 7 * _DAY, dt.time(0), tzinfo=zone)
        self.horizon_end = self.week_end + _DAY
        self.before = self.in_week(segments)
        earlier = {s for s in (*segments, *previous) if s.start < self.week_start}
        self.previous = Schedule.of(earlier)
        self._before_violations: list[Violation] | None = None

    def in_week(self, segments: Iterable[ScheduleSegment]) -> tuple[ScheduleSegment, ...]:
        return tuple(
            sorted(
                (s for s in segments if self.week_start <= s.start < self.horizon_end),
                key=lambda s: s.start,
            )
        )

    @property
    def paid_min_week(self) -> float:
        return sum(
            s.duration_min
            for s in self.before
            if s.activity in PAID_ACTIVITIES and s.start < self.week_end
        )

    def audit(self, segments: tuple[ScheduleSegment, ...]) -> list[Violation]:
        found = audit(
            Schedule(segments),
            self.only,
            start_date=self.monday,
            weeks=1,
            previous=self.previous,
            settings=self.settings,
        )
        return [v for v in found if v.who == self.agent.id]

    def added(
        self, segments: Iterable[ScheduleSegment], on_site: SiteSegments, *, any_: bool = False
    ) -> list[Violation]:
        """The violations `segments` (the advisor's, changed) add; with `any_`, seats are
        not counted once the advisor's own audit found one (enough to refuse)."""
        after = self.in_week(segments)
        if set(after) == set(self.before):
            return []
        if self._before_violations is None:
            self._before_violations = self.audit(self.before)
        shifts = [
            (group[0].start, max(s.end for s in group))
            for group in shift_groups(
                set(self.before) | set(after), self.scenario.agreement.split_gap_max_min
            )
        ]
        starts = [a for a, _ in shifts]

        def key(v: Violation) -> tuple[str, dt.datetime]:
            i = bisect.bisect_right(starts, v.when) - 1
            if i >= 0 and v.when < shifts[i][1]:
                return v.rule, shifts[i][0]
            return v.rule, v.when

        room = Counter(key(v) for v in self._before_violations)
        out: list[Violation] = []
        for v in self.audit(after):
            k = key(v)
            if room[k] > 0:
                room[k] -= 1
            else:
                out.append(v)
        if out and any_:
            return out
        return out + self.seats(after, on_site)

    def seats(self, after: tuple[ScheduleSegment, ...], on_site: SiteSegments) -> list[Violation]:
        """Seats of each site over the time the change adds the advisor there."""
        out: list[Violation] = []
        for piece in added_presence(self.before, after):
            try:
                site = self.scenario.site(piece.site or "")
            except KeyError:
                continue  # the audit's location rule names a segment at an unknown site
            lo, hi = piece.start, piece.end
            others = [
                dataclasses.replace(s, start=max(s.start, lo), end=min(s.end, hi))
                for s in on_site(site.id, lo, hi, self.agent.id)
            ]
            if len(others) + 1 <= site.seats:
                continue  # fewer segments than seats: never more people than seats
            alone = dataclasses.replace(self.scenario, agents=(), sites=(site,))
            found = audit(Schedule.of([piece, *others]), alone, start_date=self.monday, weeks=1)
            out += [v for v in found if v.rule == "seats"]
        return out


def added_presence(
    before: Iterable[ScheduleSegment], after: Iterable[ScheduleSegment]
) -> list[ScheduleSegment]:
    """The pieces of `after`'s seat-taking segments on a site not already there in `before`."""
    kept = set(before)
    had = [s for s in kept if s.site is not None and present(s, s.site, s.start, s.end)]
    out: list[ScheduleSegment] = []
    for seg in after:
        if seg in kept or seg.site is None or not present(seg, seg.site, seg.start, seg.end):
            continue
        pieces = [(seg.start, seg.end)]
        for old in had:
            if old.site != seg.site:
                continue
            pieces = [
                part
                for a, b in pieces
                for part in ((a, min(b, old.start)), (max(a, old.end), b))
                if part[0] < part[1]
            ]
        out += [dataclasses.replace(seg, start=a, end=b) for a, b in pieces]
    return out
