"""An advisor busy with one chat and offered another transfers the first one away."""

from __future__ import annotations

from tests.services.support import Live


def test_transfer_of_the_last_active_chat_while_another_is_offered(live: Live) -> None:
    with live.ws("a1"):
        assert live.go("a1", "available").status_code == 200
        first = live.new_contact("legal", customer_ref="A")
        assert live.post("a1", f"/api/contacts/{first['id']}/accept").status_code == 200
        second = live.new_contact("legal", customer_ref="B")
        assert live.get("admin", f"/api/contacts/{second['id']}").json()["state"] == "offered"
        r = live.post("a1", f"/api/contacts/{first['id']}/transfer", {"to_queue": "legal"})
        assert r.status_code == 200, r.text
        assert live.platform.agents["a1"].state == "reserved"
