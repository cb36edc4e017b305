"""The audit trail: every entry for an administrator, an advisor's own for the advisor and
their managers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime

from homeshore.api.deps import ActorDep, CommittedPlatformDep
from homeshore.api.schemas import AuditOut, Name
from homeshore.services import audit

router = APIRouter(tags=["audit"])
AgentId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00]*$")]
UserId = Annotated[int | None, Query(ge=1, le=2**62)]
Limit = Annotated[int, Query(ge=1, le=audit.MAX_LIMIT)]
BeforeId = Annotated[int | None, Query(ge=1, le=2**62)]
Action = Annotated[str | None, Query(min_length=1, max_length=40, pattern=r"^[a-z_.]+$")]


@router.get("/api/audit", response_model=list[AuditOut])
async def entries(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    actor_user_id: UserId = None,
    subject_user_id: UserId = None,
    agent_id: Name | None = None,
    action: Action = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    before_id: BeforeId = None,
    limit: Limit = 100,
) -> list[AuditOut]:
    """Newest first (admin): who did what, when and from where. ``action`` is a prefix
    (``login.``, ``monitoring.``), ``agent_id`` the advisor an entry is about, ``since``
    inclusive, ``until`` exclusive; ``before_id`` pages back."""
    rows = audit.entries(
        platform,
        actor,
        actor_user_id=actor_user_id,
        subject_user_id=subject_user_id,
        subject_agent_id=agent_id,
        action=action,
        since=since,
        until=until,
        before_id=before_id,
        limit=limit,
    )
    return [AuditOut.model_validate(r) for r in rows]


@router.get("/api/agents/{agent_id}/audit", response_model=list[AuditOut])
async def about_agent(
    agent_id: AgentId,
    actor: ActorDep,
    platform: CommittedPlatformDep,
    before_id: BeforeId = None,
    limit: Limit = 100,
) -> list[AuditOut]:
    """The entries about one advisor, newest first, for the advisor, their managers and an
    admin (404 for others): its logins and account changes, monitoring of its calls,
    take-overs, evaluations, readiness verdicts, schedule changes. Address and browser
    only to an admin, to whoever acted, and to the advisor for the logins to its account."""
    rows = audit.about_agent(platform, actor, agent_id, before_id=before_id, limit=limit)
    return [AuditOut.model_validate(r) for r in rows]
