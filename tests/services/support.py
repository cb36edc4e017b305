"""Shared test support for the live platform: databases (SQLite and PostgreSQL), a small
scenario, an app with a manual clock, and a client that logs users in."""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from starlette.exceptions import StarletteDeprecationWarning

from homeshore.api.app import create_app
from homeshore.config import Settings
from homeshore.data.scenario_file import load_scenario
from homeshore.domain import Scenario, Schedule
from homeshore.services.auth import create_user
from homeshore.services.clock import ManualClock
from homeshore.services.platform import Platform
from homeshore.services.scope import Role

with warnings.catch_warnings():
    # starlette's test client still runs on httpx and says so once at import
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient, WebSocketTestSession

DATA = Path(__file__).parent / "data"
PARIS = ZoneInfo("Europe/Paris")


def next_working_tuesday(today: dt.date) -> dt.date:
    """The first Tuesday after ``today`` that is not a French public holiday."""
    import holidays

    day = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    french = holidays.country_holidays("FR", years=range(day.year, day.year + 2))
    while day in french:
        day += dt.timedelta(weeks=1)
    return day


#: a Tuesday morning, inside every opening and contact window of mini.yaml, and always
#: after the real date: session cookies computed on the manual clock are not yet expired
#: for the HTTP client, which compares them with the real clock
START = dt.datetime.combine(
    next_working_tuesday(dt.datetime.now(PARIS).date()), dt.time(10, 0), tzinfo=PARIS
)
PASSWORD = "correct horse battery"
PG_BASE = os.environ.get(
    "HOMESHORE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def mini_scenario() -> Scenario:
    return load_scenario(DATA / "mini.yaml")


def postgres_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def require_postgres() -> None:
    if postgres_listening():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but no PostgreSQL listens on 127.0.0.1:5432")
    pytest.skip("no PostgreSQL listening on 127.0.0.1:5432 (set CI=true to make this fail)")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema of the test database; yields a URL whose search_path points at it."""
    require_postgres()
    schema = f"hs_live_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}"
    else:
        with postgres_schema() as url:
            yield url


def live_settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "events_url": "memory://",
        "heartbeat_s": 3600.0,
        "disconnect_after_s": 10.0,
        "offer_timeout_s": 15.0,
        "login_max_attempts": 5,
        "password_time_cost": 1,
        "password_memory_kib": 64,
        # one in-process app per test (tests/api/test_standby.py runs two processes)
        "router_lease": "off",
    }
    values.update(overrides)
    return Settings(**values)


class Live:
    """A running app (TestClient) with a manual clock, and helpers to act as users."""

    def __init__(self, client: TestClient, clock: ManualClock) -> None:
        self.client = client
        self.clock = clock
        self.tokens: dict[str, str] = {}

    @property
    def platform(self) -> Platform:
        platform: Platform = self.client.app.state.platform  # type: ignore[attr-defined]
        return platform

    def on_loop(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a service function on the app's event loop thread (as a route would)."""
        portal = self.client.portal
        assert portal is not None
        return portal.call(lambda: fn(*args, **kwargs))

    def tick(self, advance_s: float = 0.0, *, silent: tuple[str, ...] = ()) -> int:
        """Move the clock and run the housekeeping tick. Connected clients count as alive
        (as if they answered heartbeats) except the agents named in ``silent``."""
        from homeshore.services.agents import seen, tick

        if advance_s:
            self.clock.advance(advance_s)
        for agent in self.platform.agents.values():
            if agent.connections and agent.id not in silent:
                self.on_loop(seen, self.platform, agent.id)
        return int(self.on_loop(tick, self.platform))

    def login(self, username: str) -> str:
        if username not in self.tokens:
            r = self.client.post(
                "/api/auth/login", json={"username": username, "password": PASSWORD}
            )
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.login(username)}"}

    def post(self, username: str, path: str, json: Any = None) -> Any:
        return self.client.post(path, json=json, headers=self.headers(username))

    def get(self, username: str, path: str) -> Any:
        return self.client.get(path, headers=self.headers(username))

    def ws(self, username: str, last_event_id: int | None = None) -> Any:
        url = f"/api/ws?token={self.login(username)}"
        if last_event_id is not None:
            url += f"&last_event_id={last_event_id}"
        return self.client.websocket_connect(url)

    def new_contact(self, queue_id: str = "plans", **extra: Any) -> dict[str, Any]:
        body = {"queue_id": queue_id, "customer_ref": "cust-1", **extra}
        r = self.post("admin", "/api/contacts", body)
        assert r.status_code in (200, 201), r.text
        result: dict[str, Any] = r.json()
        return result

    def go(self, agent: str, state: str, location: str | None = "site") -> Any:
        body: dict[str, Any] = {"state": state}
        if location is not None:
            body["location"] = location
        return self.post(agent, f"/api/agents/{agent}/state", body)


def next_event(ws: WebSocketTestSession, type_: str, limit: int = 50) -> dict[str, Any]:
    """Read messages until one of the given type (heartbeats and others are skipped)."""
    for _ in range(limit):
        message: dict[str, Any] = ws.receive_json()
        if message.get("type") == type_:
            return message
    raise AssertionError(f"no {type_} event in {limit} messages")


def make_users(platform_or_sessions: Any, settings: Settings | None = None) -> None:
    create_user(
        platform_or_sessions,
        username="admin",
        password=PASSWORD,
        role=Role.ADMIN,
        settings=settings,
    )
    create_user(
        platform_or_sessions,
        username="m.red",
        password=PASSWORD,
        role=Role.SUPERVISOR,
        team_ids=("red",),
        settings=settings,
    )
    create_user(
        platform_or_sessions,
        username="m.blue",
        password=PASSWORD,
        role=Role.SUPERVISOR,
        team_ids=("blue",),
        settings=settings,
    )
    for agent in ("a1", "a2", "b1", "b2", "h1"):
        create_user(
            platform_or_sessions,
            username=agent,
            password=PASSWORD,
            role=Role.AGENT,
            agent_id=agent,
            settings=settings,
        )


@contextmanager
def live_app(
    url: str,
    *,
    schedule: Schedule | None = None,
    start: dt.datetime = START,
    scenario: Scenario | None = None,
    **overrides: Any,
) -> Iterator[Live]:
    clock = ManualClock(start)
    app = create_app(
        live_settings(url, **overrides),
        scenario or mini_scenario(),
        schedule=schedule,
        clock=clock,
        run_tick=False,
    )
    with TestClient(app) as client:
        live = Live(client, clock)
        make_users(live.platform)
        yield live
