"""Live KPIs per queue and per agent, and adherence of agents to the published schedule.

Conventions (DOMAIN.md section 1): SL = answered within the queue's threshold / offered,
an abandon counts as not answered whatever its wait; "offered" today counts contacts
answered, abandoned, or still waiting beyond the threshold (a contact still waiting under
it is undecided). ASA is the mean wait of answered contacts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select

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


def day_start(p: Platform, now: dt.datetime) -> dt.datetime:
    local = now.astimezone(p.zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def queue_kpis(p: Platform, actor: Actor) -> list[QueueKpis]:
    actor.require(Role.ADMIN, Role.SUPERVISOR)
    return compute_queue_kpis(p)


def publish_queue_kpis(p: Platform) -> bool:
    """Emit a ``queue.kpis`` event for the supervisor console when the figures changed."""
    kpis = [asdict(k) for k in compute_queue_kpis(p)]
    comparable = [{k: v for k, v in q.items() if k != "oldest_wait_s"} for q in kpis]
    if comparable == p.last_kpis and not any(q["waiting"] for q in kpis):
        return False
    p.last_kpis = comparable
    with p.transaction() as tx:
        tx.emit("queue.kpis", {"queues": kpis})
    return True


def compute_queue_kpis(p: Platform) -> list[QueueKpis]:
    now = p.clock.now()
    since = day_start(p, now)
    with p.sessions() as session:
        rows = session.execute(
            select(
                ContactRow.queue_id,
                ContactRow.state,
                ContactRow.answered_at,
                ContactRow.wait_s,
                ContactRow.created_at,
            ).where(ContactRow.created_at >= since)
        ).all()
    out = []
    for queue in p.queues.values():
        threshold = queue.targets.threshold_s
        answered = abandoned = within = late_waiting = 0
        wait_sum = 0.0
        for queue_id, state, answered_at, wait_s, created_at in rows:
            if queue_id != queue.id:
                continue
            if answered_at is not None:
                answered += 1
                wait_sum += wait_s or 0.0
                within += (wait_s or 0.0) <= threshold
            elif state == "abandoned":
                abandoned += 1
            elif (now - created_at).total_seconds() > threshold:
                late_waiting += 1
        offered = answered + abandoned + late_waiting
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
                service_level=within / offered if offered else None,
                threshold_s=threshold,
                asa_s=wait_sum / answered if answered else None,
                abandon_rate=abandoned / (answered + abandoned) if answered + abandoned else None,
            )
        )
    return out


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
                in_adherence=(agent.state in CONFORMING[segment.activity]) if segment else None,
                adherence_today=adherence(timelines[agent.id], segments, since, now),
            )
        )
    return out
