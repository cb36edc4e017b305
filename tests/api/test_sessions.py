"""Sessions and websockets: a logout or an expired session closes the session's websockets
at once (4401) and takes the advisor out of routing; a command on a session that ended is
refused; the next login starts offline; a browser page of another origin may not open a
websocket (4403)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from homeshore.api.app import create_app
from homeshore.realtime import PostgresHub
from homeshore.services.clock import ManualClock
from tests.services.support import (
    PASSWORD,
    START,
    Live,
    live_app,
    live_settings,
    make_users,
    mini_scenario,
    next_event,
    postgres_schema,
)
from tests.web.conftest import form_login

# a socket that is not closed would leave the test waiting: fail instead
pytestmark = pytest.mark.timeout(60)
TTL_S = 600.0


@pytest.fixture
def short(db_url: str) -> Iterator[Live]:
    """The app with sessions of ten minutes."""
    with live_app(db_url, session_ttl_s=TTL_S) as running:
        yield running


def closed(ws: Any) -> tuple[int, list[dict[str, Any]]]:
    """Read until the server closes the socket: the close code and the messages before."""
    seen: list[dict[str, Any]] = []
    with pytest.raises(WebSocketDisconnect) as info:
        for _ in range(200):
            seen.append(ws.receive_json())
    return info.value.code, seen


def wait_until(check: Callable[[], bool], what: str, timeout_s: float = 10.0) -> None:
    """Wait for a condition the server reaches on its own loop (after a socket closed)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"still not {what} after {timeout_s} s"
        time.sleep(0.01)


def state(live: Live, agent: str) -> str:
    result: str = live.get("admin", f"/api/agents/{agent}").json()["state"]
    return result


def relogin(live: Live, *users: str) -> None:
    """Forget the tokens of sessions that ended: the next request logs in again."""
    for user in users:
        live.tokens.pop(user, None)


def form_login_last(live: Live, user: str) -> None:
    """Log in on the login page (the session cookie of the page and its sockets), after the
    API logins of the test, which would replace the cookie."""
    for other in ("admin", user):
        live.login(other)
    assert form_login(live, user).status_code == 303


def command(ws: Any, action: str, contact_id: int, ref: str = "c1") -> None:
    ws.send_json({"type": "command", "ref": ref, "action": action, "contact_id": contact_id})


def test_logout_closes_the_socket_at_once_and_the_advisor_goes_offline(live: Live) -> None:
    with live.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        assert live.go("a1", "available").status_code == 200
        offered = live.new_contact("plans")
        assert offered["agent_id"] == "a1" and offered["state"] == "offered"
        assert live.post("a1", "/api/auth/logout").status_code == 204
        command(ws, "accept", offered["id"])  # too late: the session has ended
        code, seen = closed(ws)
    assert code == 4401
    assert not any(m.get("type") == "result" and m.get("ok") for m in seen)
    assert state(live, "a1") == "offline"
    again = live.get("admin", f"/api/contacts/{offered['id']}").json()
    assert again["state"] == "queued" and again["agent_id"] is None  # back in the queue
    assert live.new_contact("plans")["state"] == "queued", "nobody routable"
    events = live.get("admin", "/api/events").json()
    ended = [e for e in events if e["type"] == "session.ended"]
    assert [(e["agent_id"], e["data"]["reason"]) for e in ended] == [("a1", "signed out")]


def test_logout_is_refused_while_a_contact_is_in_hand(live: Live) -> None:
    with live.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        live.go("a1", "available")
        contact = live.new_contact("plans")
        assert live.post("a1", f"/api/contacts/{contact['id']}/accept").status_code == 200
        refused = live.post("a1", "/api/auth/logout")
        assert refused.status_code == 409
        assert refused.json()["detail"] == "finish the contacts in hand before signing out"
        assert live.get("a1", "/api/auth/me").status_code == 200  # the session holds
        ws.send_json({"type": "ping"})
        assert next_event(ws, "pong")["type"] == "pong"  # and so does its socket
        assert live.post("a1", f"/api/contacts/{contact['id']}/complete").status_code == 200
        body = {"disposition": "resolved", "next_state": "break"}
        assert live.post("a1", f"/api/contacts/{contact['id']}/wrap-up", body).status_code == 200
        assert live.post("a1", "/api/auth/logout").status_code == 204
        assert closed(ws)[0] == 4401
    assert state(live, "a1") == "offline"


def test_logout_ends_only_that_session(live: Live) -> None:
    """Another session of the same user keeps its socket (it hears the logout, looks its
    own session up, and finds it holds)."""
    first = live.login("a1")
    live.tokens.pop("a1")
    second = live.login("a1")
    assert first != second
    with (
        live.client.websocket_connect(f"/api/ws?token={first}") as one,
        live.client.websocket_connect(f"/api/ws?token={second}") as two,
    ):
        assert one.receive_json()["type"] == two.receive_json()["type"] == "hello"
        r = live.client.post("/api/auth/logout", headers={"Authorization": f"Bearer {first}"})
        assert r.status_code == 204
        assert closed(one)[0] == 4401
        assert next_event(two, "session.ended")["user_id"] is not None
        two.send_json({"type": "ping"})
        assert next_event(two, "pong")["type"] == "pong"


def test_disabling_an_account_closes_its_sockets(live: Live) -> None:
    users = {u["username"]: u["id"] for u in live.get("admin", "/api/users").json()}
    with live.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        live.go("a1", "available")
        r = live.client.patch(
            f"/api/users/{users['a1']}", json={"active": False}, headers=live.headers("admin")
        )
        assert r.status_code == 200
        assert closed(ws)[0] == 4401
    wait_until(lambda: state(live, "a1") == "offline", "offline")


def test_an_expired_session_closes_its_socket_and_the_advisor_leaves_routing(
    short: Live,
) -> None:
    with short.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        assert short.go("a1", "available").status_code == 200
        short.tick(TTL_S - 1)
        ws.send_json({"type": "ping"})
        assert next_event(ws, "pong")["type"] == "pong"  # not yet
        short.tick(2)  # the housekeeping tick sees the session expire
        code, _ = closed(ws)
    assert code == 4401
    relogin(short, "admin", "a1")
    assert state(short, "a1") == "offline"
    assert short.new_contact("plans")["state"] == "queued"


def test_a_command_on_an_expired_session_is_refused(short: Live) -> None:
    with short.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        short.go("a1", "available")
        offered = short.new_contact("plans")
        assert offered["agent_id"] == "a1"
        short.clock.advance(TTL_S + 1)  # expired, and no tick has run yet
        command(ws, "accept", offered["id"])
        result = next_event(ws, "result")
        assert (result["ok"], result["status"], result["ref"]) == (False, 401, "c1")
        assert closed(ws)[0] == 4401
    relogin(short, "admin", "a1")
    wait_until(lambda: state(short, "a1") == "offline", "offline")
    again = short.get("admin", f"/api/contacts/{offered['id']}").json()
    assert again["state"] == "queued", "the offer went back to the queue, not accepted"


def test_an_expired_session_with_a_contact_in_hand_keeps_the_contact(short: Live) -> None:
    """Time does not wait for the customer: the advisor is disconnected as if its line had
    dropped, the contact waits for it; logged in again, it finishes it, then is offline."""
    with short.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        short.go("a1", "available")
        contact = short.new_contact("plans")
        assert short.post("a1", f"/api/contacts/{contact['id']}/accept").status_code == 200
        short.tick(TTL_S + 1)
        assert closed(ws)[0] == 4401
    relogin(short, "admin", "a1")
    assert state(short, "a1") == "disconnected"
    with short.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        assert state(short, "a1") == "busy"
        assert short.post("a1", f"/api/contacts/{contact['id']}/complete").status_code == 200
        body = {"disposition": "resolved", "next_state": "offline"}
        assert short.post("a1", f"/api/contacts/{contact['id']}/wrap-up", body).status_code == 200
    assert state(short, "a1") == "offline"


@pytest.mark.parametrize("how", ["api", "page"])
def test_the_next_login_starts_offline(live: Live, how: str) -> None:
    if how == "page":
        form_login_last(live, "a1")
    socket = live.client.websocket_connect("/api/ws") if how == "page" else live.ws("a1")
    with socket as ws:
        assert ws.receive_json()["type"] == "hello"
        assert live.go("a1", "available").status_code == 200
        if how == "api":
            assert live.post("a1", "/api/auth/logout").status_code == 204
        else:
            r = live.client.post("/logout", follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/login"
        assert closed(ws)[0] == 4401
    assert state(live, "a1") == "offline"
    relogin(live, "a1")
    with live.ws("a1") as ws:
        assert ws.receive_json()["type"] == "hello"
        assert state(live, "a1") == "offline"
        assert live.new_contact("plans")["state"] == "queued", "not routable until it chooses"
        assert live.go("a1", "available").json()["state"] == "reserved"  # now it is offered


def test_the_page_refuses_to_sign_out_an_advisor_with_a_contact(live: Live) -> None:
    form_login_last(live, "a1")
    with live.ws("a1"):
        live.go("a1", "available")
        contact = live.new_contact("plans")
        live.post("a1", f"/api/contacts/{contact['id']}/accept")
        r = live.client.post("/logout", follow_redirects=False, headers={"Accept-Language": "en"})
        assert r.status_code == 409
        assert "Finish the contacts in hand before signing out." in r.text
        assert live.client.get("/agent", follow_redirects=False).status_code == 200


def test_the_probe_socket_ends_with_its_session(live: Live) -> None:
    with live.client.websocket_connect(f"/api/readiness/probe/ws?token={live.login('h1')}") as ws:
        assert live.post("h1", "/api/auth/logout").status_code == 204
        assert closed(ws)[0] == 4401


@pytest.mark.parametrize("path", ["/api/ws", "/api/readiness/probe/ws"])
def test_a_page_of_another_origin_may_not_open_a_websocket(live: Live, path: str) -> None:
    url = f"{path}?token={live.login('h1')}"
    for origin in ("http://evil.example", "null", "https://testserver", "http://testserver:81"):
        with live.client.websocket_connect(url, headers={"Origin": origin}) as ws:
            assert closed(ws) == (4403, []), origin
    for headers in ({"Origin": "http://testserver"}, {"Origin": "http://TESTSERVER:80"}, {}):
        with live.client.websocket_connect(url, headers=headers):
            pass  # open


def test_configured_origins_may_open_a_websocket(db_url: str) -> None:
    with live_app(db_url, allowed_origins=("https://desk.example:8443",)) as live:
        url = f"/api/ws?token={live.login('a1')}"
        with live.client.websocket_connect(url, headers={"Origin": "https://desk.example:8443"}):
            pass
        with live.client.websocket_connect(url, headers={"Origin": "https://desk.example"}) as ws:
            assert closed(ws) == (4403, [])


@pytest.mark.postgres
def test_a_logout_served_by_another_process_closes_the_socket() -> None:
    """Two server processes on one database and one PostgreSQL hub: the advisor's socket is
    held by one, its logout served by the other (the event session.ended carries it)."""
    with postgres_schema() as url:
        channel = f"hs_test_{uuid.uuid4().hex[:8]}"
        clock = ManualClock(START)

        def process() -> TestClient:
            hub = PostgresHub(url.split("?")[0], channel=channel)
            app = create_app(
                live_settings(url), mini_scenario(), clock=clock, hub=hub, run_tick=False
            )
            return TestClient(app)

        with process() as one, process() as two:
            make_users(one.app.state.platform)  # type: ignore[attr-defined]
            r = two.post("/api/auth/login", json={"username": "a1", "password": PASSWORD})
            token = r.json()["token"]
            with one.websocket_connect(f"/api/ws?token={token}") as ws:
                assert ws.receive_json()["type"] == "hello"
                headers = {"Authorization": f"Bearer {token}"}
                assert two.post("/api/auth/logout", headers=headers).status_code == 204
                assert closed(ws)[0] == 4401


def test_a_real_server_gives_browsers_the_close_codes(tmp_path: Path) -> None:
    """Through uvicorn, a socket refused before its handshake would reach a browser as
    HTTP 403 (close code 1006): the page could not tell "log in again" from "server down"."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    from homeshore.services.clock import ManualClock
    from tests.services.server import serve_in_thread

    url = f"sqlite:///{tmp_path / 'live.db'}"
    app = create_app(live_settings(url), mini_scenario(), clock=ManualClock(START))
    with serve_in_thread(app) as base:
        ws_base = base.replace("http", "ws")
        cases = [
            (f"{ws_base}/api/ws?token=forged", {}, 4401),
            (f"{ws_base}/api/readiness/probe/ws", {}, 4401),
            (f"{ws_base}/api/ws?token=forged", {"Origin": "http://evil.example"}, 4403),
        ]
        for target, headers, code in cases:
            with connect(target, additional_headers=headers) as ws:
                with pytest.raises(ConnectionClosed):
                    ws.recv(timeout=10)
                assert ws.close_code == code, target
