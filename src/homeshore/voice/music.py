"""What a caller hears from the platform in a local run, written as WAV files next to the
engines' configuration: the tune while on hold (a soft arpeggio; an operator sets
HOMESHORE_VOICE_HOLD_MUSIC instead) and the notice before a dropped call ends (the special
information tone; an operator records a spoken message and sets
HOMESHORE_VOICE_DROPPED_MESSAGE), and the notice when a call's recording starts."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

#: C5, E5, G5, E5: half a second each, looped by rtpengine
NOTES_HZ = (523.25, 659.25, 783.99, 659.25)
NOTE_S = 0.5
RATE = 8000


def write_hold_music(path: Path) -> Path:
    t = np.arange(int(NOTE_S * RATE)) / RATE
    envelope = np.minimum(1.0, np.minimum(t, NOTE_S - t) / 0.05)  # no clicks between notes
    notes = [0.4 * envelope * np.sin(2 * np.pi * hz * t) for hz in NOTES_HZ]
    return write_wav16(path, np.concatenate(notes * 4), RATE)


#: ITU-T E.180's special information tone: three rising tones, "this call cannot go on"
SIT_HZ = (950.0, 1400.0, 1800.0)
SIT_TONE_S, SIT_GAP_S, SIT_PAUSE_S = 0.33, 0.03, 1.0


def write_dropped_message(path: Path) -> Path:
    """The special information tone, twice: what the caller hears when the advisor's line
    dropped, before the call ends."""
    t = np.arange(int(SIT_TONE_S * RATE)) / RATE
    envelope = np.minimum(1.0, np.minimum(t, SIT_TONE_S - t) / 0.01)
    gap = np.zeros(int(SIT_GAP_S * RATE))
    parts: list[npt.NDArray[np.float64]] = []
    for hz in SIT_HZ:
        parts += [0.4 * envelope * np.sin(2 * np.pi * hz * t), gap]
    once = np.concatenate([*parts, np.zeros(int(SIT_PAUSE_S * RATE))])
    return write_wav16(path, np.concatenate([once, once]), RATE)


#: the recording notice of a local run: two short beeps at 1,400 Hz
NOTICE_HZ, NOTICE_BEEP_S, NOTICE_GAP_S = 1400.0, 0.25, 0.2


def write_recording_notice(path: Path) -> Path:
    """Two short beeps: what the caller hears when the recording of the call starts (an
    operator records "this call may be recorded" and sets HOMESHORE_VOICE_RECORDING_NOTICE)."""
    t = np.arange(int(NOTICE_BEEP_S * RATE)) / RATE
    envelope = np.minimum(1.0, np.minimum(t, NOTICE_BEEP_S - t) / 0.01)
    beep = 0.4 * envelope * np.sin(2 * np.pi * NOTICE_HZ * t)
    gap = np.zeros(int(NOTICE_GAP_S * RATE))
    return write_wav16(path, np.concatenate([beep, gap, beep]), RATE)


def write_wav16(path: Path, samples: npt.NDArray[np.float64], rate: int) -> Path:
    """Mono 16-bit PCM WAV of ``samples`` in [-1, 1]."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path
