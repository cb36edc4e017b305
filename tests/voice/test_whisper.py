"""While listening, a manager whispers to the advisor: the advisor hears the manager, the
caller does not; then joins the call (barge): the caller hears the manager too; the advisor
is told each time, and the log keeps how long."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.voice import media
from tests.voice.conftest import (
    AGENT_HZ,
    DOMINANT_JS,
    VoiceSite,
    answer_on_desk,
    recorded_call,
    wait_until,
)
from tests.voice.test_calls import HZ_TOLERANCE, _caller_hears_silence, _go_available
from tests.voice.test_listen import CALLER_HZ, _listen_events, _listener_hears

#: what the desk plays of the manager's whisper ({hz, db} or null)
DESK_HEARS_MANAGER = (
    "() => {"
    + DOMINANT_JS
    + """
  const audio = document.getElementById("whisper-audio");
  if (!audio || !audio.srcObject) return null;
  return dominant(audio.srcObject.id, audio.srcObject);
}"""
)


def _desk_hears_manager(page: Any) -> bool:
    got = page.evaluate(DESK_HEARS_MANAGER)
    return bool(got) and abs(got["hz"] - AGENT_HZ) <= HZ_TOLERANCE and got["db"] > -60


def test_a_manager_whispers_to_the_advisor_and_the_caller_does_not_hear(
    voice_site: VoiceSite, desk: Callable[..., Any]
) -> None:
    page = desk("a2")
    _go_available(page)
    with recorded_call(voice_site) as (caller, recorder):
        cid, card = answer_on_desk(voice_site, page)
        # the advisor mutes: from now on the caller must hear nothing at all
        card.locator('[data-action="mute"]').click()
        muted = time.monotonic()
        wait_until(lambda: _caller_hears_silence(recorder, muted), "the caller to hear silence")

        console = desk("m.red", "/supervisor")
        row = console.locator(f'#contacts-table tr[data-contact="{cid}"]')
        row.locator('[data-action="listen"]').click()
        wait_until(lambda: _listener_hears(console, CALLER_HZ), "the manager to hear the caller")

        # the manager whispers (the console's microphone plays 1 kHz): the desk plays it
        whisper = console.locator('#listen-controls [data-action="whisper"]')
        whisper.click()
        wait_until(lambda: _desk_hears_manager(page), "the advisor to hear the manager")
        told = card.locator('[data-field="call-whisper"]')
        told.wait_for(state="visible")
        assert "m.red" in told.inner_text()
        # ... and the caller still hears silence: the whisper never reaches the caller
        since = time.monotonic()
        wait_until(lambda: len(recorder.audio_since(since)) >= 16000, "2 s more of the call")
        assert media.rms(recorder.audio_since(since)) < 0.005  # two whole seconds of silence

        # the manager joins the call: the caller hears the manager (the advisor still muted;
        # the desk mixes the manager's voice into what it sends), and the advisor is told
        join = console.locator('#listen-controls [data-action="barge"]')
        join.click()
        joined = time.monotonic()
        wait_until(
            lambda: media.has_tone(recorder.audio_since(joined), AGENT_HZ),
            "the caller to hear the manager",
        )
        wait_until(lambda: "caller hears" in told.inner_text(), "the advisor told of the barge")
        # the manager leaves the call (back to talking to the advisor only): silence again
        join.click()
        join.filter(has_text="Join").wait_for()
        left = time.monotonic() + 0.5
        wait_until(lambda: _caller_hears_silence(recorder, left), "the caller to hear silence")
        barge = [e for e in _listen_events(voice_site, cid) if "barge" in e["type"]]
        assert [e["type"] for e in barge] == ["call.barge.started", "call.barge.ended"]

        # the manager stops whispering (still listening): the notice goes, the log keeps it
        whisper.click()
        told.wait_for(state="hidden")
        whispers = wait_until(
            lambda: (
                len(w := [e for e in _listen_events(voice_site, cid) if "whisper" in e["type"]])
                == 2
                and w
            ),
            "the whisper recorded",
        )
        assert [e["type"] for e in whispers] == ["call.whisper.started", "call.whisper.ended"]
        assert whispers[1]["data"]["manager"] == "m.red" and whispers[1]["data"]["duration_s"] > 0
        assert console.locator("#listen-status").is_visible()
        # the advisor's desk lists it under what the platform records about its work (folded)
        log = page.locator("#monitoring-log")
        log.locator('li[data-type="call.whisper.ended"]').filter(has_text="m.red").wait_for(
            state="attached"
        )
        log.locator('li[data-type="call.barge.ended"]').filter(has_text="m.red").wait_for(
            state="attached"
        )

        card.locator('[data-action="end"]').click()
        assert caller.wait() == 0, caller.explain()
