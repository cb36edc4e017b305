"""The audit trail: who did what, when and from where on the live platform.

Use cases record an entry with :func:`record` in their own transaction, so the entry
commits with the change it describes (or not at all). The trail is append-only: nothing
here changes or deletes an entry, the database refuses it (migration 0009), and only the
retention purge (:mod:`homeshore.services.retention`) removes entries past their time.

Who sees what: an administrator every entry (:func:`entries`); an advisor, their managers
and an administrator the entries about the advisor (:func:`about_agent`). There the
address and browser are shown only to an administrator, to whoever acted, and to the
advisor for the logins to their own account: a manager does not learn where an advisor
works from, nor an advisor where their manager does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, Table, insert, select
from sqlalchemy.orm import Session

from homeshore.db.tables import AuditRow
from homeshore.services.errors import Invalid, NotFound
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.tx import Tx

_audit = cast(Table, AuditRow.__table__)
_INSERT = insert(_audit)
MAX_ADDRESS = 64
MAX_USER_AGENT = 300
MAX_NAME = 100
#: how many entries a query returns at most
MAX_LIMIT = 1000
#: every action the trail records (docs/api.md, "Audit trail and retention")
ACTIONS = (
    "login.ok",
    "login.failed",
    "login.locked",
    "logout",
    "session.ended",
    "user.created",
    "user.disabled",
    "user.enabled",
    "user.password_set",
    "monitoring.listen.started",
    "monitoring.listen.ended",
    "monitoring.whisper.started",
    "monitoring.whisper.ended",
    "monitoring.barge.started",
    "monitoring.barge.ended",
    "recording.played",
    "contact.taken_over",
    "evaluation.created",
    "schedule.imported",
    "schedule.changed",
    "readiness.verdict",
    "retention.purged",
)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from: the client's address (uvicorn resolves trusted proxies)
    and its user agent, as the route saw them."""

    address: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """An entry as a reader may see it (``address`` and ``user_agent`` None when hidden)."""

    id: int
    at: dt.datetime
    actor_user_id: int | None
    actor: str
    action: str
    subject_user_id: int | None
    subject_agent_id: str | None
    detail: dict[str, object]
    address: str | None
    user_agent: str | None


def _bounded(value: str | None, size: int) -> str | None:
    return None if value is None else value[:size]


def record(
    where: Tx | Session,
    action: str,
    *,
    at: dt.datetime | None = None,
    actor: Actor | None = None,
    actor_name: str | None = None,
    actor_user_id: int | None = None,
    origin: Origin | None = None,
    subject_user_id: int | None = None,
    subject_agent_id: str | None = None,
    detail: Mapping[str, object] | None = None,
) -> None:
    """Append one entry, in the transaction of ``where`` (a use case's, deferred with the
    group commit, or a plain session's). ``actor``: the signed-in user who acted; else
    ``actor_name`` (and ``actor_user_id`` if known) says who or what did: the name tried by
    a failed login, the command line, the purge. ``at`` defaults to the transaction's time
    (needed with a session)."""
    when = at if at is not None or not isinstance(where, Tx) else where.now
    if when is None:
        raise ValueError("an audit entry needs its time")
    values: dict[str, Any] = {
        "at": when,
        "actor_user_id": actor.user_id if actor is not None else actor_user_id,
        "actor": _bounded(actor.username if actor is not None else actor_name or "", MAX_NAME),
        "action": action,
        "subject_user_id": subject_user_id,
        "subject_agent_id": subject_agent_id,
        "detail": dict(detail or {}),
        "address": _bounded(origin.address if origin else None, MAX_ADDRESS),
        "user_agent": _bounded(origin.user_agent if origin else None, MAX_USER_AGENT),
    }
    where.execute(_INSERT, values)  # a Tx defers it to the group commit


def _entry(row: AuditRow, *, with_origin: bool = True) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor_user_id=row.actor_user_id,
        actor=row.actor,
        action=row.action,
        subject_user_id=row.subject_user_id,
        subject_agent_id=row.subject_agent_id,
        detail=dict(row.detail),
        address=row.address if with_origin else None,
        user_agent=row.user_agent if with_origin else None,
    )


def _newest(query: Select[AuditRow], before_id: int | None, limit: int) -> Select[AuditRow]:
    if before_id is not None:
        query = query.where(AuditRow.id < before_id)
    return query.order_by(AuditRow.id.desc()).limit(max(1, min(limit, MAX_LIMIT)))


def entries(
    p: Platform,
    actor: Actor,
    *,
    actor_user_id: int | None = None,
    subject_user_id: int | None = None,
    subject_agent_id: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Newest first, for an administrator: ``action`` is a prefix (``login.``), ``since``
    inclusive and ``until`` exclusive, ``before_id`` pages back."""
    actor.require(Role.ADMIN)
    query = select(AuditRow)
    if actor_user_id is not None:
        query = query.where(AuditRow.actor_user_id == actor_user_id)
    if subject_user_id is not None:
        query = query.where(AuditRow.subject_user_id == subject_user_id)
    if subject_agent_id is not None:
        query = query.where(AuditRow.subject_agent_id == subject_agent_id)
    if action:
        query = query.where(AuditRow.action.startswith(action, autoescape=True))
    if since is not None:
        query = query.where(AuditRow.at >= _utc(since, "since"))
    if until is not None:
        query = query.where(AuditRow.at < _utc(until, "until"))
    with p.sessions() as session:
        return [_entry(r) for r in session.scalars(_newest(query, before_id, limit))]


def _utc(value: dt.datetime, field: str) -> dt.datetime:
    """A bound in UTC (a time zone is needed; the year 1 at +14:00 has no UTC time)."""
    if value.tzinfo is None:
        raise Invalid("give a time with its time zone (2026-12-01T08:00:00+01:00)", field)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise Invalid("this time is out of range", field) from None


def _origin_shown(viewer: Actor, row: AuditRow) -> bool:
    if viewer.is_admin or (row.actor_user_id is not None and row.actor_user_id == viewer.user_id):
        return True
    return row.subject_user_id == viewer.user_id and row.action.startswith("login.")


def about_agent(
    p: Platform, viewer: Actor, agent_id: str, *, before_id: int | None = None, limit: int = 100
) -> list[AuditEntry]:
    """The entries about one advisor, newest first, for the advisor, their managers and an
    administrator (404 for anyone else, as for an unknown advisor)."""
    agent = p.agents.get(agent_id)
    if agent is None or not viewer.sees_agent(agent.id, agent.team_id):
        raise NotFound(f"no agent {agent_id}")
    query = select(AuditRow).where(AuditRow.subject_agent_id == agent_id)
    with p.sessions() as session:
        rows = session.scalars(_newest(query, before_id, limit))
        return [_entry(r, with_origin=_origin_shown(viewer, r)) for r in rows]
