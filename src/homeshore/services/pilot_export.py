"""The live platform's records of handled contacts, read for a pilot panel
(`homeshore pilot export`, docs/pilot.md "From the live platform"). Read-only; the
aggregation is `homeshore.pilot.panel`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, sessionmaker

from homeshore.db.tables import ContactRow, ConversationRow, EvaluationRow, EventRow
from homeshore.pilot.panel import Records
from homeshore.services.retention import ERASED

_HANDLED = (
    "id",
    "agent_id",
    "queue_id",
    "location",
    "setup",
    "customer_ref",
    "created_at",
    "answered_at",
    "ended_at",
    "closed_at",
    "transfers",
    "escalated",
    "csat",
)


def _handled(start: dt.datetime | None, end: dt.datetime | None) -> ColumnElement[bool]:
    """Contacts answered in [start, end) by an advisor who still holds them, ended and
    closed (in wrap-up at export time: not yet)."""
    conditions: list[ColumnElement[bool]] = [
        ContactRow.agent_id.is_not(None),
        ContactRow.answered_at.is_not(None),
        ContactRow.ended_at.is_not(None),
        ContactRow.closed_at.is_not(None),
    ]
    if start is not None:
        conditions.append(ContactRow.answered_at >= start)
    if end is not None:
        conditions.append(ContactRow.answered_at < end)
    return and_(*conditions)


def _frame(rows: Any, columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


def read_records(
    sessions: sessionmaker[Session],
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    repeat_days: float,
) -> Records:
    """The handled contacts answered in [start, end) (UTC; None: unbounded) and what the
    panel needs about them: later contacts of their customers up to `end` plus
    `repeat_days`, help conversations, evaluations and call-quality samples."""
    handled = _handled(start, end)
    with sessions() as session:
        contacts = _frame(
            session.execute(
                select(*(getattr(ContactRow, c) for c in _HANDLED))
                .where(handled)
                .order_by(ContactRow.id)
            ),
            _HANDLED,
        )
        later = pd.DataFrame(columns=["id", "customer_ref", "created_at"])
        known = contacts[contacts["customer_ref"].fillna(ERASED) != ERASED]
        if len(known):
            first = min(pd.to_datetime(known["created_at"], utc=True)).to_pydatetime()
            query = select(ContactRow.id, ContactRow.customer_ref, ContactRow.created_at).where(
                ContactRow.created_at > first,
                ContactRow.customer_ref != ERASED,
                ContactRow.callback_of.is_(None),
            )
            if end is not None:
                query = query.where(ContactRow.created_at <= end + dt.timedelta(days=repeat_days))
            later = _frame(session.execute(query), ("id", "customer_ref", "created_at"))
        helped = frozenset(
            int(cid)
            for (cid,) in session.execute(
                select(ConversationRow.contact_id)
                .join(ContactRow, ContactRow.id == ConversationRow.contact_id)
                .where(ConversationRow.kind == "help", handled)
                .distinct()
            )
        )
        evaluations = _frame(
            session.execute(
                select(EvaluationRow.contact_id, EvaluationRow.score_pct)
                .join(ContactRow, ContactRow.id == EvaluationRow.contact_id)
                .where(handled)
            ),
            ("contact_id", "score_pct"),
        )
        samples: list[tuple[int, float]] = []
        for contact_id, data in session.execute(
            select(EventRow.contact_id, EventRow.data)
            .join(ContactRow, ContactRow.id == EventRow.contact_id)
            .where(
                EventRow.type == "call.quality",
                EventRow.agent_id == ContactRow.agent_id,
                handled,
            )
        ):
            mos = data.get("mos") if isinstance(data, dict) else None
            if contact_id is not None and isinstance(mos, int | float):
                samples.append((int(contact_id), float(mos)))
    return Records(
        handled=contacts,
        later=later,
        helped=helped,
        evaluations=evaluations,
        mos=pd.DataFrame(samples, columns=["contact_id", "mos"]),
    )
