"""A contact's whole life through the real app (HTTP and websocket), SQLite and PostgreSQL."""

from __future__ import annotations

from tests.services.support import Live, next_event


def test_offer_accept_complete_wrap_up(live: Live) -> None:
    with live.ws("a1") as ws:
        assert next_event(ws, "hello")["type"] == "hello"
        r = live.go("a1", "available")
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "available"
        contact = live.new_contact("plans")
        assert contact["state"] == "offered"
        assert contact["agent_id"] == "a1"
        offered = next_event(ws, "contact.offered")
        assert offered["contact_id"] == contact["id"]
        cid = contact["id"]
        r = live.post("a1", f"/api/contacts/{cid}/accept")
        assert r.json()["state"] == "active", r.text
        assert live.get("a1", "/api/agents/a1").json()["state"] == "busy"
        assert live.post("a1", f"/api/contacts/{cid}/complete").json()["state"] == "wrap_up"
        assert live.get("a1", "/api/agents/a1").json()["state"] == "wrap_up"
        r = live.post("a1", f"/api/contacts/{cid}/wrap-up", {"disposition": "solved"})
        assert r.json()["state"] == "completed"
        assert r.json()["disposition"] == "solved"
        assert live.get("a1", "/api/agents/a1").json()["state"] == "available"
