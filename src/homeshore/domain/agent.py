"""Advisors: contract, skills, where they may work, telework consent and home readiness."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from homeshore.domain.time import WeeklyHours


class WorkMode(enum.StrEnum):
    SITE = "site"
    TELECENTRE = "telecentre"
    HOME = "home"


class ReadinessStatus(enum.StrEnum):
    UNKNOWN = "unknown"
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class AgentSkill:
    skill: str
    proficiency: int = 3  # 1 (novice) .. 5 (expert)

    def __post_init__(self) -> None:
        if not 1 <= self.proficiency <= 5:
            raise ValueError(f"skill {self.skill}: proficiency must be 1..5")


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    name: str
    team: str
    contract_h_per_week: float
    work_modes: frozenset[WorkMode]
    skills: tuple[AgentSkill, ...]
    primary_skill: str | None = None
    telework_volunteer: bool = False
    telework_consent_date: dt.date | None = None
    readiness: ReadinessStatus = ReadinessStatus.UNKNOWN
    accepts_split_shifts: bool = False
    night_worker: bool = False
    availability: WeeklyHours = field(default_factory=WeeklyHours.always)
    days_off: frozenset[dt.date] = frozenset()
    site: str | None = None  # home site when not the team's

    def __post_init__(self) -> None:
        if self.contract_h_per_week <= 0:
            raise ValueError(f"agent {self.id}: contract hours must be > 0")
        if not self.work_modes:
            raise ValueError(f"agent {self.id}: at least one work mode is needed")
        if WorkMode.HOME in self.work_modes and not self.telework_volunteer:
            raise ValueError(
                f"agent {self.id}: home work is for telework volunteers only "
                "(set telework_volunteer and the consent date)"
            )
        if self.telework_volunteer and self.telework_consent_date is None:
            raise ValueError(f"agent {self.id}: a telework volunteer needs a consent date")
        ids = [s.skill for s in self.skills]
        if len(set(ids)) != len(ids):
            raise ValueError(f"agent {self.id}: a skill is listed twice")

    def proficiency(self, skill: str) -> int:
        """0 when the agent lacks the skill."""
        for s in self.skills:
            if s.skill == skill:
                return s.proficiency
        return 0

    @property
    def may_work_from_home(self) -> bool:
        """Home work needs a volunteer, the home mode, and a readiness check that passed."""
        return (
            self.telework_volunteer
            and WorkMode.HOME in self.work_modes
            and self.readiness in (ReadinessStatus.PASS, ReadinessStatus.WARN)
        )
