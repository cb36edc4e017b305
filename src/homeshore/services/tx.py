"""A use case's transaction (:class:`Tx`), the group-commit batch several use cases share,
and the Core statements of the hot path (built once: no SQL construction per request)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

import psycopg
from sqlalchemy import Executable, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from homeshore.db.tables import AgentRow, ContactRow, EventRow
from homeshore.realtime.types import Event
from homeshore.services import pg_writes
from homeshore.services.live import LiveAgent, LiveContact

_contacts = cast(Table, ContactRow.__table__)
_agents = cast(Table, AgentRow.__table__)
_events = cast(Table, EventRow.__table__)
CONTACT_COLUMNS = tuple(c.name for c in _contacts.c)
INSERT_CONTACT = insert(_contacts)
UPDATE_CONTACT = update(_contacts).where(_contacts.c.id == bindparam("_id"))
UPDATE_AGENT = update(_agents).where(_agents.c.id == bindparam("_id"))
INSERT_EVENTS = insert(_events).returning(_events.c.id, sort_by_parameter_order=True)


@dataclass(slots=True)
class Writes:
    """The row changes of a group commit, kept in memory until it: merged per row, then
    written in a few executemany statements (:meth:`freeze`, :func:`apply`)."""

    #: contacts created in this commit: the router's image of the row (inserted as it is
    #: when the commit starts, so later changes in the same commit need no UPDATE)
    new_contacts: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: changed columns per contact and per agent, merged in the order the use cases set them
    contact_updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    agent_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: other statements, run in order after the ORM objects of the session are flushed
    statements: list[tuple[Executable, dict[str, Any]]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: external ids of the new contacts: the commit checks that none is already stored
    external_ids: dict[str, int] = field(default_factory=dict)

    def freeze(self) -> FrozenWrites:
        """The parameters of every statement, copied now (the router's memory moves on
        while another thread writes them)."""
        inserts = [dict(row) for row in self.new_contacts.values()]
        # the change dicts belong to this batch alone (the next batch has its own): no copy
        updates = {
            cid: values
            for cid, values in self.contact_updates.items()
            if cid not in self.new_contacts
        }
        return FrozenWrites(
            inserts,
            updates,
            self.agent_updates,
            list(self.statements),
            self.events,
            dict(self.external_ids),
        )


@dataclass(frozen=True, slots=True)
class FrozenWrites:
    contact_inserts: list[dict[str, Any]]
    contact_updates: dict[int, dict[str, Any]]  # contact id -> changed columns
    agent_updates: dict[str, dict[str, Any]]  # agent id -> changed columns
    statements: list[tuple[Executable, dict[str, Any]]]
    events: list[dict[str, Any]]
    external_ids: dict[str, int]


def _grouped(changes: dict[Any, dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows with the same set of changed columns, together: one executemany each."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for key, values in changes.items():
        by_columns.setdefault(tuple(sorted(values)), []).append({"_id": key, **values})
    return list(by_columns.values())


class StoredExternalIds(Exception):
    """New contacts of a batch whose external id is already stored: a retry the router's
    memory no longer knew about. ``known`` maps each to the stored contact's id."""

    def __init__(self, known: dict[str, int]) -> None:
        super().__init__(f"{len(known)} external id(s) already stored")
        self.known = known


def apply(session: Session, writes: FrozenWrites) -> list[int]:
    """Write a commit's changes (the caller commits); returns the ids the event log gave
    its events, in order. Raises StoredExternalIds before writing anything if a new
    contact's external id is already stored. New contacts go first (other rows refer to
    them), then the session's ORM objects, the other statements, the updates, the events."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return _apply_postgresql(session, writes)
    if writes.external_ids:
        stored = conn.execute(_BY_EXTERNAL_IDS, {"ids": list(writes.external_ids)}).all()
        if stored:
            raise StoredExternalIds({ext: cid for cid, ext in stored})
    if writes.contact_inserts:
        conn.execute(INSERT_CONTACT, writes.contact_inserts)
    session.flush()
    for statement, params in writes.statements:
        conn.execute(statement, params)
    for rows in _grouped(writes.contact_updates):
        conn.execute(UPDATE_CONTACT, rows)
    for rows in _grouped(writes.agent_updates):
        conn.execute(UPDATE_AGENT, rows)
    return write_event_ids(session, writes.events)


def _apply_postgresql(session: Session, writes: FrozenWrites) -> list[int]:
    """The same writes in pipelines: the checks and the event ids in one round trip, the
    rows in another (a third when ORM objects or other statements must go in between)."""
    conn = session.connection()
    driver = cast("psycopg.Connection[Any]", conn.connection.driver_connection)
    with driver.cursor() as check, driver.cursor() as sequence, driver.cursor() as cursor:
        with driver.pipeline():
            if writes.external_ids:
                check.execute(_PG_BY_EXTERNAL_IDS, [list(writes.external_ids)])
            if writes.events:
                pg_writes.reserve_ids(sequence, _events, len(writes.events))
        if writes.external_ids:
            known = {str(ext): int(cid) for cid, ext in check.fetchall()}
            if known:
                raise StoredExternalIds(known)
        ids = pg_writes.reserved_ids(sequence) if writes.events else []
        between = bool(session.new or session.dirty or session.deleted or writes.statements)
        if between:
            pg_writes.insert_rows(cursor, _contacts, writes.contact_inserts)
            session.flush()
            for statement, params in writes.statements:
                conn.execute(statement, params)
        with driver.pipeline():
            if not between:
                pg_writes.insert_rows(cursor, _contacts, writes.contact_inserts)
            pg_writes.update_rows(cursor, _contacts, writes.contact_updates)
            pg_writes.update_rows(cursor, _agents, writes.agent_updates)
            pg_writes.insert_events(cursor, _events, writes.events, ids)
    return ids


_BY_EXTERNAL_IDS = select(_contacts.c.id, _contacts.c.external_id).where(
    _contacts.c.external_id.in_(bindparam("ids", expanding=True))
)
_PG_BY_EXTERNAL_IDS = "SELECT id, external_id FROM contacts WHERE external_id = ANY(%s)"


@dataclass(slots=True)
class Tx:
    """One transaction of a use case: the session, its time, and the events it emits.
    In a group commit (``writes`` set) row changes wait in ``writes`` for the commit;
    otherwise they are executed at once. Events are written at commit time (their ids
    come from the log)."""

    session: Session
    now: dt.datetime
    events: list[dict[str, Any]] = field(default_factory=list)
    writes: Writes | None = None
    #: the contacts this transaction changed, as the router's image of their row
    contact_rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: a row change was made or queued (agent rows and other statements; contacts are
    #: in ``contact_rows``)
    wrote: bool = False

    def changed_nothing(self) -> bool:
        """No row change, new row or event yet: a failure now concerns this use case
        alone (the batch it shares with others is untouched)."""
        session = self.session
        return not (
            self.wrote
            or self.contact_rows
            or self.events
            or session.new
            or session.dirty
            or session.deleted
        )

    def emit(
        self,
        type_: str,
        data: dict[str, Any] | None = None,
        *,
        agent_id: str | None = None,
        team_id: str | None = None,
        queue_id: str | None = None,
        contact_id: int | None = None,
        user_id: int | None = None,
        actor_user_id: int | None = None,
    ) -> None:
        self.events.append(
            {
                "at": self.now,
                "type": type_,
                "data": data or {},
                "agent_id": agent_id,
                "team_id": team_id,
                "queue_id": queue_id,
                "contact_id": contact_id,
                "user_id": user_id,
                "actor_user_id": actor_user_id,
            }
        )

    def emit_about(
        self,
        type_: str,
        contact: LiveContact,
        agent: LiveAgent,
        *,
        actor_user_id: int | None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """An event about a contact in an agent's hands (its queue, agent and team see it)."""
        self.emit(
            type_,
            {"queue_id": contact.queue_id, **(data or {})},
            agent_id=agent.id,
            team_id=agent.team_id,
            queue_id=contact.queue_id,
            contact_id=contact.id,
            actor_user_id=actor_user_id,
        )

    def execute(self, statement: Executable, params: dict[str, Any] | None = None) -> None:
        """A write that nothing in this transaction reads back: deferred in a group
        commit, run now otherwise."""
        self.wrote = True
        if self.writes is not None:
            self.writes.statements.append((statement, params or {}))
        else:
            self.session.connection().execute(statement, params or {})

    def write_events(self) -> list[Event]:
        ids = write_event_ids(self.session, self.events)
        return [Event(id=i, **values) for i, values in zip(ids, self.events, strict=True)]


def write_event_ids(session: Session, events: list[dict[str, Any]]) -> list[int]:
    """INSERT the events; their ids come from the log, in order."""
    if not events:
        return []
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return list(conn.scalars(INSERT_EVENTS, events).all())
    driver = cast("psycopg.Connection[Any]", conn.connection.driver_connection)
    with driver.cursor() as cursor:
        pg_writes.reserve_ids(cursor, _events, len(events))
        ids = pg_writes.reserved_ids(cursor)
        pg_writes.insert_events(cursor, _events, events, ids)
    return ids


@dataclass(slots=True)
class Batch:
    """Use cases sharing one transaction (group commit): their writes, and the outcome
    their callers wait for before they answer."""

    session: Session
    done: asyncio.Future[None]
    writes: Writes = field(default_factory=Writes)
