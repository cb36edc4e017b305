"""Agent availability windows and requested days off."""

from __future__ import annotations

import datetime as dt

from homeshore.domain import Agent
from homeshore.domain.time import MINUTES_PER_DAY
from homeshore.scheduling.constraints._time import inside
from homeshore.scheduling.constraints.base import TemplateRule
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate


def availability(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    weekday = problem.date(day).weekday()
    return not all(inside(agent.availability, weekday, p.start_min, p.end_min) for p in t.pieces)


def days_off(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    if not agent.days_off:
        return False
    first = problem.date(day)
    last = first + dt.timedelta(days=(t.end_min - 1) // MINUTES_PER_DAY)
    d = first
    while d <= last:
        if d in agent.days_off:
            return True
        d += dt.timedelta(days=1)
    return False


AVAILABILITY = TemplateRule("availability", "inside the agent's availability", availability)
DAYS_OFF = TemplateRule("days_off", "nothing on a requested day off", days_off, weekday_only=False)
