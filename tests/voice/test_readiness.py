"""The home readiness check with voice on: Chromium sends a test tone to the media relay
(rtpengine), which echoes it straight back over the path a call takes (ICE, DTLS-SRTP,
UDP); the check is judged on that echo's WebRTC statistics and says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from homeshore.db.tables import ReadinessCheckRow
from homeshore.voice.ng import NgClient
from tests.voice.conftest import VoiceSite, wait_until


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
    assert row is not None and row.path == "media"
    samples = row.samples
    assert len(samples) >= 6
    assert all(s["loss_pct"] == 0 and s["rtt_ms"] < 50 for s in samples)
    # the page ended its echo: the relay forgets it
    wait_until(lambda: not _echo_calls(voice_site), "the relay to forget the readiness echo")
