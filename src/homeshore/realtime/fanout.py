"""Local fan-out: one bounded asyncio queue per subscriber of this process.

A subscriber names the topics it wants (``agent:a1``, ``team:red``, ``user:7``, ``queue``)
or ``None`` for everything; an event goes only to subscribers of one of its topics, so a
thousand agent connections do not each look at every other agent's events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager

from homeshore.realtime.types import Event

_CLOSED = None
ALL = "*"


class SubscriberLagged(Exception):
    """The subscriber fell more than ``max_pending`` events behind and was cut off."""


def topics_of(event: Event) -> list[str]:
    """The topics an event is published on."""
    topics = [ALL]
    if event.agent_id is not None:
        topics.append(f"agent:{event.agent_id}")
    if event.team_id is not None:
        topics.append(f"team:{event.team_id}")
    if event.user_id is not None:
        topics.append(f"user:{event.user_id}")
    if event.agent_id is None and event.team_id is None:
        topics.append("queue")
    return topics


class Fanout:
    def __init__(self, max_pending: int = 10_000) -> None:
        self._by_topic: dict[str, set[asyncio.Queue[Event | None]]] = {}
        self._count = 0
        self._max_pending = max_pending

    @property
    def subscribers(self) -> int:
        return self._count

    def dispatch(self, events: Sequence[Event]) -> None:
        by_topic = self._by_topic
        for event in events:
            targets: set[asyncio.Queue[Event | None]] = set()
            for topic in topics_of(event):
                found = by_topic.get(topic)
                if found:
                    targets |= found
            for queue in targets:
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:
                    self._cut_off(queue)

    def _cut_off(self, queue: asyncio.Queue[Event | None]) -> None:
        for subscribers in self._by_topic.values():
            subscribers.discard(queue)
        # make room for the end marker: the reader stops and replays from its last id
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(_CLOSED)

    @asynccontextmanager
    async def subscribe(
        self, topics: Iterable[str] | None = None
    ) -> AsyncIterator[AsyncIterator[Event]]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(self._max_pending)
        names = [ALL] if topics is None else list(topics)
        for name in names:
            self._by_topic.setdefault(name, set()).add(queue)
        self._count += 1
        try:
            yield _drain(queue)
        finally:
            self._count -= 1
            for name in names:
                subscribers = self._by_topic.get(name)
                if subscribers is not None:
                    subscribers.discard(queue)
                    if not subscribers:
                        del self._by_topic[name]


async def _drain(queue: asyncio.Queue[Event | None]) -> AsyncIterator[Event]:
    while True:
        event = await queue.get()
        if event is _CLOSED:
            raise SubscriberLagged("subscriber fell behind; replay from the last event id")
        yield event
