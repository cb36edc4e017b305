"""Audio for the voice tests: tones as WAV files, G.711 μ-law, the dominant frequency of
a signal, and a recorder of the RTP a caller receives on loopback (SIPp cannot record)."""

from __future__ import annotations

import socket
import struct
import threading
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from homeshore.voice.music import write_wav16

Samples = npt.NDArray[np.float64]


def tone(hz: float, seconds: float, rate: int) -> Samples:
    t = np.arange(int(seconds * rate)) / rate
    return 0.5 * np.sin(2 * np.pi * hz * t)


def write_pcm16(path: Path, samples: Samples, rate: int) -> Path:
    """A 16-bit mono WAV (Chromium's fake microphone reads this)."""
    return write_wav16(path, samples, rate)


def ulaw_encode(samples: Samples) -> bytes:
    """G.711 μ-law, as a telephone network carries speech (PCMU, payload type 0)."""
    pcm = np.clip(samples * 32767, -32635, 32635).astype(np.int32)
    sign = np.where(pcm < 0, 0x80, 0)
    magnitude = np.abs(pcm) + 0x84
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def ulaw_decode(data: bytes) -> Samples:
    u = ~np.frombuffer(data, dtype=np.uint8).astype(np.int32) & 0xFF
    exponent = (u >> 4) & 0x07
    magnitude = (((u & 0x0F) << 3) + 0x84) << exponent
    pcm = np.where(u & 0x80, 0x84 - magnitude, magnitude - 0x84)
    return np.asarray(pcm, dtype=np.float64) / 32768


def write_ulaw_wav(path: Path, samples: Samples) -> Path:
    """An 8 kHz μ-law WAV (format 7), what SIPp's rtp_stream sends as PCMU."""
    data = ulaw_encode(samples)
    fmt = struct.pack("<HHIIHH", 7, 1, 8000, 8000, 1, 8)
    riff = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    riff += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(riff)) + riff)
    return path


def dominant_hz(samples: Samples, rate: int) -> float:
    windowed = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(windowed))
    spectrum[0] = 0
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def has_tone(audio: Samples, hz: float, rate: int = 8000, tolerance_hz: float = 10.0) -> bool:
    """Some fifth of a second of ``audio`` is loud and dominated by ``hz``."""
    chunks = np.array_split(audio, max(1, len(audio) // (rate // 5)))
    return any(
        rms(chunk) > 0.02 and abs(dominant_hz(chunk, rate) - hz) <= tolerance_hz for chunk in chunks
    )


def rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


def can_record() -> bool:
    try:
        socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800)).close()
        return True
    except (PermissionError, AttributeError, OSError):
        return False


class RtpRecorder(threading.Thread):
    """Every RTP packet sent to ``port`` on the loopback interface, as (arrival time,
    payload type, payload); a packet socket sees them without taking the port."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.packets: list[tuple[float, int, bytes]] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
        self._sock.bind(("lo", 0))
        self._sock.settimeout(0.2)

    def run(self) -> None:
        while not self._done.is_set():
            try:
                frame, address = self._sock.recvfrom(65535)
            except TimeoutError:
                continue
            if address[2] == socket.PACKET_OUTGOING:  # loopback shows each packet twice
                continue
            ip = frame[14:]
            if len(ip) < 28 or ip[9] != 17:  # UDP only
                continue
            udp = ip[(ip[0] & 0x0F) * 4 :]
            if struct.unpack("!H", udp[2:4])[0] != self.port:
                continue
            rtp = udp[8:]
            if len(rtp) < 12 or rtp[0] >> 6 != 2:
                continue
            header = 12 + 4 * (rtp[0] & 0x0F)
            with self._lock:
                self.packets.append((time.monotonic(), rtp[1] & 0x7F, rtp[header:]))

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)
        self._sock.close()

    def first_sound_after(self, since: float, level: float = 0.02) -> float | None:
        """When (time.monotonic()) the first PCMU packet louder than ``level`` (RMS)
        arrived after ``since``, if one did."""
        with self._lock:
            packets = [(t, p) for t, pt, p in self.packets if t >= since and pt == 0]
        return next((t for t, p in packets if rms(ulaw_decode(p)) > level), None)

    def audio_since(self, since: float) -> Samples:
        """The PCMU audio received after ``since`` (time.monotonic()), decoded."""
        with self._lock:
            chunks = [p for t, pt, p in self.packets if t >= since and pt == 0]
        return ulaw_decode(b"".join(chunks))
