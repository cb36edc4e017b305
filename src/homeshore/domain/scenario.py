"""A contact centre as planned: queues, sites, teams, agents, rules and agreement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from homeshore.domain.agent import Agent
from homeshore.domain.evaluation import EvaluationForm
from homeshore.domain.queue import Queue, Skill
from homeshore.domain.rules import LabourRules, TeleworkAgreement
from homeshore.domain.site import Site, Team


@dataclass(frozen=True, slots=True)
class HistorySource:
    """Where a scenario's contact history comes from."""

    kind: str  # "intervals" (interval table), "acd" (per-call logs), "generator"
    path: Path | None = None  # relative paths are resolved against the scenario file
    interval_min: int = 30
    # queue id in the history -> queue id in the scenario (identity when absent)
    queue_map: dict[str, str] = field(default_factory=dict)
    seed: int | None = None  # for kind == "generator"
    weeks: int | None = None  # for kind == "generator"


@dataclass(frozen=True, slots=True)
class PlanningSettings:
    interval_min: int = 30
    horizon_weeks: int = 1
    start_date: dt.date | None = None  # first planned day (a Monday); None: after history
    shrinkage: float = 0.30
    seed: int = 20260101
    # special-days files of the forecast (forecasting/national_days.py), resolved paths
    special_days_files: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.shrinkage < 1.0:
            raise ValueError("shrinkage must be in [0, 1)")
        if self.interval_min not in (15, 30, 60):
            raise ValueError("interval_min must be 15, 30 or 60")


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    timezone: str
    queues: tuple[Queue, ...]
    skills: tuple[Skill, ...]
    sites: tuple[Site, ...]
    teams: tuple[Team, ...]
    agents: tuple[Agent, ...]
    rules: LabourRules = field(default_factory=LabourRules)
    agreement: TeleworkAgreement = field(default_factory=TeleworkAgreement)
    planning: PlanningSettings = field(default_factory=PlanningSettings)
    history: HistorySource | None = None
    evaluation_forms: tuple[EvaluationForm, ...] = ()
    description: str = ""
    source: Path | None = None  # the file it was read from

    def queue(self, queue_id: str) -> Queue:
        for q in self.queues:
            if q.id == queue_id:
                return q
        raise KeyError(f"scenario {self.name}: no queue {queue_id!r}")

    def site(self, site_id: str) -> Site:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise KeyError(f"scenario {self.name}: no site {site_id!r}")

    def team(self, team_id: str) -> Team:
        for t in self.teams:
            if t.id == team_id:
                return t
        raise KeyError(f"scenario {self.name}: no team {team_id!r}")

    def agent(self, agent_id: str) -> Agent:
        for a in self.agents:
            if a.id == agent_id:
                return a
        raise KeyError(f"scenario {self.name}: no agent {agent_id!r}")

    def agent_site(self, agent: Agent) -> str:
        """The site an agent works at when not at home: its own, or its team's."""
        return agent.site or self.team(agent.team).site

    def form(self, form_id: str) -> EvaluationForm:
        for f in self.evaluation_forms:
            if f.id == form_id:
                return f
        raise KeyError(f"scenario {self.name}: no evaluation form {form_id!r}")
