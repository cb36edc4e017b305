"""Candidates by a plain scan over agent views: the in-memory reference of IdleIndex.

Fine for a handful of agents and for tests; the index gives the same answers without
rescanning.
"""

from __future__ import annotations

from collections.abc import Iterable

from homeshore.domain.queue import Queue
from homeshore.routing.types import AgentView


class ScanCandidates:
    """Implements Candidates over a list of AgentView."""

    __slots__ = ("_agents", "_queues")

    def __init__(self, queues: Iterable[Queue], agents: Iterable[AgentView]) -> None:
        self._queues = {q.id: q for q in queues}
        self._agents = list(agents)

    def first(self, queue: str, min_proficiency: int) -> AgentView | None:
        q = self._queues[queue]
        prefer = q.routing.prefer_primary_queue
        best: AgentView | None = None
        best_key: tuple[bool, int, float] = (True, 0, 0.0)
        for a in self._agents:
            if a.skills.get(q.skill, 0) < max(1, min_proficiency) or not a.free_for(q.channel):
                continue
            key = (prefer and not a.prefers(queue), a.load(), a.idle_since_s)
            if best is None or key < best_key:
                best, best_key = a, key
        return best
