"""Telework agreement rules on one day: home work only for volunteers whose readiness check
passed (L1222-9), right to disconnect (L2242-17: nothing outside the contact hours), split
shifts only for home agents who accept them, with gap bounds (L3123-23)."""

from __future__ import annotations

from homeshore.domain import Agent, ReadinessStatus, WorkMode
from homeshore.scheduling.constraints._time import inside
from homeshore.scheduling.constraints.base import TemplateRule
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate

READY = (ReadinessStatus.PASS, ReadinessStatus.WARN)


def home_work(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    if t.location is not WorkMode.HOME:
        return False
    agreement = problem.scenario.agreement
    if WorkMode.HOME not in agent.work_modes:
        return True
    if agreement.volunteers_only and not agent.telework_volunteer:
        return True
    return agreement.readiness_check_required and agent.readiness not in READY


def right_to_disconnect(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    if t.location is not WorkMode.HOME:
        return False
    hours = problem.scenario.agreement.contact_hours
    weekday = problem.date(day).weekday()
    return not all(inside(hours, weekday, p.start_min, p.end_min) for p in t.pieces)


def split_shifts(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    gaps = t.gaps
    if not gaps:
        return False
    agreement = problem.scenario.agreement
    if not (agreement.split_shifts_allowed and agent.accepts_split_shifts):
        return True
    if t.location is not WorkMode.HOME or len(gaps) > agreement.max_splits_per_day:
        return True
    return not all(
        agreement.split_gap_min_min <= end - start <= agreement.split_gap_max_min
        for start, end in gaps
    )


HOME_WORK = TemplateRule(
    "home_work", "home work only for volunteers whose readiness check passed", home_work
)
RIGHT_TO_DISCONNECT = TemplateRule(
    "right_to_disconnect", "home work only inside the agreed contact hours", right_to_disconnect
)
SPLIT_SHIFTS = TemplateRule(
    "split_shifts", "split shifts only for home agents who accept them", split_shifts
)
