"""Retention of personal data: what the live platform keeps, and for how long.

- audit entries older than ``audit_days`` are deleted (the only deletion the audit trail
  allows: on PostgreSQL the purge's transaction sets ``homeshore.purge``, which its
  trigger asks for);
- events older than ``events_days`` are deleted (the newest is always kept: event ids go
  on from it);
- a closed contact older than ``contacts_personal_days`` loses its customer reference
  (``customer_ref`` erased, ``external_id`` cleared) and the text of its chat messages; its
  figures (queue, times, waits, disposition, satisfaction) stay for the statistics.

Recorded calls have their own retention (``voice_recording_days``,
:func:`homeshore.services.recordings.purge`). Everything goes in bounded batches, each its
own short transaction, so neither the router nor other writers wait long. The purge is in
the audit trail, with its counts.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Result,
    Table,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

from homeshore.config import Settings
from homeshore.db.tables import AuditRow, ContactRow, ConversationRow, EventRow, MessageRow
from homeshore.services import audit
from homeshore.services.platform import OPEN_CONTACT_STATES, Platform

log = logging.getLogger(__name__)
_audit = cast(Table, AuditRow.__table__)
_events = cast(Table, EventRow.__table__)
_contacts = cast(Table, ContactRow.__table__)
_conversations = cast(Table, ConversationRow.__table__)
_messages = cast(Table, MessageRow.__table__)
#: rows deleted or erased per transaction
BATCH_ROWS = 1000
#: an erased customer reference or message (a contact's reference is never empty before)
ERASED = ""
#: who purges, in the audit trail: the server's housekeeping, or the command
HOUSEKEEPING = "retention purge"
COMMAND = "homeshore purge"


@dataclass(frozen=True, slots=True)
class Purged:
    """What a purge removed (or, dry, would remove): rows per table."""

    audit: int = 0
    events: int = 0
    contacts: int = 0  # closed contacts whose customer reference was erased
    messages: int = 0  # chat messages whose text was erased

    @property
    def total(self) -> int:
        return self.audit + self.events + self.contacts + self.messages

    def counts(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Cutoffs:
    audit: dt.datetime
    events: dt.datetime
    contacts: dt.datetime

    @classmethod
    def of(cls, settings: Settings, now: dt.datetime) -> _Cutoffs:
        def days(n: int) -> dt.datetime:
            return now - dt.timedelta(days=n)

        return cls(
            days(settings.audit_days),
            days(settings.events_days),
            days(settings.contacts_personal_days),
        )


def purge(
    sessions: sessionmaker[Session],
    settings: Settings,
    now: dt.datetime,
    *,
    dry_run: bool = False,
    by: str = HOUSEKEEPING,
    always_record: bool = False,
    batch_rows: int = BATCH_ROWS,
    stop: threading.Event | None = None,
) -> Purged:
    """Remove what is past its retention at ``now`` (``dry_run``: only count it). The audit
    trail gets an entry ``retention.purged`` with the counts, by ``by``, when anything was
    removed (or ``always_record``). ``stop`` set: the purge ends after its current batch."""
    cutoffs = _Cutoffs.of(settings, now)
    if dry_run:
        with sessions() as session:
            return Purged(
                audit=_count_old(session, _audit, cutoffs.audit, keep_newest=False),
                events=_count_old(session, _events, cutoffs.events, keep_newest=True),
                contacts=_count(session, _contacts.c.id, _personal(cutoffs.contacts)),
                messages=_count(session, _messages.c.id, _messages_of(cutoffs.contacts)),
            )
    removed_audit = _delete_old(sessions, _audit, cutoffs.audit, batch_rows, stop)
    removed_events = _delete_old(sessions, _events, cutoffs.events, batch_rows, stop)
    contacts, messages = _erase_contacts(sessions, cutoffs.contacts, batch_rows, stop)
    purged = Purged(removed_audit, removed_events, contacts, messages)
    if purged.total or always_record:
        days = {
            "audit_days": settings.audit_days,
            "events_days": settings.events_days,
            "contacts_personal_days": settings.contacts_personal_days,
        }
        with sessions() as session:
            detail = {**purged.counts(), **days}
            audit.record(session, "retention.purged", at=now, actor_name=by, detail=detail)
            session.commit()
    return purged


def _rowcount(result: Result[Any]) -> int:
    return int(cast("CursorResult[Any]", result).rowcount)


def _old(table: Table, boundary: int, cutoff: dt.datetime) -> ColumnElement[bool]:
    return (table.c.id < boundary) & (table.c.at < cutoff)


def _boundary(session: Session, table: Table, cutoff: dt.datetime, *, keep_newest: bool) -> int:
    """Rows are old only below this id: the first row (by id) not older than ``cutoff``,
    else the newest row (kept with ``keep_newest``). Ids grow with time, so the old rows
    are found by walking the primary key from the start, without an index on the time."""
    first_new = session.scalar(
        select(table.c.id).where(table.c.at >= cutoff).order_by(table.c.id).limit(1)
    )
    if first_new is not None:
        return int(first_new)
    newest = session.scalar(select(func.max(table.c.id)))
    if newest is None:
        return 0
    return int(newest) if keep_newest else int(newest) + 1


def _count(session: Session, column: ColumnElement[int], where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count(column)).where(where)) or 0)


def _count_old(session: Session, table: Table, cutoff: dt.datetime, *, keep_newest: bool) -> int:
    boundary = _boundary(session, table, cutoff, keep_newest=keep_newest)
    return _count(session, table.c.id, _old(table, boundary, cutoff))


def _delete_old(
    sessions: sessionmaker[Session],
    table: Table,
    cutoff: dt.datetime,
    batch_rows: int,
    stop: threading.Event | None,
) -> int:
    with sessions() as session:
        boundary = _boundary(session, table, cutoff, keep_newest=table is _events)
    batch = select(table.c.id).where(_old(table, boundary, cutoff))
    batch = batch.order_by(table.c.id).limit(batch_rows)
    statement = delete(table).where(table.c.id.in_(batch))
    done = 0
    while stop is None or not stop.is_set():
        with sessions() as session:
            if table is _audit and session.get_bind().dialect.name == "postgresql":
                # the one deletion the audit trail's trigger lets through
                session.execute(text("SET LOCAL homeshore.purge = 'on'"))
            count = _rowcount(session.execute(statement))
            session.commit()
        done += count
        if count < batch_rows:
            break
    return done


def _personal(cutoff: dt.datetime) -> ColumnElement[bool]:
    """Closed contacts older than ``cutoff`` whose personal data is still there."""
    c = _contacts.c
    closed = c.state.not_in(OPEN_CONTACT_STATES)
    return (c.created_at < cutoff) & closed & (c.customer_ref != ERASED)


def _messages_of(cutoff: dt.datetime) -> ColumnElement[bool]:
    contacts = select(_contacts.c.id).where(_personal(cutoff))
    conversations = select(_conversations.c.id).where(_conversations.c.contact_id.in_(contacts))
    return _messages.c.conversation_id.in_(conversations) & (_messages.c.body != ERASED)


def _erase_contacts(
    sessions: sessionmaker[Session],
    cutoff: dt.datetime,
    batch_rows: int,
    stop: threading.Event | None,
) -> tuple[int, int]:
    """Erase the personal data of old closed contacts, a batch per transaction: their
    customer reference, external id and chat messages' text."""
    contacts = messages = 0
    pick = select(_contacts.c.id).where(_personal(cutoff)).order_by(_contacts.c.id)
    while stop is None or not stop.is_set():
        with sessions() as session:
            ids = list(session.scalars(pick.limit(batch_rows)))
            if not ids:
                break
            session.execute(
                update(_contacts)
                .where(_contacts.c.id.in_(ids))
                .values(customer_ref=ERASED, external_id=None)
            )
            chats = select(_conversations.c.id).where(_conversations.c.contact_id.in_(ids))
            erased = session.execute(
                update(_messages)
                .where(_messages.c.conversation_id.in_(chats), _messages.c.body != ERASED)
                .values(body=ERASED)
            )
            session.commit()
        contacts += len(ids)
        messages += _rowcount(erased)
        if len(ids) < batch_rows:
            break
    return contacts, messages


#: how often the server's housekeeping runs the purge (and once at start)
EVERY_S = 6 * 3600.0


async def purge_off_loop(p: Platform) -> Purged | None:
    """The server's purge, in a worker thread so the tick goes on meanwhile; a failure is
    logged (the next run tries again). Cancelled, it ends after its current batch."""
    stop = threading.Event()
    try:
        purged = await asyncio.to_thread(purge, p.sessions, p.settings, p.clock.now(), stop=stop)
    except asyncio.CancelledError:
        stop.set()
        raise
    except Exception:
        log.exception("retention purge failed")
        return None
    if purged.total:
        log.info("retention purge: %s", purged.counts())
    return purged


def start_purge(p: Platform) -> asyncio.Task[Purged | None]:
    """Start :func:`purge_off_loop`; it is cancelled with the task that started it (the
    housekeeping tick, at shutdown)."""
    task = asyncio.create_task(purge_off_loop(p))
    parent = asyncio.current_task()
    if parent is not None:
        parent.add_done_callback(lambda _parent: task.cancel())
    return task
