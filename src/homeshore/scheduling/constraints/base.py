"""The two shapes of a hard rule.

A TemplateRule judges one agent-day template on its own (daily work, breaks, availability...):
templates it rejects are never offered to the solver. A ModelRule posts constraints linking
an agent's days (rest, weekly hours, on-site days) or agents together (seats).
Each has a machine name (used in reports and tests) and a human label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeshore.domain import Agent

if TYPE_CHECKING:
    from homeshore.scheduling.model import RosterModel
    from homeshore.scheduling.problem import Problem
    from homeshore.scheduling.templates import ShiftTemplate


@dataclass(frozen=True, slots=True)
class TemplateRule:
    name: str
    label: str
    rejects: Callable[[Problem, Agent, int, ShiftTemplate], bool]
    #: False when the verdict depends on the date (days off...), not only on the weekday
    weekday_only: bool = True


@dataclass(frozen=True, slots=True)
class ModelRule:
    name: str
    label: str
    post: Callable[[RosterModel], None]
