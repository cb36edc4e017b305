"""Training at a site with a trainer, and the telework agreement's monthly rules: on-site
days and a share of paid time in training, per calendar month, counting the weeks before
the horizon (SFR / Teleperformance 2009: about a tenth; the rules themselves and their
reading are in homeshore.scheduling.telework_month, which the auditor runs too)."""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from homeshore.domain import Agent, WorkMode
from homeshore.scheduling.constraints.base import ModelRule, TemplateRule
from homeshore.scheduling.model import RosterModel
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.telework_month import (
    EMPTY,
    PER_MILLE,
    HorizonMonth,
    MonthRecord,
    onsite_days_due,
    share_per_mille,
    training_share_band,
)
from homeshore.scheduling.templates import ShiftTemplate


def training_site(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    if not t.training_min:
        return False
    if t.location is WorkMode.HOME or t.site is None:
        return True
    scenario = problem.scenario
    return not scenario.site(t.site).has_trainer or scenario.team(agent.team).trainer is None


def _teleworking_months(
    rm: RosterModel,
) -> list[tuple[Agent, HorizonMonth, MonthRecord, list[cp_model.IntVar]]]:
    """(agent, month, its record before the horizon, guard) for every agent who teleworks
    or may telework in a month of the horizon; the guard is empty when the agent already
    worked from home earlier in that month, else the literal "a home day this month"."""
    p = rm.problem
    out: list[tuple[Agent, HorizonMonth, MonthRecord, list[cp_model.IntVar]]] = []
    for month in p.months:
        for a in rm.agents:
            done = p.month_done.get((a.id, month.name), EMPTY)
            if done.teleworked:
                out.append((a, month, done, []))
                continue
            lit = rm.teleworker(a, month.days)
            if lit is not None:
                out.append((a, month, done, [lit]))
    return out


def post_onsite_days(rm: RosterModel) -> None:
    per_month = rm.problem.scenario.agreement.onsite_days_per_month
    if per_month <= 0:
        return
    for a, month, done, guard in _teleworking_months(rm):
        need = onsite_days_due(per_month, month.weeks_left) - len(done.onsite_days)
        if need <= 0:
            continue
        onsite = cp_model.LinearExpr.sum([rm.onsite_day(a, d) for d in month.days])
        rm.add_ge("onsite_days", f"{a.id} {month.name}", onsite, need, only_if=guard)


def post_training_share(rm: RosterModel) -> None:
    p = rm.problem
    per_mille = share_per_mille(p.scenario.agreement.training_share)
    if per_mille <= 0:
        return
    block_min = round(p.settings.training_day_h * 60)
    for a, month, done, guard in _teleworking_months(rm):
        band = training_share_band(done, per_mille, block_min)
        training = [rm.training_min(a, d) for d in month.days]
        paid = [rm.paid_min(a, d) for d in month.days]
        q = cp_model.LinearExpr.sum(
            [PER_MILLE * t for t in training] + [-per_mille * x for x in paid]
        )
        scope = f"{a.id} {month.name}"
        # q > above (q is a whole number): share x P - block < T over the month so far
        rm.add_ge("training_share", scope, q, math.floor(band.above) + 1, only_if=guard)
        options = [x for d in month.days for t, x in rm.options(a, d) if t.training_min]
        if not options:
            continue
        # T <= share x P, binding only when this plan adds training in the month
        trains = rm.new_bool(f"trains[{a.id},{month.name}]")
        for x in options:
            rm.model.add_implication(x, trains)
        rm.add_le("training_share", scope, q, math.floor(band.at_most), only_if=[*guard, trains])


TRAINING_SITE = TemplateRule("training_site", "training at a site with a trainer", training_site)
ONSITE_DAYS = ModelRule(
    "onsite_days", "a teleworker's on-site days per calendar month", post_onsite_days
)
TRAINING_SHARE = ModelRule(
    "training_share",
    "a teleworker's share of paid time in training per calendar month",
    post_training_share,
)
