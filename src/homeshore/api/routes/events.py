"""The event stream: one websocket per client, and the same log over HTTP.

Websocket protocol (docs/api.md): connect to ``/api/ws?token=T[&last_event_id=N]``.
The server sends ``{"type": "hello", ...}``, then every event the client may see as
``{"id", "at", "type", "data", ...}`` in id order (first those after N, when given), and
``{"type": "heartbeat", "last_id"}`` every ``heartbeat_s``. The client answers anything
(``{"type": "pong"}``) at least every ``disconnect_after_s`` or is taken as gone.
An agent desktop may also send contact commands on the same socket (api/commands.py).
The socket closes with 4401 when its session ends (api/sockets.py); a command on a session
that no longer holds is refused with 401.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect

from homeshore.api import commands, sockets
from homeshore.api.concurrency import until_first_ends
from homeshore.api.deps import ActorDep, CommittedPlatformDep
from homeshore.api.schemas import EventOut
from homeshore.realtime import SubscriberLagged
from homeshore.realtime.types import Event
from homeshore.services import agents, events
from homeshore.services.auth import SESSION_ENDED, Auth
from homeshore.services.platform import Platform
from homeshore.services.socket_sessions import SocketSession

router = APIRouter(tags=["events"])

CLOSE_UNAUTHORIZED = sockets.CLOSE_UNAUTHORIZED
CLOSE_FORBIDDEN_ORIGIN = sockets.CLOSE_FORBIDDEN_ORIGIN
CLOSE_LAGGED = 4409
CLOSE_SILENT = 4408


@router.get("/api/events", response_model=list[EventOut])
async def list_events(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[EventOut]:
    """Events after an id, within the caller's scope (the persisted log)."""
    return [EventOut(**e.to_dict()) for e in events.replay(platform, actor, after, limit)]


@router.websocket("/api/ws")
async def stream(
    websocket: WebSocket,
    token: str | None = None,
    last_event_id: Annotated[int | None, Query(ge=0, le=2**62)] = None,
) -> None:
    platform: Platform = websocket.app.state.platform
    auth: Auth = websocket.app.state.auth
    session = await sockets.admit(websocket, auth, token, stream=True)
    if session is None:
        return
    actor = session.actor
    try:
        async with platform.hub.subscribe(events.topics(actor)) as live:
            if actor.agent_id is not None:
                # counted before the handshake completes: the client may act at once
                agents.connected(platform, actor.agent_id)
            try:
                await websocket.accept()
                await _serve(websocket, platform, auth, session, live, last_event_id)
            except SubscriberLagged:
                with contextlib.suppress(Exception):
                    await websocket.close(CLOSE_LAGGED, "too slow: reconnect with last id")
            except (WebSocketDisconnect, RuntimeError):
                pass
            finally:
                if actor.agent_id is not None:
                    agents.disconnected(platform, actor.agent_id, ended=session.reason)
    finally:
        auth.unwatch(session)


async def _serve(
    websocket: WebSocket,
    platform: Platform,
    auth: Auth,
    session: SocketSession,
    live: object,
    last_event_id: int | None,
) -> None:
    actor = session.actor
    sent = events.last_id(platform) if last_event_id is None else last_event_id
    if last_event_id is not None:
        while True:
            batch = events.replay(platform, actor, sent)
            for event in batch:
                await websocket.send_text(event.to_json())
                sent = event.id
            if len(batch) < events.REPLAY_LIMIT:
                break
    settings = platform.settings
    await websocket.send_json(
        {
            "type": "hello",
            "last_id": sent,
            "heartbeat_s": settings.heartbeat_s,
            "disconnect_after_s": settings.disconnect_after_s,
        }
    )
    state = {"sent": sent}
    await until_first_ends(
        _forward(websocket, platform, auth, session, live, state),
        _heartbeat(websocket, platform, state),
        _receive(websocket, platform, auth, session),
        sockets.close_when_ended(websocket, session),
    )


async def _forward(
    websocket: WebSocket,
    platform: Platform,
    auth: Auth,
    session: SocketSession,
    live: object,
    state: dict[str, int],
) -> None:
    from collections.abc import AsyncIterator

    actor = session.actor
    assert isinstance(live, AsyncIterator)
    async for item in live:
        assert isinstance(item, Event)
        if item.id <= state["sent"]:
            continue
        if item.type == SESSION_ENDED and item.user_id == actor.user_id:
            auth.recheck(session)  # a logout, maybe served by another process: is it ours?
        if events.visible(actor, item) and events.may_push(platform, actor, item):
            await websocket.send_text(item.to_json())
        state["sent"] = item.id


async def _heartbeat(websocket: WebSocket, platform: Platform, state: dict[str, int]) -> None:
    """Every ``heartbeat_s``: close a client silent for ``disconnect_after_s``; else send a
    heartbeat, unless the client asked something (a command, a ping) within the period:
    it got an answer then, and its message proved it alive (at 1,000 busy agents this
    saves hundreds of messages a second)."""
    loop = asyncio.get_running_loop()
    settings = platform.settings
    websocket.state.last_received = loop.time()
    websocket.state.last_asked = -math.inf
    while True:
        await asyncio.sleep(settings.heartbeat_s)
        now = loop.time()
        if now - websocket.state.last_received > settings.disconnect_after_s:
            await websocket.close(code=CLOSE_SILENT, reason="no message from the client")
            return
        if now - websocket.state.last_asked < settings.heartbeat_s:
            continue
        await websocket.send_json(
            {"type": "heartbeat", "last_id": state["sent"], "at": platform.clock.now().isoformat()}
        )


async def _receive(
    websocket: WebSocket, platform: Platform, auth: Auth, session: SocketSession
) -> None:
    actor = session.actor
    loop = asyncio.get_running_loop()
    while True:
        text = await websocket.receive_text()
        websocket.state.last_received = loop.time()
        if actor.agent_id is not None:
            agents.seen(platform, actor.agent_id)
        try:
            message = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested too deeply to read
            continue
        if not isinstance(message, dict):
            continue
        if message.get("type") == "ping":
            websocket.state.last_asked = loop.time()
            await websocket.send_json({"type": "pong"})
        elif message.get("type") == "command":
            websocket.state.last_asked = loop.time()
            if not auth.holds(session):  # ended: the socket closes (close_when_ended)
                await websocket.send_text(commands.refused(message, session.reason))
                await sockets.close_when_ended(websocket, session)
                return
            await websocket.send_text(await commands.run(platform, actor, message))
