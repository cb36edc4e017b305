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


def test_waiting_contact_goes_to_agent_the_moment_it_is_available(live: Live) -> None:
    contact = live.new_contact("plans")
    assert contact["state"] == "queued"
    with live.ws("a2") as ws:
        r = live.go("a2", "available")
        assert r.json()["state"] == "reserved"
        assert next_event(ws, "contact.offered")["contact_id"] == contact["id"]


def test_reject_reoffers_to_another_agent(live: Live) -> None:
    with live.ws("a1"), live.ws("a2"):
        live.go("a1", "available")
        live.go("a2", "available")
        contact = live.new_contact("plans")
        first = contact["agent_id"]
        other = "a2" if first == "a1" else "a1"
        r = live.post(first, f"/api/contacts/{contact['id']}/reject")
        assert r.status_code == 200, r.text
        assert r.json()["agent_id"] == other
        assert r.json()["state"] == "offered"
        assert live.get(first, f"/api/agents/{first}").json()["state"] == "available"


def test_offer_times_out_reoffers_and_sets_agent_not_ready(live: Live) -> None:
    with live.ws("a1"), live.ws("a2") as ws2:
        live.go("a1", "available")
        contact = live.new_contact("plans")
        assert contact["agent_id"] == "a1"
        live.tick(14.0)
        assert live.get("admin", f"/api/contacts/{contact['id']}").json()["state"] == "offered"
        live.go("a2", "available")
        live.tick(2.0)
        a1 = live.get("a1", "/api/agents/a1").json()
        assert a1["state"] == "break"
        assert a1["state_reason"] == "missed offer"
        again = live.get("admin", f"/api/contacts/{contact['id']}").json()
        assert again["agent_id"] == "a2"
        assert again["offers"] == 2
        assert next_event(ws2, "contact.offered")["contact_id"] == contact["id"]
        # the way out of not-ready: back to available
        assert live.go("a1", "available").json()["state"] == "available"


def test_dropped_connection_marks_disconnected_and_requeues_at_head(live: Live) -> None:
    ws = live.ws("a1")
    ws.__enter__()
    live.go("a1", "available")
    first = live.new_contact("plans")
    second = live.new_contact("plans")
    assert first["agent_id"] == "a1"
    assert second["state"] == "queued"
    ws.__exit__(None, None, None)
    a1 = live.get("admin", "/api/agents/a1").json()
    assert a1["state"] == "disconnected"
    assert live.get("admin", f"/api/contacts/{first['id']}").json()["state"] == "queued"
    with live.ws("a2"):
        r = live.go("a2", "available")
        assert r.json()["contacts"] == [first["id"]], "the put-back contact is at the head"


def test_silent_connection_is_disconnected_within_ten_seconds(live: Live) -> None:
    with live.ws("a1"):
        live.go("a1", "available")
        contact = live.new_contact("plans")
        live.tick(9.0, silent=("a1",))
        assert live.get("admin", "/api/agents/a1").json()["state"] == "reserved"
        live.tick(1.5, silent=("a1",))
        assert live.get("admin", "/api/agents/a1").json()["state"] == "disconnected"
        assert live.get("admin", f"/api/contacts/{contact['id']}").json()["state"] == "queued"


def test_reconnect_restores_state_and_replays_missed_events(live: Live) -> None:
    with live.ws("a1") as ws:
        hello = next_event(ws, "hello")
        live.go("a1", "available")
        contact = live.new_contact("plans")
        live.post("a1", f"/api/contacts/{contact['id']}/accept")
        last = hello["last_id"]
    assert live.get("admin", "/api/agents/a1").json()["state"] == "disconnected"
    # while away, the manager-side timeline moves on; on return the agent replays from `last`
    with live.ws("a1", last_event_id=last) as ws:
        offered = next_event(ws, "contact.offered")
        assert offered["contact_id"] == contact["id"]
        ids = [offered["id"]]
        while True:
            message = ws.receive_json()
            if message["type"] == "hello":
                break
            ids.append(message["id"])
        assert ids == sorted(ids)
        assert live.get("a1", "/api/agents/a1").json()["state"] == "busy"


def test_chat_agent_takes_two_chats_at_once(live: Live) -> None:
    with live.ws("b2"):
        live.go("b2", "available")
        c1 = live.new_contact("legal")
        c2 = live.new_contact("legal")
        c3 = live.new_contact("legal")
        assert c1["agent_id"] == "b2" and c2["agent_id"] == "b2"
        assert c3["state"] == "queued"
        live.post("b2", f"/api/contacts/{c1['id']}/accept")
        live.post("b2", f"/api/contacts/{c2['id']}/accept")
        live.post("b2", f"/api/contacts/{c1['id']}/complete")
        r = live.post("b2", f"/api/contacts/{c1['id']}/wrap-up", {"disposition": "done"})
        assert r.status_code == 200, r.text
        assert live.get("admin", f"/api/contacts/{c3['id']}").json()["agent_id"] == "b2"


def test_transfer_to_queue_and_to_agent(live: Live) -> None:
    with live.ws("a1"), live.ws("b1"), live.ws("a2"):
        live.go("a1", "available")
        contact = live.new_contact("plans")
        cid = contact["id"]
        live.post("a1", f"/api/contacts/{cid}/accept")
        live.go("b1", "available")
        r = live.post("a1", f"/api/contacts/{cid}/transfer", {"to_agent": "b1"})
        assert r.status_code == 200, r.text
        assert r.json()["agent_id"] == "b1" and r.json()["state"] == "offered"
        assert r.json()["transfers"] == 1
        assert live.get("a1", "/api/agents/a1").json()["state"] == "available"
        live.post("b1", f"/api/contacts/{cid}/accept")
        r = live.post("b1", f"/api/contacts/{cid}/transfer", {"to_queue": "legal"})
        assert r.status_code == 422, "a call cannot move to a chat queue"
        assert r.json()["field"] == "to_queue"
        r = live.post("b1", f"/api/contacts/{cid}/transfer", {"to_queue": "plans"})
        assert r.json()["agent_id"] in ("a1", "a2")
        assert r.json()["transfers"] == 2


def test_escalation_help_chat_join_and_take_over(live: Live) -> None:
    with live.ws("a1") as agent_ws, live.ws("m.red") as manager_ws:
        live.go("a1", "available")
        contact = live.new_contact("plans")
        cid = contact["id"]
        live.post("a1", f"/api/contacts/{cid}/accept")
        r = live.post(
            "a1", f"/api/contacts/{cid}/escalate", {"note": "customer threatens to leave"}
        )
        assert r.json()["escalated"] is True
        opened = next_event(manager_ws, "help.opened")
        conv = opened["data"]["conversation_id"]
        message = next_event(manager_ws, "message.created")
        assert message["data"]["body"] == "customer threatens to leave"
        r = live.post("m.red", f"/api/conversations/{conv}/join")
        assert r.json()["manager_user_id"] is not None
        r = live.post("m.red", f"/api/conversations/{conv}/messages", {"body": "I take it"})
        assert r.status_code == 201
        seen = next_event(agent_ws, "message.created")
        while seen["data"]["sender"] != "manager":
            seen = next_event(agent_ws, "message.created")
        assert seen["data"]["body"] == "I take it"
        r = live.post("m.red", f"/api/contacts/{cid}/take-over")
        assert r.json()["agent_id"] is None
        assert live.get("a1", "/api/agents/a1").json()["state"] == "available"
        r = live.post("m.red", f"/api/contacts/{cid}/complete")
        assert r.json()["state"] == "completed"
        history = live.get("a1", f"/api/conversations/{conv}/messages").json()
        assert [m["sender"] for m in history] == ["agent", "manager"]


def test_customer_chat_messages_are_persisted_and_pushed(live: Live) -> None:
    with live.ws("b2") as ws:
        live.go("b2", "available")
        contact = live.new_contact("legal")
        live.post("b2", f"/api/contacts/{contact['id']}/accept")
        convs = live.get("b2", f"/api/conversations?contact_id={contact['id']}").json()
        assert [c["kind"] for c in convs] == ["customer"]
        conv = convs[0]["id"]
        r = live.post("admin", f"/api/conversations/{conv}/messages", {"body": "hello?"})
        assert r.json()["sender"] == "customer"
        pushed = next_event(ws, "message.created")
        assert pushed["data"]["body"] == "hello?"
        r = live.post("b2", f"/api/conversations/{conv}/messages", {"body": "how can I help"})
        assert r.json()["sender"] == "agent"
        bodies = [m["body"] for m in live.get("b2", f"/api/conversations/{conv}/messages").json()]
        assert bodies == ["hello?", "how can I help"]


def test_abandon_and_idempotent_intake(live: Live) -> None:
    first = live.new_contact("plans", external_id="call-77")
    again = live.post(
        "admin",
        "/api/contacts",
        {"queue_id": "plans", "customer_ref": "x", "external_id": "call-77"},
    )
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    r = live.post("admin", f"/api/contacts/{first['id']}/abandon")
    assert r.json()["state"] == "abandoned"
    assert live.post("admin", f"/api/contacts/{first['id']}/abandon").status_code == 409


def test_bad_inputs_get_4xx_naming_the_field(live: Live) -> None:
    r = live.post("admin", "/api/contacts", {"queue_id": "nope", "customer_ref": "x"})
    assert r.status_code == 422
    assert r.json()["field"] == "queue_id"
    r = live.post(
        "admin", "/api/contacts", {"queue_id": "plans", "channel": "chat", "customer_ref": "x"}
    )
    assert r.status_code == 422 and r.json()["field"] == "channel"
    r = live.post(
        "admin", "/api/contacts", {"queue_id": "plans", "customer_ref": "", "priority": 99}
    )
    assert r.status_code == 422
    fields = {tuple(e["loc"]) for e in r.json()["errors"]}
    assert ("body", "customer_ref") in fields and ("body", "priority") in fields
    assert live.post("a1", "/api/contacts/999999/accept").status_code == 404
    assert live.go("a1", "available").status_code == 409, "no websocket open"


def test_contact_commands_over_the_websocket(live: Live) -> None:
    with live.ws("a1") as ws:
        live.go("a1", "available")
        contact = live.new_contact("plans")
        cid = contact["id"]
        assert next_event(ws, "contact.offered")["contact_id"] == cid
        for action, state in (("accept", "active"), ("complete", "wrap_up")):
            ws.send_json({"type": "command", "ref": action, "action": action, "contact_id": cid})
            result = next_event(ws, "result")
            assert result["ok"] is True, result
            assert result["ref"] == action
            assert result["contact"]["state"] == state
        ws.send_json({"type": "command", "ref": 3, "action": "wrap_up", "contact_id": cid})
        result = next_event(ws, "result")
        assert result["ok"] is False and result["status"] == 422, "a disposition is needed"
        ws.send_json(
            {
                "type": "command",
                "ref": 4,
                "action": "wrap_up",
                "contact_id": cid,
                "disposition": "ok",
            }
        )
        assert next_event(ws, "result")["contact"]["state"] == "completed"
        ws.send_json({"type": "command", "ref": 5, "action": "accept", "contact_id": cid})
        refused = next_event(ws, "result")
        assert refused["ok"] is False and refused["status"] == 409
        ws.send_json({"type": "command", "ref": 6, "action": "explode", "contact_id": cid})
        assert next_event(ws, "result")["field"] == "action"
        ws.send_json({"type": "command", "ref": 7, "action": "accept", "contact_id": "x"})
        assert next_event(ws, "result")["field"] == "contact_id"
