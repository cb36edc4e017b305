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
from homeshore.routing.types import AgentView

_Entry = tuple[bool, int, float, int, str]
_Heap = list[_Entry]
# per agent: the skills mapping it was computed from, and for each queue it serves: the
# queue, its channel, whether it prefers its agents, and the heap of the agent's level
_Serve = tuple[str, Channel, bool, _Heap]
_Served = tuple[Mapping[str, int], tuple[_Serve, ...]]


class IdleIndex:
    """Implements Candidates. Call ``update`` after every change of an agent."""

    __slots__ = ("_by_skill", "_heaps", "_keys", "_live", "_seq", "_served", "_views")

    def __init__(self, queues: Iterable[Queue]) -> None:
        self._by_skill: dict[str, list[tuple[str, Channel, bool]]] = {}
        for q in queues:
            entry = (q.id, q.channel, q.routing.prefer_primary_queue)
            self._by_skill.setdefault(q.skill, []).append(entry)
        self._heaps: dict[tuple[str, int], _Heap] = {}
        # per queue: (level, heap) for the levels in use, highest level first
        self._keys: dict[str, list[tuple[int, _Heap]]] = {}
        self._live: dict[str, int] = {}
        self._views: dict[str, AgentView] = {}
        self._served: dict[str, _Served] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, agent_id: object) -> bool:
        return agent_id in self._live

    def _heap(self, queue: str, level: int) -> _Heap:
        key = (queue, level)
        heap = self._heaps.get(key)
        if heap is None:
            heap = self._heaps[key] = []
            keys = self._keys.setdefault(queue, [])
            keys.append((level, heap))
            keys.sort(key=lambda e: -e[0])
        return heap

    def _serves(self, agent: AgentView) -> tuple[_Serve, ...]:
        cached = self._served.get(agent.id)
        if cached is not None and cached[0] is agent.skills:
            return cached[1]
        served = tuple(
            (queue, channel, prefers, self._heap(queue, level))
            for skill, level in agent.skills.items()
            if level > 0
            for queue, channel, prefers in self._by_skill.get(skill, ())
        )
        self._served[agent.id] = (agent.skills, served)
        return served

    def update(self, agent: AgentView) -> None:
        """Re-file the agent after a change of state, load, skills or idle time."""
        self._seq += 1
        seq = self._seq
        aid = agent.id
        filed = False
        load = agent.load()
        idle_s = agent.idle_since_s
        free: dict[Channel, bool] = {}
        primary, planned = agent.primary_queue, agent.planned_queue
        push = heapq.heappush
        for queue, channel, prefers, heap in self._serves(agent):
            ok = free.get(channel)
            if ok is None:
                ok = free[channel] = agent.free_for(channel)
            if ok:
                other = not (prefers and queue in (primary, planned))
                push(heap, (other, load, idle_s, seq, aid))
                filed = True
        if filed:
            self._live[aid] = seq
            self._views[aid] = agent
        else:
            self.remove(aid)

    def remove(self, agent_id: str) -> None:
        self._live.pop(agent_id, None)
        self._views.pop(agent_id, None)

    def first(self, queue: str, min_proficiency: int) -> AgentView | None:
        best: _Entry | None = None
        live = self._live
        pop = heapq.heappop
        for level, heap in self._keys.get(queue, ()):
            if level < min_proficiency:
                break
            while heap:
                top = heap[0]
                if live.get(top[4]) == top[3]:
                    if best is None or top < best:
                        best = top
                    break
                pop(heap)
        return None if best is None else self._views[best[4]]
