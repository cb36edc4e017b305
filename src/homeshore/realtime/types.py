"""The contract of the event hub: what an event is and the two methods a backend provides."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the persisted event log. ``id`` increases; clients resume from it.

    The audience fields say who may see it: the agent it concerns, the team, the queue, or
    a single recipient user (``user_id``). ``actor_user_id`` is who caused it.
    """

    id: int
    at: dt.datetime
    type: str
    data: dict[str, Any] = field(default_factory=dict)
    agent_id: str | None = None
    team_id: str | None = None
    queue_id: str | None = None
    contact_id: int | None = None
    user_id: int | None = None
    actor_user_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Event:
        values = dict(raw)
        values["at"] = dt.datetime.fromisoformat(values["at"])
        return cls(**values)


class EventHub(Protocol):
    """Fan-out of committed events to every subscriber, in this process or (postgres) others.

    ``publish`` never blocks (it is called right after a transaction commits);
    ``subscribe`` yields the events published from now on, in id order per publisher, on
    the given topics (``agent:<id>``, ``team:<id>``, ``user:<id>``, ``queue``; None: all).
    A subscriber too slow to keep up is ended; it resumes by replaying from its last id.
    """

    def publish(self, events: Sequence[Event]) -> None: ...

    def subscribe(
        self, topics: Iterable[str] | None = None
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]: ...


class HubLifecycle(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...
