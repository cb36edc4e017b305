"""Help chats and customer chats: messages, join, close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from homeshore.api.deps import ActorDep, CommittedPlatformDep, PlatformDep
from homeshore.api.schemas import ConversationOut, MessageIn, MessageOut
from homeshore.services import chat

router = APIRouter(prefix="/api/conversations", tags=["conversations"])
ConversationId = Annotated[int, Path(ge=1, le=2**62)]


@router.get("", response_model=list[ConversationOut])
async def list_conversations(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    contact_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> list[ConversationOut]:
    rows = chat.conversations(platform, actor, contact_id=contact_id)
    return [ConversationOut.model_validate(r) for r in rows]


@router.get("/{conversation_id}/messages", response_model=list[MessageOut])
async def list_messages(
    conversation_id: ConversationId, actor: ActorDep, platform: CommittedPlatformDep
) -> list[MessageOut]:
    rows = chat.messages(platform, actor, conversation_id)
    return [MessageOut.model_validate(r) for r in rows]


@router.post("/{conversation_id}/messages", response_model=MessageOut, status_code=201)
async def post_message(
    conversation_id: ConversationId, body: MessageIn, actor: ActorDep, platform: PlatformDep
) -> MessageOut:
    """Agent, manager, or the customer through the admin integration account."""
    return MessageOut.model_validate(chat.post_message(platform, actor, conversation_id, body.body))


@router.post("/{conversation_id}/join", response_model=ConversationOut)
async def join(
    conversation_id: ConversationId, actor: ActorDep, platform: PlatformDep
) -> ConversationOut:
    return ConversationOut.model_validate(chat.join(platform, actor, conversation_id))


@router.post("/{conversation_id}/close", response_model=ConversationOut)
async def close(
    conversation_id: ConversationId, actor: ActorDep, platform: PlatformDep
) -> ConversationOut:
    return ConversationOut.model_validate(chat.close(platform, actor, conversation_id))
