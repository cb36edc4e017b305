"""A published schedule: what each named agent does, where, and when.

The rostering engine writes it, the auditor checks it, the simulator plays it and the live
platform enforces it (right to disconnect, adherence).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from homeshore.domain.agent import WorkMode


class Activity(enum.StrEnum):
    WORK = "work"  # taking contacts (queue says which)
    BREAK = "break"  # short paid break
    LUNCH = "lunch"
    TRAINING = "training"
    ONSITE = "onsite"  # on-site day activity other than contacts (team meeting, coaching)


#: activities during which an agent takes contacts
CONTACT_ACTIVITIES = frozenset({Activity.WORK})
#: activities counted as paid working time
PAID_ACTIVITIES = frozenset({Activity.WORK, Activity.BREAK, Activity.TRAINING, Activity.ONSITE})


@dataclass(frozen=True, slots=True)
class ScheduleSegment:
    """[start, end) of one activity for one agent. Times are timezone-aware."""

    agent_id: str
    start: dt.datetime
    end: dt.datetime
    activity: Activity
    location: WorkMode
    site: str | None = None  # None at home
    queue: str | None = None  # for WORK: the queue the plan counts this time toward

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError(f"agent {self.agent_id}: schedule times must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"agent {self.agent_id}: segment at {self.start} ends before start")
        if self.location is not WorkMode.HOME and self.site is None:
            raise ValueError(f"agent {self.agent_id}: a {self.location} segment needs a site")

    @property
    def duration_min(self) -> float:
        return (self.end - self.start).total_seconds() / 60.0


@dataclass(frozen=True, slots=True)
class Schedule:
    segments: tuple[ScheduleSegment, ...]

    @classmethod
    def of(cls, segments: Iterable[ScheduleSegment]) -> Schedule:
        return cls(tuple(sorted(segments, key=lambda s: (s.agent_id, s.start))))

    def __iter__(self) -> Iterator[ScheduleSegment]:
        return iter(self.segments)

    def __len__(self) -> int:
        return len(self.segments)

    def for_agent(self, agent_id: str) -> tuple[ScheduleSegment, ...]:
        return tuple(s for s in self.segments if s.agent_id == agent_id)

    def agent_ids(self) -> list[str]:
        return sorted({s.agent_id for s in self.segments})

    def at(self, agent_id: str, when: dt.datetime) -> ScheduleSegment | None:
        """The segment of that agent covering `when`, if any."""
        for s in self.segments:
            if s.agent_id == agent_id and s.start <= when < s.end:
                return s
        return None
