"""Retention of personal data through the real app and the command line: the purge removes
exactly what is past its retention on the platform's clock, keeps the rest, and a dry run
changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from homeshore.cli import main
from homeshore.db.tables import AuditRow, ContactRow, EventRow, MessageRow
from homeshore.services import retention
from homeshore.services.retention import Purged
from tests.services.support import Live, live_app

DAY_S = 86_400.0


def _chat(live: Live, customer_says: str) -> tuple[int, int]:
    """A chat of queue legal answered by b2, with a customer's message, then closed: its
    contact id and conversation id."""
    live.tokens.clear()  # sessions last 12 h: days go by in these tests
    with live.ws("b2"):
        assert live.go("b2", "available").status_code == 200, "b2 available"
        cid = int(live.new_contact("legal", customer_ref="+33612345678")["id"])
        assert live.post("b2", f"/api/contacts/{cid}/accept").status_code == 200
        conv = live.get("b2", f"/api/conversations?contact_id={cid}").json()[0]["id"]
        path = f"/api/conversations/{conv}/messages"
        assert live.post("admin", path, {"body": customer_says}).status_code == 201
        assert live.post("b2", f"/api/contacts/{cid}/complete").status_code == 200
        done = {"disposition": "solved", "next_state": "offline"}
        assert live.post("b2", f"/api/contacts/{cid}/wrap-up", done).status_code == 200
    return cid, int(conv)


def _purge(live: Live, *, dry_run: bool = False) -> Purged:
    p = live.platform
    return retention.purge(p.sessions, p.settings, p.clock.now(), dry_run=dry_run)


def _older(live: Live, row: Any, days: float) -> int:
    """Rows of the table of ``row`` (events, audit) older than ``days`` on the clock."""
    cutoff = live.clock.now() - dt.timedelta(days=days)
    with live.platform.sessions() as session:
        return int(session.scalar(select(func.count(row.id)).where(row.at < cutoff)) or 0)


def _count(live: Live, row: Any) -> int:
    with live.platform.sessions() as session:
        return int(session.scalar(select(func.count(row.id))) or 0)


def _contact(live: Live, cid: int) -> ContactRow:
    with live.platform.sessions() as session:
        row = session.get(ContactRow, cid)
        assert row is not None
        return row


def _bodies(live: Live, conv: int) -> list[str]:
    with live.platform.sessions() as session:
        return list(
            session.scalars(select(MessageRow.body).where(MessageRow.conversation_id == conv))
        )


def test_the_purge_removes_exactly_what_is_past_its_retention(db_url: str) -> None:
    with live_app(db_url, audit_days=3, events_days=1, contacts_personal_days=2) as live:
        old, old_chat = _chat(live, "my number is 06 12 34 56 78")
        audit_t0 = _count(live, AuditRow)
        live.clock.advance(1.5 * DAY_S)
        new, new_chat = _chat(live, "call me tomorrow")
        # the events of the first day are past their retention; nothing else yet
        old_events, events = _older(live, EventRow, 1), _count(live, EventRow)
        assert old_events > 0
        dry = _purge(live, dry_run=True)
        assert dry == Purged(audit=0, events=old_events, contacts=0, messages=0)
        assert (_count(live, EventRow), _older(live, EventRow, 1)) == (events, old_events)
        assert _purge(live) == dry
        assert (_count(live, EventRow), _older(live, EventRow, 1)) == (events - old_events, 0)
        purged = [e for e in _audit(live) if e["action"] == "retention.purged"]
        assert [(e["actor"], e["detail"]["events"]) for e in purged] == [
            ("retention purge", old_events)
        ]
        # the first chat's personal data is past its retention, the second's is not
        live.clock.advance(0.75 * DAY_S)
        assert _purge(live, dry_run=True) == Purged(contacts=1, messages=1)
        assert _purge(live) == Purged(contacts=1, messages=1)
        erased = _contact(live, old)
        assert (erased.customer_ref, erased.external_id, _bodies(live, old_chat)) == (
            "",
            None,
            [""],
        )
        assert (erased.state, erased.disposition, erased.queue_id) == (
            "completed",
            "solved",
            "legal",
        )
        assert erased.wait_s is not None and erased.answered_at is not None  # the figures stay
        assert _contact(live, new).customer_ref == "+33612345678"
        assert _bodies(live, new_chat) == ["call me tomorrow"]
        assert _purge(live) == Purged()  # nothing twice
        # the audit entries of the first day are past their retention (three days), and
        # everything else too: the newest event stays
        live.clock.advance(1.5 * DAY_S)
        assert _older(live, AuditRow, 3) == audit_t0
        events = _count(live, EventRow)
        expected = Purged(audit=audit_t0, events=events - 1, contacts=1, messages=1)
        result = live.client.portal.call(retention.purge_off_loop, live.platform)  # the tick's
        assert result == expected
        assert _bodies(live, new_chat) == [""]
        assert _older(live, AuditRow, 3) == 0
        assert _count(live, EventRow) == 1, "the newest event stays: event ids go on from it"
        last = next(e for e in _audit(live) if e["action"] == "retention.purged")
        assert last["detail"]["audit"] == audit_t0 and last["detail"]["audit_days"] == 3


def _audit(live: Live) -> list[dict[str, Any]]:
    live.tokens.pop("admin", None)
    r = live.get("admin", "/api/audit?limit=1000")
    assert r.status_code == 200, r.text
    entries: list[dict[str, Any]] = r.json()
    return entries


def test_events_cannot_be_kept_longer_than_the_personal_data_they_carry(db_url: str) -> None:
    too_long = "events_days cannot exceed contacts_personal_days"
    with (
        pytest.raises(ValueError, match=too_long),
        live_app(db_url, events_days=200, contacts_personal_days=180),
    ):
        pass


def test_the_purge_command_prints_its_counts_and_a_dry_run_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    with live_app(url, start=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)) as live:
        old, chat = _chat(live, "my address is 1 rue de la Paix")
        audit_rows, events = _count(live, AuditRow), _count(live, EventRow)
        sessions = live.platform.sessions
        for name, days in (("AUDIT", 2), ("EVENTS", 1), ("CONTACTS_PERSONAL", 1)):
            monkeypatch.setenv(f"HOMESHORE_{name}_DAYS", str(days))
        monkeypatch.setenv("HOMESHORE_DATABASE_URL", url)
        capsys.readouterr()
        assert main(["purge", "--dry-run"]) == 0
        out = capsys.readouterr().out
        assert f"audit: {audit_rows} entries would be deleted (older than 2 days)" in out
        assert f"events: {events - 1} would be deleted (older than 1 days)" in out
        assert "contacts: 1 closed, customer reference would be erased" in out
        assert "messages: 1 chat messages' text would be erased" in out
        assert "dry run: nothing was changed" in out
        assert (_count(live, AuditRow), _count(live, EventRow)) == (audit_rows, events)
        assert _contact(live, old).customer_ref == "+33612345678"
        assert main(["purge"]) == 0
        out = capsys.readouterr().out
        assert f"audit: {audit_rows} entries deleted" in out
        assert f"events: {events - 1} deleted" in out
        assert "contacts: 1 closed, customer reference erased" in out
        assert "messages: 1 chat messages' text erased" in out
        assert (_contact(live, old).customer_ref, _bodies(live, chat)) == ("", [""])
        assert _count(live, EventRow) == 1
        with sessions() as session:
            left = list(session.scalars(select(AuditRow)))
        assert [(e.action, e.actor, e.detail["contacts"]) for e in left] == [
            ("retention.purged", "homeshore purge", 1)
        ]
