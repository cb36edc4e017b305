"""Indexed candidates: per queue and proficiency level, the free agents in routing order.

Each (queue, proficiency) key holds a heap of ``(not preferred, load, idle_since_s, seq,
slot)`` ("preferred": the queue is the agent's primary or planned one, and the queue's
routing prefers such agents; otherwise always False; ``slot`` numbers the agent inside the
index). An agent's entries are invalidated in O(1) by giving it a new ``seq`` on each
update (lazy deletion), so an update costs O(skills x log n) and ``first`` looks at the
heads of at most five heaps: no decision rescans the agents (asterisk#1972). Entries hold
only numbers, so the garbage collector never has to walk the heaps, and stale entries are
compacted away once they outnumber the agents.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

from homeshore.domain.queue import Channel, Queue
from homeshore.routing.types import AgentState, AgentView

_Entry = tuple[bool, int, float, int, int]
_Heap = list[_Entry]
# per agent: the skills mapping it was computed from, and per channel, for each queue it
# serves: the queue, whether that queue prefers its own agents, the heap of the agent's level
_Serve = tuple[str, bool, _Heap]
_Served = tuple[Mapping[str, int], tuple[tuple[Channel, tuple[_Serve, ...]], ...]]
_GONE = -1  # the seq of an agent that is not filed


class IdleIndex:
    """Implements Candidates. Call ``update`` after every change of an agent."""

    __slots__ = (
        "_by_skill",
        "_count",
        "_heaps",
        "_keys",
        "_pushes",
        "_seq",
        "_seq_of",
        "_served",
        "_slot",
        "_view_of",
    )

    def __init__(self, queues: Iterable[Queue]) -> None:
        self._by_skill: dict[str, list[tuple[str, Channel, bool]]] = {}
        for q in queues:
            entry = (q.id, q.channel, q.routing.prefer_primary_queue)
            self._by_skill.setdefault(q.skill, []).append(entry)
        self._heaps: dict[tuple[str, int], _Heap] = {}
        # per queue: (level, heap) for the levels in use, highest level first
        self._keys: dict[str, list[tuple[int, _Heap]]] = {}
        self._slot: dict[str, int] = {}  # agent id -> slot
        self._seq_of: list[int] = []  # per slot: seq of its live entries, or _GONE
        self._view_of: list[AgentView] = []  # per slot: the view last filed
        self._served: list[_Served | None] = []  # per slot
        self._count = 0
        self._seq = 0
        self._pushes = 0  # entries pushed since the heaps were last compacted

    def __len__(self) -> int:
        return self._count

    def __contains__(self, agent_id: object) -> bool:
        slot = self._slot.get(agent_id) if isinstance(agent_id, str) else None
        return slot is not None and self._seq_of[slot] != _GONE

    def _heap(self, queue: str, level: int) -> _Heap:
        key = (queue, level)
        heap = self._heaps.get(key)
        if heap is None:
            heap = self._heaps[key] = []
            keys = self._keys.setdefault(queue, [])
            keys.append((level, heap))
            keys.sort(key=lambda e: -e[0])
        return heap

    def _serves(
        self, slot: int, agent: AgentView
    ) -> tuple[tuple[Channel, tuple[_Serve, ...]], ...]:
        by_channel: dict[Channel, list[_Serve]] = {}
        for skill, level in agent.skills.items():
            if level > 0:
                for queue, channel, prefers in self._by_skill.get(skill, ()):
                    serve = (queue, prefers, self._heap(queue, level))
                    by_channel.setdefault(channel, []).append(serve)
        served = tuple((ch, tuple(serves)) for ch, serves in by_channel.items())
        self._served[slot] = (agent.skills, served)
        return served

    def update(self, agent: AgentView) -> None:
        """Re-file the agent after a change of state, load, skills or idle time."""
        slot = self._slot.get(agent.id)
        if slot is None:
            slot = self._slot[agent.id] = len(self._seq_of)
            self._seq_of.append(_GONE)
            self._view_of.append(agent)
            self._served.append(None)
        seq_of = self._seq_of
        if seq_of[slot] != _GONE:
            self._count -= 1
        seq_of[slot] = _GONE
        if agent.state is not AgentState.AVAILABLE:
            return
        self._seq += 1
        seq = self._seq
        idle = not agent.in_use  # the common case: free on every channel, load 0
        load = 0 if idle else agent.load()
        idle_s = agent.idle_since_s
        primary, planned = agent.primary_queue, agent.planned_queue
        push = heapq.heappush
        cached = self._served[slot]
        by_channel = (
            cached[1]
            if cached is not None and cached[0] is agent.skills
            else self._serves(slot, agent)
        )
        filed = False
        for channel, serves in by_channel:
            if not idle and not agent.free_for(channel):
                continue
            filed = True
            for queue, prefers, heap in serves:
                other = not (prefers and queue in (primary, planned))
                push(heap, (other, load, idle_s, seq, slot))
        if filed:
            seq_of[slot] = seq
            self._view_of[slot] = agent
            self._count += 1
            self._pushes += 1
            if self._pushes > 4 * len(seq_of) + 256:
                self._compact()

    def _compact(self) -> None:
        """Drop stale entries (superseded filings pile up below the heads): amortised O(1)
        per update, and it keeps every heap close to the number of agents it can hold."""
        seq_of = self._seq_of
        for heap in self._heaps.values():
            heap[:] = [e for e in heap if seq_of[e[4]] == e[3]]
            heapq.heapify(heap)
        self._pushes = 0

    def remove(self, agent_id: str) -> None:
        slot = self._slot.get(agent_id)
        if slot is not None and self._seq_of[slot] != _GONE:
            self._seq_of[slot] = _GONE
            self._count -= 1

    def first(self, queue: str, min_proficiency: int) -> AgentView | None:
        best: _Entry | None = None
        seq_of = self._seq_of
        pop = heapq.heappop
        for level, heap in self._keys.get(queue, ()):
            if level < min_proficiency:
                break
            while heap:
                top = heap[0]
                if seq_of[top[4]] == top[3]:
                    if best is None or top < best:
                        best = top
                    break
                pop(heap)
        return None if best is None else self._view_of[best[4]]
