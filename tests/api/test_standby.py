"""Two server processes on one PostgreSQL database: one routes, the other forwards and
stands by. The routing process is killed (SIGKILL) during traffic: the standby takes over
within 10 s, rebuilds its memory from the database, and every contact the platform
accepted is there once (retries carry the same external id); the advisor's websocket,
held through the standby, reconnects and goes on."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from homeshore.db.engine import make_engine, make_sessionmaker
from homeshore.db.migrate import upgrade
from homeshore.services.importing import import_scenario
from tests.api.test_fault import _env, login
from tests.services.server import free_port
from tests.services.support import DATA, live_settings, make_users, mini_scenario, postgres_schema

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
TAKEOVER_S = 10.0


@contextmanager
def node(url: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {**_env(url), "HOMESHORE_LEASE_POLL_S": "0.5"}
    cmd = [sys.executable, "-m", "homeshore.api", "--scenario", str(DATA / "mini.yaml")]
    proc = subprocess.Popen([*cmd, "--port", str(port)], env=env)
    try:
        wait_for(lambda: _health(port) is not None or proc.poll() is not None, 120, "start")
        assert proc.poll() is None, "the server ended at start"
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(15)


def _health(port: int) -> dict[str, Any] | None:
    try:
        r = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
    except httpx.HTTPError:
        return None
    return dict(r.json()) if r.status_code == 200 else None


def role(port: int) -> str | None:
    health = _health(port)
    return None if health is None else str(health["role"])


def wait_for(condition: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout_s:.0f} s for {what}")
        time.sleep(0.05)


@pytest.fixture
def database() -> Iterator[str]:
    with postgres_schema() as url:
        engine = make_engine(url)
        upgrade(engine)
        with make_sessionmaker(engine)() as session:
            import_scenario(session, mini_scenario(), _now())
            session.commit()
        make_users(make_sessionmaker(engine), live_settings(url))
        engine.dispose()
        yield url


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def test_a_standby_forwards_to_the_router(database: str) -> None:
    pa, pb = free_port(), free_port()
    with node(database, pa), node(database, pb):
        assert (role(pa), role(pb)) == ("leader", "standby")
        b = f"http://127.0.0.1:{pb}"
        headers = login(b, "a1")  # through the standby
        token = headers["Authorization"].split()[1]
        with connect(f"ws://127.0.0.1:{pb}/api/ws?token={token}") as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            r = httpx.post(
                f"{b}/api/agents/a1/state",
                headers=headers,
                json={"state": "available", "location": "site"},
            )
            assert r.status_code == 200, r.text
            admin = login(b, "admin")
            body = {"queue_id": "plans", "customer_ref": "c", "external_id": "fwd-1"}
            made = httpx.post(f"{b}/api/contacts", headers=admin, json=body)
            assert made.status_code == 201, made.text
            offered = _next(ws, "contact.offered")
            assert offered["contact_id"] == made.json()["id"]
        # a browser's page on the standby's address may connect; another origin may not
        url = f"ws://127.0.0.1:{pb}/api/ws?token={token}"
        with connect(url, additional_headers={"Origin": f"http://127.0.0.1:{pb}"}) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
        with connect(url, additional_headers={"Origin": "http://evil.example"}) as ws:
            with pytest.raises(ConnectionClosed):
                ws.recv(timeout=10)
            assert ws.close_code == 4403
        # refusals come through unchanged: status, shape, headers
        r = httpx.get(f"{b}/api/contacts/1")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert httpx.post(f"{b}/api/contacts", headers=admin, json={}).status_code == 422
        page = httpx.get(f"{b}/login")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def _next(ws: Any, type_: str) -> dict[str, Any]:
    for _ in range(100):
        message: dict[str, Any] = json.loads(ws.recv(timeout=10))
        if message.get("type") == type_:
            return message
    raise AssertionError(f"no {type_}")


def test_the_standby_takes_over_when_the_router_is_killed(database: str) -> None:
    pa, pb = free_port(), free_port()
    answered: list[tuple[str, int]] = []  # (external id, status) of each accepted intake
    stop = threading.Event()

    def traffic() -> None:
        """Telephony announcing calls to either process, retrying the same external id
        on 503 or a lost connection until some process takes it."""
        headers: dict[str, dict[str, str]] = {}
        n = 0
        while not stop.is_set():
            n += 1
            ext = f"call-{n}"
            body = {"queue_id": "plans", "customer_ref": "c", "external_id": ext}
            for attempt in range(200):
                port = (pa, pb)[(n + attempt) % 2]
                base = f"http://127.0.0.1:{port}"
                try:
                    if base not in headers:
                        headers[base] = login(base, "admin")
                    r = httpx.post(f"{base}/api/contacts", headers=headers[base], json=body)
                except httpx.HTTPError:
                    headers.pop(base, None)
                    time.sleep(0.05)
                    continue
                if r.status_code in (200, 201):
                    answered.append((ext, r.status_code))
                    break
                if r.status_code == 401:
                    headers.pop(base, None)
                time.sleep(0.05)
            time.sleep(0.02)

    with node(database, pa) as leader, node(database, pb):
        assert (role(pa), role(pb)) == ("leader", "standby")
        b = f"http://127.0.0.1:{pb}"
        a1 = login(b, "a1")
        token = a1["Authorization"].split()[1]
        with connect(f"ws://127.0.0.1:{pb}/api/ws?token={token}") as ws:
            hello = json.loads(ws.recv(timeout=10))
            assert hello["type"] == "hello"
            httpx.post(
                f"{b}/api/agents/a1/state",
                headers=a1,
                json={"state": "available", "location": "site"},
            )
            sender = threading.Thread(target=traffic)
            sender.start()
            try:
                wait_for(lambda: len(answered) >= 20, 60, "traffic before the kill")
                leader.send_signal(signal.SIGKILL)
                leader.wait(10)
                killed = time.monotonic()
                wait_for(lambda: role(pb) == "leader", TAKEOVER_S + 5, "the standby to take over")
                takeover_s = time.monotonic() - killed
                before = len(answered)
                wait_for(lambda: len(answered) >= before + 20, 60, "traffic after the takeover")
            finally:
                stop.set()
                sender.join(60)
            assert takeover_s < TAKEOVER_S, f"took over in {takeover_s:.1f} s"
            # the advisor's socket through the standby closed when the router died ...
            last_id = hello["last_id"]
            with pytest.raises(ConnectionClosed):
                while True:
                    message = json.loads(ws.recv(timeout=10))
                    last_id = message.get("id", last_id)
            assert ws.close_code in (1012, 4408), ws.close_code
            # ... and reconnects to the same address, now the router, resuming after its last id
            with connect(
                f"ws://127.0.0.1:{pb}/api/ws?token={token}&last_event_id={last_id}"
            ) as ws2:
                replayed = []  # what happened meanwhile (the takeover's requeues...), then hello
                while (message := json.loads(ws2.recv(timeout=10)))["type"] != "hello":
                    replayed.append(message["id"])
                assert replayed == sorted(replayed) and all(i > last_id for i in replayed)
                assert message["last_id"] >= last_id
        health = _health(pb)
        assert health is not None and health["token"] == 2
        # the old router, restarted, stands by and forwards to the new one
        with node(database, free_port()) as again:
            port = int(again.args[-1])
            assert role(port) == "standby"
            r = httpx.get(f"http://127.0.0.1:{port}/api/auth/me", headers=a1)
            assert r.status_code == 200 and r.json()["username"] == "a1"
    engine = make_engine(database)
    try:
        with engine.connect() as conn:
            stored = Counter(
                ext
                for (ext,) in conn.execute(
                    text("SELECT external_id FROM contacts WHERE external_id LIKE 'call-%'")
                )
            )
    finally:
        engine.dispose()
    accepted = {ext for ext, _status in answered}
    assert accepted <= set(stored), f"lost: {sorted(accepted - set(stored))[:5]}"
    assert max(stored.values()) == 1, "a contact was stored twice"
    print(f"takeover {takeover_s:.2f} s; {len(accepted)} contacts accepted, none lost")


def test_a_process_with_voice_must_route(database: str) -> None:
    """The telephony engines report to the process that started them: with another
    process routing on the database, a process with voice refuses to start."""
    from fastapi.testclient import TestClient

    from homeshore.api.app import create_app
    from homeshore.errors import InputError
    from homeshore.services.lease import RouterLease
    from homeshore.voice.link import VoiceLink

    engine = make_engine(database)
    other = RouterLease(engine, "http://127.0.0.1:1")
    try:
        assert other.try_lock() and other.take(_now()) == 1
        settings = live_settings(database, router_lease="auto", voice=True)
        app = create_app(settings, mini_scenario(), voice_link=VoiceLink.from_settings(settings))
        with pytest.raises(InputError, match="a process with voice must route"), TestClient(app):
            pass
    finally:
        other.release()
        engine.dispose()
