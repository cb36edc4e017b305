"""A call recording as rtpengine writes it, turned into a stereo WAV a person can listen to.

rtpengine (``--recording-method=pcap``) writes one pcap per call,
``DIR/pcaps/<escaped call id>-<16 hex digits>.pcap``, with every RTP packet as it received
it (SRTP already decrypted) behind made-up IP/UDP headers: link type raw IP
(``--recording-format=raw``) or Ethernet (``=eth``), capture time = receive time, and as
destination port rtpengine's own local port of the party that *sent* the packet. Given the
two local ports, the caller goes to the left channel and the advisor to the right one.

Audio is G.711 (PCMU, PCMA) at 8 kHz. Each party's samples are placed by RTP timestamp,
anchored at the capture time of the stream's first packet: lost packets leave silence, late
or repeated packets overwrite their own span. RTCP, telephone events (DTMF) and comfort
noise carry no audio and are skipped.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import urllib.parse
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dpkt
import numpy as np
import numpy.typing as npt

RATE_HZ = 8000
#: pcap link types rtpengine writes: ``--recording-format=raw`` and ``=eth``
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW_IP = 101
#: RTP payload types carrying audio this module decodes
PT_PCMU = 0
PT_PCMA = 8
#: RTCP packet types 200–207 read as an RTP second byte with the marker bit cleared
RTCP_PT_RANGE = range(72, 80)
#: a stream whose RTP clock strays this far from its capture times is anchored again
#: (an endpoint that jumped its timestamps), instead of being placed hours away
RESYNC_AFTER_S = 2.0

#: permissions of a written WAV: those of a file created under the usual umask 022
WAV_MODE = 0o644

_UDP_HEADER_BYTES = 8
_RTP_HEADER_BYTES = 12
_TS_MODULUS = 1 << 32
_TS_HALF = 1 << 31

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class RecordingAudio:
    """What :func:`pcap_to_wav` wrote.

    ``caller_packets`` and ``advisor_packets`` count the audio packets placed on each
    channel; ``skipped_packets`` counts the packets either party sent that carried no G.711
    audio (RTCP, telephone events, comfort noise, other codecs, malformed RTP). Packets to
    any other port are ignored and counted nowhere.
    """

    duration_s: float
    caller_packets: int
    advisor_packets: int
    skipped_packets: int


def _ulaw_table() -> Samples:
    """ITU-T G.711 μ-law code → 16-bit linear sample."""
    code = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return np.where(code & 0x80, -magnitude, magnitude).astype(np.int16)


def _alaw_table() -> Samples:
    """ITU-T G.711 A-law code → 16-bit linear sample."""
    code = np.arange(256, dtype=np.int32) ^ 0x55
    segment = (code >> 4) & 0x07
    mantissa = code & 0x0F
    magnitude = np.where(
        segment == 0,
        (mantissa << 4) + 8,
        ((mantissa << 4) + 0x108) << np.maximum(segment - 1, 0),
    )
    return np.where(code & 0x80, magnitude, -magnitude).astype(np.int16)


ULAW_TO_LINEAR = _ulaw_table()
ALAW_TO_LINEAR = _alaw_table()
_DECODERS: dict[int, Samples] = {PT_PCMU: ULAW_TO_LINEAR, PT_PCMA: ALAW_TO_LINEAR}


@dataclass(frozen=True)
class _Udp:
    time_s: float
    dport: int
    payload: bytes


@dataclass(frozen=True)
class _Rtp:
    payload_type: int
    timestamp: int
    ssrc: int
    payload: bytes


def _udp_datagrams(pcap: Path) -> list[_Udp]:
    """The UDP datagrams of a pcap in file order; anything else in it is passed over."""
    try:
        with pcap.open("rb") as stream:
            try:
                reader = dpkt.pcap.Reader(stream)
            except (ValueError, dpkt.Error) as error:
                raise ValueError(f"{pcap}: not a pcap file ({error!r})") from error
            linktype = int(reader.datalink())
            if linktype not in (LINKTYPE_RAW_IP, LINKTYPE_ETHERNET):
                raise ValueError(
                    f"{pcap}: pcap link type {linktype} is neither raw IP "
                    f"({LINKTYPE_RAW_IP}) nor Ethernet ({LINKTYPE_ETHERNET})"
                )
            datagrams: list[_Udp] = []
            for time_s, frame in _records(reader):
                udp = _udp_of(frame, linktype)
                if udp is not None:
                    datagrams.append(_Udp(time_s, *udp))
            return datagrams
    except OSError as error:
        raise ValueError(f"{pcap}: cannot read the recording ({error})") from error


def _records(reader: dpkt.pcap.Reader) -> Iterator[tuple[float, bytes]]:
    """The records of a pcap; a record header cut short (rtpengine stopped mid-write) ends
    them."""
    records = iter(reader)
    while True:
        try:
            time_s, frame = next(records)
        except (StopIteration, dpkt.NeedData):
            return
        yield float(time_s), bytes(frame)


def _udp_of(frame: bytes, linktype: int) -> tuple[int, bytes] | None:
    """(destination port, payload) of the UDP datagram in a frame, if it holds a whole one."""
    try:
        if linktype == LINKTYPE_ETHERNET:
            ip = dpkt.ethernet.Ethernet(frame).data
        elif frame and frame[0] >> 4 == 6:
            ip = dpkt.ip6.IP6(frame)
        else:
            ip = dpkt.ip.IP(frame)
    except dpkt.Error:
        return None
    if not isinstance(ip, dpkt.ip.IP | dpkt.ip6.IP6) or not isinstance(ip.data, dpkt.udp.UDP):
        return None
    payload = bytes(ip.data.data)
    length = int(ip.data.ulen) - _UDP_HEADER_BYTES
    if length < 0 or len(payload) < length:  # a record cut short
        return None
    return int(ip.data.dport), payload[:length]


def _parse_rtp(datagram: bytes) -> _Rtp | None:
    """The RTP packet in a datagram, or None for RTCP and anything that is not RTP."""
    if len(datagram) < _RTP_HEADER_BYTES or datagram[0] >> 6 != 2:
        return None
    payload_type = datagram[1] & 0x7F
    if payload_type in RTCP_PT_RANGE:
        return None
    start = _RTP_HEADER_BYTES + 4 * (datagram[0] & 0x0F)  # CSRC list
    if datagram[0] & 0x10:  # header extension
        if len(datagram) < start + 4:
            return None
        start += 4 + 4 * int.from_bytes(datagram[start + 2 : start + 4], "big")
    end = len(datagram)
    if datagram[0] & 0x20:  # padding, its length in the last byte
        end -= datagram[-1]
    if end < start:
        return None
    return _Rtp(
        payload_type=payload_type,
        timestamp=int.from_bytes(datagram[4:8], "big"),
        ssrc=int.from_bytes(datagram[8:12], "big"),
        payload=datagram[start:end],
    )


class _Track:
    """One party's audio: segments placed at sample offsets from the start of the file."""

    def __init__(self) -> None:
        self.segments: list[tuple[int, Samples]] = []
        self.packets = 0
        self._ssrc: int | None = None
        self._anchor_frame = 0
        self._anchor_ts = 0  # extended (unwrapped) RTP timestamp at the anchor
        self._last_ts = 0  # extended RTP timestamp of the previous packet

    def add(self, capture_frame: int, rtp: _Rtp, samples: Samples) -> None:
        if rtp.ssrc != self._ssrc:
            self._anchor(rtp.ssrc, capture_frame, rtp.timestamp)
        step = (rtp.timestamp - self._last_ts + _TS_HALF) % _TS_MODULUS - _TS_HALF
        extended_ts = self._last_ts + step
        frame = self._anchor_frame + extended_ts - self._anchor_ts
        if abs(frame - capture_frame) > RESYNC_AFTER_S * RATE_HZ:
            self._anchor(rtp.ssrc, capture_frame, rtp.timestamp)
            extended_ts, frame = rtp.timestamp, capture_frame
        self._last_ts = extended_ts
        if frame < 0:  # reordered before the first packet of the file
            samples, frame = samples[-frame:], 0
        self.segments.append((frame, samples))
        self.packets += 1

    def _anchor(self, ssrc: int, capture_frame: int, timestamp: int) -> None:
        self._ssrc = ssrc
        self._anchor_frame = capture_frame
        self._anchor_ts = self._last_ts = timestamp

    def end_frame(self) -> int:
        return max((frame + len(samples) for frame, samples in self.segments), default=0)


def pcap_to_wav(pcap: Path, wav: Path, *, caller_port: int, advisor_port: int) -> RecordingAudio:
    """Write rtpengine's recording ``pcap`` of one call as a 16-bit 8 kHz stereo ``wav``.

    ``caller_port`` and ``advisor_port`` are rtpengine's local ports the caller and the
    advisor send their media to. The WAV (left = caller, right = advisor) starts at the
    earliest packet of the file and replaces ``wav`` atomically. Raises ValueError when the
    pcap is unreadable or empty, its link type is neither raw IP nor Ethernet, or no packet
    reaches either port.
    """
    datagrams = _udp_datagrams(pcap)
    if not datagrams:
        raise ValueError(f"{pcap}: the recording holds no UDP packet")
    start_s = min(datagram.time_s for datagram in datagrams)
    tracks = {caller_port: _Track(), advisor_port: _Track()}
    reached = skipped = 0
    for datagram in datagrams:
        track = tracks.get(datagram.dport)
        if track is None:
            continue
        reached += 1
        rtp = _parse_rtp(datagram.payload)
        table = None if rtp is None else _DECODERS.get(rtp.payload_type)
        if rtp is None or table is None or not rtp.payload:
            skipped += 1
            continue
        capture_frame = round((datagram.time_s - start_s) * RATE_HZ)
        codes = np.frombuffer(rtp.payload, dtype=np.uint8)
        track.add(capture_frame, rtp, table[codes])
    if reached == 0:
        raise ValueError(
            f"{pcap}: no packet reaches the caller's port {caller_port} "
            f"or the advisor's port {advisor_port}"
        )
    caller, advisor = tracks[caller_port], tracks[advisor_port]
    frames = np.zeros((max(caller.end_frame(), advisor.end_frame()), 2), dtype=np.int16)
    for channel, track in enumerate((caller, advisor)):
        for frame, samples in track.segments:
            frames[frame : frame + len(samples), channel] = samples
    _write_wav_atomically(wav, frames)
    return RecordingAudio(
        duration_s=len(frames) / RATE_HZ,
        caller_packets=caller.packets,
        advisor_packets=advisor.packets,
        skipped_packets=skipped,
    )


def _write_wav_atomically(wav: Path, frames: Samples) -> None:
    """Write frames (n × 2 int16) to a temporary file beside ``wav``, then rename it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{wav.name}.", suffix=".tmp", dir=wav.parent)
    try:
        os.fchmod(handle, WAV_MODE)
        with os.fdopen(handle, "wb") as stream:
            with wave.open(stream, "wb") as writer:
                writer.setnchannels(2)
                writer.setsampwidth(2)
                writer.setframerate(RATE_HZ)
                writer.writeframes(frames.astype("<i2").tobytes())
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, wav)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def find_pcap(recording_dir: Path, call_id: str) -> Path | None:
    """rtpengine's pcap of a call in its ``--recording-dir``, the newest if there are several.

    rtpengine names it ``pcaps/<call id>-<16 hex digits>.pcap`` with the Call-ID
    URI-escaped (``g_uri_escape_string``: everything but letters, digits and ``-._~``
    becomes ``%XX``).
    """
    pcaps = recording_dir / "pcaps"
    if not pcaps.is_dir():
        return None
    escaped = urllib.parse.quote(call_id, safe="")
    name = re.compile(re.escape(escaped) + r"-[0-9a-f]{16}\.pcap")
    found = [path for path in pcaps.iterdir() if name.fullmatch(path.name) and path.is_file()]
    if not found:
        return None
    return max(found, key=lambda path: (path.stat().st_mtime_ns, path.name))
