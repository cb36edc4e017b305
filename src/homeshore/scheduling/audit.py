"""Re-check any schedule against every hard rule, by code independent of the solver's model.

Works on the segments themselves (the solver's schedule, a hand-edited one, an imported one):
shifts are rebuilt by grouping an agent's segments separated by at most the split-gap
maximum; durations are real elapsed time. Each violation names the rule (the same names as
homeshore.scheduling.constraints), the agent or site, the time and what is wrong.
The telework agreement's monthly rules (on-site days, training share) are the functions of
homeshore.scheduling.telework_month, which the roster's model posts too; with a previous
schedule they count its days of the calendar months the audited weeks touch.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from homeshore.domain import (
    Activity,
    Agent,
    ReadinessStatus,
    Scenario,
    Schedule,
    ScheduleSegment,
    WeeklyHours,
    WorkMode,
)
from homeshore.domain.schedule import PAID_ACTIVITIES
from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.scheduling.settings import SchedulingSettings
from homeshore.scheduling.telework_month import (
    EMPTY,
    horizon_months,
    month_records,
    onsite_days_due,
    onsite_days_ok,
    share_per_mille,
    shift_groups,
    training_share_ok,
    training_target_min,
)

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    who: str  # agent id, or site id for seats
    when: dt.datetime
    detail: str


def _minutes(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 60.0


@dataclass(frozen=True, slots=True)
class _Shift:
    segments: tuple[ScheduleSegment, ...]

    @property
    def start(self) -> dt.datetime:
        return self.segments[0].start

    @property
    def end(self) -> dt.datetime:
        return max(s.end for s in self.segments)

    @property
    def paid_min(self) -> float:
        return sum(s.duration_min for s in self.segments if s.activity in PAID_ACTIVITIES)


class _Auditor:
    def __init__(
        self,
        scenario: Scenario,
        settings: SchedulingSettings,
        start_date: dt.date,
        weeks: int,
        previous: Schedule | None,
    ) -> None:
        self.s = scenario
        self.rules = scenario.rules
        self.agreement = scenario.agreement
        self.settings = settings
        self.zone = ZoneInfo(scenario.timezone)
        self.start_date = start_date
        self.weeks = weeks
        self.previous: dict[str, list[ScheduleSegment]] = defaultdict(list)
        for seg in previous or ():
            self.previous[seg.agent_id].append(seg)
        self.months = horizon_months(start_date, weeks * DAYS_PER_WEEK)
        self.month_done = month_records(
            previous or (),
            self.zone,
            self.agreement.split_gap_max_min,
            first_day=self.months[0].first_day if self.months else start_date,
            last_day=start_date - _DAY,
        )
        self.out: list[Violation] = []

    def flag(self, rule: str, who: str, when: dt.datetime, detail: str) -> None:
        self.out.append(Violation(rule, who, when.astimezone(self.zone), detail))

    def local(self, when: dt.datetime) -> dt.datetime:
        return when.astimezone(self.zone)

    # -- windows ----------------------------------------------------------------------------

    def within(self, hours: WeeklyHours, start: dt.datetime, end: dt.datetime) -> bool:
        """[start, end) lies inside the weekly windows, day by day in local time."""
        a, b = self.local(start), self.local(end)
        while a < b:
            midnight = dt.datetime.combine(a.date() + _DAY, dt.time(0), tzinfo=self.zone)
            piece_end = min(b, midnight)
            lo = a.hour * 60 + a.minute
            hi = 1440 if piece_end == midnight else piece_end.hour * 60 + piece_end.minute
            if not any(w.start_min <= lo and hi <= w.end_min for w in hours.day(a.weekday())):
                return False
            a = piece_end
        return True

    def night_min(self, seg: ScheduleSegment) -> float:
        ns, ne = self.rules.night_window_start_min, self.rules.night_window_end_min
        total = 0.0
        day = self.local(seg.start).date() - _DAY
        while day <= self.local(seg.end).date():
            base = dt.datetime.combine(day, dt.time(0), tzinfo=self.zone)
            lo = base + dt.timedelta(minutes=ns)
            hi = base + dt.timedelta(minutes=ne + (1440 if ne <= ns else 0))
            overlap = min(seg.end, hi) - max(seg.start, lo)
            total += max(0.0, _minutes(overlap))
            day += _DAY
        return total

    # -- per segment ------------------------------------------------------------------------

    def check_segment(self, agent: Agent, seg: ScheduleSegment) -> None:
        aid, when = agent.id, seg.start
        if seg.activity is Activity.WORK:
            queue = next((q for q in self.s.queues if q.id == seg.queue), None)
            if queue is None:
                self.flag("skills", aid, when, f"contact work on unknown queue {seg.queue!r}")
            elif agent.proficiency(queue.skill) <= 0:
                self.flag("skills", aid, when, f"no skill {queue.skill!r} for queue {queue.id}")
            elif not self.within(queue.opening_hours, seg.start, seg.end):
                self.flag("skills", aid, when, f"queue {queue.id} is closed")
        if seg.location is WorkMode.HOME:
            if not self._may_work_from_home(agent):
                self.flag("home_work", aid, when, "home work for a non-volunteer or unready agent")
            if not self.within(self.agreement.contact_hours, seg.start, seg.end):
                self.flag("right_to_disconnect", aid, when, "outside the agreed contact hours")
        else:
            if seg.location not in agent.work_modes or seg.site != self.s.agent_site(agent):
                self.flag("location", aid, when, f"{seg.location} at {seg.site} not allowed")
        if not self.within(agent.availability, seg.start, seg.end):
            self.flag("availability", aid, when, "outside the agent's availability")
        day = self.local(seg.start).date()
        while day <= self.local(seg.end - dt.timedelta(microseconds=1)).date():
            if day in agent.days_off:
                self.flag("days_off", aid, when, f"scheduled on requested day off {day}")
            day += _DAY
        if seg.activity is Activity.TRAINING:
            team = self.s.team(agent.team)
            ok_site = seg.site is not None and any(
                x.id == seg.site and x.has_trainer for x in self.s.sites
            )
            if seg.location is WorkMode.HOME or not ok_site or team.trainer is None:
                self.flag("training_site", aid, when, "training away from a site with a trainer")
        if seg.activity is Activity.BREAK and seg.duration_min < self.rules.paid_break_min:
            self.flag("paid_breaks", aid, when, f"break of {seg.duration_min:g} min")
        if seg.activity is Activity.LUNCH:
            a = self.local(seg.start)
            lo = a.hour * 60 + a.minute
            w = self.rules.lunch_window
            if seg.duration_min < self.rules.lunch_min or not (
                w.start_min <= lo and lo + seg.duration_min <= w.end_min
            ):
                self.flag("lunch_window", aid, when, f"lunch {a:%H:%M} of {seg.duration_min:g} min")

    def _may_work_from_home(self, agent: Agent) -> bool:
        if WorkMode.HOME not in agent.work_modes:
            return False
        if self.agreement.volunteers_only and not agent.telework_volunteer:
            return False
        ready = (ReadinessStatus.PASS, ReadinessStatus.WARN)
        return not (self.agreement.readiness_check_required and agent.readiness not in ready)

    # -- per shift --------------------------------------------------------------------------

    def check_shift(self, agent: Agent, shift: _Shift) -> None:
        aid, when, r = agent.id, shift.start, self.rules
        paid = shift.paid_min
        if paid > r.max_daily_work_h * 60:
            self.flag("max_daily_work", aid, when, f"{paid / 60:g} h of work in a day")
        if not r.min_shift_h * 60 <= paid <= r.max_shift_h * 60:
            self.flag("shift_length", aid, when, f"shift of {paid / 60:g} h")
        span = _minutes(shift.end - shift.start)
        if span > (24 - r.daily_rest_h) * 60:
            self.flag("daily_span", aid, when, f"working day spans {span / 60:g} h")
        gaps = [
            _minutes(b.start - a.end)
            for a, b in zip(shift.segments, shift.segments[1:], strict=False)
            if b.start > a.end
        ]
        if gaps:
            ag = self.agreement
            home_only = all(s.location is WorkMode.HOME for s in shift.segments)
            if not (ag.split_shifts_allowed and agent.accepts_split_shifts and home_only):
                self.flag("split_shifts", aid, when, "split shift not allowed for this agent")
            elif len(gaps) > ag.max_splits_per_day or not all(
                ag.split_gap_min_min <= g <= ag.split_gap_max_min for g in gaps
            ):
                self.flag("split_shifts", aid, when, f"split gaps {gaps} out of bounds")
        self._breaks(agent, shift)
        night = sum(self.night_min(s) for s in shift.segments if s.activity in PAID_ACTIVITIES)
        if not agent.night_worker and night >= self.settings.night_worker_threshold_h * 60:
            self.flag("night_work_daily", aid, when, f"{night / 60:g} h of night work")
        if agent.night_worker and night > 0 and paid > r.night_worker_max_daily_h * 60:
            self.flag("night_work_daily", aid, when, f"{paid / 60:g} h on a night-work day")

    def _breaks(self, agent: Agent, shift: _Shift) -> None:
        r = self.rules
        run, worked, rested = 0.0, 0.0, False
        previous_end = shift.start
        for seg in shift.segments:
            gap = _minutes(seg.start - previous_end)
            if gap >= r.break_min or (
                seg.activity in (Activity.BREAK, Activity.LUNCH) and seg.duration_min >= r.break_min
            ):
                rested = True
            if seg.activity is Activity.WORK:
                run = run + seg.duration_min if gap == 0 else seg.duration_min
                if run > r.paid_break_every_min:
                    self.flag("paid_breaks", agent.id, seg.start, f"{run:g} min of calls in a row")
                    run = 0.0
            else:
                run = 0.0
            if seg.activity in PAID_ACTIVITIES:
                worked += seg.duration_min
                if worked > r.break_after_work_h * 60 and not rested:
                    self.flag("break_after_work", agent.id, seg.start, "no break before 6 h")
                    rested = True
            previous_end = seg.end
        has_lunch = any(s.activity is Activity.LUNCH for s in shift.segments)
        split = any(
            b.start > a.end for a, b in zip(shift.segments, shift.segments[1:], strict=False)
        )
        if has_lunch or split or shift.paid_min <= r.lunch_if_shift_over_h * 60:
            return
        first, last = self.local(shift.start), self.local(shift.end)
        day = dt.datetime.combine(first.date(), dt.time(0), tzinfo=self.zone)
        margin = dt.timedelta(minutes=self.settings.lunch_margin_min)
        lo = max(first + margin, day + dt.timedelta(minutes=r.lunch_window.start_min))
        hi = min(last - margin, day + dt.timedelta(minutes=r.lunch_window.end_min))
        if _minutes(hi - lo) >= r.lunch_min:
            self.flag("lunch_window", agent.id, shift.start, "no lunch in a long day")

    # -- across shifts ----------------------------------------------------------------------

    def check_agent(self, agent: Agent, shifts: list[_Shift]) -> None:
        r, aid = self.rules, agent.id
        prev_end = self._previous_end(agent.id, shifts[0].start if shifts else None)
        for shift in shifts:
            if prev_end is not None and _minutes(shift.start - prev_end) < r.daily_rest_h * 60:
                rest = _minutes(shift.start - prev_end) / 60
                self.flag("daily_rest", aid, shift.start, f"only {rest:g} h of rest")
            prev_end = shift.end
        by_week: dict[int, list[_Shift]] = defaultdict(list)
        for shift in shifts:
            by_week[(self.local(shift.start).date() - self.start_date).days // 7].append(shift)
        total = 0.0
        for w in range(self.weeks):
            monday = self.start_date + dt.timedelta(days=7 * w)
            week_start = dt.datetime.combine(monday, dt.time(0), tzinfo=self.zone)
            paid = sum(s.paid_min for s in by_week.get(w, []))
            total += paid
            leave = sum(1 for i in range(7) if monday + dt.timedelta(days=i) in agent.days_off)
            contract = agent.contract_h_per_week
            lo = max(0.0, max(0.0, contract - r.contract_tolerance_h) - leave * contract / 5)
            hi = contract + r.contract_tolerance_h
            if not lo * 60 - 1e-6 <= paid <= hi * 60 + 1e-6:
                self.flag(
                    "contract_hours",
                    aid,
                    week_start,
                    f"{paid / 60:g} h in the week, contract {contract:g} h "
                    f"+- {r.contract_tolerance_h:g} h",
                )
            if paid > (r.legal_week_h + r.max_overtime_h_per_week) * 60 + 1e-6:
                self.flag("overtime", aid, week_start, f"{paid / 60:g} h in the week")
            if paid > r.max_weekly_work_h * 60 + 1e-6:
                self.flag("max_weekly_work", aid, week_start, f"{paid / 60:g} h in the week")
            dates = {self.local(s.start).date() for s in by_week.get(w, [])}
            if len(dates) > r.max_working_days_per_week:
                self.flag("max_working_days", aid, week_start, f"{len(dates)} working days")
            if not self._weekly_rest(shifts, monday):
                self.flag("weekly_rest", aid, week_start, f"no {r.weekly_rest_h:g} h rest")
        if total > r.max_avg_weekly_work_h * 60 * self.weeks + 1e-6:
            self.flag("average_weekly_work", aid, self._horizon_start(), f"{total / 60:g} h")
        if agent.night_worker and total > r.night_worker_max_avg_weekly_h * 60 * self.weeks:
            self.flag("night_work_average", aid, self._horizon_start(), f"{total / 60:g} h")
        self._telework(agent, shifts)
        self._home_days(agent, shifts)

    def _horizon_start(self) -> dt.datetime:
        return dt.datetime.combine(self.start_date, dt.time(0), tzinfo=self.zone)

    def _previous_end(self, agent_id: str, first: dt.datetime | None) -> dt.datetime | None:
        ends = [
            s.end
            for s in self.previous.get(agent_id, ())
            if s.activity in PAID_ACTIVITIES and (first is None or s.end <= first)
        ]
        return max(ends, default=None)

    def _weekly_rest(self, shifts: list[_Shift], monday: dt.date) -> bool:
        """Some day of the week has no shift start and 35 h between the shifts around it."""
        need = self.rules.weekly_rest_h * 60
        starts = [self.local(s.start).date() for s in shifts]
        for i in range(7):
            day = monday + dt.timedelta(days=i)
            if day in starts:
                continue
            before = [s for s, d in zip(shifts, starts, strict=True) if d < day]
            after = [s for s, d in zip(shifts, starts, strict=True) if d > day]
            if not before or not after:
                return True
            if _minutes(after[0].start - before[-1].end) >= need:
                return True
        return False

    def _telework(self, agent: Agent, shifts: list[_Shift]) -> None:
        """On-site days and training share per calendar month, with the previous weeks of
        the month (telework_month: the rules the roster's model posts)."""
        ag = self.agreement
        per_mille = share_per_mille(ag.training_share)
        per_month = ag.onsite_days_per_month
        if per_mille <= 0 and per_month <= 0:
            return
        block_min = self.settings.training_day_h * 60
        planned = month_records(
            (s for sh in shifts for s in sh.segments),
            self.zone,
            ag.split_gap_max_min,
            first_day=self.start_date,
            last_day=self.start_date + dt.timedelta(days=self.weeks * DAYS_PER_WEEK - 1),
        )
        for month in self.months:
            done = self.month_done.get((agent.id, month.name), EMPTY)
            plan = planned.get((agent.id, month.name), EMPTY)
            if not (done.teleworked or plan.teleworked):
                continue
            first = self.start_date + dt.timedelta(days=month.days[0])
            when = dt.datetime.combine(first, dt.time(0), tzinfo=self.zone)
            total = done + plan
            if per_month > 0 and not onsite_days_ok(
                done, plan, per_month=per_month, weeks_left=month.weeks_left
            ):
                due = onsite_days_due(per_month, month.weeks_left)
                self.flag(
                    "onsite_days",
                    agent.id,
                    when,
                    f"{len(total.onsite_days)} on-site days in {month.name} so far, {due} due "
                    f"({month.weeks_left} whole week(s) of the month left)",
                )
            if per_mille > 0 and not training_share_ok(
                done, plan, per_mille=per_mille, block_min=block_min
            ):
                target = training_target_min(total.paid_min, per_mille, block_min)
                share = total.training_min / total.paid_min if total.paid_min else 0.0
                self.flag(
                    "training_share",
                    agent.id,
                    when,
                    f"{total.training_min / 60:g} h of training for {total.paid_min / 60:g} h "
                    f"paid in {month.name} so far ({share:.1%}); the share "
                    f"{ag.training_share:.0%} in whole {block_min / 60:g}-h blocks asks "
                    f"{target / 60:g} h",
                )

    def _home_days(self, agent: Agent, shifts: list[_Shift]) -> None:
        """Days whose shift has a segment at home, per ISO week and calendar month, counting
        only the days inside the audited horizon."""
        ag = self.agreement
        if ag.max_home_days_per_week is None and ag.max_home_days_per_month is None:
            return
        days = [self.start_date + dt.timedelta(days=i) for i in range(self.weeks * DAYS_PER_WEEK)]
        home = {
            self.local(sh.start).date()
            for sh in shifts
            if any(s.location is WorkMode.HOME for s in sh.segments)
        }
        weeks: dict[str, list[dt.date]] = defaultdict(list)
        months: dict[str, list[dt.date]] = defaultdict(list)
        for day in days:
            year, week, _ = day.isocalendar()
            weeks[f"{year}-W{week:02d}"].append(day)
            months[f"{day:%Y-%m}"].append(day)
        for rule, kind, limit, periods in (
            ("max_home_days_week", "week", ag.max_home_days_per_week, weeks),
            ("max_home_days_month", "month", ag.max_home_days_per_month, months),
        ):
            if limit is None:
                continue
            for name, period in periods.items():
                count = sum(1 for day in period if day in home)
                if count > limit:
                    when = dt.datetime.combine(period[0], dt.time(0), tzinfo=self.zone)
                    self.flag(
                        rule, agent.id, when, f"{count} home days in {kind} {name}, limit {limit}"
                    )

    def check_seats(self, schedule: Schedule) -> None:
        for site in self.s.sites:
            events: list[tuple[dt.datetime, int]] = []
            for seg in schedule:
                if (
                    seg.site == site.id
                    and seg.location is not WorkMode.HOME
                    and (seg.activity is not Activity.LUNCH)
                ):
                    events += [(seg.start, 1), (seg.end, -1)]
            events.sort(key=lambda e: (e[0], e[1]))
            present, over = 0, False
            for when, delta in events:
                present += delta
                if present > site.seats and not over:
                    self.flag("seats", site.id, when, f"{present} agents for {site.seats} seats")
                over = present > site.seats


def _shifts(segments: Iterable[ScheduleSegment], gap_max_min: float) -> list[_Shift]:
    return [_Shift(tuple(s)) for s in shift_groups(segments, gap_max_min)]


def audit(
    schedule: Schedule,
    scenario: Scenario,
    *,
    start_date: dt.date | None = None,
    weeks: int | None = None,
    previous: Schedule | None = None,
    settings: SchedulingSettings | None = None,
) -> list[Violation]:
    """Every violation of a hard rule in `schedule`. The audited weeks run from the Monday
    of `start_date` (default: of the first segment) for `weeks` weeks (default: through the
    last segment); every agent of the scenario is checked, scheduled or not."""
    zone = ZoneInfo(scenario.timezone)
    settings = settings or SchedulingSettings()
    if start_date is None:
        first = min((s.start for s in schedule), default=None)
        if first is None:
            return []  # no segments and no horizon: nothing to audit
        start_date = first.astimezone(zone).date()
    start_date -= dt.timedelta(days=start_date.weekday())
    if weeks is None:
        last = max((s.start for s in schedule), default=None)
        weeks = ((last.astimezone(zone).date() - start_date).days // 7 + 1) if last else 1
    auditor = _Auditor(scenario, settings, start_date, weeks, previous)
    agents = {a.id: a for a in scenario.agents}
    by_agent: dict[str, list[ScheduleSegment]] = defaultdict(list)
    for seg in schedule:
        by_agent[seg.agent_id].append(seg)
    for aid, segs in sorted(by_agent.items()):
        if aid not in agents:
            auditor.flag("unknown_agent", aid, segs[0].start, "agent not in the scenario")
            continue
        segs.sort(key=lambda s: s.start)
        for a, b in itertools.pairwise(segs):
            if b.start < a.end:
                auditor.flag("overlap", aid, b.start, "two activities at once")
    gap_max = scenario.agreement.split_gap_max_min
    for agent in scenario.agents:
        segs = sorted(by_agent.get(agent.id, []), key=lambda s: s.start)
        for seg in segs:
            auditor.check_segment(agent, seg)
        shifts = _shifts(segs, gap_max)
        for shift in shifts:
            auditor.check_shift(agent, shift)
        auditor.check_agent(agent, shifts)
    auditor.check_seats(schedule)
    return sorted(auditor.out, key=lambda v: (v.when, v.who, v.rule))


#: rules the auditor checks beyond those of the model (structure of the schedule itself)
STRUCTURAL_RULES = ("unknown_agent", "overlap", "location")

__all__ = ["STRUCTURAL_RULES", "Violation", "audit"]
