"""A manager listens to a home advisor's call from the supervisor console (silent
monitoring through the media relay), for their own teams only; the advisor is told on the
desk, and the event log keeps who listened to which call, when and how long."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.browser.conftest import WAIT_S
from tests.services.support import PASSWORD
from tests.voice.conftest import (
    AGENT_HZ,
    CALLER_HZ,
    DOMINANT_JS,
    VoiceSite,
    answer_on_desk,
    wait_until,
)
from tests.voice.test_calls import HZ_TOLERANCE, _go_available
from tests.voice.test_phones import _relay_has

#: what the console's listening plays: the dominant frequency of each received track
LISTENER_HEARS = (
    "() => {"
    + DOMINANT_JS
    + """
  const players = [...document.querySelectorAll("#listen-audio audio")];
  return players.map((audio) => dominant(audio.srcObject.id, audio.srcObject));
}"""
)

#: counts the console's microphone requests (listening must never open one)
COUNT_MICROPHONE = """() => {
  window.__microphone = 0;
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    window.__microphone += 1;
    return open(constraints);
  };
}"""


#: every call's samples flagged (a perfect line scores MOS 4.41 with the E-model)
SETTINGS = {"voice_low_mos": 4.5}


def _listener_hears(console: Any, hz: float) -> bool:
    heard = console.evaluate(LISTENER_HEARS)
    return any(abs(h["hz"] - hz) <= HZ_TOLERANCE and h["db"] > -60 for h in heard)


def _session(site: VoiceSite, username: str) -> httpx.Client:
    login = httpx.post(
        site.url("/api/auth/login"),
        json={"username": username, "password": PASSWORD},
        timeout=WAIT_S,
    )
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    return httpx.Client(
        base_url=site.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=WAIT_S
    )


def _listen_events(site: VoiceSite, contact_id: int) -> list[dict[str, Any]]:
    """The call's monitoring log: listening, whispering and joining, started and ended."""
    events = site.api.get("/api/events", params={"limit": 5000}).json()
    kinds = ("call.listen.", "call.whisper.", "call.barge.")
    return [e for e in events if e["type"].startswith(kinds) and e["contact_id"] == contact_id]


def test_a_manager_listens_to_an_advisors_call_and_the_advisor_is_told(
    voice_site: VoiceSite, desk: Callable[..., Any]
) -> None:
    page = desk("a2")  # team red
    _go_available(page)
    caller = voice_site.call("answered.xml", "+33900000001")
    try:
        cid, card = answer_on_desk(voice_site, page)

        # another team's manager, and the advisor, may not listen
        for username, status in (("m.blue", 404), ("a1", 403)):
            with _session(voice_site, username) as other:
                refused = other.post(f"/api/voice/contacts/{cid}/listen")
                assert refused.status_code == status, refused.text
        assert _listen_events(voice_site, cid) == []

        # red's manager listens from the console: hears the caller and the advisor
        console = desk("m.red", "/supervisor")
        console.evaluate(COUNT_MICROPHONE)
        listen = console.locator(f'#contacts-table tr[data-contact="{cid}"] [data-action="listen"]')
        listen.click()
        console.locator("#listen-status:not([hidden])").wait_for()
        wait_until(lambda: _listener_hears(console, CALLER_HZ), "the manager to hear the caller")
        wait_until(lambda: _listener_hears(console, AGENT_HZ), "the manager to hear the advisor")
        # nothing of the manager's goes into the call: no microphone was ever opened
        assert console.evaluate("() => window.__microphone") == 0

        # the desk's quality samples reach the console, flagged below the threshold
        row = console.locator(f'#contacts-table tr[data-contact="{cid}"]')
        row.locator('.call-quality[data-low="true"]').wait_for()
        assert "MOS" in row.locator(".call-quality").inner_text()

        # the advisor sees it on the desk
        told = card.locator('[data-field="call-listened"]')
        told.wait_for(state="visible")
        assert "m.red" in told.inner_text()

        # the manager stops: the advisor's notice goes, the log has how long it lasted
        listen.click()
        console.locator("#listen-status").wait_for(state="hidden")
        told.wait_for(state="hidden")
        started, ended = wait_until(
            lambda: len(events := _listen_events(voice_site, cid)) == 2 and events,
            "the listening recorded",
        )
        assert (started["type"], ended["type"]) == ("call.listen.started", "call.listen.ended")
        assert started["data"]["manager"] == ended["data"]["manager"] == "m.red"
        assert started["agent_id"] == "a2" and ended["data"]["reason"] == "stopped by the manager"
        assert ended["data"]["duration_s"] > 0

        # listening again, then the call ends: the listening ends with it
        listen.click()
        console.locator("#listen-status:not([hidden])").wait_for()
        wait_until(lambda: _listener_hears(console, CALLER_HZ), "the manager to hear again")
        card.locator('[data-action="end"]').click()
        assert caller.wait() == 0, caller.explain()
        console.locator("#listen-status").wait_for(state="hidden")
        last = wait_until(
            lambda: len(events := _listen_events(voice_site, cid)) == 4 and events[-1],
            "the second listening recorded",
        )
        assert last["type"] == "call.listen.ended" and last["data"]["reason"] == "call ended"
        # nothing of the call is left in the relay (its listeners' legs neither)
        call_id = voice_site.api.get(f"/api/contacts/{cid}").json()["external_id"][4:]
        wait_until(lambda: not _relay_has(voice_site, call_id), "the relay to forget the call")
    finally:
        caller.stop()
