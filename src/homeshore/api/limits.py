"""Size limits on what clients send: every request body and websocket message, by route.

The outermost middleware of the app. A request whose ``Content-Length`` is over its route's
limit is answered 413 at once, unread; a body sent in chunks is counted as it arrives and
answered 413 as soon as it passes the limit (the rest is never read). A body within the
limit is handed on whole, so nothing inside (the intake fast path, FastAPI's JSON parsing)
ever holds more than the limit. A websocket message over its route's limit closes the
socket with code 1009 (message too big), whatever the server in front enforces.

The default limit is the setting ``max_body_bytes``; a route whose valid requests can be
larger (by its schema's bounds) has its own limit in :data:`LARGER_BODIES` or
:data:`LARGER_MESSAGES`.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homeshore.api.routes.probe import MAX_TRANSFER_BYTES

KIB = 1024

#: HTTP routes allowed more than the default: a probe run holds up to 1,000 probes and
#: 120 media intervals
LARGER_BODIES: Mapping[str, int] = {"/api/readiness/probe": 256 * KIB}
#: websocket routes allowed more than the default: the readiness probe's upload carries
#: up to MAX_TRANSFER_BYTES of payload in one message
LARGER_MESSAGES: Mapping[str, int] = {"/api/readiness/probe/ws": MAX_TRANSFER_BYTES + 4 * KIB}

CLOSE_TOO_BIG = 1009  # RFC 6455: a message too big to process


def largest_message_bytes(default_bytes: int) -> int:
    """The largest websocket message any route accepts (the server's frame limit)."""
    return max(default_bytes, *LARGER_MESSAGES.values())


class BodyLimit:
    """Refuse request bodies and websocket messages over their route's limit, before
    anything parses them."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_bytes: int,
        bodies: Mapping[str, int] = LARGER_BODIES,
        messages: Mapping[str, int] = LARGER_MESSAGES,
    ) -> None:
        self.app = app
        self.default_bytes = default_bytes
        self.bodies = bodies
        self.messages = messages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            limit = max(self.default_bytes, self.bodies.get(scope["path"], 0))
            await self._http(scope, receive, send, limit)
        elif scope["type"] == "websocket":
            limit = max(self.default_bytes, self.messages.get(scope["path"], 0))
            guarded = _GuardedSocket(receive, send, limit)
            await self.app(scope, guarded.receive, guarded.send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(limit)(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left: the app sees it too
                await self.app(scope, _replaying(chunks, message, receive), send)
                return
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(limit)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replaying(chunks, None, receive), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses it; else the body is counted anyway
    return None


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {
            "detail": f"the request body is larger than this route accepts "
            f"(at most {limit:,} bytes)",
            "field": "body",
            "limit_bytes": limit,
        },
        status_code=413,
        # the rest of the body is never read: the connection cannot serve another
        headers={"Connection": "close"},
    )


def _replaying(chunks: list[bytes], last: Message | None, receive: Receive) -> Receive:
    """A receive giving the body read so far as one message (then ``last``, the client's
    leaving, if it left), then what the server sends."""
    pending: list[Message] = [
        {"type": "http.request", "body": b"".join(chunks), "more_body": last is not None}
    ]
    if last is not None:
        pending.append(last)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


class _GuardedSocket:
    """A websocket's receive and send: a message over ``limit`` closes the socket with
    1009 and reaches the application as the client's leaving; what the application sends
    after that is dropped."""

    def __init__(self, receive: Receive, send: Send, limit: int) -> None:
        self._receive = receive
        self._send = send
        self.limit = limit
        self.closed: Message | None = None

    async def receive(self) -> Message:
        if self.closed is not None:
            return self.closed
        message = await self._receive()
        if message["type"] == "websocket.receive" and _size_over(message, self.limit):
            reason = f"message larger than {self.limit} bytes"
            await self._send({"type": "websocket.close", "code": CLOSE_TOO_BIG, "reason": reason})
            self.closed = {"type": "websocket.disconnect", "code": CLOSE_TOO_BIG, "reason": reason}
            return self.closed
        return message

    async def send(self, message: Message) -> None:
        if self.closed is None:
            await self._send(message)


def _size_over(message: Message, limit: int) -> bool:
    data = message.get("bytes")
    if data is not None:
        return len(data) > limit
    text: str = message.get("text") or ""
    if len(text) > limit:  # a character is at least one byte
        return True
    if len(text) * 4 <= limit:  # and at most four
        return False
    return len(text.encode("utf-8", "surrogatepass")) > limit
