"""PostgreSQL LISTEN/NOTIFY hub (``postgres://``): several server processes, one log.

Each process keeps one listening connection and one sending connection. ``publish``
queues events; a sender task NOTIFYs them (one statement per batch) on channel
``homeshore_events``; every process, the publisher included, hears them on its listening
connection and hands them to its local subscribers. Events are small (bounded messages),
well under PostgreSQL's 8000-byte payload limit; a bigger one is refused at publish.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager

import psycopg

from homeshore.realtime.fanout import Fanout
from homeshore.realtime.types import Event

CHANNEL = "homeshore_events"
MAX_PAYLOAD_BYTES = 7900


def conninfo_from_url(url: str) -> str:
    """postgres://, postgresql:// or postgresql+psycopg:// to a libpq URL."""
    for prefix in ("postgresql+psycopg://", "postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    raise ValueError(f"not a PostgreSQL URL: {url!r}")


class PostgresHub:
    def __init__(self, url: str, *, channel: str = CHANNEL, max_pending: int = 10_000) -> None:
        self._conninfo = conninfo_from_url(url)
        self._channel = channel
        self._fanout = Fanout(max_pending)
        self._outbox: asyncio.Queue[str] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._listening = asyncio.Event()

    @property
    def subscribers(self) -> int:
        return self._fanout.subscribers

    def publish(self, events: Sequence[Event]) -> None:
        if self._outbox is None:
            raise RuntimeError("the PostgreSQL hub is not started")
        for event in events:
            payload = event.to_json()
            if len(payload.encode()) > MAX_PAYLOAD_BYTES:
                raise ValueError(f"event {event.id} ({event.type}) is too big to notify")
            self._outbox.put_nowait(payload)

    def subscribe(
        self, topics: Iterable[str] | None = None
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        return self._fanout.subscribe(topics)

    async def start(self) -> None:
        self._outbox = asyncio.Queue()
        self._tasks = [
            asyncio.create_task(self._listen(), name="hub-listen"),
            asyncio.create_task(self._send(), name="hub-send"),
        ]
        await asyncio.wait_for(self._listening.wait(), timeout=10)

    async def stop(self) -> None:
        if self._outbox is not None:
            # let the sender flush what is queued
            for _ in range(100):
                if self._outbox.empty():
                    break
                await asyncio.sleep(0.01)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []

    async def _listen(self) -> None:
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
                async with conn:
                    await conn.execute(f'LISTEN "{self._channel}"')
                    self._listening.set()
                    async for notify in conn.notifies():
                        raw = json.loads(notify.payload)
                        self._fanout.dispatch([Event.from_dict(raw)])
            except asyncio.CancelledError:
                raise
            except psycopg.Error:
                await asyncio.sleep(0.5)  # reconnect; clients replay what they missed

    async def _send(self) -> None:
        assert self._outbox is not None
        outbox = self._outbox
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
                async with conn:
                    while True:
                        payloads = [await outbox.get()]
                        while not outbox.empty() and len(payloads) < 200:
                            payloads.append(outbox.get_nowait())
                        await conn.execute(
                            "SELECT pg_notify(%s, p) FROM unnest(%s::text[]) WITH ORDINALITY "
                            "AS t(p, n) ORDER BY n",
                            (self._channel, payloads),
                        )
            except asyncio.CancelledError:
                raise
            except psycopg.Error:
                await asyncio.sleep(0.5)
