"""In-process event hub (``memory://``): one server process, no broker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager

from homeshore.realtime.fanout import Fanout
from homeshore.realtime.types import Event


class MemoryHub:
    def __init__(self, max_pending: int = 10_000) -> None:
        self._fanout = Fanout(max_pending)

    @property
    def subscribers(self) -> int:
        return self._fanout.subscribers

    def publish(self, events: Sequence[Event]) -> None:
        self._fanout.dispatch(events)

    def subscribe(
        self, topics: Iterable[str] | None = None
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        return self._fanout.subscribe(topics)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
