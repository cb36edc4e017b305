"""Advisors' requests about their own schedule (docs/intraday.md, "Requests"): a day worked
at another place (home, site or telecentre), or a day swapped with a colleague.

Every request is checked by the schedule audit's rule functions for each advisor it
changes (:func:`homeshore.services.schedule_changes.rules_broken`: labour law, home-work
eligibility and readiness, home-day limits, the monthly on-site day, seats, contact hours,
skills): a request the rules refuse when asked is answered 409 and nothing is stored. A
swap then waits for the colleague's agreement. A request is approved at once when its kind
is in ``requests_auto_approve`` and the rules allow it at that moment; otherwise it waits
for a planner (an admin) or a manager of the advisors' teams (of both, for a swap). Every
approval checks the rules again on the schedule as it is then, and changes the schedule in
the same transaction (:func:`homeshore.services.schedule_changes.apply_schedule`). Each
change of state is an event ``schedule.request`` to the advisors concerned and their
managers. Time off is not a request yet: the schedule model has no paid leave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homeshore.db.tables import ScheduleRequestRow
from homeshore.domain import Scenario, Schedule, WorkMode
from homeshore.intraday.day_changes import day_segments, relocate_day, swap_days
from homeshore.services.errors import Conflict, Forbidden, Invalid, NotFound
from homeshore.services.platform import Platform
from homeshore.services.schedule_changes import (
    apply_schedule,
    day_bounds,
    live_scenario,
    rules_broken,
    stored_schedule,
)
from homeshore.services.scope import Actor, Role
from homeshore.services.tx import Tx

KINDS = ("location", "swap")
AWAITING_COLLEAGUE = "awaiting_colleague"
AWAITING_PLANNER = "awaiting_planner"
PENDING = (AWAITING_COLLEAGUE, AWAITING_PLANNER)
STATES = (*PENDING, "approved", "refused", "cancelled")
#: who decided a request the platform approved, or refused under the rules
PLATFORM = "platform"
#: the most requests a list returns
MAX_LISTED = 500


class RulesRefuse(Conflict):
    """The rules do not allow the request; ``rules`` names them (agent_id, rule, detail)."""

    def __init__(self, rules: Sequence[dict[str, str]]) -> None:
        names = list(dict.fromkeys(r["rule"] for r in rules))
        super().__init__("the rules do not allow this request: " + ", ".join(names))
        self.rules = list(rules)


@dataclass(frozen=True, slots=True)
class Change:
    """What a request changes: the advisor's day (a swap: and the colleague's)."""

    kind: str
    agent_id: str
    day: dt.date
    location: WorkMode | None = None
    colleague_id: str | None = None

    @classmethod
    def of(cls, row: ScheduleRequestRow) -> Change:
        where = WorkMode(row.location) if row.location else None
        return cls(row.kind, row.agent_id, row.day, where, row.colleague_id)

    @property
    def agents(self) -> tuple[str, ...]:
        return (self.agent_id,) if self.colleague_id is None else (self.agent_id, self.colleague_id)

    def bounds(self, p: Platform) -> tuple[dt.datetime, dt.datetime]:
        return day_bounds(p, dt.datetime.combine(self.day, dt.time(12), tzinfo=p.zone))

    def after(self, p: Platform, schedule: Schedule, scenario: Scenario) -> Schedule:
        start, end = self.bounds(p)
        if self.colleague_id is not None:
            return swap_days(schedule, scenario, self.agent_id, self.colleague_id, start, end)
        where = self.location or WorkMode.SITE
        site = scenario.agent_site(scenario.agent(self.agent_id))
        return relocate_day(schedule, self.agent_id, start, end, where, site)

    def broken(self, p: Platform, schedule: Schedule) -> list[dict[str, str]]:
        scenario = live_scenario(p)
        after = self.after(p, schedule, scenario)
        return rules_broken(schedule, after, scenario, self.agents, when=self.bounds(p)[0])


def ask(
    p: Platform,
    actor: Actor,
    *,
    kind: str,
    day: dt.date,
    location: WorkMode | None = None,
    colleague_id: str | None = None,
) -> dict[str, Any]:
    """An advisor asks to work ``day`` at ``location``, or to swap it with ``colleague_id``.
    Refused at once (nothing stored) when the rules do not allow it (:class:`RulesRefuse`)."""
    actor.require(Role.AGENT)
    me = actor.agent_id or ""
    change = _asked(p, me, kind=kind, day=day, location=location, colleague_id=colleague_id)
    with p.sessions() as session:
        schedule = stored_schedule(session)
        _possible(p, session, schedule, change)
    broken = change.broken(p, schedule)
    if broken:
        raise RulesRefuse(broken)
    auto = kind in p.settings.requests_auto_approve
    with p.transaction() as tx:
        row = ScheduleRequestRow(
            kind=kind,
            agent_id=me,
            colleague_id=change.colleague_id,
            day=day,
            location=change.location.value if change.location else None,
            state=AWAITING_PLANNER if kind == "location" else AWAITING_COLLEAGUE,
            created_at=tx.now,
            detail={},
        )
        tx.session.add(row)
        tx.session.flush()
        if kind == "location" and auto:
            problems = _approve(p, tx, actor, row, by=PLATFORM)
            if problems:  # the schedule changed since the check: store nothing
                raise RulesRefuse(problems)
        else:
            _set(p, tx, actor, row, row.state)
        return _data(p, row)


def _asked(
    p: Platform,
    me: str,
    *,
    kind: str,
    day: dt.date,
    location: WorkMode | None,
    colleague_id: str | None,
) -> Change:
    """The change asked, or Invalid naming the field that is wrong."""
    if kind not in KINDS:
        raise Invalid(f"unknown request {kind!r}: location or swap", field="kind")
    today = p.clock.now().astimezone(p.zone).date()
    if day <= today:
        raise Invalid(f"a request is for a day after today ({today.isoformat()})", field="day")
    if kind == "location":
        if location is None:
            raise Invalid("say where you would work that day: home, site or telecentre", "location")
        return Change(kind, me, day, location=location)
    if not colleague_id:
        raise Invalid("name the colleague to swap the day with", field="colleague_id")
    if colleague_id == me:
        raise Invalid("a swap is with a colleague, not with yourself", field="colleague_id")
    if colleague_id not in p.agents:
        raise Invalid(f"no advisor {colleague_id!r}", field="colleague_id")
    return Change(kind, me, day, colleague_id=colleague_id)


def _possible(p: Platform, session: Session, schedule: Schedule, change: Change) -> None:
    """Conflict when the request would change nothing, or repeats a pending one."""
    last = max((s.start for s in schedule), default=None)
    if last is None or change.day > last.astimezone(p.zone).date():
        raise Conflict(f"the published schedule does not reach {change.day.isoformat()}")
    start, end = change.bounds(p)
    mine = day_segments(schedule, change.agent_id, start, end)
    day = change.day.isoformat()
    if change.location is not None:
        if not mine:
            raise Conflict(f"you have nothing scheduled on {day}: there is nothing to move")
        if all(s.location is change.location for s in mine):
            raise Conflict(f"you already work at {change.location.value} on {day}")
    elif not mine and not day_segments(schedule, change.colleague_id or "", start, end):
        raise Conflict(f"neither you nor {change.colleague_id} works on {day}: nothing to swap")
    r = ScheduleRequestRow
    pending = session.scalar(
        select(r.id).where(
            r.agent_id == change.agent_id,
            r.day == change.day,
            r.kind == change.kind,
            r.state.in_(PENDING),
        )
    )
    if pending is not None:
        raise Conflict(f"your request {pending} for {day} is still pending")


def agree(p: Platform, actor: Actor, request_id: int, *, agree: bool) -> dict[str, Any]:
    """The colleague asked to swap agrees or declines. Agreeing checks the rules again,
    then approves the swap (when automatic) or sends it to a planner."""
    actor.require(Role.AGENT)
    refusal: Conflict | None = None
    with p.transaction() as tx:
        row = tx.session.get(ScheduleRequestRow, request_id)
        if row is None or row.kind != "swap" or row.colleague_id != actor.agent_id:
            raise NotFound(f"no request {request_id} asks for your agreement")
        if row.state != AWAITING_COLLEAGUE:
            raise Conflict(f"request {request_id} is {row.state}: it no longer waits for you")
        if not agree:
            _set(p, tx, actor, row, "refused", by=actor.username, declined_by=row.colleague_id)
            return _data(p, row)
        row.detail = {**row.detail, "agreed_by": row.colleague_id}
        refusal = _judge(p, tx, actor, row, approve="swap" in p.settings.requests_auto_approve)
        out = _data(p, row)
    if refusal is not None:
        raise refusal
    return out


def decide(
    p: Platform, actor: Actor, request_id: int, *, approve: bool, reason: str | None = None
) -> dict[str, Any]:
    """A planner (any request) or a manager (of every advisor it concerns) approves or
    refuses a request waiting for a planner. Approving checks the rules again."""
    actor.require(Role.ADMIN, Role.SUPERVISOR)
    refusal: Conflict | None = None
    with p.transaction() as tx:
        row = tx.session.get(ScheduleRequestRow, request_id)
        if row is None or not _sees(p, actor, row):
            raise NotFound(f"no request {request_id} in your teams")
        if not all(actor.sees_team(_team(p, a)) for a in Change.of(row).agents):
            raise Forbidden(
                "a swap between two teams is decided by a manager of both, or a planner"
            )
        if row.state != AWAITING_PLANNER:
            raise Conflict(f"request {request_id} is {row.state}: it does not wait for a planner")
        if reason:
            row.detail = {**row.detail, "reason": reason}
        if not approve:
            _set(p, tx, actor, row, "refused", by=actor.username)
            return _data(p, row)
        refusal = _judge(p, tx, actor, row, approve=True, by=actor.username)
        out = _data(p, row)
    if refusal is not None:
        raise refusal
    return out


def cancel(p: Platform, actor: Actor, request_id: int) -> dict[str, Any]:
    """The advisor who asked withdraws a request still pending."""
    actor.require(Role.AGENT)
    with p.transaction() as tx:
        row = tx.session.get(ScheduleRequestRow, request_id)
        if row is None or row.agent_id != actor.agent_id:
            raise NotFound(f"no request {request_id} of yours")
        if row.state not in PENDING:
            raise Conflict(
                f"request {request_id} is {row.state}: only a pending one can be cancelled"
            )
        _set(p, tx, actor, row, "cancelled", by=actor.username)
        return _data(p, row)


def requests_for(
    p: Platform, actor: Actor, *, include_decided: bool = False
) -> list[dict[str, Any]]:
    """An advisor: its requests and those asking for its agreement, from today on. A
    manager or planner: its teams' pending requests from today on. ``include_decided``:
    every day and state. Newest first."""
    r = ScheduleRequestRow
    query = select(r).order_by(r.id.desc()).limit(MAX_LISTED)
    if not include_decided:
        query = query.where(r.day >= p.clock.now().astimezone(p.zone).date())
    if actor.role is Role.AGENT:
        query = query.where(or_(r.agent_id == actor.agent_id, r.colleague_id == actor.agent_id))
    else:
        if not include_decided:
            query = query.where(r.state.in_(PENDING))
        if not actor.is_admin:
            seen = [a.id for a in p.agents.values() if actor.sees_team(a.team_id)]
            query = query.where(or_(r.agent_id.in_(seen), r.colleague_id.in_(seen)))
    with p.sessions() as session:
        return [_data(p, row) for row in session.scalars(query)]


def _judge(
    p: Platform,
    tx: Tx,
    actor: Actor,
    row: ScheduleRequestRow,
    *,
    approve: bool,
    by: str = PLATFORM,
) -> Conflict | None:
    """Approve the request if ``approve`` and the rules allow it now, else send it to a
    planner; refuse it when its day has begun or the rules no longer allow it (the
    refusal to raise once committed)."""
    if Change.of(row).bounds(p)[0] <= tx.now:
        _set(p, tx, actor, row, "refused", by=PLATFORM, why="its day has begun")
        return Conflict(f"request {row.id} is for a day that has begun")
    if approve:
        problems = _approve(p, tx, actor, row, by=by)
    else:
        problems = Change.of(row).broken(p, stored_schedule(tx.session))
        if not problems:
            _set(p, tx, actor, row, AWAITING_PLANNER)
    if not problems:
        return None
    _set(p, tx, actor, row, "refused", by=PLATFORM, rules=problems)
    return RulesRefuse(problems)


def _approve(
    p: Platform, tx: Tx, actor: Actor, row: ScheduleRequestRow, *, by: str
) -> list[dict[str, str]]:
    """Change the schedule as the request asks if the rules allow it now; returns the
    rules broken (and changes nothing) otherwise."""
    change = Change.of(row)
    scenario = live_scenario(p)
    detail: dict[str, object] = {
        "kind": row.kind,
        "day": row.day.isoformat(),
        "request_id": row.id,
        "decided_by": by,
    }
    problems = apply_schedule(
        p,
        tx,
        actor,
        lambda schedule: change.after(p, schedule, scenario),
        change.agents,
        detail,
        when=change.bounds(p)[0],
    )
    if not problems:
        _set(p, tx, actor, row, "approved", by=by)
    return problems


def _set(
    p: Platform,
    tx: Tx,
    actor: Actor,
    row: ScheduleRequestRow,
    state: str,
    *,
    by: str | None = None,
    **detail: Any,
) -> None:
    """Store the request's state (and what says why), and tell the advisors concerned and
    their managers."""
    row.state = state
    if state not in PENDING:
        row.decided_at, row.decided_by = tx.now, by
    if detail:
        row.detail = {**row.detail, **detail}
    tx.session.flush()
    data = _data(p, row)
    for agent_id in Change.of(row).agents:
        tx.emit(
            "schedule.request",
            data,
            agent_id=agent_id,
            team_id=_team(p, agent_id),
            actor_user_id=actor.user_id,
        )


def _team(p: Platform, agent_id: str) -> str | None:
    agent = p.agents.get(agent_id)
    return agent.team_id if agent else None


def _sees(p: Platform, actor: Actor, row: ScheduleRequestRow) -> bool:
    return any(actor.sees_agent(a, _team(p, a)) for a in Change.of(row).agents)


def _name(p: Platform, agent_id: str | None) -> str | None:
    agent = p.agents.get(agent_id or "")
    return agent.name if agent else agent_id


def _data(p: Platform, row: ScheduleRequestRow) -> dict[str, Any]:
    """A request as the API and the events show it (times in the centre's timezone)."""
    return {
        "request_id": row.id,
        "kind": row.kind,
        "agent_id": row.agent_id,
        "agent_name": _name(p, row.agent_id),
        "colleague_id": row.colleague_id,
        "colleague_name": _name(p, row.colleague_id) if row.colleague_id else None,
        "day": row.day.isoformat(),
        "location": row.location,
        "state": row.state,
        "created_at": row.created_at.astimezone(p.zone).isoformat(),
        "decided_at": row.decided_at.astimezone(p.zone).isoformat() if row.decided_at else None,
        "decided_by": row.decided_by,
        "detail": dict(row.detail),
    }


__all__ = [
    "AWAITING_COLLEAGUE",
    "AWAITING_PLANNER",
    "KINDS",
    "PENDING",
    "PLATFORM",
    "STATES",
    "RulesRefuse",
    "agree",
    "ask",
    "cancel",
    "decide",
    "requests_for",
]
