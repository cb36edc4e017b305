"""Maximum daily work (Code du travail L3121-18) and the span of a working day (L3131-1)."""

from __future__ import annotations

from homeshore.domain import Agent
from homeshore.domain.time import MINUTES_PER_DAY
from homeshore.scheduling.constraints.base import TemplateRule
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate


def max_daily_work(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    return t.paid_min > problem.scenario.rules.max_daily_work_h * 60


def daily_span(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    """A working day spans at most 24 h minus the daily rest (13 h by default)."""
    return t.end_min - t.start_min > MINUTES_PER_DAY - problem.scenario.rules.daily_rest_h * 60


MAX_DAILY_WORK = TemplateRule("max_daily_work", "at most the daily maximum of work", max_daily_work)
DAILY_SPAN = TemplateRule(
    "daily_span", "a working day spans at most 24 h minus the daily rest", daily_span
)
