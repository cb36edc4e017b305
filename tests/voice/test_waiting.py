"""A call that waits: nobody available, then an advisor who misses the offer, then one
who answers; the caller is held by the engines all along and finally connected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.voice.conftest import CALLER_HZ, VoiceSite, wait_until
from tests.voice.test_calls import _go_available, _heard
from tests.voice.test_phones import desk_socket

SETTINGS = {"offer_timeout_s": 4.0}


def _available_and_answering(page: Any, contact_id: int) -> Any:
    """The advisor goes available, accepts the call offered and hears the caller: the
    call's card on the desk."""
    _go_available(page)
    page.locator(f'.offer[data-contact="{contact_id}"] [data-action="accept"]').click()
    card = page.locator(f'.contact[data-contact="{contact_id}"]')
    card.locator('[data-field="call-state"][data-state="connected"]').wait_for()
    wait_until(lambda: _heard(page, CALLER_HZ), "the desk to play the caller's voice")
    return card


def test_a_waiting_call_missed_by_one_advisor_is_answered_by_another(
    voice_site: VoiceSite, desk: Callable[[str], Any]
) -> None:
    caller = voice_site.call("answered.xml", "+33900000001")
    try:
        # nobody is available: the contact waits in its queue, the caller is held
        [contact] = wait_until(lambda: voice_site.contacts(state="queued"), "a waiting call")
        cid = contact["id"]

        # a1 comes, is offered the call and lets the offer time out: a1 goes on break
        first = desk("a1")
        _go_available(first)
        first.locator(f'.offer[data-contact="{cid}"]').wait_for()
        first.locator('#state[data-state="break"]').wait_for()
        assert voice_site.api.get(f"/api/contacts/{cid}").json()["state"] == "queued"

        # a2 comes, is offered the same call and answers: the customer is connected
        second = desk("a2")
        card = _available_and_answering(second, cid)
        answered = voice_site.api.get(f"/api/contacts/{cid}").json()
        assert answered["agent_id"] == "a2" and answered["offers"] == 2
        assert answered["wait_s"] >= 4.0  # it waited through a1's whole offer

        card.locator('[data-action="end"]').click()
        assert caller.wait() == 0, caller.explain()
    finally:
        caller.stop()


def test_a_call_accepted_by_an_advisor_whose_softphone_went_away_waits_for_another(
    voice_site: VoiceSite, desk: Callable[[str], Any]
) -> None:
    """b1's browser registered its softphone, then closed; b1 goes on from a desk without
    a softphone and accepts a call. Kamailio no longer looks up a registration whose
    WebSocket is closed: the call, still held, goes back to the head of the queue (it is
    not sent to a dead connection and lost), and the next advisor answers it."""
    page = desk("b1")  # registers b1's softphone
    page.context.close()
    with desk_socket(voice_site, "b1") as b1:
        went = b1.api.post("/api/agents/b1/state", json={"state": "available", "location": "site"})
        assert went.status_code == 200, went.text
        caller = voice_site.call("answered.xml", "+33900000001")
        try:
            cid = wait_until(b1.offered, "the offer on b1's desk")
            assert b1.api.post(f"/api/contacts/{cid}/accept").status_code == 200
            back = wait_until(
                lambda: (
                    (c := voice_site.api.get(f"/api/contacts/{cid}").json())["state"] == "queued"
                    and c
                ),
                "the call back in the queue",
            )
            assert back["agent_id"] is None
            events = voice_site.api.get("/api/events", params={"limit": 5000}).json()
            requeued = [
                e for e in events if e["type"] == "contact.requeued" and e["contact_id"] == cid
            ]
            assert requeued and requeued[-1]["data"]["reason"] == "voice_agent_offline"
            # another advisor answers the caller, who was held all along
            _available_and_answering(desk("a1"), cid).locator('[data-action="end"]').click()
            assert caller.wait() == 0, caller.explain()
        finally:
            caller.stop()
        off = b1.api.post("/api/agents/b1/state", json={"state": "offline"})
        assert off.status_code == 200, off.text
