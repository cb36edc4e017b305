"""Help chat (an agent and its manager, about a contact) and customer chat messages."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select, update

from homeshore.db.tables import ContactRow, ConversationRow, MessageRow
from homeshore.domain import Channel
from homeshore.services.errors import Conflict, Invalid, NotFound
from homeshore.services.live import LiveAgent, LiveContact
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.tx import Tx

MAX_MESSAGE_CHARS = 2000


def _check_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise Invalid("a message cannot be empty", field="body")
    if len(text) > MAX_MESSAGE_CHARS:
        raise Invalid(f"a message has at most {MAX_MESSAGE_CHARS} characters", field="body")
    return text


def _visible(actor: Actor, conv: ConversationRow, contact: ContactRow | None) -> bool:
    if actor.is_admin:
        return True
    if actor.role is Role.AGENT:
        return conv.agent_id is not None and conv.agent_id == actor.agent_id
    if contact is not None and contact.handler_user_id == actor.user_id:
        return True
    return actor.sees_team(conv.team_id)


def open_help(p: Platform, actor: Actor, contact_id: int, body: str) -> ConversationRow:
    """An agent in a contact asks its manager for help (reuses the open help chat)."""
    actor.require(Role.AGENT)
    text = _check_body(body)
    contact = p.contacts.get(contact_id)
    if contact is None or contact.agent_id is None or contact.agent_id != actor.agent_id:
        raise NotFound(f"no contact {contact_id} in your hands")
    if contact.state not in ("active", "wrap_up"):
        raise Conflict(f"contact {contact_id} is {contact.state}: help is for a contact in hand")
    agent = p.agents[contact.agent_id]
    with p.transaction() as tx:
        return open_help_in(p, tx, actor, contact, agent, first_message=text)


def open_help_in(
    p: Platform, tx: Tx, actor: Actor, contact: LiveContact, agent: LiveAgent, *, first_message: str
) -> ConversationRow:
    conv = tx.session.scalar(
        select(ConversationRow).where(
            ConversationRow.contact_id == contact.id,
            ConversationRow.kind == "help",
            ConversationRow.state == "open",
        )
    )
    if conv is None:
        conv = ConversationRow(
            kind="help",
            contact_id=contact.id,
            agent_id=agent.id,
            team_id=agent.team_id,
            state="open",
            created_at=tx.now,
        )
        tx.session.add(conv)
        tx.session.flush()
        tx.emit(
            "help.opened",
            {"conversation_id": conv.id, "agent_id": agent.id},
            agent_id=agent.id,
            team_id=agent.team_id,
            contact_id=contact.id,
            actor_user_id=actor.user_id,
        )
    contact.help_chat = (conv.id, agent.id, agent.team_id)
    if first_message.strip():
        _add_message(
            tx, conv, sender="agent", user_id=actor.user_id, body=_check_body(first_message)
        )
    return conv


def _add_message(
    tx: Tx, conv: ConversationRow, *, sender: str, user_id: int | None, body: str
) -> MessageRow:
    msg = MessageRow(
        conversation_id=conv.id, sender=sender, sender_user_id=user_id, body=body, created_at=tx.now
    )
    tx.session.add(msg)
    tx.session.flush()
    recipient = conv.manager_user_id
    if conv.kind == "customer":
        # a manager who took the contact over hears the customer too
        contact = tx.session.get(ContactRow, conv.contact_id)
        recipient = contact.handler_user_id if contact is not None else None
    tx.emit(
        "message.created",
        {
            "conversation_id": conv.id,
            "kind": conv.kind,
            "message_id": msg.id,
            "sender": sender,
            "body": body,
        },
        agent_id=conv.agent_id,
        team_id=conv.team_id if conv.kind == "help" else None,
        contact_id=conv.contact_id,
        user_id=recipient,
        actor_user_id=user_id,
    )
    return msg


def _conversation(tx_session: object, actor: Actor, conversation_id: int) -> ConversationRow:
    from sqlalchemy.orm import Session

    assert isinstance(tx_session, Session)
    conv = tx_session.get(ConversationRow, conversation_id)
    contact = tx_session.get(ContactRow, conv.contact_id) if conv is not None else None
    if conv is None or not _visible(actor, conv, contact):
        raise NotFound(f"no conversation {conversation_id}")
    return conv


def post_message(p: Platform, actor: Actor, conversation_id: int, body: str) -> MessageRow:
    """Agent, manager or (through an admin integration account) customer writes."""
    text = _check_body(body)
    with p.transaction() as tx:
        conv = _conversation(tx.session, actor, conversation_id)
        if conv.state != "open":
            raise Conflict(f"conversation {conversation_id} is closed")
        if conv.kind == "customer" and not _chat_goes_on(p, conv.contact_id):
            raise Conflict(f"the chat of contact {conv.contact_id} has ended")
        if actor.role is Role.AGENT:
            sender = "agent"
        elif conv.kind == "customer" and actor.is_admin:
            sender = "customer"
        else:
            sender = "manager"
        return _add_message(tx, conv, sender=sender, user_id=actor.user_id, body=text)


def _chat_goes_on(p: Platform, contact_id: int) -> bool:
    """The customer and the advisor (or the manager who took it over) still talk: the
    contact waits or is in hand, not in wrap-up nor closed."""
    contact = p.contacts.get(contact_id)
    return contact is not None and contact.state in ("queued", "offered", "active")


def close_with_contact(tx: Tx, contact: LiveContact, *, actor_user_id: int | None) -> None:
    """A contact closed (completed or abandoned): its customer chat and its help chat close
    with it, so nobody writes into a conversation no one reads any more and the help
    request leaves the manager's inbox. One statement, only for contacts that have one."""
    if contact.channel is not Channel.CHAT and contact.help_chat is None:
        return
    tx.execute(_CLOSE_CONVERSATIONS, {"_contact_id": contact.id})
    if contact.help_chat is not None:
        conversation_id, agent_id, team_id = contact.help_chat
        contact.help_chat = None
        tx.emit(
            "conversation.closed",
            {"conversation_id": conversation_id, "kind": "help", "reason": "contact closed"},
            agent_id=agent_id,
            team_id=team_id,
            contact_id=contact.id,
            actor_user_id=actor_user_id,
        )


_conversations = cast(Table, ConversationRow.__table__)
_CLOSE_CONVERSATIONS = (
    update(_conversations)
    .where(
        _conversations.c.contact_id == bindparam("_contact_id"),
        _conversations.c.state == "open",
    )
    .values(state="closed")
)


def join(p: Platform, actor: Actor, conversation_id: int) -> ConversationRow:
    """A manager joins a help chat: from then on its messages reach that manager directly."""
    actor.require(Role.SUPERVISOR, Role.ADMIN)
    with p.transaction() as tx:
        conv = _conversation(tx.session, actor, conversation_id)
        if conv.kind != "help":
            raise Conflict("a manager joins help chats, not customer chats")
        conv.manager_user_id = actor.user_id
        tx.emit(
            "help.joined",
            {"conversation_id": conv.id, "manager_user_id": actor.user_id},
            agent_id=conv.agent_id,
            team_id=conv.team_id,
            contact_id=conv.contact_id,
            actor_user_id=actor.user_id,
        )
        return conv


def close(p: Platform, actor: Actor, conversation_id: int) -> ConversationRow:
    with p.transaction() as tx:
        conv = _conversation(tx.session, actor, conversation_id)
        conv.state = "closed"
        live = p.contacts.get(conv.contact_id)
        if live is not None and live.help_chat is not None and live.help_chat[0] == conv.id:
            live.help_chat = None
        tx.emit(
            "conversation.closed",
            {"conversation_id": conv.id, "kind": conv.kind},
            agent_id=conv.agent_id,
            team_id=conv.team_id,
            contact_id=conv.contact_id,
            actor_user_id=actor.user_id,
        )
        return conv


def messages(p: Platform, actor: Actor, conversation_id: int) -> list[MessageRow]:
    with p.sessions() as session:
        _conversation(session, actor, conversation_id)
        return list(
            session.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conversation_id)
                .order_by(MessageRow.id)
            )
        )


def conversations(
    p: Platform, actor: Actor, *, contact_id: int | None = None
) -> list[ConversationRow]:
    query = select(ConversationRow).order_by(ConversationRow.id.desc()).limit(500)
    if contact_id is not None:
        query = query.where(ConversationRow.contact_id == contact_id)
    if actor.role is Role.AGENT:
        query = query.where(ConversationRow.agent_id == actor.agent_id)
    elif actor.role is Role.SUPERVISOR:
        query = query.where(ConversationRow.team_id.in_(sorted(actor.team_ids)))
    with p.sessions() as session:
        return list(session.scalars(query))
