"""Queues (one per type of request and channel) and their service targets."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from homeshore.domain.time import WeeklyHours


class Channel(enum.StrEnum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class Skill:
    """What an agent must know to take a queue's contacts (e.g. 'legal_notices')."""

    id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class ServiceTargets:
    """Targets a staffing level must meet. SL counts abandons as not answered (DOMAIN.md)."""

    service_level: float = 0.8
    threshold_s: float = 20.0
    max_asa_s: float | None = None
    max_abandon_rate: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.service_level <= 1.0:
            raise ValueError("service_level must be in (0, 1]")
        if self.threshold_s < 0:
            raise ValueError("threshold_s must be >= 0")
        for name in ("max_abandon_rate", "max_occupancy"):
            value = getattr(self, name)
            if value is not None and not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1]")


class RoutingPolicyName(enum.StrEnum):
    LONGEST_IDLE = "longest_idle"
    BULLSEYE = "bullseye"  # skill proficiency relaxed over time
    PRIORITY_AGING = "priority_aging"


@dataclass(frozen=True, slots=True)
class RoutingSettings:
    """How a queue's contacts are matched to agents (shared by simulator and live router)."""

    policy: RoutingPolicyName = RoutingPolicyName.LONGEST_IDLE
    # bullseye relaxation: before t1 only top proficiency (>= initial), after t1 >= relaxed,
    # after t2 any agent with the skill
    initial_min_proficiency: int = 4
    relaxed_min_proficiency: int = 3
    relax_after_s: float = 30.0
    any_skill_after_s: float = 90.0
    # priority with aging: effective priority = priority + wait_s / aging_s_per_level
    aging_s_per_level: float = 60.0
    # overflow to another queue after a wait
    overflow_queue: str | None = None
    overflow_after_s: float | None = None
    prefer_primary_queue: bool = True
    # static priority of the queue's contacts (higher first) when an agent chooses
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Queue:
    id: str
    name: str
    channel: Channel
    skill: str
    opening_hours: WeeklyHours
    targets: ServiceTargets = field(default_factory=ServiceTargets)
    # contacts one agent handles at once on this channel (1 for voice, N for chat)
    concurrency: int = 1
    default_aht_s: float = 300.0
    default_patience_s: float | None = 180.0
    routing: RoutingSettings = field(default_factory=RoutingSettings)
    # numbers customers dial to reach the queue (voice)
    numbers: tuple[str, ...] = ()
    # calls are recorded (the caller is told) and kept for the platform's retention period
    record_calls: bool = False

    def __post_init__(self) -> None:
        if self.record_calls and self.channel is not Channel.VOICE:
            raise ValueError(f"queue {self.id}: only voice queues record calls")
        if self.concurrency < 1:
            raise ValueError(f"queue {self.id}: concurrency must be >= 1")
        if self.channel is Channel.VOICE and self.concurrency != 1:
            raise ValueError(f"queue {self.id}: a voice agent takes one call at a time")
