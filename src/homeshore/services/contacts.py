"""Contacts: intake, offer answers, completion, wrap-up, transfer, escalation, abandon."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update

from homeshore.db.tables import ContactRow, ConversationRow
from homeshore.domain import Channel
from homeshore.services import audit
from homeshore.services.audit import Origin
from homeshore.services.chat import close_with_contact
from homeshore.services.dispatch import fill_agent, offer, route_contact
from homeshore.services.errors import Conflict, Forbidden, Invalid, NotFound, Unavailable
from homeshore.services.live import LiveAgent, LiveContact
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.states import AgentState
from homeshore.services.tx import CONTACT_COLUMNS, INSERT_CONTACT, Tx


def create_contact(
    p: Platform,
    actor: Actor,
    *,
    queue_id: str,
    channel: Channel | None,
    priority: int,
    customer_ref: str,
    external_id: str | None = None,
) -> tuple[ContactRow, bool]:
    """A call announced by telephony or a chat opened from a widget. Returns (row, created);
    a repeated ``external_id`` returns the existing contact (safe retries, no duplicates)."""
    actor.require(Role.ADMIN, Role.SUPERVISOR)
    queue = p.queues.get(queue_id)
    if queue is None:
        raise Invalid(f"unknown queue {queue_id!r}", field="queue_id")
    if channel is not None and channel is not queue.channel:
        raise Invalid(
            f"queue {queue_id} takes {queue.channel.value} contacts, not {channel.value}",
            field="channel",
        )
    with p.transaction(group=True) as tx:
        if external_id is not None:
            known = p.external_ids.get(external_id)
            if known is None and tx.writes is None:  # outside a group commit: ask now
                known = tx.session.scalar(_ID_BY_EXTERNAL_ID, {"external_id": external_id})
            if known is not None:
                return _stored(p, tx, known), False
        contact_id = p.new_contact_id()
        key = tx.now.timestamp()
        contact = LiveContact(
            id=contact_id,
            queue_id=queue_id,
            channel=queue.channel,
            priority=priority,
            state="queued",
            enqueued_at=tx.now,
            queue_key=key,
            created_at=tx.now,
            row=dict.fromkeys(CONTACT_COLUMNS)
            | {
                "id": contact_id,
                "external_id": external_id,
                "queue_id": queue_id,
                "channel": queue.channel.value,
                "priority": priority,
                "customer_ref": customer_ref,
                "state": "queued",
                "queue_key": key,
                "created_at": tx.now,
                "enqueued_at": tx.now,
                "offers": 0,
                "transfers": 0,
                "escalated": False,
            },
        )
        if tx.writes is not None:
            tx.writes.new_contacts[contact_id] = contact.row
            if external_id is not None:
                tx.writes.external_ids[external_id] = contact_id
        else:
            tx.session.connection().execute(INSERT_CONTACT, contact.row)
        if external_id is not None:
            p.remember_external_id(external_id, contact_id, key)
        tx.contact_rows[contact_id] = contact.row
        p.contacts[contact_id] = contact
        if queue.channel is Channel.CHAT:
            tx.execute(
                _INSERT_CONVERSATION,
                {"kind": "customer", "contact_id": contact_id, "created_at": tx.now},
            )
        tx.emit(
            "contact.created",
            {"queue_id": queue_id, "channel": queue.channel.value, "priority": priority},
            queue_id=queue_id,
            contact_id=contact_id,
            actor_user_id=actor.user_id,
        )
        route_contact(p, tx, contact)
        return _row(tx, contact.id), True


_contacts = cast(Table, ContactRow.__table__)
_conversations = cast(Table, ConversationRow.__table__)
_ID_BY_EXTERNAL_ID = select(_contacts.c.id).where(
    _contacts.c.external_id == bindparam("external_id")
)
_INSERT_CONVERSATION = insert(_conversations)
_CLAIM_CUSTOMER_CHAT = (
    update(_conversations)
    .where(
        _conversations.c.contact_id == bindparam("_contact_id"),
        _conversations.c.kind == "customer",
    )
    .values(agent_id=bindparam("agent_id"), team_id=bindparam("team_id"))
)


def _row(tx: Tx, contact_id: int) -> ContactRow:
    """The contact as this transaction left it (a copy of the router's image of its row,
    with the same attributes as ContactRow)."""
    return cast(ContactRow, SimpleNamespace(**tx.contact_rows[contact_id]))


def _stored(p: Platform, tx: Tx, contact_id: int) -> ContactRow:
    """A contact announced before: from memory while it is open, else as stored."""
    live = p.contacts.get(contact_id)
    if live is not None:
        return cast(ContactRow, SimpleNamespace(**live.row))
    row = tx.session.get(ContactRow, contact_id)
    if row is None:  # created moments ago, closed since, its commit still on its way
        raise Unavailable("that contact is being saved: try again")
    return row


def _visible(p: Platform, actor: Actor, row: ContactRow) -> bool:
    if actor.is_admin:
        return True
    if actor.role is Role.AGENT:
        return row.agent_id is not None and row.agent_id == actor.agent_id
    if row.agent_id is None:
        # waiting contacts belong to a queue, not a team: every supervisor may see them
        return row.state in ("queued", "abandoned") or row.handler_user_id == actor.user_id
    agent = p.agents.get(row.agent_id)
    return agent is not None and actor.sees_team(agent.team_id)


def get_contact(p: Platform, actor: Actor, contact_id: int) -> ContactRow:
    with p.sessions() as session:
        row = session.get(ContactRow, contact_id)
        if row is None or not _visible(p, actor, row):
            raise NotFound(f"no contact {contact_id}")
        return row


def list_contacts(
    p: Platform, actor: Actor, *, state: str | None, queue_id: str | None, limit: int
) -> list[ContactRow]:
    query = select(ContactRow).order_by(ContactRow.id.desc()).limit(limit)
    if state is not None:
        query = query.where(ContactRow.state == state)
    if queue_id is not None:
        query = query.where(ContactRow.queue_id == queue_id)
    if actor.role is Role.AGENT:
        query = query.where(ContactRow.agent_id == actor.agent_id)
    elif actor.role is Role.SUPERVISOR:
        agent_ids = [a.id for a in p.agents.values() if a.team_id in actor.team_ids]
        query = query.where(
            ContactRow.agent_id.in_(agent_ids)
            | ContactRow.state.in_(("queued", "abandoned"))
            | (ContactRow.handler_user_id == actor.user_id)
        )
    with p.sessions() as session:
        return list(session.scalars(query))


def in_hand(
    p: Platform, actor: Actor, contact_id: int, *states: str
) -> tuple[LiveContact, LiveAgent]:
    """The contact in one of ``states`` and the agent holding it, if the actor may act on it."""
    contact = p.contacts.get(contact_id)
    if contact is None or contact.agent_id is None:
        # one answer for a contact that does not exist and one the actor may not see: a
        # 409 here would tell an advisor that another team's contact exists
        if not _may_see(p, actor, contact_id):
            raise NotFound(f"no contact {contact_id}")
        raise Conflict(f"contact {contact_id} is not with an agent")
    agent = p.agents[contact.agent_id]
    if not actor.sees_agent(agent.id, agent.team_id):
        raise NotFound(f"no contact {contact_id}")
    if contact.state not in states:
        raise Conflict(f"contact {contact_id} is {contact.state}, not {' or '.join(states)}")
    return contact, agent


def _may_see(p: Platform, actor: Actor, contact_id: int) -> bool:
    """The contact exists and is within the actor's scope (as stored, or in memory while
    its row is on its way to the database)."""
    live = p.contacts.get(contact_id)
    with p.sessions() as session:
        row = session.get(ContactRow, contact_id)
        if row is None and live is not None:
            row = cast(ContactRow, SimpleNamespace(**live.row))
        return row is not None and _visible(p, actor, row)


def _serves_queue(p: Platform, actor: Actor, queue_id: str) -> bool:
    """An admin, or a supervisor one of whose teams has an advisor with the queue's skill."""
    if actor.is_admin:
        return True
    queue = p.queues.get(queue_id)
    if queue is None:
        return False
    return any(
        queue.skill in agent.skills and actor.sees_team(agent.team_id)
        for agent in p.agents.values()
    )


def accept(p: Platform, actor: Actor, contact_id: int) -> ContactRow:
    actor.require(Role.AGENT)
    contact, agent = in_hand(p, actor, contact_id, "offered")
    with p.transaction(group=True) as tx:
        agent.offered.discard(contact.id)
        agent.active.add(contact.id)
        contact.state = "active"
        contact.offer_deadline = None
        wait_s = (tx.now - contact.created_at).total_seconds()
        location = agent.location.value if agent.location else None
        p.contact_values(
            tx,
            contact,
            state="active",
            answered_at=tx.now,
            wait_s=wait_s,
            offer_deadline=None,
            location=location,
            setup=(agent.setup or None) if location == "home" else None,
        )
        tx.emit(
            "contact.accepted",
            {"queue_id": contact.queue_id, "wait_s": round(wait_s, 3)},
            agent_id=agent.id,
            team_id=agent.team_id,
            queue_id=contact.queue_id,
            contact_id=contact.id,
            actor_user_id=actor.user_id,
        )
        if contact.channel is Channel.CHAT:
            tx.execute(
                _CLAIM_CUSTOMER_CHAT,
                {"_contact_id": contact.id, "agent_id": agent.id, "team_id": agent.team_id},
            )
        p.settle_work_state(tx, agent, actor=actor.user_id)
        fill_agent(p, tx, agent)
        return _row(tx, contact.id)


def reject(p: Platform, actor: Actor, contact_id: int) -> ContactRow:
    actor.require(Role.AGENT)
    contact, agent = in_hand(p, actor, contact_id, "offered")
    with p.transaction() as tx:
        tx.emit_about("contact.rejected", contact, agent, actor_user_id=actor.user_id)
        p.requeue(tx, contact, reason="rejected")
        p.settle_work_state(tx, agent, actor=actor.user_id)
        route_contact(p, tx, contact, exclude=agent.id)
        fill_agent(p, tx, agent, skip=contact.id)
        return _row(tx, contact.id)


def complete(
    p: Platform, actor: Actor, contact_id: int, *, ended_by: str | None = None
) -> ContactRow:
    """The conversation ended: the contact goes to wrap-up with its agent (``ended_by``:
    who hung up a call, when the telephony engines know it)."""
    actor.require(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
    contact = p.contacts.get(contact_id)
    if contact is not None and contact.agent_id is None and contact.handler_user_id is not None:
        return _close_taken_over(p, actor, contact)
    contact, agent = in_hand(p, actor, contact_id, "active")
    if ended_by is None and actor.agent_id == agent.id:
        # the advisor's own "End" (the desk also hangs up the call: whichever of the two
        # reaches the platform first, the contact ended by the advisor)
        ended_by = "agent"
    with p.transaction(group=True) as tx:
        p.release(agent, contact)
        agent.wrapping.add(contact.id)
        contact.state = "wrap_up"
        p.contact_values(tx, contact, state="wrap_up", ended_at=tx.now)
        tx.emit(
            "contact.ended",
            {"queue_id": contact.queue_id, **({"ended_by": ended_by} if ended_by else {})},
            agent_id=agent.id,
            team_id=agent.team_id,
            queue_id=contact.queue_id,
            contact_id=contact.id,
            actor_user_id=actor.user_id,
        )
        p.settle_work_state(tx, agent, actor=actor.user_id)
        fill_agent(p, tx, agent)
        return _row(tx, contact.id)


def _close_taken_over(p: Platform, actor: Actor, contact: LiveContact) -> ContactRow:
    if actor.user_id != contact.handler_user_id and not actor.is_admin:
        raise NotFound(f"no contact {contact.id}")
    with p.transaction() as tx:
        contact.state = "completed"
        p.contact_values(
            tx, contact, state="completed", ended_at=tx.now, closed_at=tx.now, disposition="manager"
        )
        del p.contacts[contact.id]
        close_with_contact(tx, contact, actor_user_id=actor.user_id)
        tx.emit(
            "contact.completed",
            {"queue_id": contact.queue_id, "disposition": "manager"},
            queue_id=contact.queue_id,
            contact_id=contact.id,
            user_id=contact.handler_user_id,
            actor_user_id=actor.user_id,
        )
        return _row(tx, contact.id)


def wrap_up(
    p: Platform, actor: Actor, contact_id: int, *, disposition: str, next_state: AgentState
) -> ContactRow:
    """Record the disposition; the agent moves on to ``next_state`` when nothing is left."""
    actor.require(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
    if next_state not in (
        AgentState.AVAILABLE,
        AgentState.BREAK,
        AgentState.TRAINING,
        AgentState.OFFLINE,
    ):
        raise Invalid("after wrap-up an agent goes available, break, training or offline")
    contact, agent = in_hand(p, actor, contact_id, "wrap_up")
    with p.transaction(group=True) as tx:
        close_in(p, tx, contact, agent, disposition=disposition, actor_user_id=actor.user_id)
        if not agent.holds() and next_state is not AgentState.AVAILABLE:
            p.set_state(tx, agent, next_state, actor=actor.user_id)
        else:
            p.settle_work_state(tx, agent, actor=actor.user_id)
        fill_agent(p, tx, agent)
        return _row(tx, contact.id)


def close_in(
    p: Platform,
    tx: Tx,
    contact: LiveContact,
    agent: LiveAgent,
    *,
    disposition: str,
    actor_user_id: int | None,
    ended: bool = False,
) -> None:
    """The contact leaves the agent's hands, closed with ``disposition`` (``ended``: its
    conversation ends now too)."""
    p.release(agent, contact)
    contact.state = "completed"
    ended_at = {"ended_at": tx.now} if ended else {}
    p.contact_values(
        tx, contact, state="completed", closed_at=tx.now, disposition=disposition, **ended_at
    )
    del p.contacts[contact.id]
    close_with_contact(tx, contact, actor_user_id=actor_user_id)
    data = {"disposition": disposition}
    tx.emit_about("contact.completed", contact, agent, actor_user_id=actor_user_id, data=data)


def transfer(
    p: Platform,
    actor: Actor,
    contact_id: int,
    *,
    to_queue: str | None = None,
    to_agent: str | None = None,
) -> ContactRow:
    """Hand an active contact to another queue (it keeps its place by arrival) or agent."""
    if (to_queue is None) == (to_agent is None):
        raise Invalid("give exactly one of to_queue and to_agent")
    contact, agent = in_hand(p, actor, contact_id, "active", "offered")
    target_agent: LiveAgent | None = None
    if to_queue is not None:
        queue = p.queues.get(to_queue)
        if queue is None:
            raise Invalid(f"unknown queue {to_queue!r}", field="to_queue")
        if queue.channel is not contact.channel:
            raise Invalid(f"queue {to_queue} is not a {contact.channel.value} queue", "to_queue")
    else:
        assert to_agent is not None
        target_agent = p.agents.get(to_agent)
        if target_agent is None:
            raise Invalid(f"unknown agent {to_agent!r}", field="to_agent")
        if target_agent.id == agent.id:
            raise Invalid("the contact is already with that agent", field="to_agent")
        tx_now = p.clock.now()
        if not (p.routable(target_agent, tx_now) and target_agent.view.free_for(contact.channel)):
            raise Conflict(f"agent {to_agent} cannot take a contact now")
    with p.transaction() as tx:
        p.release(agent, contact)
        contact.agent_id = None
        contact.transfers += 1
        if to_queue is not None:
            contact.queue_id = to_queue
        contact.state = "queued"
        p.contact_values(
            tx,
            contact,
            state="queued",
            agent_id=None,
            queue_id=contact.queue_id,
            transfers=contact.transfers,
        )
        tx.emit(
            "contact.transferred",
            {"from_agent": agent.id, "to_queue": to_queue, "to_agent": to_agent},
            agent_id=agent.id,
            team_id=agent.team_id,
            queue_id=contact.queue_id,
            contact_id=contact.id,
            actor_user_id=actor.user_id,
        )
        p.settle_work_state(tx, agent, actor=actor.user_id)
        if target_agent is not None:
            p.waiting.add(contact)
            offer(p, tx, contact, target_agent)
        else:
            route_contact(p, tx, contact, exclude=agent.id)
        fill_agent(p, tx, agent, skip=contact.id)
        return _row(tx, contact.id)


def abandon(p: Platform, actor: Actor, contact_id: int) -> ContactRow:
    """The customer hung up or left the chat before an agent took the contact."""
    actor.require(Role.ADMIN, Role.SUPERVISOR)
    contact = p.contacts.get(contact_id)
    if contact is None:
        if not _may_see(p, actor, contact_id):
            raise NotFound(f"no contact {contact_id}")
        raise Conflict(f"contact {contact_id} is already closed")
    if not _serves_queue(p, actor, contact.queue_id):
        raise Forbidden(f"queue {contact.queue_id!r} is not served by your teams")
    if contact.state not in ("queued", "offered"):
        raise Conflict(f"contact {contact_id} is {contact.state}: only a waiting one abandons")
    with p.transaction() as tx:
        abandon_in(p, tx, contact, actor_user_id=actor.user_id)
        return _row(tx, contact.id)


def abandon_in(p: Platform, tx: Tx, contact: LiveContact, *, actor_user_id: int | None) -> None:
    holder = p.agents.get(contact.agent_id) if contact.agent_id else None
    p.waiting.remove(contact.id)
    if holder is not None:
        p.release(holder, contact)
    wait_s = (tx.now - contact.created_at).total_seconds()
    p.contact_values(
        tx, contact, state="abandoned", closed_at=tx.now, wait_s=wait_s, offer_deadline=None
    )
    del p.contacts[contact.id]
    close_with_contact(tx, contact, actor_user_id=actor_user_id)
    tx.emit(
        "contact.abandoned",
        {"queue_id": contact.queue_id, "wait_s": round(wait_s, 3)},
        agent_id=holder.id if holder else None,
        team_id=holder.team_id if holder else None,
        queue_id=contact.queue_id,
        contact_id=contact.id,
        actor_user_id=actor_user_id,
    )
    if holder is not None:
        p.settle_work_state(tx, holder)
        fill_agent(p, tx, holder)


def escalate(p: Platform, actor: Actor, contact_id: int, *, note: str) -> ContactRow:
    """Flag a contact for the agent's manager; opens (or reuses) the help chat."""
    actor.require(Role.AGENT)
    contact, agent = in_hand(p, actor, contact_id, "active")
    from homeshore.services.chat import open_help_in

    with p.transaction() as tx:
        p.contact_values(tx, contact, escalated=True)
        tx.emit(
            "contact.escalated",
            {"note": note},
            agent_id=agent.id,
            team_id=agent.team_id,
            queue_id=contact.queue_id,
            contact_id=contact.id,
            actor_user_id=actor.user_id,
        )
        open_help_in(p, tx, actor, contact, agent, first_message=note)
        return _row(tx, contact.id)


def take_over(
    p: Platform, actor: Actor, contact_id: int, *, origin: Origin | None = None
) -> ContactRow:
    """A manager takes an active contact from one of its agents, who is freed (in the
    audit trail, about the agent)."""
    actor.require(Role.SUPERVISOR, Role.ADMIN)
    contact, agent = in_hand(p, actor, contact_id, "active")
    if actor.role is Role.SUPERVISOR and not actor.sees_team(agent.team_id):
        raise Forbidden("not your team")
    with p.transaction() as tx:
        p.release(agent, contact)
        contact.agent_id = None
        contact.handler_user_id = actor.user_id
        p.contact_values(tx, contact, agent_id=None, handler_user_id=actor.user_id)
        tx.emit(
            "contact.taken_over",
            {"from_agent": agent.id, "manager_user_id": actor.user_id},
            agent_id=agent.id,
            team_id=agent.team_id,
            queue_id=contact.queue_id,
            contact_id=contact.id,
            actor_user_id=actor.user_id,
        )
        audit.record(
            tx,
            "contact.taken_over",
            actor=actor,
            origin=origin,
            subject_user_id=agent.user_id,
            subject_agent_id=agent.id,
            detail={"contact_id": contact.id, "queue_id": contact.queue_id},
        )
        p.settle_work_state(tx, agent, actor=actor.user_id)
        fill_agent(p, tx, agent, skip=contact.id)
        return _row(tx, contact.id)
