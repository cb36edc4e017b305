"""A use case's transaction (:class:`Tx`), the group-commit batch several use cases share,
and the Core statements of the hot path (built once: no SQL construction per request)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from homeshore.db.tables import AgentRow, ContactRow, EventRow
from homeshore.realtime.types import Event

_contacts = cast(Table, ContactRow.__table__)
_agents = cast(Table, AgentRow.__table__)
_events = cast(Table, EventRow.__table__)
#: returns the whole row: a use case answers with it, no SELECT after the write
UPDATE_CONTACT = update(_contacts).where(_contacts.c.id == bindparam("_id")).returning(*_contacts.c)
UPDATE_AGENT = update(_agents).where(_agents.c.id == bindparam("_id"))
INSERT_EVENTS = insert(_events).returning(_events.c.id, sort_by_parameter_order=True)


@dataclass(slots=True)
class Tx:
    """One transaction of a use case: the session, its time, and the events it emits.
    Events are written in one statement at commit time (their ids come from the log)."""

    session: Session
    now: dt.datetime
    events: list[dict[str, Any]] = field(default_factory=list)
    #: contact rows as the last INSERT/UPDATE ... RETURNING of this transaction left them
    contact_rows: dict[int, Any] = field(default_factory=dict)
    #: in a group commit, agent row changes wait here (merged per agent) for the commit
    agent_updates: dict[str, dict[str, Any]] | None = None

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

    def write_events(self) -> list[Event]:
        return write_events(self.session, self.events)


def write_events(session: Session, events: list[dict[str, Any]]) -> list[Event]:
    """INSERT the events in one statement; their ids come from the log, in order."""
    if not events:
        return []
    ids = session.connection().scalars(INSERT_EVENTS, events).all()
    return [Event(id=i, **values) for i, values in zip(ids, events, strict=True)]


def write_agent_updates(session: Session, updates: dict[str, dict[str, Any]]) -> None:
    """The agent rows a batch changed: one executemany per set of columns (pipelined by
    the driver), each agent's values merged in the order the use cases set them."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for agent_id, values in updates.items():
        by_columns.setdefault(tuple(sorted(values)), []).append({"_id": agent_id, **values})
    conn = session.connection()
    for rows in by_columns.values():
        conn.execute(UPDATE_AGENT, rows)


@dataclass(slots=True)
class Batch:
    """Use cases sharing one transaction (group commit): their events, and the outcome
    their callers wait for before they answer."""

    session: Session
    done: asyncio.Future[None]
    events: list[dict[str, Any]] = field(default_factory=list)
    agent_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
