"""rtpengine's pcap recording of a call turned into a stereo WAV (left caller, right advisor).

The pcaps are built here the way rtpengine writes them (made-up IP/UDP headers, destination
port = rtpengine's local port of the sending party), with G.711 encoded in the test."""

from __future__ import annotations

import io
import os
import socket
import struct
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dpkt
import numpy as np
import numpy.typing as npt
import pytest

from homeshore.voice.recording import (
    ALAW_TO_LINEAR,
    ULAW_TO_LINEAR,
    RecordingAudio,
    find_pcap,
    pcap_to_wav,
)

RATE_HZ = 8000
FRAME = 160  # 20 ms at 8 kHz
CALLER_PORT, ADVISOR_PORT, OTHER_PORT = 30012, 30000, 30024
CALLER_HZ, ADVISOR_HZ = 440.0, 1000.0
T0_S = 1_796_612_074.0
PCMU, PCMA, TELEPHONE_EVENT = 0, 8, 101

Codes = npt.NDArray[np.uint8]
Linear = npt.NDArray[np.int64]


# --- G.711 in the test: scalar reference decoders (Sun's g711.c), vectorised encoders ----


def ulaw_reference(code: int) -> int:
    u = ~code & 0xFF
    t = ((u & 0x0F) << 3) + 0x84
    t <<= (u & 0x70) >> 4
    return 0x84 - t if u & 0x80 else t - 0x84


def alaw_reference(code: int) -> int:
    a = code ^ 0x55
    t = (a & 0x0F) << 4
    segment = (a & 0x70) >> 4
    if segment == 0:
        t += 8
    else:
        t = (t + 0x108) << (segment - 1)
    return t if a & 0x80 else -t


def reference_decode(codes: Codes, payload_type: int) -> Linear:
    decode = ulaw_reference if payload_type == PCMU else alaw_reference
    return np.array([decode(int(code)) for code in codes], dtype=np.int64)


def _top_bit(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return np.floor(np.log2(np.maximum(values, 1))).astype(np.int64)


def ulaw_encode(samples: npt.ArrayLike) -> Codes:
    x = np.asarray(samples, dtype=np.int64)
    sign = np.where(x < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(x), 32635) + 0x84
    exponent = _top_bit(magnitude) - 7
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    codes: Codes = (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)
    return codes


def alaw_encode(samples: npt.ArrayLike) -> Codes:
    x = np.asarray(samples, dtype=np.int64) >> 3
    sign = np.where(x >= 0, 0x80, 0)
    magnitude = np.minimum(np.where(x >= 0, x, -x - 1), 0x0FFF)
    segment = np.where(magnitude < 32, 0, _top_bit(magnitude) - 4)
    mantissa = np.where(segment == 0, magnitude >> 1, magnitude >> np.maximum(segment, 1)) & 0x0F
    codes: Codes = ((sign | (segment << 4) | mantissa) ^ 0x55).astype(np.uint8)
    return codes


def encode(samples: npt.ArrayLike, payload_type: int) -> Codes:
    return ulaw_encode(samples) if payload_type == PCMU else alaw_encode(samples)


def test_every_g711_code_decodes_to_the_reference_value() -> None:
    codes = range(256)
    assert ULAW_TO_LINEAR.tolist() == [ulaw_reference(code) for code in codes]
    assert ALAW_TO_LINEAR.tolist() == [alaw_reference(code) for code in codes]
    # anchors from the G.711 tables, and the test's encoders invert the decoders
    assert ULAW_TO_LINEAR[0xFF] == 0 and ULAW_TO_LINEAR[0x80] == 32124
    assert ULAW_TO_LINEAR[0x00] == -32124
    assert ALAW_TO_LINEAR[0xD5] == 8 and ALAW_TO_LINEAR[0x55] == -8
    assert ALAW_TO_LINEAR[0xAA] == 32256 and ALAW_TO_LINEAR[0x2A] == -32256
    every = np.arange(256)
    assert np.array_equal(alaw_encode(ALAW_TO_LINEAR), every)
    not_negative_zero = every != 0x7F  # μ-law has two zeros: 0x7F encodes back as 0xFF
    assert np.array_equal(ulaw_encode(ULAW_TO_LINEAR)[not_negative_zero], every[not_negative_zero])


# --- pcaps as rtpengine writes them -------------------------------------------------------


@dataclass(frozen=True)
class Packet:
    time_s: float
    dport: int
    payload: bytes


def rtp(
    payload_type: int, seq: int, timestamp: int, ssrc: int, payload: bytes, marker: bool = False
) -> bytes:
    header = struct.pack(
        "!BBHII", 0x80, (0x80 if marker else 0) | payload_type, seq & 0xFFFF, timestamp, ssrc
    )
    return header + payload


def with_timestamp(packet: Packet, timestamp: int) -> Packet:
    payload = packet.payload[:4] + struct.pack("!I", timestamp) + packet.payload[8:]
    return Packet(packet.time_s, packet.dport, payload)


def rtcp_receiver_report(ssrc: int) -> bytes:
    return struct.pack("!BBHI", 0x80, 201, 1, ssrc)


def _ip(dport: int, payload: bytes, ipv6: bool) -> dpkt.Packet:
    udp = dpkt.udp.UDP(sport=40000, dport=dport, data=payload, sum=0)
    udp.ulen = len(udp)
    if ipv6:
        loopback = socket.inet_pton(socket.AF_INET6, "::1")
        ip6 = dpkt.ip6.IP6(src=loopback, dst=loopback, nxt=dpkt.ip.IP_PROTO_UDP, hlim=64)
        ip6.data = udp
        ip6.plen = len(udp)
        return ip6
    loopback = socket.inet_aton("127.0.0.1")
    return dpkt.ip.IP(src=loopback, dst=loopback, p=dpkt.ip.IP_PROTO_UDP, data=udp)


def write_pcap(
    path: Path, packets: Sequence[Packet], *, linktype: int = 101, ipv6: bool = False
) -> Path:
    with path.open("wb") as stream:
        writer = dpkt.pcap.Writer(stream, snaplen=65535, linktype=linktype)
        for packet in packets:
            ip = _ip(packet.dport, packet.payload, ipv6)
            if linktype == dpkt.pcap.DLT_EN10MB:
                kind = dpkt.ethernet.ETH_TYPE_IP6 if ipv6 else dpkt.ethernet.ETH_TYPE_IP
                frame = bytes(
                    dpkt.ethernet.Ethernet(src=b"\0" * 6, dst=b"\0" * 6, type=kind, data=ip)
                )
            else:
                frame = bytes(ip)
            writer.writepkt(frame, ts=packet.time_s)
    return path


def tone(hz: float, start: int, count: int) -> npt.NDArray[np.int64]:
    n = np.arange(start, start + count)
    return np.round(9000 * np.sin(2 * np.pi * hz * n / RATE_HZ)).astype(np.int64)


@dataclass(frozen=True)
class Party:
    """A party sending a tone as 20 ms G.711 packets; ``expected`` is what the WAV holds."""

    packets: list[Packet]
    expected: Linear


def talk(
    *,
    hz: float,
    dport: int,
    payload_type: int,
    start_s: float,
    count: int,
    first_ts: int,
    ssrc: int,
    lost: frozenset[int] = frozenset(),
    length: int = 0,
) -> Party:
    start_frame = round((start_s - T0_S) * RATE_HZ)
    expected = np.zeros(max(length, start_frame + count * FRAME), dtype=np.int64)
    packets = []
    for k in range(count):
        codes = encode(tone(hz, k * FRAME, FRAME), payload_type)
        if k in lost:
            continue
        timestamp = (first_ts + k * FRAME) % 2**32
        payload = rtp(payload_type, 1000 + k, timestamp, ssrc, codes.tobytes())
        packets.append(Packet(start_s + k * 0.02, dport, payload))
        span = slice(start_frame + k * FRAME, start_frame + (k + 1) * FRAME)
        expected[span] = reference_decode(codes, payload_type)
    return Party(packets, expected)


def read_wav(path: Path) -> tuple[Linear, Linear]:
    with wave.open(str(path), "rb") as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (2, 2)
        assert reader.getframerate() == RATE_HZ
        frames = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    stereo = frames.reshape(-1, 2).astype(np.int64)
    return stereo[:, 0], stereo[:, 1]


def share_near(samples: Linear, hz: float) -> float:
    """Share of the signal's energy within 20 Hz of ``hz``."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    freqs_hz = np.fft.rfftfreq(len(samples), 1 / RATE_HZ)
    return float(spectrum[np.abs(freqs_hz - hz) < 20].sum() / spectrum.sum())


def dominant_hz(samples: Linear) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE_HZ)[spectrum.argmax()])


# --- the conversation ----------------------------------------------------------------------

CALL_FRAMES = 8800  # the advisor answers 0.1 s in and talks for 1 s


def conversation() -> tuple[list[Packet], Linear, Linear]:
    """The caller (PCMU, RTP clock wrapping after 3 packets, packet 20 lost) and the advisor
    (PCMA, from 0.1 s), with an RTCP report, a DTMF event and a stray packet to a third port."""
    caller = talk(
        hz=CALLER_HZ,
        dport=CALLER_PORT,
        payload_type=PCMU,
        start_s=T0_S,
        count=50,
        first_ts=2**32 - 3 * FRAME,
        ssrc=0x1111,
        lost=frozenset({20}),
        length=CALL_FRAMES,
    )
    advisor = talk(
        hz=ADVISOR_HZ,
        dport=ADVISOR_PORT,
        payload_type=PCMA,
        start_s=T0_S + 0.1,
        count=50,
        first_ts=123_456,
        ssrc=0x2222,
        length=CALL_FRAMES,
    )
    extras = [
        Packet(T0_S + 0.5, CALLER_PORT, rtcp_receiver_report(0x1111)),
        Packet(
            T0_S + 0.6, ADVISOR_PORT, rtp(TELEPHONE_EVENT, 1, 7, 0x2222, b"\x05\x0a\x00\xa0", True)
        ),
        Packet(T0_S + 0.3, OTHER_PORT, rtp(PCMU, 1, 0, 0x3333, b"\x00" * FRAME)),
    ]
    packets = sorted(caller.packets + advisor.packets + extras, key=lambda packet: packet.time_s)
    return packets, caller.expected, advisor.expected


@pytest.mark.parametrize(("linktype", "ipv6"), [(101, False), (1, False), (101, True), (1, True)])
def test_the_caller_is_left_and_the_advisor_right(
    tmp_path: Path, linktype: int, ipv6: bool
) -> None:
    packets, caller, advisor = conversation()
    pcap = write_pcap(
        tmp_path / "call-0123456789abcdef.pcap", packets, linktype=linktype, ipv6=ipv6
    )

    audio = pcap_to_wav(
        pcap, tmp_path / "call.wav", caller_port=CALLER_PORT, advisor_port=ADVISOR_PORT
    )

    assert audio == RecordingAudio(
        duration_s=CALL_FRAMES / RATE_HZ, caller_packets=49, advisor_packets=50, skipped_packets=2
    )
    left, right = read_wav(tmp_path / "call.wav")
    assert len(left) == CALL_FRAMES
    assert np.array_equal(left, caller) and np.array_equal(right, advisor)
    assert not left[20 * FRAME : 21 * FRAME].any()  # the lost packet stays silent
    assert left[19 * FRAME : 20 * FRAME].any() and left[21 * FRAME : 22 * FRAME].any()
    assert not right[:800].any() and not left[8000:].any()
    assert dominant_hz(left) == pytest.approx(CALLER_HZ, abs=2)
    assert dominant_hz(right) == pytest.approx(ADVISOR_HZ, abs=2)
    assert share_near(left, CALLER_HZ) > 0.95 and share_near(right, ADVISOR_HZ) > 0.95
    assert sorted(os.listdir(tmp_path)) == ["call-0123456789abcdef.pcap", "call.wav"]


def test_a_new_ssrc_is_anchored_at_its_capture_time(tmp_path: Path) -> None:
    first = talk(
        hz=CALLER_HZ,
        dport=CALLER_PORT,
        payload_type=PCMU,
        start_s=T0_S,
        count=10,
        first_ts=5_000,
        ssrc=1,
    )
    second = talk(
        hz=CALLER_HZ,
        dport=CALLER_PORT,
        payload_type=PCMU,
        start_s=T0_S + 0.5,
        count=10,
        first_ts=3_000_000_000,
        ssrc=2,
    )
    pcap = write_pcap(tmp_path / "c.pcap", first.packets + second.packets)

    audio = pcap_to_wav(
        pcap, tmp_path / "c.wav", caller_port=CALLER_PORT, advisor_port=ADVISOR_PORT
    )

    assert audio.duration_s == pytest.approx(0.7) and audio.caller_packets == 20
    left, right = read_wav(tmp_path / "c.wav")
    expected = second.expected.copy()
    expected[: 10 * FRAME] = first.expected[: 10 * FRAME]
    assert np.array_equal(left, expected) and not right.any()


def test_a_timestamp_jump_within_a_stream_is_anchored_again(tmp_path: Path) -> None:
    party = talk(
        hz=CALLER_HZ,
        dport=CALLER_PORT,
        payload_type=PCMU,
        start_s=T0_S,
        count=20,
        first_ts=0,
        ssrc=9,
    )
    jump = 10 * 3600 * RATE_HZ
    jumped = [
        with_timestamp(packet, k * FRAME + (jump if k >= 10 else 0))
        for k, packet in enumerate(party.packets)
    ]
    pcap = write_pcap(tmp_path / "c.pcap", jumped)

    audio = pcap_to_wav(
        pcap, tmp_path / "c.wav", caller_port=CALLER_PORT, advisor_port=ADVISOR_PORT
    )

    assert audio.duration_s == pytest.approx(0.4, abs=0.01)


def test_late_and_duplicate_packets_overwrite_their_span(tmp_path: Path) -> None:
    party = talk(
        hz=CALLER_HZ,
        dport=CALLER_PORT,
        payload_type=PCMU,
        start_s=T0_S,
        count=4,
        first_ts=2**32 - FRAME,
        ssrc=7,
    )
    p0, p1, p2, p3 = party.packets
    loud = ulaw_encode(np.full(FRAME, 20_000)).tobytes()
    duplicate = Packet(T0_S + 0.1, CALLER_PORT, p1.payload[:12] + loud)
    late = Packet(T0_S + 0.09, CALLER_PORT, p2.payload)
    pcap = write_pcap(tmp_path / "c.pcap", [p0, p1, p3, late, duplicate])

    audio = pcap_to_wav(
        pcap, tmp_path / "c.wav", caller_port=CALLER_PORT, advisor_port=ADVISOR_PORT
    )

    assert audio.caller_packets == 5 and audio.duration_s == pytest.approx(4 * FRAME / RATE_HZ)
    left, _ = read_wav(tmp_path / "c.wav")
    expected = party.expected.copy()
    expected[FRAME : 2 * FRAME] = ULAW_TO_LINEAR[ulaw_encode(np.full(FRAME, 20_000))]
    assert np.array_equal(left, expected)


def test_csrc_header_extension_and_padding_are_not_audio(tmp_path: Path) -> None:
    codes = ulaw_encode(tone(CALLER_HZ, 0, FRAME)).tobytes()
    header = struct.pack("!BBHII", 0x80 | 0x20 | 0x10 | 1, PCMU, 1, 0, 5)
    csrc = struct.pack("!I", 6)
    extension = struct.pack("!HH", 0xBEDE, 1) + b"\x10\xaa\x00\x00"
    padding = b"\x00\x00\x00\x04"
    pcap = write_pcap(
        tmp_path / "c.pcap",
        [Packet(T0_S, CALLER_PORT, header + csrc + extension + codes + padding)],
    )

    pcap_to_wav(pcap, tmp_path / "c.wav", caller_port=CALLER_PORT, advisor_port=ADVISOR_PORT)

    left, _ = read_wav(tmp_path / "c.wav")
    assert left.tolist() == [ulaw_reference(code) for code in codes]


@pytest.mark.parametrize(("cut", "placed"), [("packet", 98), ("record header", 99)])
def test_a_record_cut_short_ends_the_recording(tmp_path: Path, cut: str, placed: int) -> None:
    """rtpengine stopped while writing: the last packet, or the next record's header, is
    cut short."""
    packets, _, _ = conversation()
    pcap = write_pcap(tmp_path / "c.pcap", packets)
    whole = pcap.read_bytes()
    pcap.write_bytes(whole[:-10] if cut == "packet" else whole + whole[24:29])

    audio = pcap_to_wav(
        pcap, tmp_path / "c.wav", caller_port=CALLER_PORT, advisor_port=ADVISOR_PORT
    )

    assert audio.caller_packets + audio.advisor_packets == placed


def test_the_wav_is_replaced_whole(tmp_path: Path) -> None:
    packets, _, _ = conversation()
    pcap = write_pcap(tmp_path / "c.pcap", packets)
    wav = tmp_path / "c.wav"
    wav.write_bytes(b"an older conversion")

    pcap_to_wav(pcap, wav, caller_port=CALLER_PORT, advisor_port=ADVISOR_PORT)

    assert len(read_wav(wav)[0]) == CALL_FRAMES
    assert sorted(os.listdir(tmp_path)) == ["c.pcap", "c.wav"]


# --- errors ----------------------------------------------------------------------------------


def _pcap_with_linktype(path: Path, linktype: int) -> Path:
    buffer = io.BytesIO()
    dpkt.pcap.Writer(buffer, linktype=linktype)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a pcap"),
        (b"this is not a capture file at all", "not a pcap"),
        ("header only", "no UDP packet"),
        ("linux cooked", "link type 113"),
        ("other port only", "no packet reaches"),
    ],
)
def test_an_unusable_recording_is_refused(
    tmp_path: Path, content: bytes | str, message: str
) -> None:
    pcap = tmp_path / "broken-0123456789abcdef.pcap"
    if content == "header only":
        _pcap_with_linktype(pcap, 101)
    elif content == "linux cooked":
        _pcap_with_linktype(pcap, 113)
    elif content == "other port only":
        write_pcap(pcap, [Packet(T0_S, OTHER_PORT, rtp(PCMU, 1, 0, 1, b"\xff" * FRAME))])
    else:
        assert isinstance(content, bytes)
        pcap.write_bytes(content)
    wav = tmp_path / "out.wav"
    wav.write_bytes(b"kept")

    with pytest.raises(ValueError, match=message) as raised:
        pcap_to_wav(pcap, wav, caller_port=CALLER_PORT, advisor_port=ADVISOR_PORT)

    assert str(pcap) in str(raised.value)
    assert wav.read_bytes() == b"kept" and sorted(os.listdir(tmp_path)) == [pcap.name, "out.wav"]


def test_a_missing_recording_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"missing\.pcap"):
        pcap_to_wav(tmp_path / "missing.pcap", tmp_path / "out.wav", caller_port=1, advisor_port=2)


# --- finding a call's pcap -------------------------------------------------------------------


def test_find_pcap_matches_the_escaped_call_id_and_takes_the_newest(tmp_path: Path) -> None:
    pcaps = tmp_path / "pcaps"
    pcaps.mkdir()
    older = pcaps / "a1b2%40pbx.example%3A5060-00112233445566ff.pcap"
    newer = pcaps / "a1b2%40pbx.example%3A5060-0123456789abcdef.pcap"
    for name in (
        older.name,
        newer.name,
        "a1b2%40pbx.example%3A5060-2-0123456789abcdef.pcap",  # another call id
        "a1b2%40pbx.example%3A5060-0123456789abcdef.pcap.tmp",
        "a1b2@pbx.example:5060-0123456789abcdef.pcap",  # unescaped: not rtpengine's name
    ):
        (pcaps / name).write_bytes(b"")
    os.utime(older, (T0_S, T0_S))
    os.utime(newer, (T0_S + 60, T0_S + 60))

    assert find_pcap(tmp_path, "a1b2@pbx.example:5060") == newer
    os.utime(older, (T0_S + 120, T0_S + 120))
    assert find_pcap(tmp_path, "a1b2@pbx.example:5060") == older
    assert find_pcap(tmp_path, "spike-offer space~1") is None
    (pcaps / "spike-offer%20space~1-fcd27a7b7c08bc0f.pcap").write_bytes(b"")
    assert (
        find_pcap(tmp_path, "spike-offer space~1")
        == pcaps / "spike-offer%20space~1-fcd27a7b7c08bc0f.pcap"
    )


def test_find_pcap_without_recordings_is_none(tmp_path: Path) -> None:
    assert find_pcap(tmp_path, "any") is None
