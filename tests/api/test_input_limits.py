"""Hostile input through the real app: bodies and websocket messages over their route's
limit, NaN and infinities, lone surrogates, deep nesting, vanishing transfer times. Each is
refused with a 4xx naming the field (or closed with 1009), never a 5xx, never echoed."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.websockets import WebSocketDisconnect

from homeshore.api.app import create_app
from homeshore.api.limits import LARGER_BODIES
from homeshore.api.routes.probe import MAX_TRANSFER_BYTES
from homeshore.readiness.probe import MAX_BANDWIDTH_KBPS
from tests.services.server import serve_in_thread
from tests.services.support import Live, live_app, live_settings, mini_scenario

LIMIT = 64 * 1024  # the default of HOMESHORE_MAX_BODY_BYTES
JSON = {"content-type": "application/json"}


class Chunks:
    """A request body sent in chunks, counting the chunks the server asked for."""

    def __init__(self, total_bytes: int, chunk_bytes: int = 16 * 1024) -> None:
        self.total_bytes = total_bytes
        self.chunk_bytes = chunk_bytes
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.total_bytes // self.chunk_bytes):
            self.sent += 1
            yield b"[" * self.chunk_bytes


def raw(live: Live, path: str, body: bytes | str, user: str | None = "admin") -> Any:
    headers = {**JSON, **(live.headers(user) if user else {})}
    return live.client.post(path, content=body, headers=headers)


def assert_413(answer: Any, limit: int = LIMIT) -> None:
    assert answer.status_code == 413, answer.text
    data = answer.json()
    assert data["field"] == "body" and data["limit_bytes"] == limit
    assert f"{limit:,}" in data["detail"]


# -- finding 1: request sizes -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/contacts", "/api/users"])
def test_a_declared_length_over_the_limit_is_refused_unread(live: Live, path: str) -> None:
    body = Chunks(200 * 1024 * 1024)
    headers = {**JSON, **live.headers("admin"), "content-length": str(body.total_bytes)}
    answer = live.client.post(path, content=iter(body), headers=headers)
    assert_413(answer)
    assert body.sent == 0, "refused on its Content-Length, before reading any of it"


def test_the_probe_route_takes_a_full_run_larger_than_the_default(live: Live) -> None:
    limit = LARGER_BODIES["/api/readiness/probe"]
    run = {
        "probe_id": "p1",
        "probes": [{"seq": i, "rtt_ms": 12.345678901234567} for i in range(1000)],
    }
    text = json.dumps(run, indent=4)  # pretty-printed: about 100 KB
    assert LIMIT < len(text) < limit
    answer = raw(live, "/api/readiness/probe", text, user="a1")
    assert answer.status_code < 500 and answer.status_code != 413, answer.text
    assert_413(raw(live, "/api/readiness/probe", text + " " * limit, user="a1"), limit)


def test_the_limit_is_a_setting(tmp_path: Path) -> None:
    with live_app(f"sqlite:///{tmp_path / 'small.db'}", max_body_bytes=2048) as live:
        ok = {"username": "admin", "password": "x" * 150}
        assert live.client.post("/api/auth/login", json=ok).status_code == 401
        padded = json.dumps(ok) + " " * 2048
        assert_413(raw(live, "/api/auth/login", padded, user=None), 2048)


def test_a_real_server_stops_reading_a_body_past_the_limit(tmp_path: Path) -> None:
    app = create_app(live_settings(f"sqlite:///{tmp_path / 'uv.db'}"), mini_scenario())
    with serve_in_thread(app) as base:
        for path in ("/api/auth/login", "/api/contacts"):  # the intake reads its own body
            body = Chunks(200 * 1024 * 1024)  # no Content-Length: sent chunked
            answer = httpx.post(f"{base}{path}", content=iter(body), headers=JSON, timeout=30)
            assert_413(answer)
            assert body.sent * body.chunk_bytes < body.total_bytes / 8, "not read whole"
        host, port = base.removeprefix("http://").split(":")
        for framing in ("Content-Length: 209715200", "Transfer-Encoding: chunked"):
            with socket.create_connection((host, int(port)), timeout=10) as sock:
                head = f"POST /api/contacts HTTP/1.1\r\nHost: x\r\n{framing}\r\n"
                sock.sendall(f"{head}Content-Type: application/json\r\n\r\n".encode())
                if "chunked" in framing:  # just past the limit, and never the end
                    sock.sendall(f"{LIMIT + 1:x}\r\n".encode() + b"[" * (LIMIT + 1) + b"\r\n")
                answer_bytes = b""
                while b'"limit_bytes"' not in answer_bytes:
                    data = sock.recv(65536)
                    if not data:
                        break
                    answer_bytes += data
            assert answer_bytes.startswith(b"HTTP/1.1 413"), answer_bytes[:200]
            assert b"connection: close" in answer_bytes.lower()


def test_an_oversize_event_socket_message_closes_it_1009(live: Live) -> None:
    with live.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        ws.send_text(json.dumps({"type": "ping", "pad": "x" * LIMIT}))
        assert closed_with(ws) == 1009


def test_the_probe_socket_takes_a_full_upload_and_no_more(live: Live) -> None:
    token = live.login("a1")
    with live.client.websocket_connect(f"/api/readiness/probe/ws?token={token}") as ws:
        ws.send_text(json.dumps({"type": "payload", "payload": "x" * MAX_TRANSFER_BYTES}))
        ws.send_text(json.dumps({"type": "probe", "seq": 1}))
        assert next_of(ws, "probe")["seq"] == 1, "still open after an upload's worth"
        ws.send_text("x" * (MAX_TRANSFER_BYTES + 8 * 1024))
        assert closed_with(ws) == 1009


def closed_with(ws: Any) -> int:
    for _ in range(50):  # events published meanwhile may come first
        try:
            ws.receive_text()
        except WebSocketDisconnect as exc:
            return exc.code
    raise AssertionError("the socket stayed open")


# -- finding 4: values that made 500s -----------------------------------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinities_are_refused_naming_the_field(live: Live, literal: str) -> None:
    login = raw(live, "/api/auth/login", f'{{"username": "a1", "password": {literal}}}', None)
    assert (login.status_code, login.json()["field"]) == (422, "password")
    sample = f'{{"samples": [{{"rtt_ms": {literal}, "jitter_ms": 1, "loss_pct": 0}}]}}'
    check = raw(live, "/api/readiness", sample, user="h1")
    assert (check.status_code, check.json()["field"]) == (422, "samples.0.rtt_ms")
    run = (
        '{"probe_id": "p1", "probes": [{"seq": 0, "rtt_ms": 10}], "transfers": '
        f'[{{"direction": "upload", "size_bytes": 1000, "elapsed_ms": {literal}}}]}}'
    )
    probe = raw(live, "/api/readiness/probe", run, user="h1")
    assert (probe.status_code, probe.json()["field"]) == (422, "transfers.0.elapsed_ms")
    assert "finite" in probe.json()["detail"]
    contact = raw(live, "/api/contacts", f'{{"queue_id": "plans", "customer_ref": {literal}}}')
    assert (contact.status_code, contact.json()["field"]) == (422, "customer_ref")


def test_a_lone_surrogate_is_refused_and_not_echoed(live: Live) -> None:
    login = raw(live, "/api/auth/login", '{"username": "\\ud800", "password": "x"}', None)
    assert (login.status_code, login.json()["field"]) == (422, "username")
    extra = raw(live, "/api/contacts", '{"queue_id": "plans", "customer_ref": "c", "\\udfff": 1}')
    assert (extra.status_code, extra.json()["field"]) == (422, "body")
    # a key of a mapping is named in the error's location: shortened, safely encoded
    contact = live.new_contact()
    path = f"/api/contacts/{contact['id']}/evaluations"
    long_key = "k" * 10_000
    keys = f'{{"form_id": "f", "ratings": {{"\\udfff": "met", "{long_key}": "met"}}}}'
    answer = raw(live, path, keys)
    assert answer.status_code == 422 and len(answer.content) < 2_000
    first, second = answer.json()["errors"]
    assert first["loc"][:2] == ["body", "ratings"] and first["type"] == "string_unicode"
    assert second["loc"][2] == "k" * 199 + "…"


def test_the_422_of_a_megabyte_string_does_not_echo_it(tmp_path: Path) -> None:
    huge = "y" * 1_000_000
    with live_app(f"sqlite:///{tmp_path / 'big.db'}", max_body_bytes=4 * 1024 * 1024) as live:
        answer = live.post("admin", "/api/contacts", {"queue_id": "plans", "customer_ref": huge})
        assert answer.status_code == 422
        assert answer.json()["field"] == "customer_ref"
        assert "y" * 100 not in answer.text and len(answer.content) < 2_000
        assert set(answer.json()) == {"detail", "field", "errors", "error_count"}
        assert answer.json()["errors"][0]["loc"] == ["body", "customer_ref"]
        assert "input" not in answer.json()["errors"][0]


def test_deep_nesting_is_refused_naming_the_body(live: Live) -> None:
    assert_413(raw(live, "/api/contacts", "[" * 100_000))  # the finding's body
    for path in ("/api/contacts", "/api/users", "/api/readiness"):  # intake, then FastAPI
        deep = raw(live, path, "[" * 5_000 + "]" * 5_000)
        assert (deep.status_code, deep.json()) == (
            400,
            {"detail": "the body is nested too deeply", "field": "body"},
        )
    with live.ws("a1") as ws:  # a socket skips such a message and goes on
        assert ws.receive_json()["type"] == "hello"
        ws.send_text("[" * 5_000)
        ws.send_json({"type": "ping"})
        assert next_of(ws, "pong") == {"type": "pong"}
    token = live.login("a1")
    with live.client.websocket_connect(f"/api/readiness/probe/ws?token={token}") as ws:
        ws.send_text("[" * 5_000)
        ws.send_json({"type": "probe", "seq": 7})
        assert next_of(ws, "probe")["seq"] == 7


def next_of(ws: Any, kind: str) -> dict[str, Any]:
    for _ in range(50):
        message: dict[str, Any] = ws.receive_json()
        if message.get("type") == kind:
            return message
    raise AssertionError(f"no {kind}")


def test_a_vanishing_transfer_time_is_refused_or_bounded(live: Live) -> None:
    for size in (1, MAX_TRANSFER_BYTES):
        run = {
            "probe_id": "p1",
            "probes": [{"seq": 0, "rtt_ms": 10.0}],
            "transfers": [{"direction": "download", "size_bytes": size, "elapsed_ms": 5e-324}],
        }
        answer = live.post("h1", "/api/readiness/probe", run)
        assert answer.status_code < 500, answer.text
        if answer.status_code == 422:
            assert answer.json()["field"] == "transfers.0.elapsed_ms"
        for figures in (answer.json().get("summary"), answer.json().get("reported")):
            if figures and figures["bandwidth_kbps"] is not None:
                assert figures["bandwidth_kbps"] <= MAX_BANDWIDTH_KBPS
