"""Contact intake without the framework's per-request machinery.

``POST /api/contacts`` is the platform's busiest request (telephony announces every call
with it). FastAPI spends more on resolving a route's dependencies and validating its body
than the use case itself costs; this ASGI middleware serves a well-formed, authenticated
intake request with the same parts the route uses (body model, session resolution,
``take_contact``, service errors) and hands every other request to the application, with
the body it read. So anything unusual (malformed JSON, an invalid field, no session, a
wrong content type) is answered by the route itself, exactly as documented in OpenAPI.
"""

from __future__ import annotations

import json

from pydantic import ValidationError
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homeshore.api.deps import token_of
from homeshore.api.errors import service_error_response
from homeshore.api.routes.contacts import take_contact
from homeshore.api.schemas import ContactIn
from homeshore.services.auth import Auth
from homeshore.services.errors import ServiceError
from homeshore.services.platform import Platform

PATH = "/api/contacts"


class ContactIntake:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        content_type = conn.headers.get("content-type", "")
        if content_type.split(";", 1)[0].strip().lower() != "application/json":
            await self.app(scope, receive, send)
            return
        body, complete = await _read_body(receive)
        replay = _replaying(body, complete, receive)
        if not complete:  # the client went away mid-body: the application says what to do
            await self.app(scope, replay, send)
            return
        try:
            raw = json.loads(body)
            payload = ContactIn.model_validate(raw) if isinstance(raw, dict) else None
            auth: Auth = scope["app"].state.auth
            actor = auth.resolve(token_of(conn))
        except (ValueError, RecursionError, ValidationError, ServiceError):
            payload = None  # RecursionError: nested too deeply; the route answers 400
        if payload is None:
            await self.app(scope, replay, send)
            return
        platform: Platform = scope["app"].state.platform
        try:
            text, status = await take_contact(platform, actor, payload)
        except ServiceError as exc:
            await service_error_response(exc)(scope, replay, send)
            return
        answer = text.encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(answer)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole body, and False if the client disconnected before its end. (The
    body limit outside this middleware, homeshore.api.limits, bounds what is read.)"""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replaying(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A receive that gives the body already read first, then what the client sends."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay
