"""Advisors' schedule requests: a day worked at another place, or swapped with a colleague
(asked and cancelled by the advisor, agreed by the colleague, decided by a planner or a
manager when not approved automatically). See docs/intraday.md, "Requests". The service is
imported on the first request: the rule functions it runs load the scientific stack."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from homeshore.api.deps import ActorDep, CommittedPlatformDep
from homeshore.api.schemas import _In
from homeshore.domain import WorkMode

router = APIRouter(prefix="/api/schedule/requests", tags=["schedule requests"])
RequestId = Annotated[int, Path(ge=1, le=2**62)]
State = Literal["awaiting_colleague", "awaiting_planner", "approved", "refused", "cancelled"]


class RequestIn(_In):
    kind: Literal["location", "swap"]
    day: dt.date  # the centre's local date, from tomorrow on
    location: WorkMode | None = None  # kind location: where to work that day
    colleague_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None  # swap


class AgreeIn(_In):
    agree: bool


class DecisionIn(_In):
    approve: bool
    reason: Annotated[str, Field(max_length=500)] | None = None


class RequestOut(BaseModel):
    request_id: int
    kind: Literal["location", "swap"]
    agent_id: str
    agent_name: str | None
    colleague_id: str | None
    colleague_name: str | None
    day: dt.date
    location: WorkMode | None
    state: State
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None  # a user's name, or "platform" (approved or refused by the rules)
    detail: dict[str, Any]  # rules (refused by them), declined_by, agreed_by, reason, why


@router.post("", response_model=RequestOut, status_code=201)
async def ask(body: RequestIn, actor: ActorDep, platform: CommittedPlatformDep) -> RequestOut:
    """An advisor asks to work a day (from tomorrow on) at home, on site or in a
    telecentre, or to swap the day with a colleague. 409 naming the rules it would break
    (nothing stored); approved at once when automatic, else waiting for the colleague
    (a swap) or a planner."""
    from homeshore.services import requests as request_service

    out = request_service.ask(
        platform,
        actor,
        kind=body.kind,
        day=body.day,
        location=body.location,
        colleague_id=body.colleague_id,
    )
    return RequestOut.model_validate(out)


@router.get("", response_model=list[RequestOut])
async def requests(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    include_decided: Annotated[bool, Query(alias="all")] = False,
) -> list[RequestOut]:
    """An advisor: its requests and those asking for its agreement, from today on. A
    manager or planner: its teams' pending requests (``all=true``: decided ones too)."""
    from homeshore.services import requests as request_service

    found = request_service.requests_for(platform, actor, include_decided=include_decided)
    return [RequestOut.model_validate(r) for r in found]


@router.post("/{request_id}/agree", response_model=RequestOut)
async def agree(
    request_id: RequestId, body: AgreeIn, actor: ActorDep, platform: CommittedPlatformDep
) -> RequestOut:
    """The colleague asked to swap agrees or declines (409 when the rules no longer allow
    the swap: it is then refused, the rules named)."""
    from homeshore.services import requests as request_service

    out = request_service.agree(platform, actor, request_id, agree=body.agree)
    return RequestOut.model_validate(out)


@router.post("/{request_id}/decision", response_model=RequestOut)
async def decision(
    request_id: RequestId, body: DecisionIn, actor: ActorDep, platform: CommittedPlatformDep
) -> RequestOut:
    """A planner, or a manager of the advisors' teams, approves or refuses a request
    waiting for a planner (409 when the rules no longer allow it: it is then refused)."""
    from homeshore.services import requests as request_service

    out = request_service.decide(
        platform, actor, request_id, approve=body.approve, reason=body.reason
    )
    return RequestOut.model_validate(out)


@router.post("/{request_id}/cancel", response_model=RequestOut)
async def cancel(
    request_id: RequestId, actor: ActorDep, platform: CommittedPlatformDep
) -> RequestOut:
    """The advisor who asked withdraws a pending request."""
    from homeshore.services import requests as request_service

    return RequestOut.model_validate(request_service.cancel(platform, actor, request_id))
