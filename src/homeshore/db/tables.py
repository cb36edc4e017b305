"""Database rows of the live platform (SQLAlchemy 2 declarative). API schemas live elsewhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from homeshore.db.types import UtcDateTime

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets BIGINT identities
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class TeamRow(Base):
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    manager: Mapped[str] = mapped_column(String(100))
    site: Mapped[str] = mapped_column(String(64))


class QueueRow(Base):
    __tablename__ = "queues"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    skill: Mapped[str] = mapped_column(String(64))
    concurrency: Mapped[int] = mapped_column(Integer, default=1)
    threshold_s: Mapped[float] = mapped_column(Float, default=20.0)


class AgentRow(Base):
    """An advisor and its live state (the router's source of truth after a restart)."""

    __tablename__ = "agents"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    work_modes: Mapped[str] = mapped_column(String(64))  # comma separated WorkMode values
    skills: Mapped[dict[str, int]] = mapped_column(JSON)
    primary_skill: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="offline")
    state_reason: Mapped[str] = mapped_column(String(100), default="")
    state_since: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    location: Mapped[str | None] = mapped_column(String(16))  # site, telecentre or home
    idle_since: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    readiness: Mapped[str] = mapped_column(String(8), default="unknown")
    # why the home set-up must be checked again before the next shift from home (None: not)
    readiness_due: Mapped[str | None] = mapped_column(String(32))


def username_key(username: str) -> str:
    """What makes user names the same: their case does not count (``Admin`` is ``admin``)."""
    return username.casefold()


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    # username_key(username): unique, what logins and new accounts are matched on
    username_key: Mapped[str] = mapped_column(String(300), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # admin, supervisor, agent
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # interface language chosen by the user (fr, en); None: follow the browser
    language: Mapped[str | None] = mapped_column(String(8), default=None)


class SupervisorTeamRow(Base):
    __tablename__ = "supervisor_teams"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), primary_key=True)


class SessionRow(Base):
    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ContactRow(Base):
    """A call or chat, from intake to completion. ``queue_key`` orders the waiting line."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_state_queue", "state", "queue_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    queue_id: Mapped[str] = mapped_column(ForeignKey("queues.id"))
    channel: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    customer_ref: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), index=True)
    target_agent_id: Mapped[str | None] = mapped_column(String(64))  # transfer to an agent
    handler_user_id: Mapped[int | None] = mapped_column(BigInteger)  # manager who took over
    queue_key: Mapped[float] = mapped_column(Float)  # smaller first; requeue keeps it
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    enqueued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    offered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    offer_deadline: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    wait_s: Mapped[float | None] = mapped_column(Float)
    disposition: Mapped[str | None] = mapped_column(String(100))
    offers: Mapped[int] = mapped_column(Integer, default=0)
    transfers: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    # where the advisor who answered worked (site, telecentre, home) and its home set-up
    # (SetUp.key) at that moment: the pilot compares quality measures by them
    location: Mapped[str | None] = mapped_column(String(16))
    setup: Mapped[str | None] = mapped_column(String(64))
    # the customer's satisfaction (1-5) posted after the contact by a survey or the IVR
    csat: Mapped[int | None] = mapped_column(Integer)
    csat_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    csat_source: Mapped[str | None] = mapped_column(String(16))
    # a call to a customer placed by an advisor: the contact it calls back
    callback_of: Mapped[int | None] = mapped_column(BigInteger)


class ConversationRow(Base):
    """A help chat (agent and manager, tied to a contact) or a customer chat."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # help, customer
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    manager_user_id: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class MessageRow(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    sender: Mapped[str] = mapped_column(String(16))  # agent, manager, customer
    sender_user_id: Mapped[int | None] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ScheduleSegmentRow(Base):
    __tablename__ = "schedule_segments"
    __table_args__ = (Index("ix_schedule_agent_start", "agent_id", "start"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(String(64))
    start: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    end: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    activity: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(String(16))
    site: Mapped[str | None] = mapped_column(String(64))
    queue: Mapped[str | None] = mapped_column(String(64))


class ForecastIntervalRow(Base):
    """The day's forecast the intraday re-forecast starts from (FORECAST_COLUMNS of
    ``homeshore plan``/``homeshore forecast``), per queue and interval."""

    __tablename__ = "forecast_intervals"
    queue_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    start: Mapped[dt.datetime] = mapped_column(UtcDateTime, primary_key=True)
    interval_min: Mapped[int] = mapped_column(Integer)
    volume: Mapped[float] = mapped_column(Float)
    volume_p10: Mapped[float] = mapped_column(Float)
    volume_p50: Mapped[float] = mapped_column(Float)
    volume_p90: Mapped[float] = mapped_column(Float)
    aht_s: Mapped[float] = mapped_column(Float)


class OfferRow(Base):
    """An intraday offer (homeshore.services.intraday): extra time on a queue, or time off,
    for ``places`` advisors among its recipients, first come first served until the deadline."""

    __tablename__ = "intraday_offers"
    __table_args__ = (Index("ix_intraday_offers_state", "state", "deadline"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # extra, time_off
    queue_id: Mapped[str] = mapped_column(String(64))
    start: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    end: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    places: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16))  # open, filled, expired, withdrawn
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    deadline: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(100))  # a user's name, or "intraday"
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)  # the gap that made it


class OfferRecipientRow(Base):
    """An advisor an offer was sent to, where they would work, and their reply."""

    __tablename__ = "intraday_offer_recipients"
    __table_args__ = (Index("ix_offer_recipients_agent", "agent_id", "offer_id"),)
    offer_id: Mapped[int] = mapped_column(ForeignKey("intraday_offers.id"), primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    location: Mapped[str] = mapped_column(String(16))
    site: Mapped[str | None] = mapped_column(String(64))
    # None until the advisor replies: accepted, declined, too_late (no place left, or the
    # deadline passed), refused (the rules no longer allow it: detail says which)
    reply: Mapped[str | None] = mapped_column(String(16))
    replied_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ScheduleRequestRow(Base):
    """An advisor's request to change a day of their schedule (homeshore.services.requests):
    work it elsewhere (``location``), or swap it with a colleague (``swap``)."""

    __tablename__ = "schedule_requests"
    __table_args__ = (
        Index("ix_schedule_requests_agent", "agent_id", "day"),
        Index("ix_schedule_requests_colleague", "colleague_id", "day"),
        Index("ix_schedule_requests_state", "state", "day"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # location, swap
    agent_id: Mapped[str] = mapped_column(String(64))  # who asks
    colleague_id: Mapped[str | None] = mapped_column(String(64))  # a swap's other advisor
    day: Mapped[dt.date] = mapped_column(Date)  # the local date changed
    location: Mapped[str | None] = mapped_column(String(16))  # a location change's place
    # awaiting_colleague, awaiting_planner, approved, refused, cancelled
    state: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))  # a user's name, or "platform"
    # the rules broken, who declined or decided and why
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReadinessCheckRow(Base):
    __tablename__ = "readiness_checks"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    verdict: Mapped[str] = mapped_column(String(8))
    r_factor: Mapped[float] = mapped_column(Float)
    mos: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    samples: Mapped[list[dict[str, float]]] = mapped_column(JSON)
    # what was measured: "media" (UDP through the media relay, as a call) or "websocket"
    path: Mapped[str | None] = mapped_column(String(16))
    # the home set-up the advisor declared (homeshore.readiness.setup.SetUp.to_dict)
    setup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # where the figures come from: "measured" (by the server, on its probe websocket) or
    # "reported" (only by a client: never lets an advisor work from home); None before 0006
    source: Mapped[str | None] = mapped_column(String(16))
    # a measured check: the figures the client reported too (ProbeSummary.to_dict and
    # "judged_on_it": the verdict rests on them, being worse than the server's)
    reported: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class EvaluationRow(Base):
    """A manager's quality evaluation of one contact, on a form of the scenario."""

    __tablename__ = "evaluations"
    __table_args__ = (Index("ix_evaluations_agent_at", "agent_id", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    team_id: Mapped[str] = mapped_column(String(64), index=True)
    queue_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    form_id: Mapped[str] = mapped_column(String(64))
    evaluator_user_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ratings: Mapped[dict[str, str]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    score_pct: Mapped[float | None] = mapped_column(Float)
    critical_failed: Mapped[list[str]] = mapped_column(JSON)
    sections: Mapped[dict[str, float | None]] = mapped_column(JSON)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # the contact's: where the advisor worked and its set-up when it answered
    location: Mapped[str | None] = mapped_column(String(16))
    setup: Mapped[str | None] = mapped_column(String(64))


class RecordingRow(Base):
    """A recorded call's audio (a stereo WAV: caller left, advisor right), kept until
    ``expires_at`` (the purge deletes file and row)."""

    __tablename__ = "recordings"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), unique=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    team_id: Mapped[str] = mapped_column(String(64), index=True)
    queue_id: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(1000))
    duration_s: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)


class RouterLeaseRow(Base):
    """The one row of the router lease (homeshore.services.lease): the routing process's
    address and the fencing token of its takeover."""

    __tablename__ = "router_lease"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[int] = mapped_column(BigInteger)
    node: Mapped[str] = mapped_column(String(500))
    since: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """One entry of the audit trail (homeshore.services.audit): who did what, when and from
    where. Append-only: the database refuses to change an entry (a trigger, migration 0009)
    and, on PostgreSQL, to delete one outside the retention purge."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_subject_agent", "subject_agent_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)  # None: unknown or system
    actor: Mapped[str] = mapped_column(String(100))  # the user's name, or what acted
    action: Mapped[str] = mapped_column(String(40))
    subject_user_id: Mapped[int | None] = mapped_column(BigInteger)  # the account concerned
    subject_agent_id: Mapped[str | None] = mapped_column(String(64))  # the advisor concerned
    detail: Mapped[dict[str, object]] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class EventRow(Base):
    """The persisted event log: the id is the event id every client sees."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    type: Mapped[str] = mapped_column(String(40), index=True)
    agent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    team_id: Mapped[str | None] = mapped_column(String(64))
    queue_id: Mapped[str | None] = mapped_column(String(64))
    contact_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)  # a single recipient user
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)
    data: Mapped[dict[str, object]] = mapped_column(JSON)
