"""Is this process up, and does it route? For load balancers and operators; no session."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    role: str = Field(
        description="leader: this process routes; standby: it forwards to the one that does "
        "and takes over if it stops; starting: it is taking over now"
    )
    token: int | None = Field(
        description="the fencing token of the router lease this process holds (None: none)"
    )


@router.get("/api/health", response_model=HealthOut)
async def health(request: Request) -> HealthOut:
    """Answered by each process itself (never forwarded)."""
    role = request.app.state.role
    return HealthOut(role=role.name, token=role.token)
