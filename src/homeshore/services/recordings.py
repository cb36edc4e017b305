"""Recorded calls: stored when the call ends, played by the advisor's own managers, deleted
when the retention period (HOMESHORE_VOICE_RECORDING_DAYS) is over. Every step is an event:
the advisor sees that a call was recorded and who listened to it."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from sqlalchemy import select

from homeshore.db.tables import ContactRow, RecordingRow
from homeshore.services import audit
from homeshore.services.audit import Origin
from homeshore.services.errors import Forbidden, NotFound
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role

log = logging.getLogger(__name__)


def _holder(p: Platform, contact_id: int) -> tuple[str, str] | None:
    """The contact's advisor and queue (memory first: a call in wrap-up may not be written
    yet; the caller awaited the platform's commit for closed ones)."""
    live = p.contacts.get(contact_id)
    if live is not None:
        return (live.agent_id, live.queue_id) if live.agent_id else None
    with p.sessions() as session:
        row = session.get(ContactRow, contact_id)
    return (row.agent_id, row.queue_id) if row is not None and row.agent_id else None


def recording_started(p: Platform, contact_id: int) -> None:
    """The relay records the call: the advisor's desk says so."""
    holder = _holder(p, contact_id)
    if holder is None:
        return
    agent = p.agents[holder[0]]
    with p.transaction() as tx:
        tx.emit(
            "call.recording",
            {"queue_id": holder[1]},
            agent_id=agent.id,
            team_id=agent.team_id,
            queue_id=holder[1],
            contact_id=contact_id,
        )


def recording_stored(
    p: Platform, contact_id: int, *, path: Path, duration_s: float
) -> RecordingRow | None:
    """Keep a call's recording until the end of the retention period."""
    holder = _holder(p, contact_id)
    if holder is None:
        log.error("recording of contact %s: no advisor; file %s left", contact_id, path)
        return None
    agent = p.agents[holder[0]]
    with p.transaction() as tx:
        row = RecordingRow(
            contact_id=contact_id,
            agent_id=agent.id,
            team_id=agent.team_id,
            queue_id=holder[1],
            path=str(path),
            duration_s=round(duration_s, 3),
            created_at=tx.now,
            expires_at=tx.now + dt.timedelta(days=p.settings.voice_recording_days),
        )
        tx.session.add(row)
        tx.session.flush()
        tx.emit(
            "recording.stored",
            {"duration_s": row.duration_s, "expires_at": row.expires_at.isoformat()},
            agent_id=agent.id,
            team_id=agent.team_id,
            queue_id=holder[1],
            contact_id=contact_id,
        )
        return row


def recordings(
    p: Platform, actor: Actor, *, agent_id: str | None = None, limit: int = 100
) -> list[RecordingRow]:
    """Newest first: a manager's teams' recorded calls (all for an admin)."""
    actor.require(Role.SUPERVISOR, Role.ADMIN)
    query = select(RecordingRow).order_by(RecordingRow.id.desc()).limit(limit)
    if not actor.is_admin:
        query = query.where(RecordingRow.team_id.in_(actor.team_ids))
    if agent_id is not None:
        query = query.where(RecordingRow.agent_id == agent_id)
    with p.sessions() as session:
        return list(session.scalars(query))


def play(
    p: Platform, actor: Actor, contact_id: int, *, origin: Origin | None = None
) -> RecordingRow:
    """A manager of the advisor's team (or an admin) opens the recording: noted in the
    advisor's monitoring events and the audit trail."""
    actor.require(Role.SUPERVISOR, Role.ADMIN)
    with p.sessions() as session:
        row = session.scalar(select(RecordingRow).where(RecordingRow.contact_id == contact_id))
    if row is None or not Path(row.path).is_file():
        raise NotFound(f"contact {contact_id} has no recording")
    if not actor.sees_team(row.team_id):
        raise Forbidden(f"contact {contact_id} was answered in another team than yours")
    with p.transaction() as tx:
        tx.emit(
            "recording.played",
            {"manager": actor.username},
            agent_id=row.agent_id,
            team_id=row.team_id,
            queue_id=row.queue_id,
            contact_id=contact_id,
            actor_user_id=actor.user_id,
        )
        advisor = p.agents.get(row.agent_id)
        audit.record(
            tx,
            "recording.played",
            actor=actor,
            origin=origin,
            subject_user_id=advisor.user_id if advisor is not None else None,
            subject_agent_id=row.agent_id,
            detail={"contact_id": contact_id, "recording_id": row.id},
        )
    return row


def purge(p: Platform) -> int:
    """Delete the recordings whose retention period is over (file, then row); returns how
    many. A file already gone is not an error; a file that cannot be deleted keeps its row
    for the next purge."""
    now = p.clock.now()
    with p.sessions() as session:
        expired = list(session.scalars(select(RecordingRow).where(RecordingRow.expires_at <= now)))
    done = 0
    for row in expired:
        try:
            Path(row.path).unlink(missing_ok=True)
        except OSError as exc:
            log.error("purge: recording %s of contact %s: %s", row.path, row.contact_id, exc)
            continue
        with p.transaction() as tx:
            stored = tx.session.get(RecordingRow, row.id)
            if stored is None:
                continue
            tx.session.delete(stored)
            tx.emit(
                "recording.purged",
                {"created_at": row.created_at.isoformat()},
                agent_id=row.agent_id,
                team_id=row.team_id,
                queue_id=row.queue_id,
                contact_id=row.contact_id,
            )
        done += 1
    return done
