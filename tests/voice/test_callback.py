"""Calling a customer back from the desk: the softphone calls through the platform's SIP
server and the carrier (SIPp plays the customer's phone), only the number of a contact to
call back is dialled, with the centre's number presented; audio flows both ways."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from homeshore.voice.credentials import control_token
from tests.browser.conftest import WAIT_S
from tests.voice import media
from tests.voice.conftest import (
    AGENT_HZ,
    CALLER_HZ,
    HERE,
    SIPP,
    VoiceSite,
    free_udp_port,
    wait_until,
)
from tests.voice.test_calls import _go_available, _heard
from tests.web.live_server import signed_in

CUSTOMER = "+33612345678"
CENTRE = "+33900000000"
GATEWAY_PORT = free_udp_port()
SETTINGS = {"voice_trunk_gateway": f"127.0.0.1:{GATEWAY_PORT}", "voice_caller_id": CENTRE}


def _to_call_back(site: VoiceSite, agent: str) -> int:
    """A voice contact of ``agent`` that closed as "to call back" (the advisor's
    disposition), its customer's number known."""
    r = site.api.post("/api/contacts", json={"queue_id": "plans", "customer_ref": CUSTOMER})
    assert r.status_code == 201, r.text
    cid = int(r.json()["id"])
    with signed_in(site.base_url, agent, WAIT_S) as desk:
        wait_until(lambda: site.api.get(f"/api/contacts/{cid}").json()["state"] == "offered",
                   "the contact offered")  # fmt: skip
        for step, body in (
            ("accept", None),
            ("complete", None),
            ("wrap-up", {"disposition": "callback", "next_state": "available"}),
        ):
            answer = desk.post(f"/api/contacts/{cid}/{step}", json=body)
            assert answer.status_code == 200, answer.text
    return cid


@contextmanager
def _customer_phone(site: VoiceSite) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """SIPp answering at the carrier's address, as the customer's phone."""
    text = (HERE / "sipp" / "called_back.xml").read_text()
    text = text.replace("@NUMBER@", "\\" + CUSTOMER).replace("@CALLER_ID@", "\\" + CENTRE)
    text = text.replace("@TONE@", str(site.caller_tone))
    scenario = site.run_dir / f"called_back.{time.monotonic_ns()}.xml"
    scenario.write_text(text)
    media_port = free_udp_port() // 2 * 2
    log = site.run_dir / f"{scenario.stem}.log"
    process = subprocess.Popen(
        [SIPP, "-sf", str(scenario), "-i", "127.0.0.1", "-p", str(GATEWAY_PORT),
         "-mi", "127.0.0.1", "-mp", str(media_port), "-m", "1", "-timeout", "120s",
         "-timeout_error", "-nostdin", "-trace_err", "-error_file", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=site.run_dir,
    )  # fmt: skip
    try:
        yield process, media_port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def test_an_advisor_calls_a_customer_back_with_audio_both_ways(
    voice_site: VoiceSite, desk: Callable[..., Any]
) -> None:
    if not media.can_record():
        pytest.skip("recording the customer's audio needs a packet socket (run as root)")
    page = desk("a1")
    _go_available(page)
    first = _to_call_back(voice_site, "a1")
    item = page.locator(f'#callbacks-card li[data-contact="{first}"]')
    item.wait_for()
    assert CUSTOMER in item.inner_text()
    with _customer_phone(voice_site) as (phone, media_port):
        recorder = media.RtpRecorder(media_port)
        recorder.start()
        try:
            item.locator('[data-action="call-back"]').click()
            [call] = wait_until(
                lambda: [
                    c for c in voice_site.contacts(state="active") if c["callback_of"] == first
                ],
                "the call back's contact",
            )
            assert (call["agent_id"], call["customer_ref"]) == ("a1", CUSTOMER)
            card = page.locator(f'.contact[data-contact="{call["id"]}"]')
            card.locator('[data-field="call-state"][data-state="connected"]').wait_for()
            # the advisor hears the customer, the customer hears the advisor
            wait_until(lambda: _heard(page, CALLER_HZ), "the desk to play the customer's voice")
            start = time.monotonic()
            wait_until(
                lambda: media.has_tone(recorder.audio_since(start), AGENT_HZ),
                "the customer to hear the advisor",
            )
            # the first contact is no longer to call back; nobody else is offered to a1
            stored = voice_site.api.get(f"/api/contacts/{first}").json()
            assert stored["disposition"] == "called_back"
            page.locator(f'#callbacks-card li[data-contact="{first}"]').wait_for(state="detached")
            card.locator('[data-action="end"]').click()
            assert phone.wait(timeout=WAIT_S) == 0, phone.stderr.read() if phone.stderr else ""
        finally:
            recorder.stop()
    done = wait_until(
        lambda: (
            (c := voice_site.api.get(f"/api/contacts/{call['id']}").json())["state"] == "wrap_up"
            and c
        ),
        "the call back in wrap-up",
    )
    assert done["external_id"].startswith("sip:")
    events = voice_site.api.get("/api/events", params={"limit": 5000}).json()
    ended = [e for e in events if e["contact_id"] == call["id"] and e["type"] == "contact.ended"]
    assert ended[-1]["data"]["ended_by"] == "agent"


def test_only_a_contact_to_call_back_is_dialled_and_only_by_its_team(
    voice_site: VoiceSite, desk: Callable[..., Any]
) -> None:
    token = control_token(voice_site.plan.secret)

    def engines_ask(dialled: str, agent: str) -> dict[str, Any]:
        """What the platform answers Kamailio for an INVITE of ``agent``'s softphone."""
        body = {"event": "call.outbound", "call_id": f"out-{time.monotonic_ns()}",
                "dialled": dialled, "caller": agent}  # fmt: skip
        r = voice_site.api.post(
            "/api/voice/events", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    # a number an advisor would type is never dialled
    assert (engines_ask("0612345678", "a2")["action"], engines_ask("112", "a2")["code"]) == (
        "refuse",
        403,
    )
    page = desk("a2")
    _go_available(page)
    first = _to_call_back(voice_site, "a2")
    with (
        signed_in(voice_site.base_url, "b1", WAIT_S) as other_team,
        signed_in(voice_site.base_url, "a2", WAIT_S) as a2,
    ):
        assert other_team.post(f"/api/voice/contacts/{first}/callback").status_code == 404
        assert a2.post("/api/voice/contacts/999999/callback").status_code == 404
        r = a2.post(f"/api/voice/contacts/{first}/callback")
        assert r.status_code == 201, r.text
        started = r.json()
        call = started["contact"]["id"]
        assert started["target"] == f"sip:callback-{call}@{voice_site.plan.domain}"
        # busy with it: no second call, and nothing is offered meanwhile
        r = a2.post(f"/api/voice/contacts/{first}/callback")
        assert r.status_code == 409 and "no other contact" in r.json()["detail"]
        # the engines dial it for a2 only, once
        assert engines_ask(f"callback-{call}", "a1")["code"] == 404
        dial = engines_ask(f"callback-{call}", "a2")
        assert (dial["action"], dial["number"], dial["contact_id"]) == ("dial", CUSTOMER, call)
        assert engines_ask(f"callback-{call}", "a2")["code"] == 403
        # the customer did not answer: the advisor wraps the attempt up
        for step, body in (("complete", None), ("wrap-up", {"disposition": "no_answer"})):
            assert a2.post(f"/api/contacts/{call}/{step}", json=body).status_code == 200
