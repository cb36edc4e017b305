"""Night work (L3122-2, -5, -6, -7): only night workers work 3 h or more at night, they
work at most 8 h on a day with night work and at most 40 h a week on average."""

from __future__ import annotations

from homeshore.domain import Agent
from homeshore.scheduling.constraints.base import ModelRule, TemplateRule
from homeshore.scheduling.model import RosterModel
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate


def night_work_daily(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    rules = problem.scenario.rules
    night = t.night_min(rules)
    if not agent.night_worker:
        return night >= problem.settings.night_worker_threshold_h * 60
    return night > 0 and t.paid_min > rules.night_worker_max_daily_h * 60


def post_night_work_average(rm: RosterModel) -> None:
    limit_min = int(rm.problem.scenario.rules.night_worker_max_avg_weekly_h * 60)
    for a in rm.agents:
        if a.night_worker:
            total = sum(rm.paid_min(a, d) for d in range(rm.problem.n_days))
            rm.add_le("night_work_average", a.id, total, limit_min * rm.problem.n_weeks)


NIGHT_WORK_DAILY = TemplateRule("night_work_daily", "night work limits of a day", night_work_daily)
NIGHT_WORK_AVERAGE = ModelRule(
    "night_work_average", "a night worker's weekly average", post_night_work_average
)
