"""The audit trail through the real app: each audited action leaves one entry saying who,
about whom and from where; who may read which entries; the database keeps it append-only."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.services import voice
from homeshore.services.audit import Origin
from homeshore.services.importing import import_schedule
from homeshore.services.scope import Actor, Role
from tests.api.probe_client import measured_check
from tests.services.support import PASSWORD, START, Live, live_app

#: what Starlette's test client says of itself: its address and its user agent
CLIENT = "testclient"
PERFECT = {
    "samples": [{"rtt_ms": 1.0, "jitter_ms": 0.0, "loss_pct": 0.0}] * 5,
    "bandwidth_kbps": 1_000_000.0,
    "wired": True,
    "usb_headset": True,
}


def audit(live: Live, **filters: Any) -> list[dict[str, Any]]:
    r = live.get("admin", f"/api/audit?{urlencode(filters)}")
    assert r.status_code == 200, r.text
    entries: list[dict[str, Any]] = r.json()
    return entries


def one(live: Live, action: str, **filters: Any) -> dict[str, Any]:
    """The one entry of ``action`` (exactly: not a prefix) matching ``filters``."""
    found = [e for e in audit(live, action=action, **filters) if e["action"] == action]
    assert len(found) == 1, found
    return found[0]


def user_id(live: Live, name: str) -> int:
    users = live.get("admin", "/api/users").json()
    return int(next(u["id"] for u in users if u["username"] == name))


def _in_hand(live: Live, agent: str = "a1", queue: str = "plans") -> int:
    """A contact accepted by ``agent`` (its desk open: the caller holds the socket)."""
    assert live.go(agent, "available").status_code == 200
    cid = int(live.new_contact(queue)["id"])
    assert live.post(agent, f"/api/contacts/{cid}/accept").status_code == 200
    return cid


def test_logins_failures_and_logouts_say_who_and_from_where(live: Live) -> None:
    live.login("a1")
    a1 = user_id(live, "a1")
    ok = one(live, "login.ok", subject_user_id=a1)
    assert (ok["actor"], ok["actor_user_id"], ok["subject_agent_id"]) == ("a1", a1, "a1")
    assert (ok["address"], ok["user_agent"]) == (CLIENT, CLIENT)
    wrong = {"username": "A1", "password": "not the password"}
    assert live.client.post("/api/auth/login", json=wrong).status_code == 401
    failed = one(live, "login.failed", subject_user_id=a1)
    assert failed["actor"] == "A1" and failed["actor_user_id"] is None  # the name as typed
    assert failed["detail"] == {"reason": "wrong password"}
    assert (failed["subject_agent_id"], failed["address"]) == ("a1", CLIENT)
    nobody = {"username": "nobody", "password": "whatever it is"}
    assert live.client.post("/api/auth/login", json=nobody).status_code == 401
    unknown = [e for e in audit(live, action="login.failed") if e["actor"] == "nobody"]
    assert [(e["subject_user_id"], e["detail"]["reason"]) for e in unknown] == [
        (None, "unknown user")
    ]
    assert live.post("a1", "/api/auth/logout").status_code == 204
    out = one(live, "logout")
    assert (out["actor_user_id"], out["subject_agent_id"], out["address"]) == (a1, "a1", CLIENT)
    # the web page's form too
    form = {"username": "a2", "password": PASSWORD}
    r = live.client.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303
    web = one(live, "login.ok", subject_user_id=user_id(live, "a2"))
    assert web["address"] == CLIENT


def test_the_failure_that_locks_an_account_is_recorded_the_refusals_after_it_are_not(
    live: Live,
) -> None:
    wrong = {"username": "a1", "password": "not the password"}
    for _ in range(live.platform.settings.login_max_attempts):
        assert live.client.post("/api/auth/login", json=wrong).status_code == 401
    assert live.client.post("/api/auth/login", json=wrong).status_code == 429
    a1 = user_id(live, "a1")
    failures = [e for e in audit(live, action="login.failed", subject_user_id=a1)]
    assert len(failures) == live.platform.settings.login_max_attempts
    locked = one(live, "login.locked", subject_user_id=a1)
    assert locked["detail"] == {"limits": ["account"]} and locked["address"] == CLIENT


def test_account_changes_are_recorded_with_the_administrator(live: Live) -> None:
    body = {"username": "ops", "password": PASSWORD, "role": "supervisor", "team_ids": ["red"]}
    made = live.post("admin", "/api/users", body)
    assert made.status_code == 201, made.text
    ops = made.json()["id"]
    admin = user_id(live, "admin")
    created = one(live, "user.created", subject_user_id=ops)
    assert (created["actor_user_id"], created["address"]) == (admin, CLIENT)
    assert created["detail"] == {"username": "ops", "role": "supervisor", "team_ids": ["red"]}
    live.login("ops")
    assert (
        live.client.patch(
            f"/api/users/{ops}", json={"active": False}, headers=live.headers("admin")
        ).json()["active"]
        is False
    )
    disabled = one(live, "user.disabled", subject_user_id=ops)
    assert (disabled["actor"], disabled["address"], disabled["user_agent"]) == (
        "admin",
        CLIENT,
        CLIENT,
    )
    ended = one(live, "session.ended", subject_user_id=ops)
    assert ended["detail"]["sessions"] == 1 and ended["detail"]["reason"] == "account disabled"
    new = {"active": True, "password": "another long password"}
    r = live.client.patch(f"/api/users/{ops}", json=new, headers=live.headers("admin"))
    assert r.status_code == 200, r.text
    assert one(live, "user.enabled", subject_user_id=ops)["actor_user_id"] == admin
    assert one(live, "user.password_set", subject_user_id=ops)["address"] == CLIENT


def test_take_over_evaluation_and_readiness_verdicts_are_about_the_advisor(live: Live) -> None:
    with live.ws("a1"):
        cid = _in_hand(live)
        assert live.post("m.red", f"/api/contacts/{cid}/take-over").status_code == 200
    m_red, a1 = user_id(live, "m.red"), user_id(live, "a1")
    taken = one(live, "contact.taken_over", agent_id="a1")
    assert (taken["actor_user_id"], taken["subject_user_id"]) == (m_red, a1)
    assert taken["detail"]["contact_id"] == cid and taken["address"] == CLIENT
    with live.ws("a1"):
        cid = _in_hand(live)
        assert live.post("a1", f"/api/contacts/{cid}/complete").status_code == 200
        done = {"disposition": "solved", "next_state": "offline"}
        assert live.post("a1", f"/api/contacts/{cid}/wrap-up", done).status_code == 200
    ratings = {"greeting": "met", "identity": "met", "answer": "met"}
    body = {"form_id": "calls", "ratings": ratings}
    assert live.post("m.red", f"/api/contacts/{cid}/evaluations", body).status_code == 201
    evaluated = one(live, "evaluation.created", agent_id="a1")
    assert evaluated["actor"] == "m.red" and evaluated["detail"]["score_pct"] == 100.0
    assert evaluated["detail"]["contact_id"] == cid
    with live.ws("h1"):
        assert live.post("h1", "/api/readiness", PERFECT).status_code == 201
        reported = one(live, "readiness.verdict", agent_id="h1")
        assert reported["detail"]["source"] == "reported"
        checklist = {"wired": True, "usb_headset": True, "quiet_room": True}
        assert measured_check(live, "h1", **checklist).status_code == 201
    verdicts = audit(live, action="readiness.verdict", agent_id="h1")
    assert [e["detail"]["source"] for e in verdicts] == ["measured", "reported"]
    assert {(e["actor"], e["address"]) for e in verdicts} == {("h1", CLIENT)}


def test_listening_whispering_and_joining_a_call_are_recorded_from_where(live: Live) -> None:
    """The voice use cases as the voice link calls them (no engines here)."""
    with live.ws("a1"):
        cid = _in_hand(live)
        manager = Actor(
            user_id(live, "m.red"), "m.red", Role.SUPERVISOR, team_ids=frozenset({"red"})
        )
        contact, agent = live.on_loop(voice.may_listen, live.platform, manager, cid)
        where = Origin("203.0.113.7", "Firefox")
        listening = live.on_loop(
            voice.listening_started, live.platform, manager, contact, agent, "s1", origin=where
        )
        live.clock.advance(5)
        since = live.on_loop(voice.whisper_started, live.platform, listening)
        live.clock.advance(3)
        live.on_loop(voice.whisper_ended, live.platform, listening, since=since, reason="done")
        joined = live.on_loop(voice.barge_started, live.platform, listening)
        live.on_loop(voice.barge_ended, live.platform, listening, since=joined, reason="done")
        live.on_loop(voice.listening_ended, live.platform, listening, reason="stopped")
    entries = audit(live, action="monitoring.", agent_id="a1")
    assert [e["action"] for e in entries] == [
        "monitoring.listen.ended",
        "monitoring.barge.ended",
        "monitoring.barge.started",
        "monitoring.whisper.ended",
        "monitoring.whisper.started",
        "monitoring.listen.started",
    ]
    assert {(e["actor"], e["address"], e["user_agent"]) for e in entries} == {
        ("m.red", "203.0.113.7", "Firefox")
    }
    assert entries[3]["detail"]["duration_s"] == 3.0
    assert {e["subject_user_id"] for e in entries} == {user_id(live, "a1")}


def _schedule(hours: float) -> Schedule:
    day = START.replace(hour=0, minute=0)

    def seg(agent: str) -> ScheduleSegment:
        end = day + dt.timedelta(hours=9 + hours)
        return ScheduleSegment(
            agent, day + dt.timedelta(hours=9), end, Activity.WORK, WorkMode.SITE, "lyon", "plans"
        )

    return Schedule.of([seg("a1"), seg("b1")])


def test_a_schedule_import_is_recorded_for_each_advisor_whose_schedule_changed(
    db_url: str,
) -> None:
    with live_app(db_url, schedule=_schedule(8)) as live:
        first = audit(live, action="schedule.imported")
        assert sorted(e["subject_agent_id"] or "" for e in first) == ["", "a1", "b1"]
        assert {e["actor"] for e in first} == {"server start-up"}
        about_a1 = live.get("a1", "/api/agents/a1/audit").json()
        assert [e["action"] for e in about_a1] == ["login.ok", "user.created", "schedule.imported"]
        assert about_a1[-1]["detail"] == {"segments": 1, "before": 0}

        def publish(schedule: Schedule) -> None:  # as `homeshore serve --schedule` does
            with live.platform.sessions() as session:
                import_schedule(session, live.platform.scenario, schedule, at=live.clock.now())
                session.commit()

        publish(_schedule(8))  # the same again: nothing new
        assert len(audit(live, action="schedule.imported")) == 3
        publish(_schedule(7))
        again = audit(live, action="schedule.imported")
        assert len(again) == 6 and again[0]["detail"] == {"segments": 2, "agents_changed": 2}


def test_who_reads_which_entries(live: Live) -> None:
    with live.ws("a1"):
        cid = _in_hand(live)
        assert live.post("m.red", f"/api/contacts/{cid}/take-over").status_code == 200
    live.login("b1")
    # the advisor: its own entries, and where from only for the logins to its account
    own = live.get("a1", "/api/agents/a1/audit").json()
    assert [e["action"] for e in own] == ["contact.taken_over", "login.ok", "user.created"]
    assert {e["subject_agent_id"] for e in own} == {"a1"}
    taken, login, created = own
    assert (taken["actor"], taken["address"], taken["user_agent"]) == ("m.red", None, None)
    assert (login["address"], login["user_agent"]) == (CLIENT, CLIENT)
    assert created["actor"] == "command line"  # the test's accounts: as `homeshore users`
    # its managers: their team's advisors; where the advisor logs in from is not theirs
    managed = live.get("m.red", "/api/agents/a1/audit").json()
    assert [e["action"] for e in managed] == ["contact.taken_over", "login.ok", "user.created"]
    assert managed[0]["address"] == CLIENT and managed[1]["address"] is None
    # others: as for an unknown advisor
    assert live.get("a1", "/api/agents/b1/audit").status_code == 404
    assert live.get("a2", "/api/agents/a1/audit").status_code == 404
    assert live.get("m.blue", "/api/agents/a1/audit").status_code == 404
    assert live.get("m.red", "/api/agents/b1/audit").status_code == 404
    assert live.get("m.red", "/api/agents/nobody/audit").status_code == 404
    about_b1 = live.get("m.blue", "/api/agents/b1/audit").json()
    assert [e["action"] for e in about_b1] == ["login.ok", "user.created"]
    # the whole trail: administrators only
    assert live.get("m.red", "/api/audit").status_code == 403
    assert live.get("a1", "/api/audit").status_code == 403
    admin = live.get("admin", "/api/agents/a1/audit").json()
    assert [e["address"] for e in admin] == [CLIENT, CLIENT, None]
    everything = audit(live)
    assert [e["id"] for e in everything] == sorted((e["id"] for e in everything), reverse=True)
    assert len(audit(live, limit=1)) == 1
    older = audit(live, before_id=everything[0]["id"])
    assert [e["id"] for e in older] == [e["id"] for e in everything[1:]]
    assert audit(live, action="login_") == []  # a prefix, not a pattern
    at = dt.datetime.fromisoformat(everything[0]["at"])
    assert audit(live, since=at.isoformat())[0]["id"] == everything[0]["id"]
    assert all(e["at"] != everything[0]["at"] for e in audit(live, until=at.isoformat()))
    naive = live.get("admin", "/api/audit?since=2026-01-01T10:00:00")
    assert naive.status_code == 422, naive.text
    too_early = live.get("admin", "/api/audit?until=0001-01-01T00:00:00%2B14:00")
    assert (too_early.status_code, too_early.json()["field"]) == (422, "until")


def test_the_database_refuses_to_change_or_delete_an_entry(live: Live) -> None:
    live.login("a1")
    engine = live.platform.engine
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE audit SET actor = 'someone else'"))
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit"))
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit"))
        with engine.begin() as conn:  # what the retention purge does
            conn.execute(text("SET LOCAL homeshore.purge = 'on'"))
            assert conn.execute(text("DELETE FROM audit WHERE actor = 'nobody'")).rowcount == 0
    assert {e["actor"] for e in audit(live)} == {"a1", "admin", "command line"}
