"""Phone calls end to end, through the real engines, with real audio both ways."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.voice import media
from tests.voice.conftest import AGENT_HZ, CALLER_HZ, VoiceSite, wait_until

#: the dominant frequency of what the desk's speaker plays (WebAudio analyser on the call)
HEARD_HZ = """() => {
  const audio = document.getElementById("call-audio");
  if (!audio || !audio.srcObject) return null;
  if (!window.__heard) {
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    ctx.createMediaStreamSource(audio.srcObject).connect(analyser);
    window.__heard = { ctx, analyser };
  }
  const { ctx, analyser } = window.__heard;
  const bins = new Float32Array(analyser.frequencyBinCount);
  analyser.getFloatFrequencyData(bins);
  let best = 1;
  for (let i = 2; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
  return { hz: (best * ctx.sampleRate) / analyser.fftSize, db: bins[best] };
}"""
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


def _caller_hears_silence(recorder: media.RtpRecorder, since: float) -> bool:
    audio = recorder.audio_since(since)
    return len(audio) >= 4000 and media.rms(audio[-4000:]) < 0.005


def _go_available(page: Any) -> None:
    page.locator('button[data-state="available"]').click()
    page.locator('#state[data-state="available"]').wait_for()


def test_call_reaches_the_advisor_with_audio_both_ways_mute_and_hang_up(
    voice_site: VoiceSite, desk: Callable[[str], Any]
) -> None:
    if not media.can_record():
        pytest.skip("recording the caller's audio needs a packet socket (run as root)")
    page = desk("a2")
    _go_available(page)
    caller = voice_site.call("answered.xml", "+33900000001")
    recorder = media.RtpRecorder(caller.media_port)
    recorder.start()
    try:
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

        # mute: the customer hears silence; unmute: the advisor again
        card.locator('[data-action="mute"]').click()
        muted = time.monotonic() + 0.3
        wait_until(lambda: _caller_hears_silence(recorder, muted), "silence while muted")
        card.locator('[data-action="mute"]').click()
        unmuted = time.monotonic() + 0.3
        wait_until(lambda: _caller_hears(recorder, unmuted, AGENT_HZ), "1 kHz after unmute")

        # the advisor ends the call: the customer gets BYE, the contact goes to wrap-up
        card.locator('[data-action="end"]').click()
        assert caller.wait() == 0, caller.explain()
        done = voice_site.api.get(f"/api/contacts/{contact['id']}").json()
        assert done["state"] == "wrap_up" and done["agent_id"] == "a2"
        assert done["wait_s"] > 0
    finally:
        recorder.stop()
        caller.stop()
