"""Training at a site with a trainer, and for teleworkers at least N on-site days a month and
a share of their time in training (SFR / Teleperformance 2009: about a tenth)."""

from __future__ import annotations

from homeshore.domain import Agent, WorkMode
from homeshore.scheduling.constraints.base import ModelRule, TemplateRule
from homeshore.scheduling.model import RosterModel
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate


def training_site(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    if not t.training_min:
        return False
    if t.location is WorkMode.HOME or t.site is None:
        return True
    scenario = problem.scenario
    return not scenario.site(t.site).has_trainer or scenario.team(agent.team).trainer is None


def post_onsite_days(rm: RosterModel) -> None:
    need = rm.problem.onsite_days_required()
    if need <= 0:
        return
    for a in rm.agents:
        teleworker = rm.teleworker(a)
        if teleworker is None:
            continue
        onsite = sum(rm.onsite_day(a, d) for d in range(rm.problem.n_days))
        rm.add_ge("onsite_days", a.id, onsite, need, only_if=[teleworker])


def post_training_share(rm: RosterModel) -> None:
    share_per_mille = round(rm.problem.scenario.agreement.training_share * 1000)
    if share_per_mille <= 0:
        return
    for a in rm.agents:
        teleworker = rm.teleworker(a)
        if teleworker is None:
            continue
        days = range(rm.problem.n_days)
        training = sum(rm.training_min(a, d) for d in days)
        paid = sum(rm.paid_min(a, d) for d in days)
        rm.add_ge(
            "training_share",
            a.id,
            1000 * training - share_per_mille * paid,
            0,
            only_if=[teleworker],
        )


TRAINING_SITE = TemplateRule("training_site", "training at a site with a trainer", training_site)
ONSITE_DAYS = ModelRule("onsite_days", "a teleworker's on-site days per month", post_onsite_days)
TRAINING_SHARE = ModelRule(
    "training_share", "a teleworker's share of time in training", post_training_share
)
