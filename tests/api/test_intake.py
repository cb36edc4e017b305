"""Contact intake's fast path (homeshore.api.intake) answers exactly as the documented
route would, serves well-formed requests itself and hands everything else over intact."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from homeshore.api import app as app_module
from homeshore.api.intake import ContactIntake
from tests.services.support import Live, live_app

VALID = b'{"queue_id": "plans", "customer_ref": "cust-1", "external_id": "call-1"}'
JSON = "application/json"

#: (who, content type, body): every kind of answer the route gives
REQUESTS: list[tuple[str | None, str, bytes]] = [
    ("admin", JSON, VALID),  # 201
    ("admin", JSON, VALID),  # 200: the same contact
    ("m.red", "application/json; charset=utf-8", b'{"queue_id": "legal", "customer_ref": "c"}'),
    ("a1", JSON, b'{"queue_id": "plans", "customer_ref": "c"}'),  # 403
    (None, JSON, b'{"queue_id": "plans", "customer_ref": "c"}'),  # 401
    ("bad token", JSON, b'{"queue_id": "plans", "customer_ref": "c"}'),  # 401
    ("admin", JSON, b'{"queue_id": "plans", '),  # malformed JSON
    ("admin", JSON, b'["plans"]'),  # not an object
    ("admin", JSON, b'{"queue_id": "plans"}'),  # a field missing
    ("admin", JSON, b'{"queue_id": "plans", "customer_ref": "c", "colour": 1}'),  # unknown
    ("admin", JSON, b'{"queue_id": "plans", "customer_ref": "", "priority": 99}'),
    ("admin", JSON, b'{"queue_id": "nope", "customer_ref": "c"}'),  # a service refusal
    ("admin", JSON, b'{"queue_id": "plans", "channel": "chat", "customer_ref": "c"}'),
    ("admin", "text/plain", VALID),
    ("admin", "application/x-www-form-urlencoded", b"queue_id=plans&customer_ref=c"),
]


class _PassThrough:
    """Stands in for the fast path: every request reaches the route."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Live, Live]]:
    """Two identical platforms (same clock, same users): with and without the fast path."""
    with ExitStack() as stack:
        fast = stack.enter_context(live_app(f"sqlite:///{tmp_path / 'fast.db'}"))
        monkeypatch.setattr(app_module, "ContactIntake", _PassThrough)
        route = stack.enter_context(live_app(f"sqlite:///{tmp_path / 'route.db'}"))
        yield fast, route


def _send(live: Live, who: str | None, content_type: str, body: bytes) -> Any:
    headers = {"content-type": content_type}
    if who == "bad token":
        headers["authorization"] = "Bearer nope"
    elif who is not None:
        headers.update(live.headers(who))
    live.client.cookies.clear()  # (logging in set a session cookie)
    return live.client.post("/api/contacts", content=body, headers=headers)


def test_every_answer_is_the_routes_own(pair: tuple[Live, Live]) -> None:
    fast, route = pair
    statuses = []
    for who, content_type, body in REQUESTS:
        a, b = _send(fast, who, content_type, body), _send(route, who, content_type, body)
        assert (a.status_code, a.json()) == (b.status_code, b.json()), (who, body)
        assert a.headers["content-type"] == b.headers["content-type"]
        assert a.headers.get("www-authenticate") == b.headers.get("www-authenticate")
        statuses.append(a.status_code)
    assert statuses[:6] == [201, 200, 201, 403, 401, 401]
    assert set(statuses[6:]) == {422}


def _asgi_post(live: Live, body: bytes, token: str) -> tuple[list[Message], list[bytes]]:
    """POST the body (in two chunks) to the fast path in front of a recording app."""
    handed: list[bytes] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        handed.append(b"".join(chunks))
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    parts = [{"type": "http.request", "body": body[:10], "more_body": True}]
    parts.append({"type": "http.request", "body": body[10:], "more_body": False})
    sent: list[Message] = []

    async def receive() -> Message:
        return parts.pop(0) if parts else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/contacts",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"authorization", token.encode())],
        "app": live.client.app,
    }

    async def call() -> None:
        await ContactIntake(inner)(scope, receive, send)

    portal = live.client.portal
    assert portal is not None
    portal.call(call)
    return sent, handed


def test_well_formed_requests_are_served_and_others_handed_over_intact(
    pair: tuple[Live, Live],
) -> None:
    fast, _route = pair
    token = f"Bearer {fast.login('admin')}"
    sent, handed = _asgi_post(fast, VALID, token)
    assert handed == [] and sent[0]["status"] == 201
    assert b'"external_id":"call-1"' in sent[1]["body"]
    bad = b'{"queue_id": "plans", "customer_ref": ""}'
    sent, handed = _asgi_post(fast, bad, token)
    assert handed == [bad] and sent[0]["status"] == 418
    sent, handed = _asgi_post(fast, VALID.replace(b"call-1", b"call-2"), "Bearer nope")
    assert handed == [VALID.replace(b"call-1", b"call-2")] and sent[0]["status"] == 418
