"""The server's side of the readiness probe: it answers at once and times the run itself.

The client (the browser, or ``homeshore check``) drives the run
(:mod:`homeshore.readiness.probe`); the server measures it on its own clock, so that the
verdict that gates home work rests on what the server saw, not on figures a client could
make up (docs/web.md, "Home readiness check"):

- round trip: each probe's echo carries a stamp, an unguessable token, which the client
  sends back at once (``{"type": "ack", "stamp"}``); the round trip is the time from sending
  the echo to receiving its ack. An ack never received, or later than ``timeout_s``, is a
  loss. A client cannot answer faster than the network carries the stamp to it.
- download: random text (compression cannot shrink it below 6 bits a character) with its
  stamp after the payload, so it can only be acknowledged once all of it has arrived;
  elapsed = from sending it to receiving the ack.
- upload: on the client's request the server sends a stamp; the client sends back the
  download's payload (or its first ``bytes``), the stamp ahead of it; elapsed = from sending
  the stamp to receiving the whole message. With the stamp first, no part of the upload can
  have left before the request.

Both transfers include one round trip, which :func:`homeshore.readiness.probe.summarise`
takes out with the server-measured round trip.

:class:`ProbeRuns` keeps each connection's measurement in memory for the user who ran it,
under a random probe id, for a bounded time; ``POST /api/readiness/probe`` takes it, once.
The clock is an argument (``time.monotonic`` in real use); the stamps and ids come from
:mod:`secrets` on purpose: they must not be predictable.
"""

from __future__ import annotations

import base64
import json
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from homeshore.readiness.probe import (
    ACK,
    DOWNLOAD,
    HELLO,
    PAYLOAD,
    PROBE,
    UPLOAD,
    UPLOADED,
    BandwidthResult,
    ProbeResult,
    ProbeSummary,
    decode,
    summarise,
)

#: the fewest probes the server must have timed for a verdict (``homeshore check --count``)
MIN_PROBES: Final = 5
#: the most probes one run may send
MAX_PROBES: Final = 1_000
#: the most transfers (downloads and uploads) one run may ask for
MAX_TRANSFERS: Final = 4
#: an upload's stamp must start within this many characters of its message
STAMP_WITHIN_CHARS: Final = 200
#: how long a run's measurement is kept for its ``POST`` (seconds from its start)
KEEP_S: Final = 600.0
#: runs kept per user (the newest), and in all
RUNS_PER_USER: Final = 3
MOST_RUNS: Final = 1_000


def _stamp() -> str:
    return secrets.token_urlsafe(12)


def random_text(size: int) -> str:
    """``size`` characters of unpredictable base64url text."""
    raw = secrets.token_bytes(math.ceil(size * 3 / 4) + 3)
    return base64.urlsafe_b64encode(raw).decode()[:size]


def _error(reason: str) -> str:
    return json.dumps({"type": "error", "reason": reason})


def hello(probe_id: str, timeout_s: float) -> str:
    """The server's first message: the id to name the run by when posting it."""
    return json.dumps({"type": HELLO, "probe_id": probe_id, "timeout_s": timeout_s})


@dataclass(frozen=True, slots=True)
class _Sent:
    """A stamp the server sent and waits for: what it stamped and when."""

    kind: str  # probe, download or upload
    sent_s: float
    index: int  # a probe's place in the run, or a transfer's size in bytes


class ServerProbe:
    """One probe connection as the server sees it: :meth:`reply` answers each message at
    once and records the timings; :meth:`measurement` sums them up."""

    def __init__(self, *, clock: Callable[[], float], max_bytes: int, timeout_s: float) -> None:
        if max_bytes < 1 or timeout_s <= 0:
            raise ValueError("max_bytes must be >= 1 and timeout_s > 0")
        self._clock = clock
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self._rtts_ms: list[float | None] = []  # one per probe echoed, None until acked
        self._waiting: dict[str, _Sent] = {}
        self._transfers: list[BandwidthResult] = []
        self._asked = 0  # transfers asked for
        self._payload = ""  # the last download's payload: what the upload sends back
        self._upload: tuple[str, _Sent] | None = None

    def reply(self, raw: str) -> str | None:
        """The answer to one client message (``None``: none is due)."""
        received_s = self._clock()
        message = decode(raw)
        kind = message.get("type")
        if kind == ACK:
            self._acknowledged(message.get("stamp"), received_s)
            return None
        if kind == PROBE:
            return self._echo(message.get("seq"))
        if kind == DOWNLOAD:
            return self._download(message.get("bytes"))
        if kind == UPLOAD:
            return self._ask_upload(message.get("bytes"))
        if kind == PAYLOAD:
            return self._uploaded(raw, message, received_s)
        return _error("unknown probe message")

    def _echo(self, seq: Any) -> str:
        if not isinstance(seq, int) or isinstance(seq, bool):
            return _error("a probe needs a whole number seq")
        if len(self._rtts_ms) >= MAX_PROBES:
            return _error(f"a run sends at most {MAX_PROBES} probes")
        stamp = _stamp()
        text = json.dumps({"type": PROBE, "seq": seq, "stamp": stamp})
        self._waiting[stamp] = _Sent(PROBE, self._clock(), len(self._rtts_ms))
        self._rtts_ms.append(None)
        return text

    def _transfer_refused(self, size: Any) -> str | None:
        if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= self.max_bytes:
            return f"bytes must be 1..{self.max_bytes}"
        if self._asked >= MAX_TRANSFERS:
            return f"a run moves at most {MAX_TRANSFERS} transfers"
        return None

    def _download(self, size: Any) -> str:
        refused = self._transfer_refused(size)
        if refused:
            return _error(refused)
        self._asked += 1
        payload = random_text(size)
        stamp = _stamp()
        # the stamp last: it can only be read once the whole payload has arrived
        text = json.dumps({"type": DOWNLOAD, "bytes": size, "payload": payload, "stamp": stamp})
        self._payload = payload
        self._waiting[stamp] = _Sent(DOWNLOAD, self._clock(), size)
        return text

    def _ask_upload(self, size: Any) -> str:
        if not self._payload:
            return _error("ask for a download first: the upload sends its payload back")
        wanted = len(self._payload) if size is None else size
        refused = self._transfer_refused(wanted)
        if refused:
            return _error(refused)
        self._asked += 1
        size = min(wanted, len(self._payload))
        stamp = _stamp()
        text = json.dumps({"type": UPLOAD, "bytes": size, "stamp": stamp})
        self._upload = (stamp, _Sent(UPLOAD, self._clock(), size))
        return text

    def _acknowledged(self, stamp: Any, received_s: float) -> None:
        sent = self._waiting.pop(stamp, None) if isinstance(stamp, str) else None
        if sent is None:
            return
        elapsed_ms = (received_s - sent.sent_s) * 1000.0
        if sent.kind == PROBE:
            if elapsed_ms <= self.timeout_s * 1000.0:
                self._rtts_ms[sent.index] = max(0.0, elapsed_ms)
        else:
            self._transfers.append(BandwidthResult(sent.kind, sent.index, max(elapsed_ms, 1e-3)))

    def _uploaded(self, raw: str, message: dict[str, Any], received_s: float) -> str:
        stamp = message.get("stamp")
        if self._upload is None or stamp != self._upload[0]:
            return _error("this upload was not asked for: send an upload request first")
        sent = self._upload[1]
        if raw.find(self._upload[0]) > STAMP_WITHIN_CHARS:
            return _error("an upload's stamp must come before its payload")
        if message.get("payload") != self._payload[: sent.index]:
            return _error("an upload sends back the download's payload")
        self._upload = None
        elapsed_ms = (received_s - sent.sent_s) * 1000.0
        self._transfers.append(BandwidthResult(UPLOAD, sent.index, max(elapsed_ms, 1e-3)))
        return json.dumps({"type": UPLOADED, "bytes": sent.index})

    def finish(self) -> None:
        """The connection closed: drop what only a live connection needs (the payload)."""
        self._payload = ""
        self._upload = None
        self._waiting = {s: w for s, w in self._waiting.items() if w.kind == PROBE}

    def measurement(self, *, probes_per_sample: int) -> ProbeSummary:
        """What the server measured: its probes (an echo never acknowledged is a loss) and
        the slowest of its transfers. A run without enough probes, or without a download
        and an upload, is refused (``ValueError``): a verdict must not skip a measure."""
        if len(self._rtts_ms) < MIN_PROBES:
            raise ValueError(
                f"the platform timed {len(self._rtts_ms)} probes in this run and needs at "
                f"least {MIN_PROBES}: run the whole check again"
            )
        if {t.direction for t in self._transfers} != {DOWNLOAD, UPLOAD}:
            raise ValueError(
                "the platform did not time a download and an upload in this run: run the "
                "whole check again"
            )
        probes = [ProbeResult(i, rtt) for i, rtt in enumerate(self._rtts_ms)]
        return summarise(probes, probes_per_sample=probes_per_sample, bandwidth=self._transfers)


@dataclass(slots=True)
class _Kept:
    user_id: int
    started_s: float
    run: ServerProbe = field(repr=False)


class ProbeRuns:
    """The runs the server measured, each kept for the user who ran it under a random probe
    id, for ``keep_s`` seconds from its start; at most ``per_user`` per user (the newest) and
    ``most`` in all. Taking a run removes it: a measurement backs one verdict."""

    def __init__(
        self, *, keep_s: float = KEEP_S, per_user: int = RUNS_PER_USER, most: int = MOST_RUNS
    ) -> None:
        if keep_s <= 0 or per_user < 1 or most < 1:
            raise ValueError("keep_s must be > 0, per_user and most >= 1")
        self.keep_s = keep_s
        self.per_user = per_user
        self.most = most
        self._runs: dict[str, _Kept] = {}  # in order of start

    def __len__(self) -> int:
        return len(self._runs)

    def start(self, user_id: int, run: ServerProbe, now_s: float) -> str:
        """Keep ``run`` for ``user_id``; the probe id to name it by."""
        self._expire(now_s)
        mine = [pid for pid, kept in self._runs.items() if kept.user_id == user_id]
        for pid in mine[: max(0, len(mine) - self.per_user + 1)]:
            del self._runs[pid]
        while len(self._runs) >= self.most:
            del self._runs[next(iter(self._runs))]
        probe_id = secrets.token_urlsafe(18)
        self._runs[probe_id] = _Kept(user_id, now_s, run)
        return probe_id

    def take(self, user_id: int, probe_id: str, now_s: float) -> ServerProbe | None:
        """The run kept under ``probe_id`` for ``user_id``, removed; ``None`` when there is
        none (never started, another user's, taken already or expired)."""
        self._expire(now_s)
        kept = self._runs.get(probe_id)
        if kept is None or kept.user_id != user_id:
            return None
        del self._runs[probe_id]
        return kept.run

    def _expire(self, now_s: float) -> None:
        while self._runs:
            oldest = next(iter(self._runs))
            if now_s - self._runs[oldest].started_s <= self.keep_s:
                return
            del self._runs[oldest]
