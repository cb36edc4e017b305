"""Rostering: named schedules under labour law and the telework agreement (CP-SAT).

problem = build_problem(scenario, requirements, SchedulingSettings(time_limit_s=60))
result = solve(problem, progress=print)
violations = audit(result.schedule, scenario)
"""

from homeshore.scheduling.audit import Violation, audit
from homeshore.scheduling.constraints import LABELS, MODEL_RULES, TEMPLATE_RULES
from homeshore.scheduling.explain import agent_view, coverage_table, explanation
from homeshore.scheduling.lower_bound import Bound, under_coverage_bound
from homeshore.scheduling.problem import Problem, build_problem
from homeshore.scheduling.settings import PenaltyWeights, SchedulingSettings
from homeshore.scheduling.solve import Progress, RosterResult, solve
from homeshore.scheduling.template_bound import template_bound

__all__ = [
    "LABELS",
    "MODEL_RULES",
    "TEMPLATE_RULES",
    "Bound",
    "PenaltyWeights",
    "Problem",
    "Progress",
    "RosterResult",
    "SchedulingSettings",
    "Violation",
    "agent_view",
    "audit",
    "build_problem",
    "coverage_table",
    "explanation",
    "solve",
    "template_bound",
    "under_coverage_bound",
]
