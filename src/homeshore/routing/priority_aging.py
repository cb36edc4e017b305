"""Priority with aging: a contact gains one priority level per ``aging_s_per_level`` waited.

Agents are chosen as for longest idle; when an agent frees up it takes the waiting
contact of highest ``priority + wait_s / aging_s_per_level`` among the queues it serves,
so a low-priority queue is never starved.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeshore.domain.queue import RoutingSettings
from homeshore.routing.types import WaitingContact


@dataclass(frozen=True, slots=True)
class PriorityAging:
    settings: RoutingSettings

    def __post_init__(self) -> None:
        if self.settings.aging_s_per_level <= 0:
            raise ValueError("priority aging: aging_s_per_level must be > 0")

    def min_proficiency(self, wait_s: float) -> int:
        return 1

    def urgency(self, contact: WaitingContact, wait_s: float) -> float:
        base = self.settings.priority + contact.priority
        return base + wait_s / self.settings.aging_s_per_level
