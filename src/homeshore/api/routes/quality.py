"""Quality monitoring: evaluation forms, managers' evaluations of contacts, customers'
satisfaction scores, and their summary per advisor, team, way of working or set-up."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from homeshore.api.deps import ActorDep, CommittedPlatformDep, OriginDep
from homeshore.api.schemas import (
    ContactOut,
    EvaluationFormOut,
    EvaluationIn,
    EvaluationOut,
    Name,
    QualityGroupOut,
    SatisfactionIn,
)
from homeshore.domain.evaluation import EvaluationForm
from homeshore.services import quality

router = APIRouter(tags=["quality"])
ContactId = Annotated[int, Path(ge=1, le=2**62)]
EvaluationId = Annotated[int, Path(ge=1, le=2**62)]


def _form_out(form: EvaluationForm) -> EvaluationFormOut:
    return EvaluationFormOut.model_validate(
        {
            "id": form.id,
            "name": form.name,
            "channels": sorted(c.value for c in form.channels),
            "pass_pct": form.pass_pct,
            "sections": [
                {"name": s.name, "questions": [q for q in s.questions]} for s in form.sections
            ],
        }
    )


@router.get("/api/quality/forms", response_model=list[EvaluationFormOut])
async def list_forms(actor: ActorDep, platform: CommittedPlatformDep) -> list[EvaluationFormOut]:
    """The scenario's evaluation forms (any signed-in user: advisors see what they are
    scored on)."""
    return [_form_out(f) for f in quality.forms(platform)]


@router.post(
    "/api/contacts/{contact_id}/evaluations", response_model=EvaluationOut, status_code=201
)
async def evaluate(
    contact_id: ContactId,
    body: EvaluationIn,
    actor: ActorDep,
    platform: CommittedPlatformDep,
    origin: OriginDep,
) -> EvaluationOut:
    """A manager scores a completed contact of its own teams (403 for another team's)."""
    row = quality.evaluate(
        platform, actor, contact_id, form_id=body.form_id, ratings=body.ratings,
        comment=body.comment, origin=origin,
    )  # fmt: skip
    return EvaluationOut.model_validate(row)


@router.get("/api/evaluations", response_model=list[EvaluationOut])
async def list_evaluations(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    agent_id: Name | None = None,
    team_id: Name | None = None,
    contact_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[EvaluationOut]:
    """Newest first: an advisor's own, a manager's teams', all for an admin."""
    rows = quality.evaluations(
        platform, actor, agent_id=agent_id, team_id=team_id, contact_id=contact_id, limit=limit
    )
    return [EvaluationOut.model_validate(r) for r in rows]


@router.get("/api/evaluations/{evaluation_id}", response_model=EvaluationOut)
async def get_evaluation(
    evaluation_id: EvaluationId, actor: ActorDep, platform: CommittedPlatformDep
) -> EvaluationOut:
    return EvaluationOut.model_validate(quality.evaluation(platform, actor, evaluation_id))


@router.post("/api/contacts/{contact_id}/satisfaction", response_model=ContactOut, status_code=201)
async def satisfaction(
    contact_id: ContactId, body: SatisfactionIn, actor: ActorDep, platform: CommittedPlatformDep
) -> ContactOut:
    """The customer's satisfaction (1-5) after the contact, from the IVR or a survey,
    through the integration (admin) account; once per contact."""
    row = quality.record_satisfaction(
        platform, actor, contact_id, csat=body.csat, source=body.source
    )
    return ContactOut.model_validate(row)


@router.get("/api/quality/summary", response_model=list[QualityGroupOut])
async def summary(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    by: Literal["agent", "team", "location", "setup", "queue"] = "agent",
    period: Literal["week", "month", "all"] = "week",
    weeks: Annotated[int, Query(ge=1, le=520)] = 12,
    team_id: Name | None = None,
    agent_id: Name | None = None,
) -> list[QualityGroupOut]:
    """Evaluation scores (mean, pass rate, critical failures) and satisfaction (responses,
    mean, share of 4-5) per group and period over the last ``weeks`` weeks."""
    since = platform.clock.now() - dt.timedelta(weeks=weeks)
    rows = quality.summary(
        platform, actor, by=by, period=period, since=since, team_id=team_id, agent_id=agent_id
    )
    return [QualityGroupOut.model_validate(r) for r in rows]
