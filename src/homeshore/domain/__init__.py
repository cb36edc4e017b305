"""Plain domain types shared by planning and the live platform."""

from homeshore.domain.agent import Agent, AgentSkill, ReadinessStatus, WorkMode
from homeshore.domain.queue import (
    Channel,
    Queue,
    RoutingPolicyName,
    RoutingSettings,
    ServiceTargets,
    Skill,
)
from homeshore.domain.rules import LabourRules, TeleworkAgreement
from homeshore.domain.scenario import HistorySource, PlanningSettings, Scenario
from homeshore.domain.schedule import Activity, Schedule, ScheduleSegment
from homeshore.domain.site import Site, SiteKind, Team
from homeshore.domain.time import TimeWindow, WeeklyHours

__all__ = [
    "Activity",
    "Agent",
    "AgentSkill",
    "Channel",
    "HistorySource",
    "LabourRules",
    "PlanningSettings",
    "Queue",
    "ReadinessStatus",
    "RoutingPolicyName",
    "RoutingSettings",
    "Scenario",
    "Schedule",
    "ScheduleSegment",
    "ServiceTargets",
    "Site",
    "SiteKind",
    "Skill",
    "Team",
    "TeleworkAgreement",
    "TimeWindow",
    "WeeklyHours",
    "WorkMode",
]
