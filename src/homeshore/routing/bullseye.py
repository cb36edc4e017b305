"""Skill proficiency relaxed over time (the "bullseye").

Before ``relax_after_s`` a contact only goes to agents at ``initial_min_proficiency`` or
more; after it, ``relaxed_min_proficiency`` is enough; after ``any_skill_after_s`` any
agent holding the skill may take it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from homeshore.domain.queue import RoutingSettings
from homeshore.routing.types import WaitingContact


@dataclass(frozen=True, slots=True)
class Bullseye:
    settings: RoutingSettings
    _steps: tuple[float, float, int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        s = self.settings
        if s.relax_after_s > s.any_skill_after_s:
            raise ValueError("bullseye: relax_after_s must not exceed any_skill_after_s")
        if s.relaxed_min_proficiency > s.initial_min_proficiency:
            raise ValueError("bullseye: relaxed proficiency must not exceed the initial one")
        steps = (
            s.relax_after_s,
            s.any_skill_after_s,
            s.relaxed_min_proficiency,
            s.initial_min_proficiency,
        )
        object.__setattr__(self, "_steps", steps)

    def min_proficiency(self, wait_s: float) -> int:
        relax_s, any_s, relaxed, initial = self._steps
        if wait_s >= any_s:
            return 1
        if wait_s >= relax_s:
            return relaxed
        return initial

    def urgency(self, contact: WaitingContact, wait_s: float) -> float:
        return float(self.settings.priority + contact.priority)
