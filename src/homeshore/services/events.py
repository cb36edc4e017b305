"""Who sees which event, replay from a last id, and the right-to-disconnect push filter."""

from __future__ import annotations

from sqlalchemy import or_, select

from homeshore.db.tables import EventRow
from homeshore.realtime.types import Event
from homeshore.services.platform import Platform, event_from_row
from homeshore.services.scope import Actor, Role

REPLAY_LIMIT = 5000
#: queue-level events every supervisor sees (queues are not owned by a team)
QUEUE_EVENTS = frozenset(
    {
        "contact.created",
        "contact.requeued",
        "contact.abandoned",
        "queue.kpis",
        "intraday.updated",
        "intraday.offer.posted",
        "intraday.offer.expired",
    }
)


def visible(actor: Actor, event: Event) -> bool:
    if actor.role is Role.ADMIN:
        return True
    if event.user_id is not None and event.user_id == actor.user_id:
        return True
    if actor.role is Role.AGENT:
        return event.agent_id is not None and event.agent_id == actor.agent_id
    if event.team_id is not None:
        return event.team_id in actor.team_ids
    return event.agent_id is None and event.type in QUEUE_EVENTS


def topics(actor: Actor) -> list[str] | None:
    """The hub topics an actor's connection subscribes to (None: everything, for admins)."""
    if actor.role is Role.ADMIN:
        return None
    out = [f"user:{actor.user_id}"]
    if actor.role is Role.AGENT:
        out.append(f"agent:{actor.agent_id}")
    else:
        out += [f"team:{team}" for team in sorted(actor.team_ids)]
        out.append("queue")
    return out


def may_push(p: Platform, actor: Actor, event: Event) -> bool:
    """Right to disconnect: outside its scheduled time an agent gets only the results of its
    own actions and news of the contacts it still holds, nothing pushed by others."""
    if actor.role is not Role.AGENT or actor.agent_id is None:
        return True
    agent = p.agents.get(actor.agent_id)
    if agent is None:
        return False
    if event.actor_user_id == actor.user_id:
        return True
    if p.in_contact_time(agent, p.clock.now()):
        return True
    return event.contact_id is not None and (
        event.contact_id in agent.active or event.contact_id in agent.wrapping
    )


def replay(p: Platform, actor: Actor, after_id: int, limit: int = REPLAY_LIMIT) -> list[Event]:
    """Events after ``after_id`` the actor may see, oldest first."""
    query = select(EventRow).where(EventRow.id > after_id).order_by(EventRow.id).limit(limit)
    if actor.role is Role.AGENT:
        query = query.where(
            or_(EventRow.agent_id == actor.agent_id, EventRow.user_id == actor.user_id)
        )
    elif actor.role is Role.SUPERVISOR:
        query = query.where(
            or_(
                EventRow.team_id.in_(sorted(actor.team_ids)),
                EventRow.user_id == actor.user_id,
                EventRow.team_id.is_(None) & EventRow.agent_id.is_(None),
            )
        )
    with p.sessions() as session:
        events = [event_from_row(r) for r in session.scalars(query)]
    return [e for e in events if visible(actor, e)]


#: what the platform records of a manager's monitoring of an advisor's work
MONITORING_EVENTS = (
    "call.listen.ended",
    "call.whisper.ended",
    "call.barge.ended",
    "call.recording",
    "recording.played",
    "evaluation.created",
)


def monitoring(p: Platform, agent_id: str, limit: int = 100) -> list[Event]:
    """The monitoring of one advisor's work, newest first: who listened to which call and
    how long, who talked on it, which calls were recorded and who played them, who
    evaluated which contact (the telework agreement: the advisor can see it)."""
    query = (
        select(EventRow)
        .where(EventRow.agent_id == agent_id, EventRow.type.in_(MONITORING_EVENTS))
        .order_by(EventRow.id.desc())
        .limit(limit)
    )
    with p.sessions() as session:
        return [event_from_row(r) for r in session.scalars(query)]


def last_id(p: Platform) -> int:
    with p.sessions() as session:
        return session.scalar(select(EventRow.id).order_by(EventRow.id.desc()).limit(1)) or 0
