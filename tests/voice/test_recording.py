"""A queue that records its calls: the caller hears the notice, the relay records the call
once connected, and its manager plays a stereo WAV with the caller's voice on the left and
the advisor's on the right; another team's manager and the advisor cannot."""

from __future__ import annotations

import datetime as dt
import io
import time
import wave
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np

from homeshore.voice.music import NOTICE_HZ
from tests.browser.conftest import WAIT_S
from tests.voice import media
from tests.voice.conftest import (
    AGENT_HZ,
    CALLER_HZ,
    VoiceSite,
    answer_on_desk,
    recorded_call,
    wait_until,
)
from tests.web.live_server import signed_in

RECORDED = "+33900000003"


def _channels(wav_bytes: bytes) -> tuple[np.ndarray, np.ndarray, int]:
    with wave.open(io.BytesIO(wav_bytes)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (2, 2)
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2)
        return frames[:, 0] / 32768.0, frames[:, 1] / 32768.0, w.getframerate()


def _get_as(site: VoiceSite, username: str, path: str) -> httpx.Response:
    with signed_in(site.base_url, username, WAIT_S) as api:
        return api.get(path)


def test_a_recorded_call_is_announced_recorded_in_stereo_and_played_by_its_manager(
    voice_site: VoiceSite, desk: Callable[..., Any]
) -> None:
    page = desk("a2")
    page.locator('button[data-state="available"]').click()
    page.locator('#state[data-state="available"]').wait_for()
    with recorded_call(voice_site, RECORDED) as (caller, recorder):
        page.locator('.offer [data-action="accept"]').wait_for()
        connected = time.monotonic()
        contact_id, card = answer_on_desk(voice_site, page)
        # the advisor is told, the caller hears the notice (two 1,400 Hz beeps)
        card.locator('[data-field="call-recorded"]').wait_for()
        wait_until(
            lambda: media.has_tone(recorder.audio_since(connected), NOTICE_HZ),
            "the caller to hear the recording notice",
        )
        # a few seconds of conversation, then the advisor hangs up
        talk = time.monotonic()
        # three seconds by the clock and of audio received (packets can come in bursts on a
        # busy machine: three seconds of payload may arrive in less)
        wait_until(
            lambda: (
                time.monotonic() - talk >= 3.0
                and len(recorder.audio_since(talk)) >= 3 * 8000
                and media.has_tone(recorder.audio_since(talk), AGENT_HZ)
            ),
            "three seconds of the advisor's voice at the caller",
        )
        card.locator('[data-action="end"]').click()
        assert caller.wait() == 0, caller.explain()

    [stored] = wait_until(
        lambda: [
            r
            for r in voice_site.api.get("/api/voice/recordings").json()
            if r["contact_id"] == contact_id
        ],
        "the recording to be stored",
    )
    assert stored["agent_id"] == "a2" and stored["queue_id"] == "recorded"
    assert stored["duration_s"] >= 3.0
    kept = dt.datetime.fromisoformat(stored["expires_at"]) - dt.datetime.fromisoformat(
        stored["created_at"]
    )
    assert kept == dt.timedelta(days=30)  # HOMESHORE_VOICE_RECORDING_DAYS' default
    played = _get_as(voice_site, "m.red", f"/api/voice/contacts/{contact_id}/recording")
    assert played.status_code == 200, played.text
    assert played.headers["content-type"] == "audio/wav"
    left, right, rate = _channels(played.content)
    assert rate == 8000 and len(left) >= 3 * rate
    # the caller's 440 Hz on the left, the advisor's 1 kHz on the right, each alone
    assert media.has_tone(left, CALLER_HZ) and not media.has_tone(left, AGENT_HZ)
    assert media.has_tone(right, AGENT_HZ) and not media.has_tone(right, CALLER_HZ)
    # the relay's files are gone: only the WAV is kept
    assert not list((voice_site.run_dir / "rtp-recordings" / "pcaps").glob("*.pcap"))

    # another team's manager and the advisor cannot play it; the opening is in a2's trail
    assert (
        _get_as(voice_site, "m.blue", f"/api/voice/contacts/{contact_id}/recording").status_code
        == 403
    )
    assert (
        _get_as(voice_site, "a2", f"/api/voice/contacts/{contact_id}/recording").status_code == 403
    )
    events = voice_site.api.get("/api/events", params={"limit": 5000}).json()
    mine = [e for e in events if e["contact_id"] == contact_id]
    assert {"call.connected", "call.recording", "recording.stored", "recording.played"} <= {
        e["type"] for e in mine
    }
    [opened] = [e for e in mine if e["type"] == "recording.played"]
    assert opened["data"]["manager"] == "m.red"


def test_a_call_of_a_queue_that_does_not_record_leaves_no_recording(
    voice_site: VoiceSite, desk: Callable[..., Any]
) -> None:
    page = desk("a1")
    page.locator('button[data-state="available"]').click()
    page.locator('#state[data-state="available"]').wait_for()
    with recorded_call(voice_site) as (caller, recorder):
        page.locator('.offer [data-action="accept"]').wait_for()
        contact_id, card = answer_on_desk(voice_site, page)
        start = time.monotonic()
        wait_until(lambda: media.has_tone(recorder.audio_since(start), AGENT_HZ), "the advisor")
        assert card.locator('[data-field="call-recorded"]').is_hidden()
        card.locator('[data-action="end"]').click()
        assert caller.wait() == 0, caller.explain()
    events = voice_site.api.get("/api/events", params={"limit": 5000}).json()
    mine = {e["type"] for e in events if e["contact_id"] == contact_id}
    assert "call.connected" in mine and "call.recording" not in mine
    assert (
        _get_as(voice_site, "m.red", f"/api/voice/contacts/{contact_id}/recording").status_code
        == 404
    )
