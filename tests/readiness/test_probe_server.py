"""The server's side of the probe times the run on its own clock; a client cannot make it
measure a better connection than the one the messages travelled."""

from __future__ import annotations

import json
from typing import Any

import pytest

from homeshore.readiness.probe_server import (
    MAX_TRANSFERS,
    MIN_PROBES,
    ProbeRuns,
    ServerProbe,
    random_text,
)


class _Clock:
    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def _server() -> tuple[ServerProbe, _Clock]:
    clock = _Clock()
    return ServerProbe(clock=clock, max_bytes=10_000, timeout_s=2.0), clock


def _say(server: ServerProbe, **message: Any) -> dict[str, Any]:
    reply = server.reply(json.dumps(message))
    assert reply is not None
    answer: dict[str, Any] = json.loads(reply)
    return answer


def _transfers(server: ServerProbe, clock: _Clock, *, down_s: float, up_s: float) -> None:
    down = _say(server, type="download", bytes=1_000)
    clock.now_s += down_s
    assert server.reply(json.dumps({"type": "ack", "stamp": down["stamp"]})) is None
    ask = _say(server, type="upload", bytes=1_000)
    clock.now_s += up_s
    back = {"type": "payload", "stamp": ask["stamp"], "payload": down["payload"]}
    assert _say(server, **back) == {"type": "uploaded", "bytes": 1_000}


def test_round_trips_run_from_the_echo_to_its_ack_and_a_missing_ack_is_a_loss() -> None:
    server, clock = _server()
    stamps = []
    for seq in range(6):
        echo = _say(server, type="probe", seq=seq)
        assert echo["seq"] == seq
        stamps.append(echo["stamp"])
    assert len(set(stamps)) == 6  # unguessable, never repeated
    for stamp, delay_s in zip(stamps[:4], (0.030, 0.010, 0.020, 2.5), strict=True):
        clock.now_s += delay_s
        server.reply(json.dumps({"type": "ack", "stamp": stamp}))
    server.reply(json.dumps({"type": "ack", "stamp": stamps[0]}))  # twice: ignored
    server.reply(json.dumps({"type": "ack", "stamp": "guessed"}))  # unknown: ignored
    _transfers(server, clock, down_s=0.1, up_s=0.1)
    summary = server.measurement(probes_per_sample=10)
    # acked after 30, 40 (10 + 30 before) and 60 ms; the 4th after the 2 s timeout; 2 never
    assert (summary.sent, summary.lost) == (6, 3)
    assert summary.rtt_ms == pytest.approx((30 + 40 + 60) / 3)


def test_transfers_are_timed_by_the_server_less_one_round_trip() -> None:
    server, clock = _server()
    for seq in range(MIN_PROBES):
        echo = _say(server, type="probe", seq=seq)
        clock.now_s += 0.020
        server.reply(json.dumps({"type": "ack", "stamp": echo["stamp"]}))
    _transfers(server, clock, down_s=0.100, up_s=0.420)
    summary = server.measurement(probes_per_sample=10)
    # the slowest direction: 8,000 bits in 420 - 20 ms
    assert summary.bandwidth_kbps == pytest.approx(8_000 / 400)


def test_the_download_stamp_comes_last_and_the_upload_must_be_asked_and_sent_back() -> None:
    server, _ = _server()
    assert "download first" in _say(server, type="upload")["reason"]
    raw = server.reply(json.dumps({"type": "download", "bytes": 500}))
    assert raw is not None
    down = json.loads(raw)
    assert raw.rindex(down["stamp"]) > raw.index(down["payload"])
    stray = {"type": "payload", "stamp": "never-asked", "payload": down["payload"]}
    assert "not asked for" in _say(server, **stray)["reason"]
    ask = _say(server, type="upload", bytes=200)
    assert ask["bytes"] == 200
    late = json.dumps({"type": "payload", "payload": down["payload"][:200], "stamp": ask["stamp"]})
    assert "before its payload" in json.loads(server.reply(late) or "{}")["reason"]
    other = {"type": "payload", "stamp": ask["stamp"], "payload": "x" * 200}
    assert "download's payload" in _say(server, **other)["reason"]
    right = {"type": "payload", "stamp": ask["stamp"], "payload": down["payload"][:200]}
    assert _say(server, **right) == {"type": "uploaded", "bytes": 200}


def test_bad_messages_and_too_many_transfers_are_refused() -> None:
    server, _ = _server()
    assert _say(server, type="probe", seq="one")["type"] == "error"
    assert _say(server, type="sideways")["type"] == "error"
    assert server.reply("not json") is not None
    assert "1..10000" in _say(server, type="download", bytes=10_001)["reason"]
    for _ in range(MAX_TRANSFERS):
        assert _say(server, type="download", bytes=10)["type"] == "download"
    assert "at most" in _say(server, type="download", bytes=10)["reason"]


def test_a_run_missing_probes_or_a_transfer_is_not_measured() -> None:
    server, clock = _server()
    for seq in range(MIN_PROBES - 1):
        _say(server, type="probe", seq=seq)
    _transfers(server, clock, down_s=0.1, up_s=0.1)
    with pytest.raises(ValueError, match=f"at least {MIN_PROBES}"):
        server.measurement(probes_per_sample=10)
    server, clock = _server()
    for seq in range(MIN_PROBES):
        _say(server, type="probe", seq=seq)
    with pytest.raises(ValueError, match="download and an upload"):
        server.measurement(probes_per_sample=10)
    server.finish()  # the connection closed: what is kept is the timings
    with pytest.raises(ValueError, match="download and an upload"):
        server.measurement(probes_per_sample=10)


def test_random_text_has_the_size_asked_and_does_not_repeat() -> None:
    assert len(random_text(1)) == 1 and len(random_text(64_000)) == 64_000
    assert random_text(64) != random_text(64)


def test_runs_are_kept_for_their_user_once_and_for_a_bounded_time() -> None:
    runs = ProbeRuns(keep_s=60.0, per_user=2, most=3)
    one, _ = _server()
    first = runs.start(7, one, now_s=0.0)
    assert runs.take(8, first, now_s=1.0) is None  # another user's
    assert runs.take(7, first, now_s=1.0) is one
    assert runs.take(7, first, now_s=1.0) is None  # once
    late = runs.start(7, _server()[0], now_s=0.0)
    assert runs.take(7, late, now_s=61.0) is None  # expired
    # the newest per_user per user, most in all
    ids = [runs.start(7, _server()[0], now_s=100.0 + i) for i in range(3)]
    assert runs.take(7, ids[0], now_s=103.0) is None
    others = [runs.start(user, _server()[0], now_s=104.0) for user in (8, 9)]
    assert len(runs) == 3
    assert runs.take(7, ids[1], now_s=105.0) is None  # the oldest of all went
    assert runs.take(9, others[1], now_s=105.0) is not None
    with pytest.raises(ValueError):
        ProbeRuns(keep_s=0)
