"""Every agent state has a way out, walked through the real app (the table's test is in
tests/services/test_states.py)."""

from __future__ import annotations

from tests.services.support import Live


def state(live: Live, agent: str) -> str:
    return str(live.get("admin", f"/api/agents/{agent}").json()["state"])


def test_self_service_states_and_their_exits(live: Live) -> None:
    with live.ws("a2"):
        assert live.go("a2", "break", location=None).json()["state"] == "break"
        assert live.go("a2", "training", location=None).json()["state"] == "training"
        assert live.go("a2", "available").json()["state"] == "available"
        assert live.go("a2", "training", location=None).json()["state"] == "training"
        assert live.go("a2", "break", location=None).json()["state"] == "break"
        assert live.go("a2", "offline", location=None).json()["state"] == "offline"
        # an agent cannot put itself in a work state the router owns
        r = live.post("a2", "/api/agents/a2/state", {"state": "busy"})
        assert r.status_code == 422


def test_reserved_agent_logging_off_puts_the_offer_back(live: Live) -> None:
    with live.ws("a1"):
        live.go("a1", "available")
        contact = live.new_contact("plans")
        assert state(live, "a1") == "reserved"
        assert live.go("a1", "offline", location=None).json()["state"] == "offline"
        assert live.get("admin", f"/api/contacts/{contact['id']}").json()["state"] == "queued"


def test_supervisor_logs_off_a_busy_agent_and_its_contact_is_requeued(live: Live) -> None:
    with live.ws("a1"):
        live.go("a1", "available")
        contact = live.new_contact("plans")
        live.post("a1", f"/api/contacts/{contact['id']}/accept")
        assert state(live, "a1") == "busy"
        assert live.post("a1", "/api/agents/a1/state", {"state": "break"}).status_code == 409
        r = live.post("m.blue", "/api/agents/a1/state", {"state": "offline"})
        assert r.status_code == 404, "not m.blue's team"
        r = live.post("m.red", "/api/agents/a1/state", {"state": "available"})
        assert r.status_code == 403, "a supervisor only logs agents off"
        r = live.post("m.red", "/api/agents/a1/state", {"state": "offline"})
        assert r.json()["state"] == "offline"
        assert live.get("admin", f"/api/contacts/{contact['id']}").json()["state"] == "queued"


def test_disconnected_agent_can_be_logged_off_or_come_back(live: Live) -> None:
    with live.ws("a1"):
        live.go("a1", "available")
    assert state(live, "a1") == "disconnected"
    with live.ws("a1"):
        assert state(live, "a1") == "available", "reconnects ready when nothing is in hand"
    assert state(live, "a1") == "disconnected"
    r = live.post("m.red", "/api/agents/a1/state", {"state": "offline"})
    assert r.json()["state"] == "offline"


def test_wrap_up_leads_to_break_training_or_offline(live: Live) -> None:
    with live.ws("a1"):
        for next_state in ("break", "training", "offline"):
            assert live.go("a1", "available").json()["state"] == "available"
            contact = live.new_contact("plans")
            cid = contact["id"]
            live.post("a1", f"/api/contacts/{cid}/accept")
            live.post("a1", f"/api/contacts/{cid}/complete")
            assert state(live, "a1") == "wrap_up"
            body = {"disposition": "ok", "next_state": next_state}
            assert live.post("a1", f"/api/contacts/{cid}/wrap-up", body).status_code == 200
            assert state(live, "a1") == next_state


def test_busy_agent_reconnects_busy_with_its_contact(live: Live) -> None:
    with live.ws("a1"):
        live.go("a1", "available")
        contact = live.new_contact("plans")
        live.post("a1", f"/api/contacts/{contact['id']}/accept")
    assert state(live, "a1") == "disconnected"
    assert live.get("admin", f"/api/contacts/{contact['id']}").json()["state"] == "active"
    with live.ws("a1"):
        assert state(live, "a1") == "busy"
        r = live.post("a1", f"/api/contacts/{contact['id']}/complete")
        assert r.json()["state"] == "wrap_up"
