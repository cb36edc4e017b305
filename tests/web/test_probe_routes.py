from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.probe_client import probe_run
from tests.services.support import Live


def _run(live: Live | None = None, **extra: Any) -> dict[str, Any]:
    """A run's body: the probe id of a real run through the app when ``live`` is given,
    with the client's own (reported) timings."""
    probes = [{"seq": i, "rtt_ms": 20.0 + (i % 2)} for i in range(20)]
    body: dict[str, Any] = {
        "probe_id": "not-run" if live is None else probe_run(live, "h1", count=20),
        "probes": probes,
        "probes_per_sample": 5,
        "transfers": [
            {"direction": "download", "size_bytes": 64_000, "elapsed_ms": 40.0},
            {"direction": "upload", "size_bytes": 64_000, "elapsed_ms": 60.0},
        ],
        "wired": True,
        "usb_headset": True,
        "quiet_room": True,
    }
    body.update(extra)
    return body


def test_probe_socket_stamps_echoes_and_answers_transfers(live: Live) -> None:
    token = live.login("h1")
    with live.client.websocket_connect(f"/api/readiness/probe/ws?token={token}") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello" and len(hello["probe_id"]) >= 20
        ws.send_text(json.dumps({"type": "upload", "bytes": 10}))
        assert "download first" in ws.receive_json()["reason"]
        ws.send_text(json.dumps({"type": "probe", "seq": 7}))
        echo = ws.receive_json()
        assert (echo["type"], echo["seq"], len(echo["stamp"])) == ("probe", 7, 16)
        ws.send_text(json.dumps({"type": "download", "bytes": 1000}))
        raw = ws.receive_text()
        down = json.loads(raw)
        assert down["bytes"] == 1000 and len(down["payload"]) == 1000
        assert raw.index(down["stamp"]) > raw.index(down["payload"])  # the stamp comes last
        ws.send_text(json.dumps({"type": "upload", "bytes": 500}))
        ask = ws.receive_json()
        assert (ask["type"], ask["bytes"]) == ("upload", 500)
        late_stamp = json.dumps({"type": "payload", "payload": "y" * 500, "stamp": ask["stamp"]})
        ws.send_text(late_stamp)
        assert "before its payload" in ws.receive_json()["reason"]
        wrong = {"type": "payload", "stamp": ask["stamp"], "payload": "x" * 500}
        ws.send_text(json.dumps(wrong))
        assert "download's payload" in ws.receive_json()["reason"]
        right = {"type": "payload", "stamp": ask["stamp"], "payload": down["payload"][:500]}
        ws.send_text(json.dumps(right))
        assert ws.receive_json() == {"type": "uploaded", "bytes": 500}
        ws.send_text(json.dumps({"type": "download", "bytes": 10**9}))
        assert ws.receive_json()["type"] == "error"


def test_probe_socket_needs_a_session(live: Live) -> None:
    from starlette.websockets import WebSocketDisconnect

    with (
        pytest.raises(WebSocketDisconnect) as refused,
        live.client.websocket_connect("/api/readiness/probe/ws?token=nope") as ws,
    ):
        ws.receive_text()
    assert refused.value.code == 4401


def test_a_good_run_passes_and_is_stored_for_the_agent(live: Live) -> None:
    r = live.post("h1", "/api/readiness/probe", _run(live))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["check"]["verdict"] == "pass"
    assert out["check"]["agent_id"] == "h1"
    # what the server timed: 20 probes, windows of 10
    summary = out["summary"]
    assert len(summary["samples"]) == 2 and summary["sent"] == 20 and summary["lost"] == 0
    # what the client reported, summarised the same way
    reported = out["reported"]
    assert len(reported["samples"]) == 4 and reported["sent"] == 20
    assert reported["rtt_ms"] == pytest.approx(20.5)
    assert reported["jitter_ms"] == pytest.approx(1.0)
    # slowest direction: 512,000 bits in 60 - 20.5 ms
    assert reported["bandwidth_kbps"] == pytest.approx(512_000 / 39.5)
    stored = live.get("h1", "/api/agents/h1/readiness").json()
    assert stored[0]["id"] == out["check"]["id"]
    assert live.platform.agents["h1"].readiness == "pass"


def test_losses_and_a_noisy_room_are_judged_and_worded_for_the_reader(live: Live) -> None:
    probes = [{"seq": i, "rtt_ms": None if i % 4 == 0 else 30.0} for i in range(20)]
    r = live.client.post(
        "/api/readiness/probe",
        json=_run(live, probes=probes, quiet_room=False),
        headers={**live.headers("h1"), "Accept-Language": "en"},
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["check"]["verdict"], out["judged_on"]) == ("fail", "reported")
    assert out["reported"]["loss_pct"] == pytest.approx(25.0)
    assert any(r.startswith("packet loss 40 %") for r in out["check"]["reasons"])
    assert "The room is not quiet (customers hear the background)" in out["reasons"]
    french = live.post("h1", "/api/readiness/probe", _run(live, probes=probes)).json()
    assert any(reason.startswith("Le taux de pertes") for reason in french["reasons"])
    assert french["checked_at_text"].startswith("Test du ")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"probe_id": ""}, "probe_id"),
        ({"probe_id": "a/b"}, "probe_id"),
        ({"probes": [], "media": None}, "transfers"),
        ({"probes": [{"seq": 0, "rtt_ms": -1}]}, "rtt_ms"),
        ({"probes": [{"seq": 0, "rtt_ms": 1.0}, {"seq": 0, "rtt_ms": 2.0}]}, "probes"),
        ({"probes_per_sample": 0}, "probes_per_sample"),
        ({"transfers": [{"direction": "sideways", "size_bytes": 1, "elapsed_ms": 1}]}, "direction"),
        ({"colour": "blue"}, "colour"),
        ({"media": []}, "media"),
        ({"media": [{"rtt_ms": 5, "jitter_ms": -1, "received": 50, "lost": 0}]}, "jitter_ms"),
        ({"media": [{"rtt_ms": 5, "jitter_ms": 1, "received": 50}]}, "lost"),
    ],
)
def test_bad_runs_get_a_clear_4xx(live: Live, change: dict[str, Any], field: str) -> None:
    r = live.post("h1", "/api/readiness/probe", _run(**change))
    assert r.status_code == 422, r.text
    assert field in r.text


def test_only_agents_store_checks_and_only_with_a_session(live: Live) -> None:
    assert live.post("m.red", "/api/readiness/probe", _run()).status_code == 403
    assert live.post("h1", "/api/readiness/probe", _run()).status_code == 404  # no such run
    live.client.cookies.clear()
    assert live.client.post("/api/readiness/probe", json=_run()).status_code == 401


def _echo(seconds: int, *, received: int = 50, lost: int = 0) -> list[dict[str, Any]]:
    return [
        {"rtt_ms": 30.0 + i, "jitter_ms": 2.0, "received": received, "lost": lost}
        for i in range(seconds)
    ]


def test_a_media_echo_is_judged_instead_of_the_websocket_probes_and_says_so(live: Live) -> None:
    """The tone echoed by the relay (the call's path) decides; the websocket probes, lossy
    here, only give the bandwidth. The stored check says which path was measured."""
    lossy = [{"seq": i, "rtt_ms": None if i % 4 == 0 else 30.0} for i in range(20)]
    r = live.post("h1", "/api/readiness/probe", _run(live, probes=lossy, media=_echo(8)))
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["check"]["verdict"], out["check"]["path"]) == ("pass", "media")
    reported = out["reported"]
    assert len(reported["samples"]) == 8 and reported["sent"] == 400 and reported["lost"] == 0
    assert reported["rtt_ms"] == pytest.approx(33.5) and reported["jitter_ms"] == 2.0
    assert out["summary"]["bandwidth_kbps"] is not None  # the server's transfers
    assert live.get("h1", "/api/agents/h1/readiness").json()[0]["path"] == "media"
    # without the echo: the websocket probes, said so
    fallback = live.post("h1", "/api/readiness/probe", _run(live)).json()
    assert fallback["check"]["path"] == "websocket"


def test_a_media_echo_that_never_came_back_fails(live: Live) -> None:
    """UDP blocked at home (a call could not carry audio): nothing returns, 100 % loss."""
    out = live.post("h1", "/api/readiness/probe", _run(live, media=_echo(8, received=0))).json()
    assert (out["check"]["verdict"], out["judged_on"]) == ("fail", "reported")
    assert out["reported"]["loss_pct"] == 100.0
    partly = live.post("h1", "/api/readiness/probe", _run(live, media=_echo(8, lost=5))).json()
    assert partly["reported"]["loss_pct"] == pytest.approx(100 * 40 / 440)
