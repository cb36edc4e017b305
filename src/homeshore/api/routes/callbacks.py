"""Calling customers back from the desk: the contacts to call back, and starting a call."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from homeshore.api.deps import ActorDep, CommittedPlatformDep
from homeshore.api.routes.voice import LinkDep
from homeshore.api.schemas import CallbackOut, CallbackRow, ContactOut
from homeshore.services import callbacks
from homeshore.services.errors import Unavailable

router = APIRouter(prefix="/api/voice", tags=["voice"])


@router.get("/callbacks", response_model=list[CallbackRow])
async def to_call_back(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[CallbackRow]:
    """Voice contacts whose customer is to be called back (a dropped call, or the advisor's
    disposition ``callback``), newest first: an advisor's own, a manager's teams'."""
    return [
        CallbackRow(
            contact_id=row.id,
            customer_ref=row.customer_ref,
            queue_id=row.queue_id,
            agent_id=row.agent_id,
            closed_at=row.closed_at,
            disposition=row.disposition or "",
        )
        for row in callbacks.to_call_back(platform, actor, limit=limit)
    ]


@router.post("/contacts/{contact_id}/callback", response_model=CallbackOut, status_code=201)
async def call_back(
    contact_id: Annotated[int, Path(ge=1, le=2**62)],
    actor: ActorDep,
    platform: CommittedPlatformDep,
    link: LinkDep,
) -> CallbackOut:
    """The advisor (available, nothing in hand, desk open) calls the customer back: a new
    voice contact in its hands; the desk's softphone dials ``target`` and the platform's SIP
    server puts the call through the carrier to the customer's number."""
    if not platform.settings.voice_trunk_gateway:
        raise Unavailable("no outgoing calls: HOMESHORE_VOICE_TRUNK_GATEWAY is not set")
    contact = callbacks.start_callback(platform, actor, contact_id)
    target = f"sip:{callbacks.TARGET_PREFIX}{contact.id}@{link.domain}"
    return CallbackOut(contact=ContactOut.model_validate(contact.row), target=target)
