"""Phone calls end to end, through the real engines, with real audio both ways."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from homeshore.voice.music import NOTES_HZ, SIT_HZ
from tests.browser.conftest import WAIT_S
from tests.services.support import PASSWORD
from tests.voice import media
from tests.voice.conftest import (
    AGENT_HZ,
    CALLER_HZ,
    DOMINANT_JS,
    Caller,
    VoiceSite,
    answer_on_desk,
    recorded_call,
    wait_until,
)

#: the dominant frequency of what the desk's speaker plays (WebAudio analyser on the call)
HEARD_HZ = (
    "() => {"
    + DOMINANT_JS
    + """
  const audio = document.getElementById("call-audio");
  if (!audio || !audio.srcObject) return null;
  return dominant(audio.srcObject.id, audio.srcObject);
}"""
)
#: the analyser's bins are 48000 / 8192 ≈ 5.9 Hz wide; G.711 and resampling add a little
HZ_TOLERANCE = 12.0


def _heard(page: Any, hz: float) -> bool:
    got = page.evaluate(HEARD_HZ)
    return bool(got) and abs(got["hz"] - hz) <= HZ_TOLERANCE and got["db"] > -60


def _caller_hears(recorder: media.RtpRecorder, since: float, hz: float) -> bool:
    audio = recorder.audio_since(since)
    if len(audio) < 8000:  # one second of PCMU
        return False
    last = audio[-8000:]
    return media.rms(last) > 0.02 and abs(media.dominant_hz(last, 8000) - hz) <= 5.0


def _caller_hears_music(recorder: media.RtpRecorder, since: float) -> bool:
    """A note of the hold tune (each lasts half a second), and no advisor's 1 kHz."""
    audio = recorder.audio_since(since)
    if len(audio) < 8000:
        return False
    last = audio[-2000:]  # a quarter of a second: within one note, or across two
    hz = media.dominant_hz(last, 8000)
    return media.rms(last) > 0.02 and any(abs(hz - note) <= 16 for note in NOTES_HZ)


def _caller_hears_silence(recorder: media.RtpRecorder, since: float) -> bool:
    audio = recorder.audio_since(since)
    return len(audio) >= 4000 and media.rms(audio[-4000:]) < 0.005


def _quality(voice_site: VoiceSite, contact_id: int) -> dict[str, Any] | None:
    events = voice_site.api.get("/api/events", params={"limit": 5000}).json()
    samples = [
        e["data"] for e in events if e["type"] == "call.quality" and e["contact_id"] == contact_id
    ]
    return samples[-1] if samples else None


def _go_available(page: Any) -> None:
    page.locator('button[data-state="available"]').click()
    # available, or reserved at once if a call was waiting for this advisor
    page.locator('#state[data-state="available"], #state[data-state="reserved"]').wait_for()


def test_call_reaches_the_advisor_with_audio_both_ways_mute_and_hang_up(
    voice_site: VoiceSite, desk: Callable[[str], Any]
) -> None:
    page = desk("a2")
    _go_available(page)
    with recorded_call(voice_site) as (caller, recorder):
        # the call is a voice contact of the queue the number reaches, offered to a2
        offer = page.locator('.offer [data-action="accept"]')
        offer.wait_for()
        contact = voice_site.contacts(state="offered")[0]
        assert (contact["channel"], contact["queue_id"]) == ("voice", "plans")
        assert contact["external_id"].startswith("sip:")
        offer.click()
        card = page.locator(f'.contact[data-contact="{contact["id"]}"]')
        card.locator('[data-field="call-state"][data-state="connected"]').wait_for()

        # the advisor hears the customer (440 Hz), the customer hears the advisor (1 kHz)
        wait_until(lambda: _heard(page, CALLER_HZ), "the desk to play the caller's 440 Hz")
        start = time.monotonic()
        wait_until(lambda: _caller_hears(recorder, start, AGENT_HZ), "the caller to hear 1 kHz")

        # the desk measures the call (round trip to the relay, jitter, loss): on loopback, a
        # perfect network leg for the E-model
        quality = wait_until(lambda: _quality(voice_site, contact["id"]), "a call.quality sample")
        assert quality["rtt_ms"] < 50 and quality["loss_pct"] == 0
        assert quality["mos"] >= 4.3
        # a2's manager sees the call and its quality on the console
        console = desk("m.red", "/supervisor")
        row = console.locator(f'#contacts-table tr[data-contact="{contact["id"]}"] .call-quality')
        row.filter(has_text="MOS").wait_for()
        # and the day's call quality by way of working (a2 at the site: no home set-up)
        way = console.locator('#quality-setups tbody tr[data-location="site"]')
        way.wait_for()
        assert way.locator("td").nth(1).inner_text() == "1"  # one call measured

        # mute: the customer hears silence; unmute: the advisor again
        card.locator('[data-action="mute"]').click()
        muted = time.monotonic() + 0.3
        wait_until(lambda: _caller_hears_silence(recorder, muted), "silence while muted")
        card.locator('[data-action="mute"]').click()
        unmuted = time.monotonic() + 0.3
        wait_until(lambda: _caller_hears(recorder, unmuted, AGENT_HZ), "1 kHz after unmute")

        # hold: the customer hears the hold music instead of the advisor; resume: the advisor
        card.locator('[data-action="hold"]').click()
        card.locator('[data-action="hold"][aria-pressed="true"]').wait_for()
        held = time.monotonic() + 0.3
        wait_until(lambda: _caller_hears_music(recorder, held), "hold music at the caller")
        row.filter(has_text="on hold").wait_for()
        card.locator('[data-action="hold"]').click()
        card.locator('[data-action="hold"][aria-pressed="false"]').wait_for()
        resumed = time.monotonic() + 0.3
        wait_until(lambda: _caller_hears(recorder, resumed, AGENT_HZ), "1 kHz after resume")

        # the advisor ends the call: the customer gets BYE, the contact goes to wrap-up
        card.locator('[data-action="end"]').click()
        assert caller.wait() == 0, caller.explain()
        done = voice_site.api.get(f"/api/contacts/{contact['id']}").json()
        assert done["state"] == "wrap_up" and done["agent_id"] == "a2"
        assert done["wait_s"] > 0


def _contact_of(voice_site: VoiceSite, caller_number: str) -> list[dict[str, Any]]:
    return [c for c in voice_site.contacts(limit=1000) if c["customer_ref"] == caller_number]


def test_caller_hanging_up_while_waiting_abandons_the_contact_with_its_wait(
    voice_site: VoiceSite,
) -> None:
    # nobody is available (no desk open): the call waits, held by the engines
    caller = voice_site.call("cancelled.xml", "plans", replace={"@WAIT_MS@": "3000"})
    try:
        assert caller.wait() == 0, caller.explain()  # 487 for the INVITE, 200 for the CANCEL
    finally:
        caller.stop()
    [contact] = wait_until(
        lambda: [c for c in _contact_of(voice_site, "+33698765432") if c["state"] == "abandoned"],
        "the contact to be abandoned",
    )
    assert contact["channel"] == "voice" and contact["queue_id"] == "plans"
    assert contact["wait_s"] >= 2.5  # the caller waited about 3 s before hanging up
    assert contact["answered_at"] is None


@pytest.mark.parametrize(
    ("dialled", "source_ip", "code"),
    [
        ("+33900000009", "127.0.0.1", "480"),  # a queue closed at this hour (never open)
        ("+33999999999", "127.0.0.1", "404"),  # a number no queue answers
        ("+33900000001", "127.0.0.2", "403"),  # not from a trunk's address
    ],
    ids=["closed-queue", "unknown-number", "unknown-trunk"],
)
def test_calls_the_platform_does_not_take_are_refused_without_a_contact(
    voice_site: VoiceSite, dialled: str, source_ip: str, code: str
) -> None:
    before = len(_contact_of(voice_site, "+33611111111"))
    caller = voice_site.call("refused.xml", dialled, source_ip=source_ip, replace={"@CODE@": code})
    try:
        assert caller.wait() == 0, caller.explain()
    finally:
        caller.stop()
    assert len(_contact_of(voice_site, "+33611111111")) == before
    if code == "403":
        assert "refused: INVITE from 127.0.0.2" in voice_site.engines.log("kamailio")


def test_an_advisor_cannot_register_as_another(
    voice_site: VoiceSite, desk: Callable[[str], Any]
) -> None:
    page = desk("a1")  # registered as a1 with the credential issued to a1's session
    cause = page.evaluate(
        """async () => {
          const response = await fetch("/api/voice/softphone");
          const own = await response.json();
          const ua = new JsSIP.UA({
            sockets: [new JsSIP.WebSocketInterface(own.ws_url)],
            uri: own.uri.replace("sip:a1@", "sip:a2@"),
            authorization_user: own.username,
            password: own.password,
            register: true,
          });
          const result = new Promise((resolve) => {
            ua.on("registered", () => resolve("registered"));
            ua.on("registrationFailed", (e) => resolve(e.cause));
          });
          ua.start();
          const got = await result;
          ua.stop();
          return got;
        }"""
    )
    assert cause == "Rejected"  # 403
    assert "refused: credential" in voice_site.engines.log("kamailio")
    # and the desk's own registration as a1 still stands
    assert page.locator("#softphone").get_attribute("data-state") == "open"


def test_malformed_sip_is_dropped_and_the_engines_go_on(voice_site: VoiceSite) -> None:
    host, port = voice_site.plan.sip_listen
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(WAIT_S)
        sock.bind(("127.0.0.1", 0))
        me = sock.getsockname()[1]
        sock.sendto(b"\x00\xffnot SIP at all\r\n\r\n", (host, port))
        sock.sendto(
            b"INVITE sip:plans@x SIP/2.0\r\nVia: garbage\r\nContent-Length: 99999\r\n\r\n",
            (host, port),
        )
        options = (
            f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK-probe-{me}\r\n"
            f"From: <sip:probe@127.0.0.1>;tag=p{me}\r\nTo: <sip:{host}:{port}>\r\n"
            f"Call-ID: probe-{me}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n"
        )
        sock.sendto(options.encode(), (host, port))
        answer = sock.recv(65535).decode(errors="replace")
    assert answer.startswith("SIP/2.0 200"), answer
    assert f"probe-{me}" in answer
    assert voice_site.engines.alive()


@contextmanager
def talking(site: VoiceSite, page: Any) -> Iterator[tuple[int, Caller, media.RtpRecorder]]:
    """The advisor goes available and answers a recorded call; the caller hears them."""
    _go_available(page)
    with recorded_call(site) as (caller, recorder):
        contact_id, _card = answer_on_desk(site, page)
        start = time.monotonic()
        wait_until(lambda: _caller_hears(recorder, start, AGENT_HZ), "the caller to hear 1 kHz")
        yield contact_id, caller, recorder


def _caller_heard_the_notice(recorder: media.RtpRecorder, since: float) -> None:
    """The dropped-call notice (the special information tone's three frequencies)."""
    heard = recorder.audio_since(since)
    assert [hz for hz in SIT_HZ if media.has_tone(heard, hz)] == list(SIT_HZ)


def test_an_advisors_browser_closed_mid_call_drops_the_call_and_the_caller_is_told(
    voice_site: VoiceSite, desk: Callable[[str], Any]
) -> None:
    """The softphone's WebSocket closes with the browser: Kamailio reports it, the caller
    hears the dropped-call notice (special information tone), then BYE; the contact goes
    to wrap-up for the advisor with who ended it (``dropped``) and the log says why."""
    page = desk("a1")
    with talking(voice_site, page) as (contact_id, caller, recorder):
        since = time.monotonic()
        page.context.close()  # the advisor's browser goes away
        assert caller.wait() == 0, caller.explain()  # told, then BYE
        _caller_heard_the_notice(recorder, since)
    contact = voice_site.api.get(f"/api/contacts/{contact_id}").json()
    assert (contact["state"], contact["agent_id"]) == ("wrap_up", "a1")
    events = voice_site.api.get("/api/events", params={"limit": 5000}).json()
    about = [e for e in events if e["contact_id"] == contact_id]
    [dropped] = [e for e in about if e["type"] == "call.dropped"]
    assert dropped["data"]["reason"] == "softphone_closed"
    [ended] = [e for e in about if e["type"] == "contact.ended"]
    assert ended["data"]["ended_by"] == "dropped"
    assert "softphone's WebSocket" in voice_site.engines.log("kamailio")
    # a1 is not coming back: the manager logs them off, which closes the wrap-up
    off = voice_site.api.post("/api/agents/a1/state", json={"state": "offline"})
    assert off.status_code == 200, off.text


def test_a_manager_logging_off_an_advisor_on_a_call_lets_the_caller_hear_why(
    voice_site: VoiceSite, desk: Callable[[str], Any]
) -> None:
    """The advisor's desk stays open when their manager logs them off mid-call: the desk
    does not hang up over the dropped-call notice; the caller hears the special
    information tone, then the platform ends the call."""
    with talking(voice_site, desk("a1")) as (contact_id, caller, recorder):
        with httpx.Client(base_url=voice_site.base_url, timeout=WAIT_S) as manager:
            login = manager.post(
                "/api/auth/login", json={"username": "m.red", "password": PASSWORD}
            )
            manager.headers["Authorization"] = f"Bearer {login.json()['token']}"
            since = time.monotonic()
            off = manager.post("/api/agents/a1/state", json={"state": "offline"})
            assert off.status_code == 200, off.text
        assert caller.wait() == 0, caller.explain()
        _caller_heard_the_notice(recorder, since)
    contact = voice_site.api.get(f"/api/contacts/{contact_id}").json()
    assert (contact["state"], contact["disposition"]) == ("completed", "callback")
