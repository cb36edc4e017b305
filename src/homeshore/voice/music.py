"""The tune a caller on hold hears in a local run: a soft arpeggio written as a WAV file
next to the engines' configuration (an operator sets HOMESHORE_VOICE_HOLD_MUSIC instead)."""

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


def write_wav16(path: Path, samples: npt.NDArray[np.float64], rate: int) -> Path:
    """Mono 16-bit PCM WAV of ``samples`` in [-1, 1]."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path
