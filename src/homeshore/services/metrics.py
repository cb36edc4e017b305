"""Live KPIs per queue and per agent, and adherence of agents to the published schedule.

Conventions (DOMAIN.md section 1): SL = answered within the queue's threshold / offered,
an abandon counts as not answered whatever its wait; "offered" today counts contacts
answered, abandoned, or still waiting beyond the threshold (a contact still waiting under
it is undecided). ASA is the mean wait of answered contacts.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Row, and_, case, func, select

from homeshore.db.tables import ContactRow, EventRow
from homeshore.domain import Activity
from homeshore.services.platform import PlannedSegment, Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.states import AgentState

S = AgentState
#: the states that conform to each scheduled activity
CONFORMING: dict[Activity, frozenset[AgentState]] = {
    Activity.WORK: frozenset({S.AVAILABLE, S.RESERVED, S.BUSY, S.WRAP_UP}),
    Activity.BREAK: frozenset({S.BREAK, S.OFFLINE}),
    Activity.LUNCH: frozenset({S.BREAK, S.OFFLINE}),
    Activity.TRAINING: frozenset({S.TRAINING}),
    Activity.ONSITE: frozenset({S.TRAINING, S.BREAK}),
}
WORKING = frozenset({S.BUSY, S.WRAP_UP})
LOGGED_FOR_CONTACTS = frozenset({S.AVAILABLE, S.RESERVED, S.BUSY, S.WRAP_UP})


@dataclass(frozen=True, slots=True)
class QueueKpis:
    queue_id: str
    waiting: int
    oldest_wait_s: float
    offered_today: int
    answered_today: int
    abandoned_today: int
    service_level: float | None
    threshold_s: float
    asa_s: float | None
    abandon_rate: float | None


@dataclass(frozen=True, slots=True)
class AgentKpis:
    agent_id: str
    team_id: str
    state: str
    time_in_state_s: float
    contacts_in_hand: int
    occupancy_today: float | None
    scheduled_activity: str | None
    in_adherence: bool | None
    adherence_today: float | None
    # logged in where the schedule has them now (None: not scheduled now, or not logged in)
    location_as_scheduled: bool | None = None


def day_start(p: Platform, now: dt.datetime) -> dt.datetime:
    local = now.astimezone(p.zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def queue_kpis(p: Platform, actor: Actor) -> list[QueueKpis]:
    actor.require(Role.ADMIN, Role.SUPERVISOR)
    return compute_queue_kpis(p)


async def publish_queue_kpis(p: Platform) -> bool:
    """Emit a ``queue.kpis`` event for the supervisor console when the figures changed.
    The day's aggregate runs in a worker thread: its cost grows with the day's contacts,
    and the event loop goes on serving meanwhile."""
    now = p.clock.now()
    totals = await asyncio.to_thread(_today_by_queue, p, now, day_start(p, now))
    kpis = [asdict(k) for k in _queue_kpis(p, now, totals)]
    comparable = [{k: v for k, v in q.items() if k != "oldest_wait_s"} for q in kpis]
    if comparable == p.last_kpis and not any(q["waiting"] for q in kpis):
        return False
    p.last_kpis = comparable
    with p.transaction(group=True) as tx:  # in the server: no wait for the commit in flight
        tx.emit("queue.kpis", {"queues": kpis})
    return True


def compute_queue_kpis(p: Platform) -> list[QueueKpis]:
    """Today's figures per queue, aggregated by the database (one row per queue, whatever
    the day's volume), plus the waiting line from the router's memory."""
    now = p.clock.now()
    return _queue_kpis(p, now, _today_by_queue(p, now, day_start(p, now)))


def _queue_kpis(p: Platform, now: dt.datetime, rows: Sequence[Row[Any]]) -> list[QueueKpis]:
    totals: dict[str, tuple[Any, ...]] = {row[0]: tuple(row[1:]) for row in rows}
    out = []
    for queue in p.queues.values():
        answered, abandoned, within, late_waiting, wait_sum = totals.get(queue.id, (0,) * 5)
        answered, abandoned = int(answered or 0), int(abandoned or 0)
        offered = answered + abandoned + int(late_waiting or 0)
        waiting_ids = p.waiting.ids(queue.id)
        oldest = min((p.contacts[c].created_at for c in waiting_ids), default=None)
        out.append(
            QueueKpis(
                queue_id=queue.id,
                waiting=len(waiting_ids),
                oldest_wait_s=(now - oldest).total_seconds() if oldest else 0.0,
                offered_today=offered,
                answered_today=answered,
                abandoned_today=abandoned,
                service_level=int(within or 0) / offered if offered else None,
                threshold_s=queue.targets.threshold_s,
                asa_s=float(wait_sum or 0.0) / answered if answered else None,
                abandon_rate=abandoned / (answered + abandoned) if answered + abandoned else None,
            )
        )
    return out


def _today_by_queue(p: Platform, now: dt.datetime, since: dt.datetime) -> Sequence[Row[Any]]:
    """Per queue: answered, abandoned, answered within the threshold, still undecided past
    the threshold, and the sum of the answered waits, over the contacts created today."""
    c = ContactRow
    threshold_s = case(
        {q.id: q.targets.threshold_s for q in p.queues.values()}, value=c.queue_id, else_=0.0
    )
    wait_s = func.coalesce(c.wait_s, 0.0)
    answered = c.answered_at.is_not(None)
    # "past the threshold": created before now - threshold, compared in seconds since the
    # start of the day (the same arithmetic on SQLite and PostgreSQL)
    late_before_s = (now - since).total_seconds() - threshold_s
    created_s = _seconds_since(c.created_at, since, p)
    query = (
        select(
            c.queue_id,
            func.count(c.answered_at),
            func.sum(case((and_(c.answered_at.is_(None), c.state == "abandoned"), 1), else_=0)),
            func.sum(case((and_(answered, wait_s <= threshold_s), 1), else_=0)),
            func.sum(
                case(
                    (
                        and_(
                            c.answered_at.is_(None),
                            c.state != "abandoned",
                            created_s < late_before_s,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
            func.sum(case((answered, wait_s), else_=0.0)),
        )
        .where(c.created_at >= since)
        .group_by(c.queue_id)
    )
    with p.sessions() as session:
        return session.execute(query).all()


def _seconds_since(column: Any, since: dt.datetime, p: Platform) -> Any:
    if p.engine.dialect.name == "postgresql":
        return func.extract("epoch", column) - since.timestamp()
    # SQLite stores UTC without offset: julianday counts days
    utc = since.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return (func.julianday(column) - func.julianday(utc)) * 86400.0


Timeline = list[tuple[dt.datetime, AgentState]]


def durations(timeline: Timeline, start: dt.datetime, end: dt.datetime) -> dict[AgentState, float]:
    """Seconds spent in each state between start and end (timeline sorted, first entry is the
    state at or before start)."""
    out: dict[AgentState, float] = {}
    for i, (at, state) in enumerate(timeline):
        a = max(at, start)
        b = min(timeline[i + 1][0] if i + 1 < len(timeline) else end, end)
        if b > a:
            out[state] = out.get(state, 0.0) + (b - a).total_seconds()
    return out


def adherence(
    timeline: Timeline, segments: Sequence[PlannedSegment], start: dt.datetime, end: dt.datetime
) -> float | None:
    """Share of scheduled time in [start, end) spent in a state conforming to the activity."""
    scheduled = conforming = 0.0
    for seg in segments:
        a, b = max(seg.start, start), min(seg.end, end)
        if b <= a:
            continue
        scheduled += (b - a).total_seconds()
        ok = CONFORMING[seg.activity]
        for state, secs in durations(timeline, a, b).items():
            if state in ok:
                conforming += secs
    return conforming / scheduled if scheduled else None


def agent_kpis(p: Platform, actor: Actor) -> list[AgentKpis]:
    now = p.clock.now()
    since = day_start(p, now)
    agents = [a for a in p.agents.values() if actor.sees_agent(a.id, a.team_id)]
    ids = [a.id for a in agents]
    timelines: dict[str, Timeline] = {a: [] for a in ids}
    with p.sessions() as session:
        for agent_id, at, data in session.execute(
            select(EventRow.agent_id, EventRow.at, EventRow.data)
            .where(EventRow.type == "agent.state", EventRow.at >= since, EventRow.agent_id.in_(ids))
            .order_by(EventRow.id)
        ):
            if agent_id is not None:
                timelines[agent_id].append((at, AgentState(str(data["state"]))))
        for agent in agents:
            before = session.execute(
                select(EventRow.data)
                .where(
                    EventRow.type == "agent.state",
                    EventRow.agent_id == agent.id,
                    EventRow.at < since,
                )
                .order_by(EventRow.id.desc())
                .limit(1)
            ).scalar()
            first = AgentState(str(before["state"])) if before else AgentState.OFFLINE
            timelines[agent.id].insert(0, (since, first))
    out = []
    for agent in agents:
        spent = durations(timelines[agent.id], since, now)
        logged = sum(spent.get(s, 0.0) for s in LOGGED_FOR_CONTACTS)
        worked = sum(spent.get(s, 0.0) for s in WORKING)
        segment = p.planned(agent.id, now)
        segments = [s for s in p.schedule.get(agent.id, []) if s.end > since and s.start < now]
        logged_in = agent.state in LOGGED_FOR_CONTACTS
        placed = (
            agent.location is segment.location
            if segment is not None and logged_in and agent.location is not None
            else None
        )
        out.append(
            AgentKpis(
                agent_id=agent.id,
                team_id=agent.team_id,
                state=agent.state.value,
                time_in_state_s=(now - agent.state_since).total_seconds()
                if agent.state_since
                else 0.0,
                contacts_in_hand=len(agent.offered) + len(agent.active) + len(agent.wrapping),
                occupancy_today=worked / logged if logged else None,
                scheduled_activity=segment.activity.value if segment else None,
                # in adherence: in a state the activity allows, and where it was rostered
                in_adherence=(agent.state in CONFORMING[segment.activity] and placed is not False)
                if segment
                else None,
                adherence_today=adherence(timelines[agent.id], segments, since, now),
                location_as_scheduled=placed,
            )
        )
    return out
