"""Recorded calls: the list a manager may play, and the audio itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse

from homeshore.api.deps import ActorDep, CommittedPlatformDep, OriginDep
from homeshore.api.schemas import Name, RecordingOut
from homeshore.services import recordings

router = APIRouter(prefix="/api/voice", tags=["voice"])


@router.get("/recordings", response_model=list[RecordingOut])
async def list_recordings(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    agent_id: Name | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[RecordingOut]:
    """Newest first: the recorded calls of the manager's teams (all for an admin)."""
    rows = recordings.recordings(platform, actor, agent_id=agent_id, limit=limit)
    return [RecordingOut.model_validate(r) for r in rows]


@router.get(
    "/contacts/{contact_id}/recording",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}, "description": "stereo WAV"}},
)
async def play_recording(
    contact_id: Annotated[int, Path(ge=1, le=2**62)],
    actor: ActorDep,
    platform: CommittedPlatformDep,
    origin: OriginDep,
) -> FileResponse:
    """The call's audio (stereo WAV: the caller left, the advisor right) for a manager of
    the advisor's team or an admin; each opening is an event the advisor sees."""
    row = recordings.play(platform, actor, contact_id, origin=origin)
    return FileResponse(
        row.path,
        media_type="audio/wav",
        filename=f"contact-{contact_id}.wav",
        headers={"Cache-Control": "no-store"},
    )
