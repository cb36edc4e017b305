"""Contacts: intake and every step of their handling."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from homeshore.api.deps import ActorDep, CommittedPlatformDep, OriginDep, PlatformDep
from homeshore.api.schemas import (
    ContactIn,
    ContactOut,
    ConversationOut,
    EscalateIn,
    MessageIn,
    Name,
    TransferIn,
    WrapUpIn,
)
from homeshore.services import chat, contacts
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor
from homeshore.services.states import AgentState

router = APIRouter(prefix="/api/contacts", tags=["contacts"])
ContactId = Annotated[int, Path(ge=1, le=2**62)]


@router.post("", response_model=ContactOut, status_code=201, responses={200: {"model": ContactOut}})
async def create_contact(body: ContactIn, actor: ActorDep, platform: PlatformDep) -> Response:
    """Announce a call (telephony side) or open a chat (web widget): admin or supervisor.
    Answers 201 when created, 200 with the existing contact for a known ``external_id``.
    (Well-formed requests are served by homeshore.api.intake, with this same function.)"""
    text, status = await take_contact(platform, actor, body)
    return Response(text, status_code=status, media_type="application/json")


async def take_contact(platform: Platform, actor: Actor, body: ContactIn) -> tuple[str, int]:
    """Create (or find, by external id) the contact; its JSON and the HTTP status, once
    the change is committed (group commit)."""
    row, created = contacts.create_contact(
        platform,
        actor,
        queue_id=body.queue_id,
        channel=body.channel,
        priority=body.priority,
        customer_ref=body.customer_ref,
        external_id=body.external_id,
    )
    await platform.durable()
    # the busiest route: serialised here, once (FastAPI would validate the model again)
    return ContactOut.model_validate(row).model_dump_json(), 201 if created else 200


@router.get("", response_model=list[ContactOut])
async def list_contacts(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    state: Literal["queued", "offered", "active", "wrap_up", "completed", "abandoned"]
    | None = None,
    queue_id: Name | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ContactOut]:
    """Newest first, within the caller's scope (an agent: its own contacts)."""
    rows = contacts.list_contacts(platform, actor, state=state, queue_id=queue_id, limit=limit)
    return [ContactOut.model_validate(r) for r in rows]


@router.get("/{contact_id}", response_model=ContactOut)
async def get_contact(
    contact_id: ContactId, actor: ActorDep, platform: CommittedPlatformDep
) -> ContactOut:
    return ContactOut.model_validate(contacts.get_contact(platform, actor, contact_id))


@router.post("/{contact_id}/accept", response_model=ContactOut)
async def accept(contact_id: ContactId, actor: ActorDep, platform: PlatformDep) -> ContactOut:
    row = contacts.accept(platform, actor, contact_id)
    await platform.durable()
    return ContactOut.model_validate(row)


@router.post("/{contact_id}/reject", response_model=ContactOut)
async def reject(contact_id: ContactId, actor: ActorDep, platform: PlatformDep) -> ContactOut:
    return ContactOut.model_validate(contacts.reject(platform, actor, contact_id))


@router.post("/{contact_id}/complete", response_model=ContactOut)
async def complete(contact_id: ContactId, actor: ActorDep, platform: PlatformDep) -> ContactOut:
    """The conversation is over: the contact goes to wrap-up."""
    row = contacts.complete(platform, actor, contact_id)
    await platform.durable()
    return ContactOut.model_validate(row)


@router.post("/{contact_id}/wrap-up", response_model=ContactOut)
async def wrap_up(
    contact_id: ContactId, body: WrapUpIn, actor: ActorDep, platform: PlatformDep
) -> ContactOut:
    row = contacts.wrap_up(
        platform,
        actor,
        contact_id,
        disposition=body.disposition,
        next_state=AgentState(body.next_state),
    )
    await platform.durable()
    return ContactOut.model_validate(row)


@router.post("/{contact_id}/transfer", response_model=ContactOut)
async def transfer(
    contact_id: ContactId, body: TransferIn, actor: ActorDep, platform: PlatformDep
) -> ContactOut:
    row = contacts.transfer(
        platform, actor, contact_id, to_queue=body.to_queue, to_agent=body.to_agent
    )
    return ContactOut.model_validate(row)


@router.post("/{contact_id}/escalate", response_model=ContactOut)
async def escalate(
    contact_id: ContactId, body: EscalateIn, actor: ActorDep, platform: PlatformDep
) -> ContactOut:
    """Flag the contact for the manager and open the help chat with the note."""
    return ContactOut.model_validate(contacts.escalate(platform, actor, contact_id, note=body.note))


@router.post("/{contact_id}/take-over", response_model=ContactOut)
async def take_over(
    contact_id: ContactId, actor: ActorDep, platform: PlatformDep, origin: OriginDep
) -> ContactOut:
    """A manager takes the contact from its agent (who is freed; in the audit trail)."""
    row = contacts.take_over(platform, actor, contact_id, origin=origin)
    return ContactOut.model_validate(row)


@router.post("/{contact_id}/abandon", response_model=ContactOut)
async def abandon(contact_id: ContactId, actor: ActorDep, platform: PlatformDep) -> ContactOut:
    """The customer left before being answered (telephony or widget side)."""
    return ContactOut.model_validate(contacts.abandon(platform, actor, contact_id))


@router.post("/{contact_id}/help", response_model=ConversationOut, status_code=201)
async def help_request(
    contact_id: ContactId, body: MessageIn, actor: ActorDep, platform: PlatformDep
) -> ConversationOut:
    """Open (or continue) the help chat with the manager about this contact."""
    return ConversationOut.model_validate(chat.open_help(platform, actor, contact_id, body.body))
