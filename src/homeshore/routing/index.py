"""Indexed candidates: per queue and proficiency level, the free agents in routing order.

Each (queue, proficiency) key holds a heap of ``(not preferred, load, idle_since_s, seq,
agent id)`` ("preferred": the queue is the agent's primary or planned one, and the queue's
routing prefers such agents; otherwise always False). An agent's entries are invalidated
in O(1) by giving it a new ``seq`` on each update (lazy deletion), so an update costs
O(skills x log n) and ``first`` looks at the heads of at most five heaps: no decision
rescans the agents (asterisk#1972).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

from homeshore.domain.queue import Channel, Queue
from homeshore.routing.types import AgentState, AgentView

# an agent's current filing: [view] while it stands, [None] once superseded or removed
_Ticket = list[AgentView | None]
_Entry = tuple[bool, int, float, int, _Ticket]
_Heap = list[_Entry]
# per agent: the skills mapping it was computed from, and per channel, for each queue it
# serves: the queue, whether that queue prefers its own agents, the heap of the agent's level
_Serve = tuple[str, bool, _Heap]
_Served = tuple[Mapping[str, int], tuple[tuple[Channel, tuple[_Serve, ...]], ...]]


class IdleIndex:
    """Implements Candidates. Call ``update`` after every change of an agent."""

    __slots__ = ("_by_skill", "_heaps", "_keys", "_seq", "_served", "_tickets")

    def __init__(self, queues: Iterable[Queue]) -> None:
        self._by_skill: dict[str, list[tuple[str, Channel, bool]]] = {}
        for q in queues:
            entry = (q.id, q.channel, q.routing.prefer_primary_queue)
            self._by_skill.setdefault(q.skill, []).append(entry)
        self._heaps: dict[tuple[str, int], _Heap] = {}
        # per queue: (level, heap) for the levels in use, highest level first
        self._keys: dict[str, list[tuple[int, _Heap]]] = {}
        self._tickets: dict[str, _Ticket] = {}
        self._served: dict[str, _Served] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._tickets)

    def __contains__(self, agent_id: object) -> bool:
        return agent_id in self._tickets

    def _heap(self, queue: str, level: int) -> _Heap:
        key = (queue, level)
        heap = self._heaps.get(key)
        if heap is None:
            heap = self._heaps[key] = []
            keys = self._keys.setdefault(queue, [])
            keys.append((level, heap))
            keys.sort(key=lambda e: -e[0])
        return heap

    def _serves(self, agent: AgentView) -> tuple[tuple[Channel, tuple[_Serve, ...]], ...]:
        cached = self._served.get(agent.id)
        if cached is not None and cached[0] is agent.skills:
            return cached[1]
        by_channel: dict[Channel, list[_Serve]] = {}
        for skill, level in agent.skills.items():
            if level > 0:
                for queue, channel, prefers in self._by_skill.get(skill, ()):
                    serve = (queue, prefers, self._heap(queue, level))
                    by_channel.setdefault(channel, []).append(serve)
        served = tuple((ch, tuple(serves)) for ch, serves in by_channel.items())
        self._served[agent.id] = (agent.skills, served)
        return served

    def update(self, agent: AgentView) -> None:
        """Re-file the agent after a change of state, load, skills or idle time."""
        old = self._tickets.pop(agent.id, None)
        if old is not None:
            old[0] = None
        self._seq += 1
        seq = self._seq
        ticket: _Ticket = [agent]
        filed = False
        if agent.state is not AgentState.AVAILABLE:
            return
        idle = not agent.in_use  # the common case: free on every channel, load 0
        load = 0 if idle else agent.load()
        idle_s = agent.idle_since_s
        primary, planned = agent.primary_queue, agent.planned_queue
        push = heapq.heappush
        cached = self._served.get(agent.id)
        by_channel = (
            cached[1] if cached is not None and cached[0] is agent.skills else self._serves(agent)
        )
        for channel, serves in by_channel:
            if not idle and not agent.free_for(channel):
                continue
            filed = True
            for queue, prefers, heap in serves:
                other = not (prefers and queue in (primary, planned))
                push(heap, (other, load, idle_s, seq, ticket))
        if filed:
            self._tickets[agent.id] = ticket

    def remove(self, agent_id: str) -> None:
        old = self._tickets.pop(agent_id, None)
        if old is not None:
            old[0] = None

    def first(self, queue: str, min_proficiency: int) -> AgentView | None:
        best: _Entry | None = None
        pop = heapq.heappop
        for level, heap in self._keys.get(queue, ()):
            if level < min_proficiency:
                break
            while heap:
                top = heap[0]
                if top[4][0] is not None:
                    if best is None or top < best:
                        best = top
                    break
                pop(heap)
        return None if best is None else best[4][0]
