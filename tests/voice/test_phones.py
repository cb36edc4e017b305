"""Desk phones at a site or telecentre: an advisor's SIP phone (SIPp here) registers over
UDP from a listed network with that advisor's own credential, and takes the calls the
advisor accepts on the desk, with plain RTP through the same media relay."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from homeshore.voice.credentials import sip_credential
from homeshore.voice.music import SIT_HZ
from homeshore.voice.ng import NgClient, NgError
from tests.browser.conftest import WAIT_S
from tests.services.support import PASSWORD
from tests.voice import media
from tests.voice.conftest import (
    CALLER_HZ,
    HERE,
    SIPP,
    Caller,
    VoiceSite,
    free_udp_port,
    wait_until,
)
from tests.voice.test_calls import _caller_hears

SETTINGS = {"voice_phone_networks": ("127.0.0.1",)}


def _scenario(site: VoiceSite, name: str, **values: str) -> Path:
    text = (HERE / "sipp" / name).read_text()
    for key, value in {"DOMAIN": site.plan.domain, **values}.items():
        text = text.replace(f"@{key}@", value)
    path = site.run_dir / f"{name}.{time.monotonic_ns()}.xml"
    path.write_text(text)
    return path


def _register(
    site: VoiceSite,
    agent: str,
    *,
    signed_for: str | None = None,
    expires_s: int | None = None,
    answer: str = "200",
    source_ip: str = "127.0.0.1",
    phone_port: int = 5999,
) -> subprocess.CompletedProcess[bytes]:
    """A desk phone registering ``agent`` with a credential signed for ``signed_for``."""
    credential = sip_credential(
        site.engines.plan.secret, signed_for or agent, expires_s or int(time.time()) + 3600
    )
    name = "register_refused.xml" if answer == "403 at once" else "register.xml"
    scenario = _scenario(site, name, ANSWER=answer, PHONES=f"127.0.0.1:{phone_port}")
    host, port = site.plan.sip_listen
    return subprocess.run(
        [SIPP, f"{host}:{port}", "-sf", str(scenario), "-s", agent,
         "-au", credential.username, "-ap", credential.password,
         "-i", source_ip, "-m", "1", "-nostdin",
         "-timeout", f"{WAIT_S:.0f}s", "-timeout_error"],
        capture_output=True, timeout=WAIT_S + 10, check=False,
    )  # fmt: skip


def test_a_desk_phone_registers_from_a_phone_network_with_its_advisors_credential_only(
    voice_site: VoiceSite,
) -> None:
    own = _register(voice_site, "a1")
    assert own.returncode == 0, own.stderr[-2000:]
    # a1's credential used to register a2's phone: 403
    other = _register(voice_site, "a2", signed_for="a1", answer="403")
    assert other.returncode == 0, other.stderr[-2000:]
    assert "refused: credential" in voice_site.engines.log("kamailio")
    # an expired credential is challenged again
    expired = _register(voice_site, "a1", expires_s=int(time.time()) - 60, answer="401")
    assert expired.returncode == 0, expired.stderr[-2000:]
    # from outside the desk phones' networks: refused before any challenge
    outside = _register(voice_site, "a1", answer="403 at once", source_ip="127.0.0.2")
    assert outside.returncode == 0, outside.stderr[-2000:]
    assert "refused: REGISTER from 127.0.0.2" in voice_site.engines.log("kamailio")


class DeskSocket:
    """An advisor's desk without a browser: the session's websocket (heartbeats answered,
    events kept) and its API calls."""

    def __init__(self, site: VoiceSite, username: str, stack: ExitStack) -> None:
        login = httpx.post(
            site.url("/api/auth/login"),
            json={"username": username, "password": PASSWORD},
            timeout=WAIT_S,
        )
        assert login.status_code == 200, login.text
        self.token = login.json()["token"]
        self.api = stack.enter_context(
            httpx.Client(
                base_url=site.base_url,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=WAIT_S,
            )
        )
        self.events: list[dict[str, Any]] = []
        ws_url = site.base_url.replace("http://", "ws://") + f"/api/ws?token={self.token}"
        # closed in reverse: the socket first, then its reader ends
        stack.callback(lambda: self.reader.join(WAIT_S))
        self.ws = stack.enter_context(connect(ws_url))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        try:
            for raw in self.ws:
                message = json.loads(raw)
                if message.get("type") == "heartbeat":
                    self.ws.send('{"type":"pong"}')
                self.events.append(message)
        except ConnectionClosed:
            pass

    def offered(self) -> int | None:
        ids = [e["contact_id"] for e in self.events if e.get("type") == "contact.offered"]
        return ids[-1] if ids else None


@contextmanager
def desk_socket(site: VoiceSite, username: str) -> Iterator[DeskSocket]:
    with ExitStack() as stack:
        yield DeskSocket(site, username, stack)


@dataclass
class PhoneCall:
    """A call accepted on an advisor's desk and answered by their desk phone (SIPp)."""

    desk: DeskSocket
    caller: Caller
    recorder: media.RtpRecorder
    phone: subprocess.Popen[bytes]
    contact_id: int
    accepted_at: float  # time.monotonic()


@contextmanager
def phone_call(
    site: VoiceSite, agent: str, phone_scenario: str, **values: str
) -> Iterator[PhoneCall]:
    """``agent``'s desk phone (``phone_scenario``, sending back what it hears) registered,
    the advisor available at the site, a customer's call (recorded) accepted on the desk."""
    if not media.can_record():
        pytest.skip("recording the caller's audio needs a packet socket (run as root)")
    phone_port, phone_media = free_udp_port(), free_udp_port() // 2 * 2
    phone = subprocess.Popen(
        [SIPP, "-sf", str(_scenario(site, phone_scenario, **values)),
         "-i", "127.0.0.1", "-p", str(phone_port), "-mi", "127.0.0.1",
         "-mp", str(phone_media), "-rtp_echo", "-m", "1", "-nostdin",
         "-timeout", "300s", "-timeout_error"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    caller = None
    try:
        registered = _register(site, agent, phone_port=phone_port)
        assert registered.returncode == 0, registered.stderr[-2000:]
        with desk_socket(site, agent) as desk:
            went = desk.api.post(
                f"/api/agents/{agent}/state", json={"state": "available", "location": "site"}
            )
            assert went.status_code == 200, went.text
            caller = site.call("answered.xml", "+33900000001")
            recorder = media.RtpRecorder(caller.media_port)
            recorder.start()
            try:
                cid = wait_until(desk.offered, f"the offer on {agent}'s desk")
                since = time.monotonic()
                accepted = desk.api.post(f"/api/contacts/{cid}/accept")
                assert accepted.status_code == 200, accepted.text
                yield PhoneCall(desk, caller, recorder, phone, cid, since)
            finally:
                recorder.stop()
    finally:
        if caller is not None:
            caller.stop()
        if phone.poll() is None:
            phone.kill()
        phone.wait()
        if phone.stderr is not None:
            phone.stderr.close()


def _events(site: VoiceSite, kind: str, contact_id: int) -> list[dict[str, Any]]:
    events = site.api.get("/api/events", params={"limit": 5000}).json()
    return [e for e in events if e["type"] == kind and e["contact_id"] == contact_id]


def test_a_call_reaches_a_desk_phone_with_audio_both_ways_and_the_advisor_hangs_up(
    voice_site: VoiceSite,
) -> None:
    # a2's desk phone: answers, sends back what it hears, hangs up after 3 s
    with phone_call(voice_site, "a2", "phone_echo.xml", TALK_MS="3000") as call:
        # the phone hangs up: the caller gets BYE, the advisor goes to wrap-up
        assert call.caller.wait() == 0, call.caller.explain()
        assert call.phone.wait(WAIT_S) == 0, call.phone.stderr.read() if call.phone.stderr else ""
        # the caller heard its own 440 Hz come back: caller -> relay -> phone -> relay
        # -> caller, media both ways through the desk-phone leg
        assert _caller_hears(call.recorder, call.accepted_at, CALLER_HZ)
        cid = call.contact_id
        contact = wait_until(
            lambda: (
                (c := voice_site.api.get(f"/api/contacts/{cid}").json())["state"] == "wrap_up" and c
            ),
            "the contact in wrap-up",
        )
        assert contact["agent_id"] == "a2"
        [ended] = _events(voice_site, "contact.ended", cid)
        assert ended["data"]["ended_by"] == "agent"


def test_a_call_whose_advisor_is_logged_off_by_the_manager_is_told_and_ended(
    voice_site: VoiceSite,
) -> None:
    """The caller cannot go back to the queue (answered): they hear the dropped-call notice
    (ITU-T special information tone), then both the caller and the phone get BYE; the
    contact is closed as to be called back and the log says why."""
    with phone_call(voice_site, "a1", "phone_held.xml") as call:
        cid = call.contact_id
        assert wait_until(
            lambda: _caller_hears(call.recorder, call.accepted_at, CALLER_HZ), "the call up"
        )
        with httpx.Client(base_url=voice_site.base_url, timeout=WAIT_S) as manager:
            login = manager.post(
                "/api/auth/login", json={"username": "m.red", "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            manager.headers["Authorization"] = f"Bearer {login.json()['token']}"
            since = time.monotonic()
            off = manager.post("/api/agents/a1/state", json={"state": "offline"})
            assert off.status_code == 200, off.text
        # the caller hears the three rising tones, then the call ends for both parties
        assert call.caller.wait() == 0, call.caller.explain()
        assert call.phone.wait(WAIT_S) == 0, call.phone.stderr.read() if call.phone.stderr else ""
        heard = call.recorder.audio_since(since)
        assert [hz for hz in SIT_HZ if media.has_tone(heard, hz)] == list(SIT_HZ)
        contact = voice_site.api.get(f"/api/contacts/{cid}").json()
        assert (contact["state"], contact["disposition"]) == ("completed", "callback")
        [dropped] = _events(voice_site, "call.dropped", cid)
        assert dropped["data"]["reason"] == "agent logged off"
        assert dropped["agent_id"] == "a1"
        assert not _events(voice_site, "contact.requeued", cid)
        # the relay forgot the call (homeshore deletes it once Kamailio ended the dialog)
        call_id = contact["external_id"].removeprefix("sip:")
        wait_until(lambda: not _relay_has(voice_site, call_id), "the relay to forget the call")


def _relay_has(site: VoiceSite, call_id: str) -> bool:
    ng = NgClient(site.plan.rtpengine_ng)
    try:
        ng.command("query", call_id=call_id)
        return True
    except NgError:
        return False
    finally:
        ng.close()
