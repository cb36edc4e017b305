"""Minimum and maximum shift length (paid time of a day, lunch and split gap excluded)."""

from __future__ import annotations

from homeshore.domain import Agent
from homeshore.scheduling.constraints.base import TemplateRule
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate


def shift_length(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    rules = problem.scenario.rules
    return not rules.min_shift_h * 60 <= t.paid_min <= rules.max_shift_h * 60


SHIFT_LENGTH = TemplateRule(
    "shift_length", "shift between the minimum and maximum length", shift_length
)
