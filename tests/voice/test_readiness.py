"""The home readiness check with voice on: Chromium sends a test tone to the media relay
(rtpengine), which echoes it straight back over the path a call takes (ICE, DTLS-SRTP,
UDP); the check is judged on the server's own timing of the probe websocket and on that
echo's WebRTC statistics as the browser reports them (the worse of the two), and says so."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from homeshore.db.tables import ReadinessCheckRow
from homeshore.voice.ng import NgClient
from tests.voice.conftest import VoiceSite, answer_on_desk, recorded_call, wait_until
from tests.voice.test_calls import _go_available


def _echo_calls(site: VoiceSite) -> list[str]:
    ng = NgClient(site.plan.rtpengine_ng)
    try:
        calls = ng.command("list", limit=1000).get("calls") or []
    finally:
        ng.close()
    return [str(c) for c in calls if str(c).startswith("readiness-")]


def test_the_readiness_check_measures_a_calls_path_through_the_media_relay(
    voice_site: VoiceSite, desk: Callable[..., Any]
) -> None:
    page = desk("h1", "/readiness")
    page.locator("#chk-wired").check()
    page.locator("#chk-headset").check()
    page.locator("#chk-quiet").check()
    page.locator("#readiness-start").click()
    page.locator('#readiness-path[data-path="media"]').wait_for()
    assert page.locator("#verdict").get_attribute("data-verdict") == "pass"
    [check, *_] = voice_site.api.get("/api/agents/h1/readiness").json()
    assert (check["verdict"], check["path"]) == ("pass", "media")
    # about one sample per second of echo, all of it back on loopback
    with voice_site.platform.sessions() as session:
        row = session.scalars(
            select(ReadinessCheckRow)
            .where(ReadinessCheckRow.agent_id == "h1")
            .order_by(ReadinessCheckRow.id.desc())
        ).first()
    assert row is not None and (row.path, row.source) == ("media", "measured")
    assert row.samples and all(s["loss_pct"] == 0 for s in row.samples)  # the server's
    assert row.reported is not None  # the browser's, kept as reported
    samples = row.reported["samples"]
    assert len(samples) >= 6
    assert all(s["loss_pct"] == 0 and s["rtt_ms"] < 50 for s in samples)
    # the page ended its echo: the relay forgets it
    wait_until(lambda: not _echo_calls(voice_site), "the relay to forget the readiness echo")


#: records the audio constraints each getUserMedia call of the page asked for
RECORD_MICROPHONE = """
  window.__asked = [];
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    window.__asked.push(JSON.stringify(constraints.audio));
    return original(constraints);
  };
"""


def test_the_headset_chosen_on_the_readiness_page_is_the_one_calls_use(
    voice_site: VoiceSite, desk: Callable[..., Any]
) -> None:
    page = desk("a2", "/readiness")
    page.locator("#headset-list").click()
    microphones = page.locator("#headset-input option")
    wait_until(lambda: microphones.count() > 2, "the browser's microphones listed")
    chosen = microphones.nth(2)  # not the default: a second device
    device, label = chosen.get_attribute("value"), chosen.inner_text()
    assert device
    page.locator("#headset-input").select_option(device)
    page.locator("#headset-chosen").filter(has_text=label).wait_for()
    # the desk in the same browser answers a call with that microphone
    page.context.add_init_script(RECORD_MICROPHONE)
    page.goto("/agent")
    page.locator('#softphone[data-state="open"]').wait_for()
    _go_available(page)
    with recorded_call(voice_site) as (caller, _recorder):
        contact_id, _card = answer_on_desk(voice_site, page)
        asked = page.evaluate("window.__asked")
        assert any(json.loads(a) == {"deviceId": device} for a in asked), asked
        page.locator(f'.contact[data-contact="{contact_id}"] [data-action="end"]').click()
        assert caller.wait() == 0, caller.explain()
    wrapped = voice_site.api.post(
        f"/api/contacts/{contact_id}/wrap-up",
        json={"disposition": "resolved", "next_state": "offline"},
    )
    assert wrapped.status_code == 200, wrapped.text
