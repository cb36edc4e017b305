"""Changes of advisors' days (extra time, time off, a day worked elsewhere or swapped with
a colleague: :mod:`homeshore.services.requests`): applied to the stored schedule only when
the rule functions of the roster and the audit find nothing new
(:func:`homeshore.intraday.violations_added`), recorded in the audit trail
(``schedule.changed``: who, what, when: the schedule's versions) and followed at once by
adherence and the right to disconnect (the platform's memory of the schedule)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from homeshore.db.tables import ScheduleSegmentRow
from homeshore.domain import (
    Activity,
    ReadinessStatus,
    Scenario,
    Schedule,
    ScheduleSegment,
    WorkMode,
)
from homeshore.intraday import Slot, add_work, remove_work, violations_added
from homeshore.services import audit
from homeshore.services.importing import segment_row
from homeshore.services.platform import PlannedSegment, Platform
from homeshore.services.scope import Actor
from homeshore.services.tx import Tx

KINDS = ("extra", "time_off")


def _segment(row: ScheduleSegmentRow) -> ScheduleSegment:
    return ScheduleSegment(
        agent_id=row.agent_id,
        start=row.start,
        end=row.end,
        activity=Activity(row.activity),
        location=WorkMode(row.location),
        site=row.site,
        queue=row.queue,
    )


def stored_schedule(session: Session, agent_id: str | None = None) -> Schedule:
    query = select(ScheduleSegmentRow)
    if agent_id is not None:
        query = query.where(ScheduleSegmentRow.agent_id == agent_id)
    return Schedule.of(_segment(r) for r in session.scalars(query))


def day_bounds(p: Platform, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = now.astimezone(p.zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = (start + dt.timedelta(days=1, hours=2)).replace(hour=0)  # a DST day has 23 or 25 h
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def live_scenario(p: Platform) -> Scenario:
    """The scenario with each advisor's readiness as the live platform judges it (a check
    due again counts as not passed)."""
    agents = []
    for agent in p.scenario.agents:
        live = p.agents.get(agent.id)
        if live is None:
            agents.append(agent)
            continue
        ready = p.home_ready(live) and not live.readiness_due
        status = ReadinessStatus.PASS if ready else ReadinessStatus.UNKNOWN
        agents.append(dataclasses.replace(agent, readiness=status))
    return dataclasses.replace(p.scenario, agents=tuple(agents))


def apply_change(
    p: Platform,
    tx: Tx,
    actor: Actor,
    agent_id: str,
    slot: Slot,
    location: WorkMode,
    site: str | None,
    *,
    offer_id: int | None = None,
) -> list[dict[str, str]]:
    """Apply extra time or time off to the stored schedule if it breaks no rule; returns
    the rules it would break (and changes nothing) otherwise."""

    def change(before: Schedule) -> Schedule:
        if slot.kind == "extra":
            return add_work(before, agent_id, slot, location, site)
        return remove_work(before, agent_id, slot)

    detail: dict[str, object] = {
        "kind": slot.kind,
        "queue_id": slot.queue,
        "start": slot.start.astimezone(p.zone).isoformat(),
        "end": slot.end.astimezone(p.zone).isoformat(),
        "location": location.value if slot.kind == "extra" else None,
    }
    if offer_id is not None:
        detail["offer_id"] = offer_id
    return apply_schedule(p, tx, actor, change, (agent_id,), detail, when=slot.start)


def apply_schedule(
    p: Platform,
    tx: Tx,
    actor: Actor,
    change: Callable[[Schedule], Schedule],
    agent_ids: Sequence[str],
    detail: dict[str, object],
    *,
    when: dt.datetime,
) -> list[dict[str, str]]:
    """Apply ``change`` (the stored schedule in, the changed one out; it may change only the
    advisors of ``agent_ids``) if it adds no violation for any of them in the week of
    ``when``: their segment rows are replaced, the platform's memory follows, and each gets
    an audit entry and an event ``schedule.changed`` with ``detail``. Otherwise nothing
    changes and the rules broken are returned (``agent_id``, ``rule``, ``detail``)."""
    before = stored_schedule(tx.session)
    after = change(before)
    problems = rules_broken(before, after, live_scenario(p), agent_ids, when=when)
    if problems:
        return problems
    ids = list(agent_ids)
    tx.session.execute(delete(ScheduleSegmentRow).where(ScheduleSegmentRow.agent_id.in_(ids)))
    for agent_id in ids:
        mine = sorted(after.for_agent(agent_id), key=lambda s: s.start)
        tx.session.add_all(segment_row(s) for s in mine)
        p.schedule[agent_id] = [
            PlannedSegment(s.start, s.end, s.activity, s.location, s.queue) for s in mine
        ]
    tx.session.flush()
    for agent_id in ids:
        audit.record(tx, "schedule.changed", actor=actor, subject_agent_id=agent_id, detail=detail)
        live = p.agents.get(agent_id)
        tx.emit(
            "schedule.changed",
            detail,
            agent_id=agent_id,
            team_id=live.team_id if live else None,
            actor_user_id=actor.user_id,
        )
    return []


def rules_broken(
    before: Schedule,
    after: Schedule,
    scenario: Scenario,
    agent_ids: Sequence[str],
    *,
    when: dt.datetime,
) -> list[dict[str, str]]:
    """The violations `after` adds for each of those advisors in the week of `when`."""
    return [
        {"agent_id": agent_id, "rule": v.rule, "detail": v.detail}
        for agent_id in agent_ids
        for v in violations_added(before, after, scenario, agent_id, when=when)
    ]


__all__ = [
    "KINDS",
    "apply_change",
    "apply_schedule",
    "day_bounds",
    "live_scenario",
    "rules_broken",
    "stored_schedule",
]
