"""The contract of the event hub: what an event is and the two methods a backend provides."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
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
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "type": self.type,
            "data": self.data,
            "agent_id": self.agent_id,
            "team_id": self.team_id,
            "queue_id": self.queue_id,
            "contact_id": self.contact_id,
            "user_id": self.user_id,
            "actor_user_id": self.actor_user_id,
        }

    def to_json(self) -> str:
        return _compact(self.to_dict())

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Event:
        values = dict(raw)
        values["at"] = dt.datetime.fromisoformat(values["at"])
        return cls(**values)


#: one encoder for every event (json.dumps with options builds a new one per call)
_compact = json.JSONEncoder(separators=(",", ":")).encode


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
