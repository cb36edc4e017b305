"""Indexed candidates: per queue and proficiency level, the free agents in routing order.

Each (queue, proficiency, preferred) key holds a heap of ``(load, idle_since_s, seq,
agent id)``; an agent's entries are invalidated in O(1) by giving it a new ``seq`` on each
update (lazy deletion), so an update costs O(skills x log n) and ``first`` looks at the
heads of at most ten heaps: no decision rescans the agents (asterisk#1972).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from homeshore.domain.queue import Channel, Queue
from homeshore.routing.types import AgentView

_Entry = tuple[int, float, int, str]
_Key = tuple[str, int, bool]
_LEVELS = (5, 4, 3, 2, 1)


class IdleIndex:
    """Implements Candidates. Call ``update`` after every change of an agent."""

    __slots__ = ("_by_skill", "_heaps", "_live", "_seq", "_views")

    def __init__(self, queues: Iterable[Queue]) -> None:
        self._by_skill: dict[str, list[tuple[str, Channel]]] = {}
        for q in queues:
            self._by_skill.setdefault(q.skill, []).append((q.id, q.channel))
        self._heaps: dict[_Key, list[_Entry]] = {}
        self._live: dict[str, int] = {}
        self._views: dict[str, AgentView] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, agent_id: object) -> bool:
        return agent_id in self._live

    def update(self, agent: AgentView) -> None:
        """Re-file the agent after a change of state, load, skills or idle time."""
        self._seq += 1
        seq = self._seq
        aid = agent.id
        filed = False
        load = agent.load()
        idle = agent.idle_since_s
        for skill, level in agent.skills.items():
            for queue, channel in self._by_skill.get(skill, ()):
                if not agent.free_for(channel):
                    continue
                key = (queue, level, agent.prefers(queue))
                heap = self._heaps.get(key)
                if heap is None:
                    heap = self._heaps[key] = []
                heapq.heappush(heap, (load, idle, seq, aid))
                filed = True
        if filed:
            self._live[aid] = seq
            self._views[aid] = agent
        else:
            self.remove(aid)

    def remove(self, agent_id: str) -> None:
        self._live.pop(agent_id, None)
        self._views.pop(agent_id, None)

    def _head(self, key: _Key) -> _Entry | None:
        heap = self._heaps.get(key)
        if not heap:
            return None
        live = self._live
        while heap:
            top = heap[0]
            if live.get(top[3]) == top[2]:
                return top
            heapq.heappop(heap)
        return None

    def first(self, queue: str, min_proficiency: int, preferred_only: bool) -> AgentView | None:
        best: _Entry | None = None
        flags = (True,) if preferred_only else (True, False)
        for level in _LEVELS:
            if level < min_proficiency:
                break
            for flag in flags:
                top = self._head((queue, level, flag))
                if top is not None and (best is None or top < best):
                    best = top
        return None if best is None else self._views[best[3]]
