"""Network probe of a home workstation: timed echoes over a websocket -> rtt, jitter, loss.

The client (the agent's browser, or ``homeshore check`` in a terminal) sends numbered probe
messages at a fixed interval; the server echoes each one at once. A probe whose echo has not
come back within the timeout counts as lost. The probes are cut into consecutive windows of
``probes_per_sample`` (one window = one :class:`NetworkSample`, typically one second), which is
what :func:`homeshore.readiness.emodel.verdict` judges.

Definitions (stated here because vendors differ):

- round-trip time of a window: the mean of its echoed probes' round trips;
- jitter: the mean absolute difference between consecutive round trips of the window
  (the variation a jitter buffer has to absorb);
- loss: the share of the window's probes never echoed, in percent;
- bandwidth: bytes moved in one large message, over the time it took minus one round trip.

The maths is pure; :func:`run_probe` drives a :class:`ProbeTransport` (a websocket in real
use, an in-memory double in tests) and takes its clock as an argument. The server times the
same run on its own clock (:mod:`homeshore.readiness.probe_server`): the client acknowledges
each stamped echo and download at once and sends the upload the server asks for; what the
client measured itself is only reported, and can only make the verdict worse.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from homeshore.readiness.emodel import NetworkSample

#: message types of the probe protocol (see docs/web.md)
PROBE = "probe"
DOWNLOAD = "download"
UPLOAD = "upload"
HELLO = "hello"  # server -> client, first: the probe id
ACK = "ack"  # client -> server, at once: the stamp of an echo or a download
PAYLOAD = "payload"  # client -> server: the upload the server asked for
UPLOADED = "uploaded"  # server -> client: the upload arrived


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One probe: its number and its round trip in ms, or ``None`` when it was lost."""

    seq: int
    rtt_ms: float | None

    def __post_init__(self) -> None:
        if self.rtt_ms is not None and (math.isnan(self.rtt_ms) or self.rtt_ms < 0):
            raise ValueError(f"probe {self.seq}: round-trip time must be >= 0 ms")


@dataclass(frozen=True, slots=True)
class BandwidthResult:
    """One bulk transfer: ``size_bytes`` moved in ``elapsed_ms`` (including one round trip)."""

    direction: str  # download or upload
    size_bytes: int
    elapsed_ms: float

    def kbps(self, rtt_ms: float) -> float:
        return bandwidth_kbps(self.size_bytes, self.elapsed_ms, rtt_ms)


@dataclass(frozen=True, slots=True)
class ProbeSummary:
    """The samples to judge, the overall figures, and the bandwidth when it was measured."""

    samples: tuple[NetworkSample, ...]
    rtt_ms: float
    jitter_ms: float
    loss_pct: float
    sent: int
    lost: int
    bandwidth_kbps: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": [
                {"rtt_ms": s.rtt_ms, "jitter_ms": s.jitter_ms, "loss_pct": s.loss_pct}
                for s in self.samples
            ],
            "rtt_ms": self.rtt_ms,
            "jitter_ms": self.jitter_ms,
            "loss_pct": self.loss_pct,
            "sent": self.sent,
            "lost": self.lost,
            "bandwidth_kbps": self.bandwidth_kbps,
        }


def jitter_ms(rtts_ms: Sequence[float]) -> float:
    """Mean absolute difference between consecutive round trips (0 with fewer than two)."""
    if len(rtts_ms) < 2:
        return 0.0
    return sum(abs(b - a) for a, b in itertools.pairwise(rtts_ms)) / (len(rtts_ms) - 1)


#: no home connection is faster (10 Gbit/s): a measure above it says the clock was too
#: coarse for the transfer, and is reported as this (the readiness API's own bound)
MAX_BANDWIDTH_KBPS = 10_000_000.0


def bandwidth_kbps(size_bytes: int, elapsed_ms: float, rtt_ms: float) -> float:
    """Throughput of one transfer in kbit/s, the round trip taken out of its duration.

    The transfer time is never counted below a quarter of the elapsed time, so a noisy round
    trip cannot turn a slow transfer into an infinite bandwidth, nor below a microsecond
    (the browser's clock does not resolve less); the result is at most
    :data:`MAX_BANDWIDTH_KBPS`.
    """
    if size_bytes <= 0:
        raise ValueError("a bandwidth transfer must move at least one byte")
    if not (math.isfinite(elapsed_ms) and elapsed_ms > 0):
        raise ValueError("a bandwidth transfer must take some time (elapsed_ms > 0)")
    if not (math.isfinite(rtt_ms) and rtt_ms >= 0):
        raise ValueError("round-trip time must be >= 0 ms")
    transfer_ms = max(elapsed_ms - rtt_ms, elapsed_ms / 4.0, 0.001)
    return min(size_bytes * 8.0 / transfer_ms, MAX_BANDWIDTH_KBPS)  # bits per ms == kbit/s


def sample_of(probes: Sequence[ProbeResult]) -> NetworkSample:
    """One window of probes as a sample. A window where every probe was lost has no round
    trip to measure: it is reported as 100 % loss with rtt and jitter 0."""
    if not probes:
        raise ValueError("a sample needs at least one probe")
    rtts = [p.rtt_ms for p in probes if p.rtt_ms is not None]
    loss_pct = 100.0 * (len(probes) - len(rtts)) / len(probes)
    rtt = sum(rtts) / len(rtts) if rtts else 0.0
    return NetworkSample(rtt_ms=rtt, jitter_ms=jitter_ms(rtts), loss_pct=loss_pct)


def summarise(
    probes: Sequence[ProbeResult],
    *,
    probes_per_sample: int,
    bandwidth: Sequence[BandwidthResult] = (),
) -> ProbeSummary:
    """Cut probes (in sending order) into windows of ``probes_per_sample`` and sum them up.

    A last window shorter than half a window is merged into the one before it, so that a
    few stray probes never weigh as much as a full second. Bandwidth is the slowest
    direction measured (a call needs both).
    """
    if probes_per_sample < 1:
        raise ValueError("probes_per_sample must be >= 1")
    if not probes:
        raise ValueError("a network probe needs at least one probe")
    ordered = sorted(probes, key=lambda p: p.seq)
    seqs = [p.seq for p in ordered]
    if len(set(seqs)) != len(seqs):
        raise ValueError("probe numbers must be unique")
    windows = [
        ordered[i : i + probes_per_sample] for i in range(0, len(ordered), probes_per_sample)
    ]
    if len(windows) > 1 and len(windows[-1]) * 2 < probes_per_sample:
        tail = windows.pop()
        windows[-1] = windows[-1] + tail
    samples = tuple(sample_of(w) for w in windows)
    rtts = [p.rtt_ms for p in ordered if p.rtt_ms is not None]
    lost = len(ordered) - len(rtts)
    rtt_all = sum(rtts) / len(rtts) if rtts else 0.0
    kbps: float | None = None
    if bandwidth:
        kbps = min(b.kbps(rtt_all) for b in bandwidth)
    return ProbeSummary(
        samples=samples,
        rtt_ms=rtt_all,
        jitter_ms=jitter_ms(rtts),
        loss_pct=100.0 * lost / len(ordered),
        sent=len(ordered),
        lost=lost,
        bandwidth_kbps=kbps,
    )


@dataclass(frozen=True, slots=True)
class MediaInterval:
    """One interval (about a second) of audio echoed back by the media relay, from the
    browser's WebRTC statistics: the round trip to the relay (ICE), the jitter of the audio
    that came back, its packets received and lost."""

    rtt_ms: float | None
    jitter_ms: float
    received: int
    lost: int

    def __post_init__(self) -> None:
        if self.rtt_ms is not None and (math.isnan(self.rtt_ms) or self.rtt_ms < 0):
            raise ValueError("round-trip time must be >= 0 ms")
        if math.isnan(self.jitter_ms) or self.jitter_ms < 0:
            raise ValueError("jitter must be >= 0 ms")
        if self.received < 0 or self.lost < 0:
            raise ValueError("packet counts must be >= 0")

    def sample(self, fallback_rtt_ms: float) -> NetworkSample:
        total = self.received + self.lost
        loss = 100.0 if total == 0 else 100.0 * self.lost / total  # nothing came back
        rtt = self.rtt_ms if self.rtt_ms is not None else fallback_rtt_ms
        return NetworkSample(rtt, self.jitter_ms, loss)


def summarise_media(
    intervals: Sequence[MediaInterval], *, bandwidth: Sequence[BandwidthResult] = ()
) -> ProbeSummary:
    """The samples of a media echo through the relay, one per interval: the path a call's
    audio takes (UDP), where loss shows as loss, not as the delay of a TCP resend."""
    if not intervals:
        raise ValueError("a media probe needs at least one interval")
    rtts = [i.rtt_ms for i in intervals if i.rtt_ms is not None]
    rtt_all = sum(rtts) / len(rtts) if rtts else 0.0
    samples = tuple(i.sample(rtt_all) for i in intervals)
    packets = sum(i.received + i.lost for i in intervals)
    lost = sum(i.lost for i in intervals)
    kbps = min(b.kbps(rtt_all) for b in bandwidth) if bandwidth else None
    return ProbeSummary(
        samples=samples,
        rtt_ms=rtt_all,
        jitter_ms=sum(i.jitter_ms for i in intervals) / len(intervals),
        loss_pct=100.0 * lost / packets if packets else 100.0,
        sent=packets,
        lost=lost,
        bandwidth_kbps=kbps,
    )


class ProbeTransport(Protocol):
    """A message channel to the server's probe endpoint (a websocket, or a test double)."""

    async def send(self, text: str) -> None: ...

    async def receive(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ProbePlan:
    """How many probes, how often, how long to wait for an echo, and the bulk sizes."""

    count: int = 50
    interval_s: float = 0.1
    timeout_s: float = 2.0
    probes_per_sample: int = 10
    download_bytes: int = 64_000
    upload_bytes: int = 64_000

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("count must be >= 1")
        if self.interval_s < 0 or self.timeout_s <= 0:
            raise ValueError("interval must be >= 0 s and timeout > 0 s")
        if self.probes_per_sample < 1:
            raise ValueError("probes_per_sample must be >= 1")
        if self.download_bytes < 0 or self.upload_bytes < 0:
            raise ValueError("transfer sizes must be >= 0 bytes")


@dataclass(frozen=True, slots=True)
class ClientRun:
    """What a client timed itself, and the id under which the server keeps its own timings
    of the same run (``None`` from a server that sent none)."""

    probe_id: str | None
    probes: list[ProbeResult]
    transfers: list[BandwidthResult]


async def run_probe(
    transport: ProbeTransport,
    plan: ProbePlan,
    *,
    monotonic_s: Callable[[], float],
) -> ClientRun:
    """Send ``plan.count`` probes and collect their echoes, then time the bulk transfers.

    ``monotonic_s`` is the clock (``time.monotonic`` in real use). Echoes arriving after the
    timeout, or twice, are ignored. Every stamp the server sends is acknowledged as soon as
    it arrives, so that the server times the run too.
    """
    sent_at: dict[int, float] = {}
    rtts: dict[int, float] = {}
    pending: dict[str, asyncio.Future[tuple[dict[str, Any], float]]] = {}
    loop = asyncio.get_running_loop()
    probe_id: str | None = None
    downloaded = ""  # the payload the upload sends back
    upload_started = 0.0

    def settle(kind: str, message: dict[str, Any], arrived: float) -> None:
        if kind in pending and not pending[kind].done():
            pending[kind].set_result((message, arrived))

    async def reader() -> None:
        nonlocal probe_id, downloaded, upload_started
        while True:
            raw = await transport.receive()
            arrived = monotonic_s()
            message = decode(raw)
            kind = message.get("type")
            stamp = message.get("stamp")
            if kind in (PROBE, DOWNLOAD) and isinstance(stamp, str):
                await transport.send(json.dumps({"type": ACK, "stamp": stamp}))  # at once
            if kind == HELLO and isinstance(message.get("probe_id"), str):
                probe_id = message["probe_id"]
            elif kind == PROBE:
                seq = message.get("seq")
                if isinstance(seq, int) and seq in sent_at and seq not in rtts:
                    rtt_s = arrived - sent_at[seq]
                    if rtt_s <= plan.timeout_s:
                        rtts[seq] = rtt_s * 1000.0
            elif kind == DOWNLOAD:
                payload = message.get("payload")
                downloaded = payload if isinstance(payload, str) else ""
                settle(DOWNLOAD, message, arrived)
            elif kind == UPLOAD and isinstance(stamp, str):  # the server asks for it now
                size = message.get("bytes")
                upload_started = monotonic_s()
                body = downloaded[:size] if isinstance(size, int) else downloaded
                # the stamp ahead of the payload: the server checks it came first
                await transport.send(json.dumps({"type": PAYLOAD, "stamp": stamp, "payload": body}))
            elif kind == UPLOADED:
                settle(UPLOAD, message, arrived)
            elif kind == "error":  # a refused transfer: no figure for it
                for waiting in list(pending):
                    settle(waiting, message, arrived)

    reading = asyncio.create_task(reader())
    try:
        for seq in range(plan.count):
            sent_at[seq] = monotonic_s()
            await transport.send(json.dumps({"type": PROBE, "seq": seq}))
            if plan.interval_s:
                await asyncio.sleep(plan.interval_s)
        deadline = sent_at[plan.count - 1] + plan.timeout_s
        while len(rtts) < plan.count and monotonic_s() < deadline and not reading.done():
            await asyncio.sleep(min(0.01, plan.timeout_s))
        transfers: list[BandwidthResult] = []
        for kind, size in ((DOWNLOAD, plan.download_bytes), (UPLOAD, plan.upload_bytes)):
            if size == 0 or reading.done() or (kind == UPLOAD and not downloaded):
                continue
            pending[kind] = loop.create_future()
            start = monotonic_s()
            await transport.send(json.dumps({"type": kind, "bytes": size}))
            try:
                message, arrived = await asyncio.wait_for(pending[kind], timeout=30.0)
            except TimeoutError:
                continue
            if kind == UPLOAD:
                start = upload_started  # from sending the payload to its receipt
            moved = message.get("bytes")
            if isinstance(moved, int) and moved > 0 and arrived > start:
                transfers.append(BandwidthResult(kind, moved, (arrived - start) * 1000.0))
        if reading.done() and reading.exception() is not None:
            raise ConnectionError(f"the probe connection failed: {reading.exception()}")
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reading
    results = [ProbeResult(seq, rtts.get(seq)) for seq in range(plan.count)]
    return ClientRun(probe_id, results, transfers)


def decode(raw: str) -> dict[str, Any]:
    """One probe message as a dict (``{}`` when it is not a JSON object)."""
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read
        return {}
    return message if isinstance(message, dict) else {}
