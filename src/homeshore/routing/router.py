"""The centre-wide routing policy: per-queue rules plus overflow and primary preference.

``choose_agent`` asks the queue's rule for the lowest proficiency acceptable at the
contact's wait, takes the least-loaded, longest-idle such agent (first among agents whose
primary or planned queue it is, when the queue prefers them), and after
``overflow_after_s`` also looks among the agents of the overflow queue.

``choose_contact`` gives a freed agent the eligible waiting contact with the highest
urgency (queue priority, aged for priority_aging queues), then one of the agent's primary
or planned queue, then the longest wait.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from homeshore.domain.queue import Channel, RoutingSettings
from homeshore.routing.types import (
    AgentState,
    AgentView,
    Candidates,
    QueuePolicy,
    WaitingContact,
)


@dataclass(frozen=True, slots=True)
class QueueRoute:
    """What the router needs to know of one queue."""

    queue: str
    skill: str
    channel: Channel
    settings: RoutingSettings
    rule: QueuePolicy


_Pick = tuple[
    Channel,
    str,
    Callable[[float], int],
    Callable[[WaitingContact, float], float],
    bool,
    QueueRoute,
    bool,  # has an overflow queue
]


class Router:
    """Implements RoutingPolicy for a set of queues. Pure: holds configuration only."""

    __slots__ = ("_first", "_pick", "_routes")

    def __init__(self, routes: Mapping[str, QueueRoute]) -> None:
        self._routes = dict(routes)
        # per queue, what choose_agent needs, looked up once (it runs on every arrival)
        self._first: dict[str, tuple[Callable[[float], int], QueueRoute, bool]] = {
            q: (r.rule.min_proficiency, r, r.settings.overflow_queue is not None)
            for q, r in self._routes.items()
        }
        # per queue, what choose_contact needs (it runs whenever an agent frees up)
        self._pick: dict[str, _Pick] = {
            q: (
                r.channel,
                r.skill,
                r.rule.min_proficiency,
                r.rule.urgency,
                r.settings.prefer_primary_queue,
                r,
                r.settings.overflow_queue is not None,
            )
            for q, r in self._routes.items()
        }

    def route(self, queue: str) -> QueueRoute:
        return self._routes[queue]

    def _overflow(self, route: QueueRoute, wait_s: float) -> QueueRoute | None:
        s = route.settings
        if s.overflow_queue is None or s.overflow_after_s is None or wait_s < s.overflow_after_s:
            return None
        return self._routes[s.overflow_queue]

    def choose_agent(
        self, contact: WaitingContact, candidates: Candidates, now_s: float
    ) -> AgentView | None:
        wait_s = now_s - contact.arrived_s
        min_proficiency, route, overflows = self._first[contact.queue]
        level = min_proficiency(wait_s)
        agent = candidates.first(contact.queue, level if level > 1 else 1)
        if agent is None and overflows:
            other = self._overflow(route, wait_s)
            if other is not None:
                agent = _first(candidates, other, wait_s)
        return agent

    def eligible(self, agent: AgentView, contact: WaitingContact, wait_s: float) -> bool:
        """May this agent take this contact now (skill, proficiency, overflow, capacity)?"""
        route = self._routes[contact.queue]
        if not agent.free_for(route.channel):
            return False
        if agent.skills.get(route.skill, 0) >= route.rule.min_proficiency(wait_s):
            return True
        other = self._overflow(route, wait_s)
        return other is not None and agent.skills.get(other.skill, 0) >= max(
            1, other.rule.min_proficiency(wait_s)
        )

    def choose_contact(
        self, agent: AgentView, heads: Sequence[WaitingContact], now_s: float
    ) -> WaitingContact | None:
        best: WaitingContact | None = None
        best_key = (0.0, False, 0.0)
        skills = agent.skills
        pick = self._pick
        # an available agent holding nothing is free on every channel
        idle = agent.state is AgentState.AVAILABLE and not agent.in_use
        free: dict[Channel, bool] = {}
        for contact in heads:
            channel, skill, min_proficiency, urgency, prefer, route, overflows = pick[contact.queue]
            if not idle:
                ok = free.get(channel)
                if ok is None:
                    ok = free[channel] = agent.free_for(channel)
                if not ok:
                    continue
            wait_s = now_s - contact.arrived_s
            if skills.get(skill, 0) < min_proficiency(wait_s):
                other = self._overflow(route, wait_s) if overflows else None
                if other is None or skills.get(other.skill, 0) < max(
                    1, other.rule.min_proficiency(wait_s)
                ):
                    continue
            key = (
                urgency(contact, wait_s),
                prefer and contact.queue in (agent.primary_queue, agent.planned_queue),
                wait_s,
            )
            if best is None or key > best_key:
                best, best_key = contact, key
        return best


def _first(candidates: Candidates, route: QueueRoute, wait_s: float) -> AgentView | None:
    return candidates.first(route.queue, max(1, route.rule.min_proficiency(wait_s)))
