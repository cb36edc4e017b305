"""Longest idle agent: any agent with the skill; contacts first come, first served."""

from __future__ import annotations

from dataclasses import dataclass

from homeshore.domain.queue import RoutingSettings
from homeshore.routing.types import WaitingContact


@dataclass(frozen=True, slots=True)
class LongestIdle:
    settings: RoutingSettings

    def min_proficiency(self, wait_s: float) -> int:
        return 1

    def urgency(self, contact: WaitingContact, wait_s: float) -> float:
        return float(self.settings.priority + contact.priority)
