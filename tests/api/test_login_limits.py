"""Logins cannot be guessed around the limits or used to overload the server, and an
administrator disables accounts and resets passwords (tests through the real app; those
that need several client addresses run it under uvicorn behind a trusted proxy)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from homeshore.api.app import create_app
from homeshore.api.server import proxy_options
from homeshore.services.clock import ManualClock
from homeshore.services.platform import Platform
from tests.services.support import (
    PASSWORD,
    START,
    Live,
    live_app,
    live_settings,
    make_users,
    mini_scenario,
)
from tests.web.live_server import free_port

WRONG = "Summer2026!"


@dataclass
class Served:
    """The app under uvicorn: an HTTP client and the app's manual clock."""

    http: httpx.Client
    clock: ManualClock

    def login(self, name: str, password: str, address: str | None = None) -> httpx.Response:
        headers = {"X-Forwarded-For": address} if address else {}
        return self.http.post(
            "/api/auth/login", json={"username": name, "password": password}, headers=headers
        )

    def codes(self, names: list[str], password: str, address: str) -> list[int]:
        return [self.login(n, password, address).status_code for n in names]


@contextmanager
def served(db_url: str, **overrides: Any) -> Iterator[Served]:
    """The app under a real uvicorn on a free loopback port, with the options `homeshore
    serve` gives it (X-Forwarded-For is resolved by uvicorn, not by the app)."""
    settings = live_settings(db_url, **overrides)
    clock = ManualClock(START)
    app = create_app(settings, mini_scenario(), clock=clock, run_tick=False)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", **proxy_options(settings)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        platform: Platform = app.state.platform
        make_users(platform)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            yield Served(http, clock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def login(live: Live, name: str, password: str) -> Any:
    return live.client.post("/api/auth/login", json={"username": name, "password": password})


def assert_retry_after(r: Any) -> None:
    assert int(r.headers["Retry-After"]) >= 1, r.headers


def test_x_forwarded_for_is_ignored_when_no_proxy_is_trusted(db_url: str) -> None:
    with served(db_url, login_address_max_attempts=3) as s:
        # no proxy trusted: every forwarded address is this loopback client's own
        assert [s.login(f"x{i}", WRONG, f"10.0.0.{i}").status_code for i in range(3)] == [401] * 3
        r = s.login("a1", PASSWORD, "10.0.0.9")
        assert r.status_code == 429, "a new X-Forwarded-For each time must not get round it"
        assert "this address" in r.json()["detail"]
        assert_retry_after(r)


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_clients(db_url: str) -> None:
    with served(db_url, login_address_max_attempts=3, trusted_proxies=["127.0.0.1"]) as s:
        # behind a trusted proxy, the forwarded address is the client's
        assert s.codes(["x1", "x2", "x3"], WRONG, "10.0.0.1") == [401] * 3
        assert s.login("x4", WRONG, "10.0.0.1").status_code == 429
        assert s.login("a1", PASSWORD, "10.0.0.2").status_code == 200
        # the rightmost address not trusted is the client's: one it prepends counts for nothing
        assert s.login("x5", WRONG, "10.0.0.1, 10.0.0.3").status_code == 401


def test_a_locked_account_stays_locked_from_any_address(db_url: str) -> None:
    with served(db_url, trusted_proxies=["127.0.0.1"]) as s:
        assert [s.login("a1", WRONG, f"10.0.0.{i}").status_code for i in range(5)] == [401] * 5
        r = s.login("a1", PASSWORD, "10.0.9.9")
        assert r.status_code == 429, "even the right password, even from elsewhere"
        assert "this account" in r.json()["detail"]
        assert_retry_after(r)
        assert s.login("A1", PASSWORD, "10.0.9.8").status_code == 429, "whatever the case"
        assert s.login("b1", PASSWORD, "10.0.9.9").status_code == 200, "other accounts log in"
        s.clock.advance(61)
        assert s.login("a1", PASSWORD, "10.0.9.9").status_code == 200


def test_failed_logins_are_limited_for_the_whole_server(db_url: str) -> None:
    with served(db_url, trusted_proxies=["127.0.0.1"], login_global_max_attempts=6) as s:
        assert s.login("b1", PASSWORD, "10.0.7.7").status_code == 200  # b1's usual place
        assert [s.login(f"x{i}", WRONG, f"10.0.0.{i}").status_code for i in range(6)] == [401] * 6
        # an advisor logging in from where a login succeeded lately is not locked out ...
        assert s.login("b1", PASSWORD, "10.0.7.7").status_code == 200
        # ... any other address is, right password or not
        assert s.login("a1", PASSWORD, "10.0.1.2").status_code == 429
        r = s.login("x9", WRONG, "10.0.1.1")
        assert r.status_code == 429
        assert "this server" in r.json()["detail"]
        assert_retry_after(r)
        s.clock.advance(61)
        assert s.login("a1", PASSWORD, "10.0.1.1").status_code == 200


def test_one_password_sprayed_over_many_names_is_limited_per_address(db_url: str) -> None:
    with live_app(db_url, login_address_max_attempts=4) as live:
        names = ["a1", "a2", "b1", "nobody"]
        assert [login(live, n, WRONG).status_code for n in names] == [401] * 4
        r = login(live, "b2", WRONG)
        assert r.status_code == 429
        assert_retry_after(r)
        assert login(live, "h1", PASSWORD).status_code == 429, "this address waits"
        live.clock.advance(61)
        assert login(live, "h1", PASSWORD).status_code == 200
        # a success takes back its own attempt only: the failures still count
        assert [login(live, f"y{i}", WRONG).status_code for i in range(4)] == [401] * 4
        assert login(live, "a2", PASSWORD).status_code == 429


def test_a_login_storm_is_refused_at_once_beyond_the_waiting_line(db_url: str) -> None:
    # one password check at a time (each about half a second) and one login waiting
    slow = {"password_time_cost": 60, "password_memory_kib": 8192}
    with live_app(db_url, login_hash_concurrency=1, login_max_waiting=1, **slow) as live:
        start = threading.Barrier(6)
        answers: list[tuple[int, str | None, float]] = []

        def attempt(i: int) -> None:
            start.wait()
            began = time.monotonic()
            r = login(live, f"storm{i}", WRONG)
            answers.append((r.status_code, r.headers.get("Retry-After"), time.monotonic() - began))

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(code for code, _, _ in answers) == [401, 401, 503, 503, 503, 503]
        slowest_check = max(took for code, _, took in answers if code == 401)
        for code, retry, took in answers:
            if code == 503:
                assert retry == "1"
                assert took < slowest_check, "refused at once, not after waiting"
        assert login(live, "a1", PASSWORD).status_code == 200, "the line empties"


def _user_id(live: Live, name: str) -> int:
    users = live.get("admin", "/api/users").json()
    return int(next(u["id"] for u in users if u["username"] == name))


def test_disabling_an_account_ends_its_sessions_and_refuses_its_login(live: Live) -> None:
    a1 = _user_id(live, "a1")
    token = live.login("a1")
    assert live.get("a1", "/api/auth/me").status_code == 200  # now in the actor cache
    assert (
        live.client.patch(
            f"/api/users/{a1}", json={"active": False}, headers=live.headers("m.red")
        ).status_code
        == 403
    )
    r = live.client.patch(f"/api/users/{a1}", json={"active": False}, headers=live.headers("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False
    me = live.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401, "its session ended at once"
    refused = login(live, "a1", PASSWORD)
    assert refused.status_code == 401
    assert "disabled" in refused.json()["detail"]
    assert "disabled" not in login(live, "a1", WRONG).json()["detail"], "only with its password"
    r = live.client.patch(f"/api/users/{a1}", json={"active": True}, headers=live.headers("admin"))
    assert r.json()["active"] is True
    assert login(live, "a1", PASSWORD).status_code == 200


def test_an_administrator_cannot_disable_itself(live: Live) -> None:
    admin = _user_id(live, "admin")
    headers = live.headers("admin")
    r = live.client.patch(f"/api/users/{admin}", json={"active": False}, headers=headers)
    assert r.status_code == 409
    assert r.json()["field"] == "active"
    assert (
        live.client.patch("/api/users/99999", json={"active": False}, headers=headers).status_code
        == 404
    )
    assert live.client.patch(f"/api/users/{admin}", json={}, headers=headers).status_code == 422
    assert live.get("admin", "/api/auth/me").status_code == 200


def test_a_new_password_replaces_the_old_one_and_ends_the_sessions(live: Live) -> None:
    a1 = _user_id(live, "a1")
    token = live.login("a1")
    headers = live.headers("admin")
    short = live.client.patch(f"/api/users/{a1}", json={"password": "short"}, headers=headers)
    assert short.status_code == 422
    new = "a brand new passphrase"
    r = live.client.patch(f"/api/users/{a1}", json={"password": new}, headers=headers)
    assert r.status_code == 200, r.text
    me = live.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert login(live, "a1", PASSWORD).status_code == 401
    assert login(live, "a1", new).status_code == 200


def test_user_names_are_unique_whatever_their_case(live: Live) -> None:
    body = {"username": "Admin", "password": "long enough password", "role": "admin"}
    r = live.post("admin", "/api/users", body)
    assert r.status_code == 409
    assert "'admin' exists already" in r.json()["detail"]
    # and logins match names whatever their case
    r = login(live, "ADMIN", PASSWORD)
    assert r.status_code == 200
    assert r.json()["user"]["username"] == "admin"


def test_the_login_page_says_why_and_when_to_come_back(db_url: str) -> None:
    with live_app(db_url, login_max_attempts=1) as live:
        a1 = _user_id(live, "a1")

        def form(password: str) -> Any:
            data = {"username": "a1", "password": password}
            english = {"Accept-Language": "en"}
            return live.client.post("/login", data=data, headers=english, follow_redirects=False)

        assert form(WRONG).status_code == 401
        refused = form(PASSWORD)
        assert refused.status_code == 429
        assert_retry_after(refused)
        assert "Too many failed attempts" in refused.text
        live.clock.advance(61)
        headers = live.headers("admin")
        live.client.patch(f"/api/users/{a1}", json={"active": False}, headers=headers)
        disabled = form(PASSWORD)
        assert disabled.status_code == 401
        assert "This account is disabled" in disabled.text
