"""A readiness probe run through the app's own websocket, as the browser and `homeshore
check` run it (the protocol of docs/web.md), for tests that need a server-measured check."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from tests.services.support import Live


def probe_run(
    live: Live,
    username: str,
    *,
    count: int = 10,
    acked: Callable[[int], bool] = lambda seq: True,
    ack_delay_s: float = 0.0,
    transfer_bytes: int = 4_000,
    upload: bool = True,
) -> str:
    """Send ``count`` probes and acknowledge the echoes (those ``acked`` says, each after
    ``ack_delay_s``), then a download and an upload; the probe id the server gave the run."""
    token = live.login(username)
    with live.client.websocket_connect(f"/api/readiness/probe/ws?token={token}") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello", hello
        for seq in range(count):
            ws.send_json({"type": "probe", "seq": seq})
            echo = ws.receive_json()
            assert echo["seq"] == seq, echo
            if acked(seq):
                time.sleep(ack_delay_s)
                ws.send_json({"type": "ack", "stamp": echo["stamp"]})
        if transfer_bytes:
            ws.send_json({"type": "download", "bytes": transfer_bytes})
            down = ws.receive_json()
            ws.send_json({"type": "ack", "stamp": down["stamp"]})
            if upload:
                ws.send_json({"type": "upload", "bytes": transfer_bytes})
                ask = ws.receive_json()
                payload = down["payload"][: ask["bytes"]]
                ws.send_text(
                    json.dumps({"type": "payload", "stamp": ask["stamp"], "payload": payload})
                )
                assert ws.receive_json() == {"type": "uploaded", "bytes": transfer_bytes}
        probe_id: str = hello["probe_id"]
        return probe_id


def measured_check(live: Live, username: str, **body: Any) -> Any:
    """A whole check: a probe run, then its ``POST`` (``body``: the checklist, reported
    figures). The response."""
    run = {"probe_id": probe_run(live, username), **body}
    return live.post(username, "/api/readiness/probe", run)
