"""Weekly working time: contract hours with tolerance, overtime limit (L3121-27/-28),
48 h a week and 44 h on average (L3121-20/-22; the average is taken over the horizon,
a conservative stand-in for 12 consecutive weeks when the horizon is shorter)."""

from __future__ import annotations

from homeshore.domain import Agent
from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.scheduling.constraints.base import ModelRule
from homeshore.scheduling.model import RosterModel
from homeshore.scheduling.problem import Problem


def contract_bounds_min(rm: RosterModel, a: Agent, week: int) -> tuple[int, int]:
    """Lowest and highest paid minutes of a week: contract +- tolerance, a requested day off
    counting for a fifth of the contract."""
    return week_bounds_min(rm.problem, a, week)


def week_bounds_min(problem: Problem, a: Agent, week: int) -> tuple[int, int]:
    """contract_bounds_min for a problem (no model needed)."""
    rules = problem.scenario.rules
    dates = [problem.date(week * DAYS_PER_WEEK + i) for i in range(DAYS_PER_WEEK)]
    leave = sum(1 for d in dates if d in a.days_off)
    lo_h = max(0.0, a.contract_h_per_week - rules.contract_tolerance_h)
    lo_h = max(0.0, lo_h - leave * a.contract_h_per_week / 5)
    return round(lo_h * 60), round((a.contract_h_per_week + rules.contract_tolerance_h) * 60)


def weekly_max_min(problem: Problem, a: Agent, week: int) -> int:
    """Most paid minutes any rule lets the agent work in a week."""
    rules = problem.scenario.rules
    limits_h = (
        a.contract_h_per_week + rules.contract_tolerance_h,
        rules.legal_week_h + rules.max_overtime_h_per_week,
        rules.max_weekly_work_h,
    )
    return round(min(limits_h) * 60)


def post_contract_hours(rm: RosterModel) -> None:
    for a in rm.agents:
        for w in range(rm.problem.n_weeks):
            lo, hi = contract_bounds_min(rm, a, w)
            rm.add_range("contract_hours", a.id, rm.week_paid_min(a, w), lo, hi)


def post_overtime(rm: RosterModel) -> None:
    rules = rm.problem.scenario.rules
    limit = round((rules.legal_week_h + rules.max_overtime_h_per_week) * 60)
    for a in rm.agents:
        for w in range(rm.problem.n_weeks):
            rm.add_le("overtime", a.id, rm.week_paid_min(a, w), limit)


def post_max_weekly_work(rm: RosterModel) -> None:
    limit = round(rm.problem.scenario.rules.max_weekly_work_h * 60)
    for a in rm.agents:
        for w in range(rm.problem.n_weeks):
            rm.add_le("max_weekly_work", a.id, rm.week_paid_min(a, w), limit)


def post_average_weekly_work(rm: RosterModel) -> None:
    limit = round(rm.problem.scenario.rules.max_avg_weekly_work_h * 60)
    n = rm.problem.n_weeks
    for a in rm.agents:
        total = sum(rm.week_paid_min(a, w) for w in range(n))
        rm.add_le("average_weekly_work", a.id, total, limit * n)


CONTRACT_HOURS = ModelRule(
    "contract_hours", "weekly hours within the contract tolerance", post_contract_hours
)
OVERTIME = ModelRule("overtime", "overtime within the weekly limit", post_overtime)
MAX_WEEKLY_WORK = ModelRule("max_weekly_work", "at most 48 h a week", post_max_weekly_work)
AVERAGE_WEEKLY_WORK = ModelRule(
    "average_weekly_work", "at most 44 h a week on average", post_average_weekly_work
)
