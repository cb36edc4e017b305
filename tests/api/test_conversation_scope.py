"""Refusals found by trying the platform as an attacker would: a closed chat takes no more
customer messages, a help request leaves the inbox with its contact, an out-of-scope contact
is answered as if it did not exist, and a supervisor abandons only its teams' queues."""

from __future__ import annotations

from homeshore.services.auth import create_user
from homeshore.services.scope import Role
from tests.services.support import PASSWORD, Live, next_event


def _chat_in_hand(live: Live) -> tuple[int, int]:
    """A chat of queue legal accepted by b2: (contact id, customer conversation id)."""
    live.go("b2", "available")
    contact = live.new_contact("legal")
    assert live.post("b2", f"/api/contacts/{contact['id']}/accept").status_code == 200
    convs = live.get("b2", f"/api/conversations?contact_id={contact['id']}").json()
    return int(contact["id"]), int(convs[0]["id"])


def test_an_ended_chat_takes_no_more_customer_messages(live: Live) -> None:
    with live.ws("b2"):
        cid, conv = _chat_in_hand(live)
        path = f"/api/conversations/{conv}/messages"
        assert live.post("admin", path, {"body": "still there?"}).status_code == 201
        assert live.post("b2", f"/api/contacts/{cid}/complete").status_code == 200
        r = live.post("admin", path, {"body": "hello?"})
        assert r.status_code == 409 and "ended" in r.json()["detail"], r.text
        r = live.post("b2", f"/api/contacts/{cid}/wrap-up", {"disposition": "done"})
        assert r.status_code == 200, r.text
        assert live.post("admin", path, {"body": "anyone?"}).status_code == 409
        convs = live.get("b2", f"/api/conversations?contact_id={cid}").json()
        assert [c["state"] for c in convs] == ["closed"]
        bodies = [m["body"] for m in live.get("b2", path).json()]
        assert bodies == ["still there?"], "nothing written after the end was kept"


def test_a_help_request_leaves_the_inbox_when_its_contact_closes(live: Live) -> None:
    with live.ws("a1"), live.ws("m.red") as manager_ws:
        live.go("a1", "available")
        cid = live.new_contact("plans")["id"]
        live.post("a1", f"/api/contacts/{cid}/accept")
        conv = live.post("a1", f"/api/contacts/{cid}/help", {"body": "angry customer"}).json()
        assert conv["state"] == "open"
        live.post("a1", f"/api/contacts/{cid}/complete")
        # still open during wrap-up: the advisor may still ask about the case
        states = {c["id"]: c["state"] for c in live.get("m.red", "/api/conversations").json()}
        assert states[conv["id"]] == "open"
        live.post("a1", f"/api/contacts/{cid}/wrap-up", {"disposition": "done"})
        closed = next_event(manager_ws, "conversation.closed", limit=200)
        assert closed["data"]["conversation_id"] == conv["id"]
        assert closed["contact_id"] == cid
        states = {c["id"]: c["state"] for c in live.get("m.red", "/api/conversations").json()}
        assert states[conv["id"]] == "closed"
        r = live.post("a1", f"/api/conversations/{conv['id']}/messages", {"body": "x"})
        assert r.status_code == 409


def test_a_help_request_closes_with_a_taken_over_contact(live: Live) -> None:
    with live.ws("a1"):
        live.go("a1", "available")
        cid = live.new_contact("plans")["id"]
        live.post("a1", f"/api/contacts/{cid}/accept")
        conv = live.post("a1", f"/api/contacts/{cid}/escalate", {"note": "help"}).json()
        assert live.post("m.red", f"/api/contacts/{cid}/take-over").status_code == 200
        assert live.post("m.red", f"/api/contacts/{cid}/complete").status_code == 200
        convs = live.get("m.red", f"/api/conversations?contact_id={cid}").json()
        assert conv["escalated"] is True
        assert [c["state"] for c in convs if c["kind"] == "help"] == ["closed"]


def test_another_teams_waiting_or_closed_contact_is_not_found(live: Live) -> None:
    queued = live.new_contact("plans")  # nobody available: it waits
    assert queued["state"] == "queued"
    for action in ("accept", "reject", "complete"):
        r = live.post("a1", f"/api/contacts/{queued['id']}/{action}")
        assert r.status_code == 404, f"{action}: {r.status_code} {r.text}"
        assert r.json()["detail"] == f"no contact {queued['id']}"
    r = live.post("a1", "/api/contacts/999999/accept")
    assert r.status_code == 404 and r.json()["detail"] == "no contact 999999"
    # a supervisor sees waiting contacts (they belong to a queue): a clear 409 for it
    assert live.post("m.red", f"/api/contacts/{queued['id']}/take-over").status_code == 409
    assert live.post("admin", f"/api/contacts/{queued['id']}/abandon").status_code == 200
    with live.ws("b1"):
        live.go("b1", "available")
        cid = live.new_contact("plans")["id"]
        live.post("b1", f"/api/contacts/{cid}/accept")
        live.post("b1", f"/api/contacts/{cid}/complete")
        live.post("b1", f"/api/contacts/{cid}/wrap-up", {"disposition": "done"})
    for user in ("a1", "m.red"):
        r = live.post(user, f"/api/contacts/{cid}/complete")
        assert r.status_code == 404, f"{user}: {r.status_code} {r.text}"
    assert live.post("m.red", f"/api/contacts/{cid}/abandon").status_code == 404
    assert live.post("m.blue", f"/api/contacts/{cid}/abandon").status_code == 409
    assert live.post("b1", f"/api/contacts/{cid}/complete").status_code == 409


def test_a_supervisor_abandons_only_waiting_contacts_of_queues_its_teams_serve(
    live: Live,
) -> None:
    live.on_loop(
        create_user,
        live.platform,
        username="m.none",
        password=PASSWORD,
        role=Role.SUPERVISOR,
    )
    contact = live.new_contact("plans")
    r = live.post("m.none", f"/api/contacts/{contact['id']}/abandon")
    assert r.status_code == 403 and "plans" in r.json()["detail"], r.text
    assert live.get("admin", f"/api/contacts/{contact['id']}").json()["state"] == "queued"
    r = live.post("m.red", f"/api/contacts/{contact['id']}/abandon")
    assert r.status_code == 200 and r.json()["state"] == "abandoned"
