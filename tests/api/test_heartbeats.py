"""Heartbeats go to quiet clients only: a client that keeps asking gets its answers, which
prove the server alive, and its messages prove it alive to the server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services.support import Live, live_app

HEARTBEAT_S = 0.3


@pytest.fixture
def quick(tmp_path: Path) -> Iterator[Live]:
    with live_app(
        f"sqlite:///{tmp_path}/hb.db", heartbeat_s=HEARTBEAT_S, disconnect_after_s=5.0
    ) as running:
        yield running


def test_an_active_client_gets_answers_and_no_heartbeat(quick: Live) -> None:
    with quick.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        started = time.monotonic()
        while time.monotonic() - started < 4 * HEARTBEAT_S:
            ws.send_json({"type": "ping"})
            assert ws.receive_json()["type"] == "pong"  # a heartbeat would come first
            time.sleep(HEARTBEAT_S / 6)


def test_a_quiet_client_gets_heartbeats(quick: Live) -> None:
    with quick.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"
        started = time.monotonic()
        beat = ws.receive_json()  # nothing asked since: the next message is a heartbeat
        assert beat["type"] == "heartbeat"
        assert time.monotonic() - started < 3 * HEARTBEAT_S
        ws.send_json({"type": "pong"})  # a pong asks nothing: heartbeats go on
        assert ws.receive_json()["type"] == "heartbeat"
