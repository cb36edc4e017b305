"""Quality monitoring: managers' evaluations of contacts on the scenario's forms, and the
customers' satisfaction (CSAT 1-5) posted after a contact. Both are stored with where the
advisor worked and its set-up when it answered, the measures the pilot compares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select, update

from homeshore.db.tables import ContactRow, EvaluationRow
from homeshore.domain.evaluation import EvaluationForm, score
from homeshore.domain.queue import Channel
from homeshore.services import audit
from homeshore.services.audit import Origin
from homeshore.services.errors import Conflict, Forbidden, Invalid, NotFound
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role

#: where a satisfaction score came from
CSAT_SOURCES = ("ivr", "web", "sms", "email")
#: CSAT answers counted as satisfied (the usual "top two boxes" of a 1-5 scale)
SATISFIED = (4, 5)
GroupBy = Literal["agent", "team", "location", "setup", "queue"]
Period = Literal["week", "month", "all"]
MAX_COMMENT_CHARS = 4000


def forms(p: Platform) -> tuple[EvaluationForm, ...]:
    return p.scenario.evaluation_forms


def _form(p: Platform, form_id: str) -> EvaluationForm:
    try:
        return p.scenario.form(form_id)
    except KeyError:
        known = ", ".join(f.id for f in forms(p)) or "none in this scenario"
        raise Invalid(f"no evaluation form {form_id!r} (forms: {known})", field="form_id") from None


def _contact(p: Platform, contact_id: int) -> ContactRow:
    with p.sessions() as session:
        row = session.get(ContactRow, contact_id)
    if row is None:
        raise NotFound(f"no contact {contact_id}")
    return row


def _team_of(p: Platform, agent_id: str | None) -> str | None:
    agent = p.agents.get(agent_id) if agent_id else None
    return agent.team_id if agent else None


def evaluate(
    p: Platform,
    actor: Actor,
    contact_id: int,
    *,
    form_id: str,
    ratings: Mapping[str, str],
    comment: str = "",
    origin: Origin | None = None,
) -> EvaluationRow:
    """A manager scores a closed contact of its own teams' advisors on a scenario form (in
    the audit trail, about the advisor)."""
    actor.require(Role.SUPERVISOR, Role.ADMIN)
    contact = _contact(p, contact_id)
    team_id = _team_of(p, contact.agent_id)
    if contact.agent_id is None or team_id is None:
        raise Conflict(f"contact {contact_id} was not answered by an advisor: nothing to evaluate")
    if not actor.sees_team(team_id):
        raise Forbidden(f"contact {contact_id} was answered in another team than yours")
    if contact.state != "completed":
        raise Conflict(f"contact {contact_id} is {contact.state}: evaluate it once it is completed")
    form = _form(p, form_id)
    if not form.applies_to(Channel(contact.channel)):
        raise Invalid(f"form {form.id} is not for {contact.channel} contacts", field="form_id")
    try:
        result = score(form, ratings)
    except ValueError as exc:
        raise Invalid(str(exc), field="ratings") from exc
    text = comment.strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise Invalid(f"a comment has at most {MAX_COMMENT_CHARS} characters", field="comment")
    with p.transaction() as tx:
        twice = tx.session.scalar(
            select(EvaluationRow.id).where(
                EvaluationRow.contact_id == contact_id,
                EvaluationRow.form_id == form.id,
                EvaluationRow.evaluator_user_id == actor.user_id,
            )
        )
        if twice is not None:
            raise Conflict(f"you already evaluated contact {contact_id} on form {form.id}")
        row = EvaluationRow(
            contact_id=contact_id,
            agent_id=contact.agent_id,
            team_id=team_id,
            queue_id=contact.queue_id,
            channel=contact.channel,
            form_id=form.id,
            evaluator_user_id=actor.user_id,
            at=tx.now,
            ratings={q: str(r) for q, r in ratings.items()},
            comment=text,
            score_pct=result.score_pct,
            critical_failed=list(result.critical_failed),
            sections=dict(result.sections),
            passed=result.passed,
            location=contact.location,
            setup=contact.setup,
        )
        tx.session.add(row)
        tx.session.flush()
        tx.emit(
            "evaluation.created",
            {
                "evaluation_id": row.id,
                "form_id": form.id,
                "score_pct": result.score_pct,
                "passed": result.passed,
            },
            agent_id=contact.agent_id,
            team_id=team_id,
            queue_id=contact.queue_id,
            contact_id=contact_id,
            actor_user_id=actor.user_id,
        )
        evaluated = p.agents.get(contact.agent_id)
        audit.record(
            tx,
            "evaluation.created",
            actor=actor,
            origin=origin,
            subject_user_id=evaluated.user_id if evaluated is not None else None,
            subject_agent_id=contact.agent_id,
            detail={
                "contact_id": contact_id,
                "evaluation_id": row.id,
                "form_id": form.id,
                "score_pct": result.score_pct,
            },
        )
        return row


def _scoped(p: Platform, actor: Actor, agent_id: str | None, team_id: str | None) -> list[str]:
    """The advisors whose measures the actor may read, narrowed to one advisor or team."""
    if actor.role is Role.AGENT:
        if agent_id not in (None, actor.agent_id):
            raise Forbidden("an advisor sees its own evaluations only")
        return [actor.agent_id] if actor.agent_id else []
    if team_id is not None and not actor.sees_team(team_id):
        raise Forbidden(f"team {team_id} is not one of yours")
    ids = [
        a.id
        for a in p.agents.values()
        if actor.sees_team(a.team_id) and (team_id is None or a.team_id == team_id)
    ]
    if agent_id is not None:
        if agent_id not in p.agents:
            raise NotFound(f"no advisor {agent_id}")
        if agent_id not in ids:
            raise Forbidden(f"advisor {agent_id} is not in your teams")
        return [agent_id]
    return ids


def evaluations(
    p: Platform,
    actor: Actor,
    *,
    agent_id: str | None = None,
    team_id: str | None = None,
    contact_id: int | None = None,
    limit: int = 100,
) -> list[EvaluationRow]:
    """Newest first: an advisor's own, a manager's teams', everyone's for an admin."""
    ids = _scoped(p, actor, agent_id, team_id)
    query = (
        select(EvaluationRow)
        .where(EvaluationRow.agent_id.in_(ids))
        .order_by(EvaluationRow.id.desc())
        .limit(limit)
    )
    if contact_id is not None:
        query = query.where(EvaluationRow.contact_id == contact_id)
    with p.sessions() as session:
        return list(session.scalars(query))


def evaluation(p: Platform, actor: Actor, evaluation_id: int) -> EvaluationRow:
    with p.sessions() as session:
        row = session.get(EvaluationRow, evaluation_id)
    if row is None or not actor.sees_agent(row.agent_id, row.team_id):
        raise NotFound(f"no evaluation {evaluation_id}")
    return row


def record_satisfaction(
    p: Platform, actor: Actor, contact_id: int, *, csat: int, source: str
) -> ContactRow:
    """The customer's answer to the survey after the contact (the IVR's or a web, SMS or
    e-mail survey, through the integration account): once per contact."""
    actor.require(Role.ADMIN)
    if not 1 <= csat <= 5:
        raise Invalid("a satisfaction score is 1 to 5", field="csat")
    if source not in CSAT_SOURCES:
        raise Invalid(f"source is one of {', '.join(CSAT_SOURCES)}", field="source")
    live = p.contacts.get(contact_id)
    row: Mapping[str, Any] = live.row if live is not None else _columns(_contact(p, contact_id))
    if row["agent_id"] is None:
        raise Conflict(f"contact {contact_id} was not answered by an advisor")
    if row["ended_at"] is None:
        raise Conflict(f"contact {contact_id} is still going on: ask once it ended")
    if row["csat"] is not None:
        raise Conflict(f"contact {contact_id} already has a satisfaction score")
    agent_id = row["agent_id"]
    with p.transaction() as tx:
        values = {"csat": csat, "csat_at": tx.now, "csat_source": source}
        if live is not None:
            p.contact_values(tx, live, **values)
        else:
            tx.session.execute(update(ContactRow).where(ContactRow.id == contact_id).values(values))
        tx.emit(
            "contact.satisfaction",
            {"csat": csat, "source": source},
            agent_id=agent_id,
            team_id=_team_of(p, agent_id),
            queue_id=row["queue_id"],
            contact_id=contact_id,
            actor_user_id=actor.user_id,
        )
    return _contact(p, contact_id)


def _columns(row: ContactRow) -> dict[str, Any]:
    return {c: getattr(row, c) for c in ("agent_id", "ended_at", "csat", "queue_id")}


_CSAT_COLUMNS = (
    ContactRow.agent_id,
    ContactRow.queue_id,
    ContactRow.location,
    ContactRow.setup,
    ContactRow.csat,
    ContactRow.csat_at,
)

# -- summary -----------------------------------------------------------------------------


@dataclass(slots=True)
class QualityGroup:
    """The quality measures of one group (an advisor, team, way of working, set-up or
    queue) over one period."""

    group: str
    period: str  # the period's first day (ISO date; "all": the whole span)
    evaluations: int = 0
    score_sum: float = 0.0
    scored: int = 0
    passed: int = 0
    critical_failures: int = 0
    csat_responses: int = 0
    csat_sum: int = 0
    csat_satisfied: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "period": self.period,
            "evaluations": self.evaluations,
            "score_mean_pct": round(self.score_sum / self.scored, 2) if self.scored else None,
            "pass_rate": round(self.passed / self.scored, 4) if self.scored else None,
            "critical_failures": self.critical_failures,
            "csat_responses": self.csat_responses,
            "csat_mean": round(self.csat_sum / self.csat_responses, 3)
            if self.csat_responses
            else None,
            "csat_satisfied_share": round(self.csat_satisfied / self.csat_responses, 4)
            if self.csat_responses
            else None,
        }


def _period_start(p: Platform, at: dt.datetime, period: Period) -> str:
    if period == "all":
        return "all"
    day = at.astimezone(p.zone).date()
    if period == "week":
        return (day - dt.timedelta(days=day.weekday())).isoformat()
    return day.replace(day=1).isoformat()


def _key(
    by: GroupBy,
    agent_id: str,
    team_id: str | None,
    location: str | None,
    setup: str | None,
    queue_id: str,
) -> str:
    values = {"agent": agent_id, "team": team_id, "location": location, "setup": setup}
    return values.get(by, queue_id) or "unknown"


def summary(
    p: Platform,
    actor: Actor,
    *,
    by: GroupBy = "agent",
    period: Period = "week",
    since: dt.datetime,
    team_id: str | None = None,
    agent_id: str | None = None,
) -> list[dict[str, Any]]:
    """Evaluation scores and satisfaction per group and period since ``since``, within the
    actor's scope: the figures managers follow and the pilot compares."""
    ids = _scoped(p, actor, agent_id, team_id)
    groups: dict[tuple[str, str], QualityGroup] = {}

    def group(key: str, at: dt.datetime) -> QualityGroup:
        start = _period_start(p, at, period)
        return groups.setdefault((key, start), QualityGroup(key, start))

    with p.sessions() as session:
        scored: Iterable[EvaluationRow] = session.scalars(
            select(EvaluationRow).where(EvaluationRow.agent_id.in_(ids), EvaluationRow.at >= since)
        )
        for e in scored:
            g = group(_key(by, e.agent_id, e.team_id, e.location, e.setup, e.queue_id), e.at)
            g.evaluations += 1
            g.critical_failures += bool(e.critical_failed)
            if e.score_pct is not None:
                g.scored += 1
                g.score_sum += e.score_pct
                g.passed += bool(e.passed)
        answered = session.execute(
            select(*_CSAT_COLUMNS).where(ContactRow.agent_id.in_(ids), ContactRow.csat_at >= since)
        )
        for agent, queue, location, setup, csat, at in answered:
            if agent is None or csat is None or at is None:  # the query's filter excludes them
                continue
            g = group(_key(by, agent, _team_of(p, agent), location, setup, queue), at)
            g.csat_responses += 1
            g.csat_sum += csat
            g.csat_satisfied += csat in SATISFIED
    ordered = sorted(groups.values(), key=lambda g: (g.period, g.group))
    return [g.to_dict() for g in ordered]
