"""Build the centre's routing policy from the queues' RoutingSettings (scenario file)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from homeshore.domain.queue import Queue, RoutingPolicyName, RoutingSettings
from homeshore.routing.bullseye import Bullseye
from homeshore.routing.longest_idle import LongestIdle
from homeshore.routing.priority_aging import PriorityAging
from homeshore.routing.router import QueueRoute, Router
from homeshore.routing.types import QueuePolicy

#: queue rule per policy name; add a policy by adding a module and an entry here
QUEUE_POLICIES: dict[RoutingPolicyName, Callable[[RoutingSettings], QueuePolicy]] = {
    RoutingPolicyName.LONGEST_IDLE: LongestIdle,
    RoutingPolicyName.BULLSEYE: Bullseye,
    RoutingPolicyName.PRIORITY_AGING: PriorityAging,
}


def queue_policy(settings: RoutingSettings) -> QueuePolicy:
    return QUEUE_POLICIES[settings.policy](settings)


def build_policy(queues: Iterable[Queue]) -> Router:
    """One Router for all queues. Raises ValueError naming the queue on a bad setting."""
    qs = list(queues)
    ids = {q.id for q in qs}
    routes: dict[str, QueueRoute] = {}
    for q in qs:
        s = q.routing
        try:
            rule = queue_policy(s)
        except ValueError as exc:
            raise ValueError(f"queue {q.id}: {exc}") from exc
        if s.overflow_queue is not None:
            if s.overflow_queue not in ids:
                raise ValueError(f"queue {q.id}: unknown overflow queue {s.overflow_queue!r}")
            if s.overflow_after_s is None:
                raise ValueError(f"queue {q.id}: overflow_queue needs overflow_after_s")
            target = next(o for o in qs if o.id == s.overflow_queue)
            if target.channel is not q.channel:
                raise ValueError(f"queue {q.id}: overflow queue {target.id} is on another channel")
        routes[q.id] = QueueRoute(q.id, q.skill, q.channel, s, rule)
    return Router(routes)


def recheck_at_s(arrived_s: float, delay_s: float) -> float:
    """When to re-run choose_agent for a contact reaching a recheck delay: the first float
    time at which ``now_s - arrived_s >= delay_s`` holds (``arrived_s + delay_s`` can round
    a hair below, and the policy would still see the old step)."""
    t = arrived_s + delay_s
    while t - arrived_s < delay_s:
        t = math.nextafter(t, math.inf)
    return t


def recheck_delays_s(settings: RoutingSettings) -> tuple[float, ...]:
    """Waits after which a waiting contact may accept more agents: re-run choose_agent then."""
    delays: list[float] = []
    if settings.policy is RoutingPolicyName.BULLSEYE:
        delays += [settings.relax_after_s, settings.any_skill_after_s]
    if settings.overflow_queue is not None and settings.overflow_after_s is not None:
        delays.append(settings.overflow_after_s)
    return tuple(sorted({d for d in delays if d > 0}))
