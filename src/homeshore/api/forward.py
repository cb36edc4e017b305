"""A standby forwards: every request and websocket it receives goes to the routing process.

With several ``homeshore serve`` processes on one PostgreSQL database, only the holder of
the router lease (homeshore.services.lease) routes. The others answer ``/api/health``
themselves and pass everything else on, byte for byte, to the leader's address recorded
with the lease, adding the client's address (``X-Forwarded-For``; the leader believes it
only from addresses listed in ``HOMESHORE_TRUSTED_PROXIES``). While no leader answers (it
died and a standby is taking over) requests get 503 with ``Retry-After: 1`` and websockets
close with 1012 (service restart): the pages reconnect and resume from their last event id.
"""

from __future__ import annotations

import contextlib
import urllib.request
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from typing import Protocol

import httpx
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from homeshore.api.concurrency import until_first_ends
from homeshore.api.sockets import CLOSE_FORBIDDEN_ORIGIN, origin_allowed

#: answered by each process itself, never forwarded
LOCAL_PATHS = frozenset({"/api/health"})
#: headers that describe one hop, not the request (RFC 9110 §7.6.1), and those the
#: client library sets itself
_HOP = frozenset(
    {
        b"x-forwarded-for",
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"content-length",
    }
)
_WS_SKIP = _HOP | {
    b"host",
    b"origin",  # checked here, against the address the browser reached (see _websocket)
    b"sec-websocket-key",
    b"sec-websocket-version",
    b"sec-websocket-extensions",
    b"sec-websocket-accept",
    b"sec-websocket-protocol",
}
CLOSE_RESTART = 1012  # service restart: reconnect
MAX_WS_MESSAGE_BYTES = 4 * 1024 * 1024


class Role(Protocol):
    """What the forwarder needs to know of this process (homeshore.api.standby.RouterRole)."""

    @property
    def leading(self) -> bool: ...

    def leader_url(self) -> str | None: ...


class _NoCookies(DefaultCookiePolicy):
    """Keeps no cookie and sends none of its own."""

    def set_ok(self, cookie: Cookie, request: urllib.request.Request) -> bool:
        return False

    def return_ok(self, cookie: Cookie, request: urllib.request.Request) -> bool:
        return False


class Upstream:
    """The HTTP client to the leader, shared by the requests of this process."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            # no cookie jar: a session cookie the leader sets belongs to the one client
            # it answered, and goes back to it in the answer's headers, nowhere else
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(60.0, connect=2.0),
                cookies=CookieJar(policy=_NoCookies()),
            )
        return self._client

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


class Forward:
    """ASGI middleware: the application itself when this process leads, else a proxy."""

    def __init__(
        self,
        app: ASGIApp,
        role: Role,
        upstream: Upstream,
        allowed_origins: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.role = role
        self.upstream = upstream
        self.allowed_origins = allowed_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] not in ("http", "websocket")
            or self.role.leading
            or scope["path"] in LOCAL_PATHS
        ):
            await self.app(scope, receive, send)
            return
        base = self.role.leader_url()
        if scope["type"] == "http":
            await self._http(scope, receive, send, base)
        else:
            await self._websocket(scope, receive, send, base)

    # -- HTTP ------------------------------------------------------------------------------

    async def _http(self, scope: Scope, receive: Receive, send: Send, base: str | None) -> None:
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if base is None:
            await _unavailable()(scope, receive, send)
            return
        # the client's address as this process resolved it (its own trusted proxies)
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _HOP]
        headers.append((b"x-forwarded-for", _client_host(scope).encode()))
        url = base + _target(scope)
        try:
            response = await self.upstream.client().request(
                scope["method"], url, headers=headers, content=bytes(body)
            )
        except httpx.TransportError:
            await _unavailable()(scope, receive, send)
            return
        # httpx has decoded any content-encoding: the body goes on as decoded
        skip = _HOP | {b"content-encoding"}
        answer = [(k, v) for k, v in response.headers.raw if k.lower() not in skip]
        answer.append((b"content-length", str(len(response.content)).encode()))
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": answer}
        )
        await send({"type": "http.response.body", "body": response.content})

    # -- websockets ------------------------------------------------------------------------

    async def _websocket(
        self, scope: Scope, receive: Receive, send: Send, base: str | None
    ) -> None:
        first = await receive()
        if first["type"] != "websocket.connect":
            return
        # a browser's Origin is checked here, against the address it reached (the leader
        # would compare it with its own), and not passed on
        if not origin_allowed(WebSocket(scope, receive, send), self.allowed_origins):
            await send({"type": "websocket.accept"})
            await send(
                {
                    "type": "websocket.close",
                    "code": CLOSE_FORBIDDEN_ORIGIN,
                    "reason": "this page's origin may not connect",
                }
            )
            return
        upstream: ClientConnection | None = None
        if base is not None:
            headers = [
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in scope["headers"]
                if k.lower() not in _WS_SKIP
            ]
            headers.append(("x-forwarded-for", _client_host(scope)))
            url = "ws" + base.removeprefix("http") + _target(scope)
            try:
                upstream = await connect(
                    url,
                    additional_headers=headers,
                    open_timeout=5,
                    ping_interval=None,
                    max_size=MAX_WS_MESSAGE_BYTES,
                    compression=None,
                )
            except InvalidStatus:  # refused before the handshake: refused here too
                await send({"type": "websocket.close", "code": 1008, "reason": ""})
                return
            except (OSError, TimeoutError, WebSocketException):
                upstream = None
        await send({"type": "websocket.accept"})
        if upstream is None:
            await send(
                {"type": "websocket.close", "code": CLOSE_RESTART, "reason": "router changing"}
            )
            return
        await _pump(upstream, receive, send)


async def _pump(upstream: ClientConnection, receive: Receive, send: Send) -> None:
    """Messages both ways until one side closes; the other side gets the same close code
    (1012 when the leader went away without one)."""

    async def from_client() -> None:
        while True:
            message: Message = await receive()
            if message["type"] == "websocket.disconnect":
                await upstream.close(code=message.get("code", 1000))
                return
            if message.get("text") is not None:
                await upstream.send(message["text"])
            elif message.get("bytes") is not None:
                await upstream.send(message["bytes"])

    async def from_leader() -> None:
        try:
            async for data in upstream:
                if isinstance(data, str):
                    await send({"type": "websocket.send", "text": data})
                else:
                    await send({"type": "websocket.send", "bytes": data})
        except ConnectionClosed:
            pass
        code = upstream.close_code
        reason = upstream.close_reason or ""
        if code is None or code in (1005, 1006):
            code, reason = CLOSE_RESTART, "router changing"
        with contextlib.suppress(Exception):
            await send({"type": "websocket.close", "code": code, "reason": reason})

    try:
        with contextlib.suppress(ConnectionClosed):
            await until_first_ends(from_client(), from_leader())
    finally:
        with contextlib.suppress(Exception):
            await upstream.close()


def _target(scope: Scope) -> str:
    path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    return (path + (b"?" + query if query else b"")).decode("latin-1")


def _client_host(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _unavailable() -> JSONResponse:
    return JSONResponse(
        {"detail": "the router is changing over to another process: retry", "field": None},
        status_code=503,
        headers={"Retry-After": "1"},
    )
