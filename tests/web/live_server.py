"""The real app under uvicorn on a free loopback port, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from homeshore.config import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def web_settings(db: Path, **overrides: Any) -> Settings:
    """SQLite in ``db``, in-memory events, cheap password hashing, a lively tick."""
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db}",
        "events_url": "memory://",
        "password_time_cost": 1,
        "password_memory_kib": 64,
        "heartbeat_s": 1.0,
        "disconnect_after_s": 8.0,
        "tick_s": 0.2,
        "metrics_every_s": 0.5,
        "offer_timeout_s": 60.0,
    }
    values.update(overrides)
    return Settings(**values)


@contextmanager
def serve(app: FastAPI, port: int | None = None) -> Iterator[str]:
    """Run ``app`` (on ``port``, or a free one) until the block ends; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # a busy machine starts it later
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def signed_in(base_url: str, username: str, timeout_s: float) -> Iterator[httpx.Client]:
    """An HTTP client logged in as ``username`` (an account of
    tests.services.support.make_users), with its own session beside any page's."""
    from tests.services.support import PASSWORD

    with httpx.Client(base_url=base_url, timeout=timeout_s) as api:
        token = api.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        api.headers["Authorization"] = f"Bearer {token.json()['token']}"
        api.cookies.clear()
        yield api


@contextmanager
def admin_client(base_url: str, timeout_s: float) -> Iterator[httpx.Client]:
    """The admin account, acting for the telephony / chat-widget side."""
    with signed_in(base_url, "admin", timeout_s) as api:
        yield api
