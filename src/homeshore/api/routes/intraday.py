"""The day itself: the re-forecast and staffing gap (planners and managers), offers of
extra time or time off (posted by the platform or by hand, answered by advisors), and
changes of an advisor's day by hand. See docs/intraday.md."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, BaseModel, Field

from homeshore.api.deps import ActorDep, CommittedPlatformDep
from homeshore.api.schemas import _In
from homeshore.domain import WorkMode
from homeshore.errors import InputError
from homeshore.services.errors import Conflict, Invalid
from homeshore.services.scope import Role

router = APIRouter(prefix="/api/intraday", tags=["intraday"])
QueueId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]*$")]
Kind = Literal["extra", "time_off"]
#: why an offer no longer takes replies, by its state
CLOSED = {
    "filled": "no place left, others accepted first",
    "expired": "its reply deadline has passed",
    "open": "its reply deadline has passed",
    "withdrawn": "it was withdrawn",
}


class QueueLevelOut(BaseModel):
    queue_id: str
    level: float  # the day's volume against the forecast's (1.0: as forecast)
    level_low: float
    level_high: float
    observed: int
    expected: float
    max_gap: float


class GapRowOut(BaseModel):
    queue: str
    start: dt.datetime
    interval_min: int
    volume: float
    required: float
    scheduled: float
    logged_in: float | None  # the current interval only (the ones ahead count the schedule)
    gap: float


class CandidateOut(BaseModel):
    agent_id: str
    location: WorkMode


class ProposalOut(BaseModel):
    kind: Kind
    queue_id: str
    start: dt.datetime
    end: dt.datetime
    places: int
    candidates: list[CandidateOut]


class IntradayOut(BaseModel):
    at: dt.datetime | None
    forecast: bool  # False: no forecast covers the day (serve --forecast, PUT forecast)
    queues: list[QueueLevelOut]
    gap: list[GapRowOut]
    proposals: list[ProposalOut]


class ForecastRowIn(_In):
    queue: QueueId
    start: AwareDatetime
    interval_min: int = Field(gt=0, le=24 * 60)
    volume: float = Field(ge=0)
    volume_p10: float = Field(ge=0)
    volume_p50: float = Field(ge=0)
    volume_p90: float = Field(ge=0)
    aht_s: float = Field(gt=0)


class ForecastIn(_In):
    rows: list[ForecastRowIn] = Field(min_length=1, max_length=20_000)


class StoredOut(BaseModel):
    rows: int


class OfferIn(_In):
    kind: Kind
    queue_id: QueueId
    start: AwareDatetime
    end: AwareDatetime
    places: int = Field(ge=1, le=1000)
    reply_min: int | None = Field(None, ge=1, le=24 * 60)


class OfferPostedOut(BaseModel):
    offer_id: int


class ReplyIn(_In):
    accept: bool


class ReplyOut(BaseModel):
    offer_id: int
    reply: Literal["accepted", "declined"]


class ChangeIn(_In):
    agent_id: Annotated[str, Field(min_length=1, max_length=64)]
    kind: Kind
    queue_id: QueueId
    start: AwareDatetime
    end: AwareDatetime
    location: WorkMode | None = None
    reply_min: int | None = Field(None, ge=1, le=30 * 24 * 60)


class ChangeOut(BaseModel):
    applied: bool  # False: inside the notice period, sent to the advisor to accept
    offer_id: int | None


def _view_out(platform: Any, now: dt.datetime) -> IntradayOut:
    from homeshore.services import intraday

    view = platform.intraday
    data = intraday.summary(view, now)
    if view is None:
        return IntradayOut(at=None, forecast=False, queues=[], gap=[], proposals=[])
    return IntradayOut(
        at=view.at,
        forecast=True,
        queues=[QueueLevelOut.model_validate(q) for q in data["queues"]],
        gap=[GapRowOut.model_validate(r) for r in intraday.gap_rows(view)],
        proposals=[
            ProposalOut(
                kind=p.slot.kind,
                queue_id=p.slot.queue,
                start=p.slot.start,
                end=p.slot.end,
                places=p.slot.places,
                candidates=[
                    CandidateOut(agent_id=c.agent_id, location=c.location) for c in p.candidates
                ],
            )
            for p in view.proposals
        ],
    )


@router.get("", response_model=IntradayOut)
async def the_day(actor: ActorDep, platform: CommittedPlatformDep) -> IntradayOut:
    """The last re-forecast of the day, per queue: its level against the forecast (with an
    80 % credible band), the staffing gap per interval ahead (required against scheduled,
    and logged in for the current interval) and the offers it calls for."""
    actor.require(Role.ADMIN, Role.SUPERVISOR)
    from homeshore.services import intraday

    await intraday.current(platform)
    return _view_out(platform, platform.clock.now())


@router.post("/refresh", response_model=IntradayOut)
async def refresh(actor: ActorDep, platform: CommittedPlatformDep) -> IntradayOut:
    """Re-forecast now (the platform does it every ``intraday_every_s``), posting the
    offers it calls for when offers are automatic."""
    actor.require(Role.ADMIN, Role.SUPERVISOR)
    from homeshore.services import intraday

    await intraday.refresh(platform)
    return _view_out(platform, platform.clock.now())


@router.put("/forecast", response_model=StoredOut)
async def store_forecast(
    body: ForecastIn, actor: ActorDep, platform: CommittedPlatformDep
) -> StoredOut:
    """Store the forecast of one or more days (rows as in forecast.csv of ``homeshore
    plan``): its queues' days replace the stored ones."""
    actor.require(Role.ADMIN)
    import pandas as pd

    from homeshore.services import intraday

    frame = pd.DataFrame([r.model_dump() for r in body.rows])
    try:
        with platform.sessions() as session:
            n = intraday.import_forecast(session, platform.scenario, frame)
            session.commit()
    except InputError as exc:
        raise Invalid(exc.describe(), field="rows") from exc
    platform.intraday_on = True
    platform.intraday = None  # computed again on the next look, from this forecast
    return StoredOut(rows=n)


@router.get("/offers")
async def offers(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    include_closed: Annotated[bool, Query(alias="all")] = False,
) -> list[dict[str, Any]]:
    """An advisor: the open offers sent to them. A manager or planner: today's open offers
    (``all=true``: closed ones too) and the replies of the advisors they see."""
    from homeshore.services import offers as offer_service

    return offer_service.offers_for(platform, actor, include_closed=include_closed)


@router.post("/offers", response_model=OfferPostedOut, status_code=201)
async def post_offer(
    body: OfferIn, actor: ActorDep, platform: CommittedPlatformDep
) -> OfferPostedOut:
    """Offer extra time (or time off) on a queue: sent to every advisor the rules allow
    (a manager: of their teams), home volunteers first; first come, first served."""
    from homeshore.services import offers as offer_service

    offer_id = offer_service.post_by_hand(
        platform,
        actor,
        kind=body.kind,
        queue_id=body.queue_id,
        start=body.start,
        end=body.end,
        places=body.places,
        reply_min=body.reply_min,
    )
    return OfferPostedOut(offer_id=offer_id)


@router.post("/offers/{offer_id}/reply", response_model=ReplyOut)
async def reply(
    offer_id: Annotated[int, Path(ge=1, le=2**62)],
    body: ReplyIn,
    actor: ActorDep,
    platform: CommittedPlatformDep,
) -> ReplyOut:
    """Accept or decline an offer. Accepting checks the rules again and takes a place if
    one is left; the schedule changes at once (409 when too late or no longer allowed)."""
    from homeshore.services import offers as offer_service

    try:
        answer = offer_service.reply(platform, actor, offer_id, accept=body.accept)
    except offer_service.LastPlaceGone:
        offer_service.reply_too_late(platform, actor, offer_id)
        raise Conflict(f"offer {offer_id} is closed: {CLOSED['filled']}") from None
    if answer.reply == "too_late":
        why = CLOSED.get(str(answer.detail.get("state")), "it is closed")
        raise Conflict(f"offer {offer_id} is closed: {why}")
    if answer.reply == "refused":
        rules = ", ".join(r["rule"] for r in answer.detail.get("rules", []))
        raise Conflict(f"the rules no longer allow this time for you: {rules}")
    return ReplyOut(offer_id=offer_id, reply=answer.reply)


@router.post("/changes", response_model=ChangeOut)
async def change(body: ChangeIn, actor: ActorDep, platform: CommittedPlatformDep) -> ChangeOut:
    """Change an advisor's day by hand (a planner: any advisor; a manager: their teams'):
    extra work, or time off. Refused (409) when it would break a rule, named. A change
    starting within the scenario's ``change_notice_days`` needs the advisor's consent: it
    is sent to them as an offer (``applied`` false, ``offer_id``)."""
    from homeshore.services.offers import change_by_hand

    done = change_by_hand(
        platform,
        actor,
        agent_id=body.agent_id,
        kind=body.kind,
        queue_id=body.queue_id,
        start=body.start,
        end=body.end,
        location=body.location,
        reply_min=body.reply_min,
    )
    return ChangeOut(applied=done.applied, offer_id=done.offer_id)
