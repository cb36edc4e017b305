"""Local fan-out: one bounded asyncio queue per subscriber of this process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from homeshore.realtime.types import Event

_CLOSED = None


class SubscriberLagged(Exception):
    """The subscriber fell more than ``max_pending`` events behind and was cut off."""


class Fanout:
    def __init__(self, max_pending: int = 10_000) -> None:
        self._queues: set[asyncio.Queue[Event | None]] = set()
        self._max_pending = max_pending

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def dispatch(self, events: Sequence[Event]) -> None:
        for queue in list(self._queues):
            for event in events:
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:
                    self._queues.discard(queue)
                    # make room for the end marker: the reader stops and replays from its last id
                    while not queue.empty():
                        queue.get_nowait()
                    queue.put_nowait(_CLOSED)
                    break

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[AsyncIterator[Event]]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(self._max_pending)
        self._queues.add(queue)
        try:
            yield _drain(queue)
        finally:
            self._queues.discard(queue)


async def _drain(queue: asyncio.Queue[Event | None]) -> AsyncIterator[Event]:
    while True:
        event = await queue.get()
        if event is _CLOSED:
            raise SubscriberLagged("subscriber fell behind; replay from the last event id")
        yield event
