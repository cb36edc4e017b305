"""Breaks: 20 min once 6 h are worked (L3121-16), a paid break after each run of calls
(IDCC 2098 / 2148: 10 min every 2 h), and lunch inside the lunch window (IDCC 2098)."""

from __future__ import annotations

from homeshore.domain import Activity, Agent
from homeshore.domain.schedule import PAID_ACTIVITIES
from homeshore.domain.time import MINUTES_PER_DAY
from homeshore.scheduling.constraints.base import TemplateRule
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate


def break_after_work(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    rules = problem.scenario.rules
    threshold = rules.break_after_work_h * 60
    worked, rested, previous_end = 0, False, t.start_min
    for p in t.pieces:
        if p.start_min - previous_end >= rules.break_min:
            rested = True  # a split gap is a break
        if p.activity in (Activity.BREAK, Activity.LUNCH) and p.length_min >= rules.break_min:
            rested = True
        if p.activity in PAID_ACTIVITIES:
            worked += p.length_min
            if worked > threshold and not rested:
                return True
        previous_end = p.end_min
    return False


def paid_breaks(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    rules = problem.scenario.rules
    run, previous_end = 0, t.start_min
    for p in t.pieces:
        if p.activity is Activity.WORK and p.start_min == previous_end:
            run += p.length_min
        elif p.activity is Activity.WORK:
            run = p.length_min
        else:
            run = 0
            if p.activity is Activity.BREAK and p.length_min < rules.paid_break_min:
                return True
        if run > rules.paid_break_every_min:
            return True
        previous_end = p.end_min
    return False


def lunch_fits(problem: Problem, start_min: int, end_min: int, margin_min: int) -> bool:
    """Could a lunch lie inside the window with `margin_min` of the shift before and after?"""
    rules = problem.scenario.rules
    day = (start_min // MINUTES_PER_DAY) * MINUTES_PER_DAY
    lo = max(start_min + margin_min, day + rules.lunch_window.start_min)
    hi = min(end_min - margin_min, day + rules.lunch_window.end_min) - rules.lunch_min
    return lo <= hi


def lunch_window(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    rules = problem.scenario.rules
    lunches = [p for p in t.pieces if p.activity is Activity.LUNCH]
    for p in lunches:
        start = p.start_min % MINUTES_PER_DAY
        if p.length_min < rules.lunch_min or not rules.lunch_window.covers(
            start, start + p.length_min
        ):
            return True
    if lunches or t.is_split or t.paid_min <= rules.lunch_if_shift_over_h * 60:
        return False
    return lunch_fits(problem, t.start_min, t.end_min, problem.settings.lunch_margin_min)


BREAK_AFTER_WORK = TemplateRule(
    "break_after_work", "a break of 20 min before 6 h of work", break_after_work
)
PAID_BREAKS = TemplateRule("paid_breaks", "a paid break after each 2 h of calls", paid_breaks)
LUNCH_WINDOW = TemplateRule("lunch_window", "lunch inside the lunch window", lunch_window)
