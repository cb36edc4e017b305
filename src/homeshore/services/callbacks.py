"""Calling customers back: a voice contact closed as "to call back" (its call dropped, or
the advisor's disposition) is called by an advisor of its team from the desk's softphone,
through the carrier trunk. The call is a new voice contact (``callback_of`` the first),
in the advisor's hands from the start; the engines dial only the number homeshore names,
for that advisor, while the contact is in hand."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, update

from homeshore.db.tables import ContactRow
from homeshore.domain import Channel
from homeshore.services.errors import Conflict, NotFound, Unavailable
from homeshore.services.live import LiveContact
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.states import AgentState
from homeshore.services.tx import CONTACT_COLUMNS, INSERT_CONTACT, Tx

#: the disposition of a contact whose customer is to be called back, and once called back
TO_CALL_BACK = "callback"
CALLED_BACK = "called_back"
#: what the softphone dials: the platform's SIP server asks homeshore for the number
TARGET_PREFIX = "callback-"
#: a number the engines may dial (E.164 or national digits)
NUMBER = re.compile(r"^\+?[0-9]{3,20}$")


def to_call_back(p: Platform, actor: Actor, *, limit: int = 50) -> list[ContactRow]:
    """The voice contacts waiting to be called back, newest first: an advisor's own, a
    manager's teams'."""
    query = (
        select(ContactRow)
        .where(ContactRow.disposition == TO_CALL_BACK, ContactRow.channel == Channel.VOICE.value)
        .order_by(ContactRow.id.desc())
        .limit(limit)
    )
    if actor.role is Role.AGENT:
        query = query.where(ContactRow.agent_id == actor.agent_id)
    elif not actor.is_admin:
        ids = [a.id for a in p.agents.values() if actor.sees_team(a.team_id)]
        query = query.where(ContactRow.agent_id.in_(ids))
    with p.sessions() as session:
        return list(session.scalars(query))


def start_callback(p: Platform, actor: Actor, contact_id: int) -> LiveContact:
    """The advisor calls the customer of a contact to call back: a new voice contact, in
    the advisor's hands (busy: nothing else is offered meanwhile)."""
    actor.require(Role.AGENT)
    agent = p.agents.get(actor.agent_id or "")
    if agent is None:
        raise NotFound(f"no advisor {actor.agent_id}")
    with p.sessions() as session:
        first = session.get(ContactRow, contact_id)
    if first is None or first.agent_id is None or p.agents[first.agent_id].team_id != agent.team_id:
        raise NotFound(f"no contact {contact_id} to call back in your team")
    if first.disposition != TO_CALL_BACK or first.channel != Channel.VOICE.value:
        raise Conflict(f"contact {contact_id} is not to be called back")
    if not NUMBER.match(first.customer_ref):
        raise Conflict(f"contact {contact_id} has no number to call ({first.customer_ref!r})")
    if agent.state is not AgentState.AVAILABLE or agent.holds():
        raise Conflict("call back when available, with no other contact in hand")
    if agent.connections == 0:
        raise Conflict("open the desk (its softphone places the call)")
    with p.transaction() as tx:
        contact = _new_call(p, tx, agent.id, first)
        agent.active.add(contact.id)
        agent.view.in_use[Channel.VOICE] = agent.view.in_use.get(Channel.VOICE, 0) + 1
        data = {"wait_s": 0.0, "callback_of": first.id}
        tx.emit_about("contact.accepted", contact, agent, actor_user_id=actor.user_id, data=data)
        p.settle_work_state(tx, agent, actor=actor.user_id)
        return contact


def _new_call(p: Platform, tx: Tx, agent_id: str, first: ContactRow) -> LiveContact:
    agent = p.agents[agent_id]
    contact_id = p.new_contact_id()
    key = tx.now.timestamp()
    location = agent.location.value if agent.location else None
    contact = LiveContact(
        id=contact_id,
        queue_id=first.queue_id,
        channel=Channel.VOICE,
        priority=first.priority,
        state="active",
        enqueued_at=tx.now,
        queue_key=key,
        created_at=tx.now,
        agent_id=agent_id,
        row=dict.fromkeys(CONTACT_COLUMNS)
        | {
            "id": contact_id,
            "queue_id": first.queue_id,
            "channel": Channel.VOICE.value,
            "priority": first.priority,
            "customer_ref": first.customer_ref,
            "state": "active",
            "agent_id": agent_id,
            "queue_key": key,
            "created_at": tx.now,
            "enqueued_at": tx.now,
            "offered_at": tx.now,
            "answered_at": tx.now,
            "wait_s": 0.0,
            "offers": 0,
            "transfers": 0,
            "escalated": False,
            "location": location,
            "setup": (agent.setup or None) if location == "home" else None,
            "callback_of": first.id,
        },
    )
    tx.session.connection().execute(INSERT_CONTACT, contact.row)
    tx.contact_rows[contact_id] = contact.row
    p.contacts[contact_id] = contact
    tx.emit(
        "contact.created",
        {"queue_id": first.queue_id, "channel": "voice", "callback_of": first.id},
        queue_id=first.queue_id,
        contact_id=contact_id,
    )
    return contact


def is_callback(contact: LiveContact) -> bool:
    return contact.row.get("callback_of") is not None


@dataclass(frozen=True, slots=True)
class Dial:
    """The engines' answer to an advisor's call: the number, or why not (SIP code)."""

    contact_id: int | None = None
    number: str | None = None
    refusal: int | None = None
    reason: str = ""


def call_outbound(p: Platform, *, external_id: str, agent_id: str, dialled: str) -> Dial:
    """Kamailio asks whether this advisor's softphone may place this call (``external_id``:
    its Call-ID's): only the call back of a contact in that advisor's hands, not yet
    dialled."""
    if not dialled.startswith(TARGET_PREFIX) or not dialled[len(TARGET_PREFIX) :].isdigit():
        return Dial(refusal=403, reason="advisors call customers back only")
    contact = p.contacts.get(int(dialled[len(TARGET_PREFIX) :]))
    if contact is None or contact.agent_id != agent_id or not is_callback(contact):
        return Dial(refusal=404, reason="no call back in this advisor's hands")
    if contact.state != "active" or contact.row.get("external_id") is not None:
        return Dial(refusal=403, reason="this call back was placed already")
    number = str(contact.row["customer_ref"])
    if not NUMBER.match(number):
        return Dial(refusal=404, reason="no number to call")
    if external_id in p.external_ids:
        raise Unavailable(f"{external_id} is already known")
    with p.transaction() as tx:
        p.contact_values(tx, contact, external_id=external_id)
        p.remember_external_id(external_id, contact.id, tx.now.timestamp())
    return Dial(contact.id, number)


def called_back(p: Platform, tx: Tx, contact: LiveContact) -> None:
    """The customer answered the call back: the first contact is no longer to call back."""
    first = contact.row.get("callback_of")
    if first is None:
        return
    tx.session.execute(
        update(ContactRow)
        .where(ContactRow.id == first, ContactRow.disposition == TO_CALL_BACK)
        .values(disposition=CALLED_BACK)
    )
    tx.emit(
        "contact.called_back",
        {"queue_id": contact.queue_id, "call_back": contact.id},
        agent_id=contact.agent_id,
        team_id=p.agents[contact.agent_id].team_id if contact.agent_id else None,
        queue_id=contact.queue_id,
        contact_id=int(first),
    )
