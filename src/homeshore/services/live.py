"""The router's working memory: agents, contacts in flight and the waiting line.

It is a cache of the database, rebuilt from it at start-up (crash recovery) and kept in
step by the use cases, which change rows and this memory in the same call.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeshore.domain import Channel, WorkMode
from homeshore.routing import AgentView, WaitingContact, recheck_at_s
from homeshore.services.states import AgentState


@dataclass(slots=True)
class LiveAgent:
    id: str
    name: str
    team_id: str
    skills: dict[str, int]
    work_modes: frozenset[WorkMode]
    view: AgentView
    state: AgentState = AgentState.OFFLINE
    state_since: dt.datetime | None = None
    state_reason: str = ""
    location: WorkMode | None = None
    readiness: str = "unknown"
    readiness_at: dt.datetime | None = None  # when the last check was stored
    readiness_due: str = ""  # "bad_calls": a new check is needed before the next home shift
    bad_calls: int = 0  # calls in a row from home with a low-quality sample
    setup: str = ""  # the home set-up of the last readiness check (SetUp.key)
    # contacts this agent holds, by state: offered, active, wrap_up
    offered: set[int] = field(default_factory=set)
    active: set[int] = field(default_factory=set)
    wrapping: set[int] = field(default_factory=set)
    connections: int = 0
    last_seen: dt.datetime | None = None
    user_id: int | None = None

    def holds(self) -> bool:
        return bool(self.offered or self.active or self.wrapping)


@dataclass(slots=True)
class LiveContact:
    id: int
    queue_id: str
    channel: Channel
    priority: int
    state: str  # queued, offered, active, wrap_up (closed contacts leave memory)
    enqueued_at: dt.datetime
    queue_key: float
    created_at: dt.datetime
    agent_id: str | None = None
    offer_deadline: dt.datetime | None = None
    handler_user_id: int | None = None
    offers: int = 0
    transfers: int = 0
    low_quality: bool = False  # a call with a quality sample under voice_low_mos
    #: the open help chat about this contact: (conversation id, agent id, team id)
    help_chat: tuple[int, str, str] | None = None
    #: the router's image of the contact's row (column -> value), kept in step with it
    row: dict[str, Any] = field(default_factory=dict)

    def waiting(self) -> WaitingContact:
        return WaitingContact(self.id, self.queue_id, self.enqueued_at.timestamp(), self.priority)


class WaitingLine:
    """Waiting contacts per (queue, priority) lane, ordered by ``queue_key``.

    Unlike a plain FIFO, a contact put back (offer missed, agent dropped) keeps its key and
    so returns to the head of its lane.

    It also keeps the recheck timers: ``delays_s[queue]`` (from
    ``homeshore.routing.recheck_delays_s``) are the waits after which a contact of that
    queue accepts more agents (bullseye steps, overflow). Each waiting contact has a timer
    at ``recheck_at_s(enqueued, delay)`` for each delay; :meth:`pop_due` tells the tick when
    one fell due so the router asks the policy again then, not only when an agent frees up.
    """

    def __init__(self, delays_s: Mapping[str, tuple[float, ...]] | None = None) -> None:
        self._lanes: dict[tuple[str, int], list[tuple[float, int]]] = {}
        self._where: dict[int, tuple[str, int, float]] = {}
        self._delays_s = dict(delays_s or {})
        self._due: list[tuple[float, int]] = []  # (time in epoch s, contact id), a heap

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, contact_id: object) -> bool:
        return contact_id in self._where

    def add(self, contact: LiveContact) -> None:
        if contact.id in self._where:
            return
        lane = self._lanes.setdefault((contact.queue_id, contact.priority), [])
        entry = (contact.queue_key, contact.id)
        if not lane or lane[-1] < entry:
            lane.append(entry)
        else:
            bisect.insort(lane, entry)
        self._where[contact.id] = (contact.queue_id, contact.priority, contact.queue_key)
        delays = self._delays_s.get(contact.queue_id)
        if delays:
            arrived_s = contact.enqueued_at.timestamp()
            for delay in delays:
                heapq.heappush(self._due, (recheck_at_s(arrived_s, delay), contact.id))

    def remove(self, contact_id: int) -> None:
        where = self._where.pop(contact_id, None)
        if where is None:
            return
        queue_id, priority, key = where
        lane = self._lanes[(queue_id, priority)]
        i = bisect.bisect_left(lane, (key, contact_id))
        if i < len(lane) and lane[i] == (key, contact_id):
            del lane[i]

    def next_due_s(self) -> float | None:
        """The time of the next recheck timer of a contact still waiting, if any."""
        while self._due and self._due[0][1] not in self._where:
            heapq.heappop(self._due)
        return self._due[0][0] if self._due else None

    def pop_due(self, now_s: float) -> bool:
        """Drop the timers due at ``now_s``; True if one of them is a contact still waiting
        (the policy should be asked again for the lane heads)."""
        due = False
        while self._due and self._due[0][0] <= now_s:
            _at, contact_id = heapq.heappop(self._due)
            due = due or contact_id in self._where
        return due

    def head_ids(self) -> list[int]:
        return [lane[0][1] for lane in self._lanes.values() if lane]

    def ids(self, queue_id: str | None = None) -> list[int]:
        out: list[int] = []
        for (q, _p), lane in self._lanes.items():
            if queue_id is None or q == queue_id:
                out.extend(cid for _k, cid in lane)
        return out

    def count(self, queue_id: str) -> int:
        return sum(len(lane) for (q, _p), lane in self._lanes.items() if q == queue_id)
