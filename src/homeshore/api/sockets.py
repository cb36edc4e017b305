"""What every websocket of the platform checks and how it ends with its session.

Before the handshake: a browser's ``Origin`` must be this server's own (the scheme, host
and port the client reached, from the ``Host`` header) or one of ``allowed_origins``, else
the socket is closed with 4403 (no ``Origin``: not a browser, allowed); then the session
token (query ``token`` or the session cookie), else 4401. Once open, the socket is closed
with 4401 as soon as its session ends (logout, expiry, account disabled).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from starlette.websockets import WebSocket

from homeshore.api.deps import SESSION_COOKIE
from homeshore.services.auth import Auth
from homeshore.services.errors import ServiceError
from homeshore.services.socket_sessions import SocketSession

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN_ORIGIN = 4403
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, ports made explicit; None when unreadable."""
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host, port if port is not None else _DEFAULT_PORTS[scheme]


def _parse(origin: str) -> tuple[str, str, int] | None:
    scheme, sep, netloc = origin.strip().partition("://")
    if not sep or "/" in netloc.rstrip("/"):
        return None
    return _origin(scheme.lower(), netloc.rstrip("/"))


def origin_allowed(websocket: WebSocket, allowed: tuple[str, ...]) -> bool:
    """May the page that opens this socket use it? Any client without ``Origin``; a
    browser from this server's own origin or one of ``allowed``."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    seen = _parse(origin)
    if seen is None:
        return False  # "null" (a sandboxed or local page) and anything unreadable
    scheme = "https" if websocket.url.scheme == "wss" else "http"
    own = _origin(scheme, websocket.headers.get("host", ""))
    return seen == own or any(seen == _parse(other) for other in allowed)


async def admit(
    websocket: WebSocket, auth: Auth, token: str | None, *, stream: bool
) -> SocketSession | None:
    """The session of a socket about to open, watched (see ``Auth.watch``); None once the
    socket is closed for its origin (4403) or its session (4401)."""
    allowed = websocket.app.state.platform.settings.allowed_origins
    if not origin_allowed(websocket, allowed):
        await _refuse(websocket, CLOSE_FORBIDDEN_ORIGIN, "this page's origin may not connect")
        return None
    try:
        return auth.watch(token or websocket.cookies.get(SESSION_COOKIE), stream=stream)
    except ServiceError as exc:
        await _refuse(websocket, CLOSE_UNAUTHORIZED, exc.reason)
        return None


async def _refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Accept, then close with ``code``: a socket closed before its handshake reaches the
    client as HTTP 403 (a browser sees only 1006), and the page could not tell a session
    to renew (4401) from a server that is down."""
    await websocket.accept()
    await websocket.close(code, reason)


async def close_when_ended(websocket: WebSocket, session: SocketSession) -> None:
    """Wait for the end of the socket's session, then close it with 4401."""
    await session.ended.wait()
    with contextlib.suppress(RuntimeError):
        await websocket.close(CLOSE_UNAUTHORIZED, f"{session.reason}: log in again")


@contextlib.asynccontextmanager
async def ending_with(
    websocket: WebSocket, auth: Auth, session: SocketSession
) -> AsyncIterator[None]:
    """Run the body until it ends or the socket's session does: then the body is cancelled
    and the socket closed with 4401. The session is no longer watched afterwards."""
    task = asyncio.current_task()
    assert task is not None
    ended = False

    async def watch() -> None:
        nonlocal ended
        await session.ended.wait()
        ended = True
        task.cancel()

    watcher = asyncio.create_task(watch())
    try:
        yield
    except asyncio.CancelledError:
        if not ended or task.uncancel() > 0:
            raise  # cancelled from outside too
    finally:
        watcher.cancel()
        auth.unwatch(session)
    if ended:
        with contextlib.suppress(RuntimeError):
            await websocket.close(CLOSE_UNAUTHORIZED, f"{session.reason}: log in again")
