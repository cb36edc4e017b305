"""Soft goals: named penalties, each a list of terms times a configurable weight.

under_coverage (the main cost) and over_coverage per queue and slot (each queue against
the requirement it is given: in the planner, its share of its pool's requirement; the
measure of scheduling/coverage.py, which a test holds to it), off_primary_queue (an
agent's preference for its primary skill), evening_saturday_spread (fair share of evening and
Saturday shifts among telework volunteers), start_time_change (stable start times) and
home_preference (shifts on site of agents who may work from home; the agreement's on-site
days and home-day limits make part of it a constant)."""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.scheduling.model import Expr, Penalty, RosterModel

SATURDAY = 5


def under_coverage(rm: RosterModel) -> Penalty | None:
    p = rm.problem
    terms: list[Expr] = []
    rm.under = {}
    for q in range(len(p.queue_ids)):
        for slot in range(p.n_slots):
            need = rm.need(q, slot)
            if need <= 0:
                continue
            u = rm.model.new_int_var(0, need, f"under[{p.queue_ids[q]},{slot}]")
            rm.model.add(sum(rm.coverage.get((q, slot), [])) + u >= need)
            rm.under[q, slot] = u
            terms.append(u)
    return Penalty(
        "under_coverage",
        "missing agents per queue and slot",
        p.settings.weights.under_coverage,
        terms,
    )


def over_coverage(rm: RosterModel) -> Penalty | None:
    p = rm.problem
    terms: list[Expr] = []
    rm.over = {}
    for (q, slot), parts in rm.coverage.items():
        need = rm.need(q, slot)
        # only the surplus this model can change is priced (fixed agents' is a constant)
        o = rm.model.new_int_var(0, len(rm.agents), f"over[{p.queue_ids[q]},{slot}]")
        rm.model.add(o >= sum(parts) - max(need, 0))
        rm.over[q, slot] = o
        terms.append(o)
    return Penalty(
        "over_coverage",
        "agents above the requirement per queue and slot",
        p.settings.weights.over_coverage,
        terms,
    )


def off_primary_queue(rm: RosterModel) -> Penalty | None:
    terms = [
        part
        for (cls, _slot), parts in rm.assign.items()
        for q, part in parts
        if q not in cls.primary
    ]
    return Penalty(
        "off_primary_queue",
        "agent-slots on a queue other than the primary one",
        rm.problem.settings.weights.off_primary_queue,
        terms,
    )


def evening_saturday_spread(rm: RosterModel) -> Penalty | None:
    p = rm.problem
    evening = p.settings.evening_start_min
    counts = []
    for a in rm.agents:
        if not a.telework_volunteer:
            continue
        terms: list[cp_model.IntVar] = []
        for d in range(p.n_days):
            saturday = p.date(d).weekday() == SATURDAY
            terms.extend(x for t, x in rm.options(a, d) if saturday or t.end_min > evening)
        counts.append(sum(terms))
    fixed = rm.fixed.volunteer_counts if rm.fixed is not None else ()
    if len(counts) + len(fixed) < 2 or not counts:
        return None
    most = rm.model.new_int_var(max(fixed, default=0), p.n_days, "evening_saturday_most")
    least = rm.model.new_int_var(0, min(fixed, default=p.n_days), "evening_saturday_least")
    for c in counts:
        rm.model.add(most >= c)
        rm.model.add(least <= c)
    return Penalty(
        "evening_saturday_spread",
        "difference in evening and Saturday shifts between volunteers",
        p.settings.weights.evening_saturday_spread,
        [most - least],
    )


def start_time_change(rm: RosterModel) -> Penalty | None:
    p = rm.problem
    if p.settings.weights.start_time_change == 0:
        return None
    terms: list[Expr] = []
    for a in rm.agents:
        for d in range(p.n_days - 1):
            if (d + 1) % DAYS_PER_WEEK == 0:
                continue  # a new week may start at a new time
            w0, w1 = rm.works(a, d), rm.works(a, d + 1)
            if w0 is None or w1 is None:
                continue
            change = rm.model.new_int_var(0, p.slots_per_day, "")
            delta = rm.start_slot(a, d + 1) - rm.start_slot(a, d)
            rm.model.add(change >= delta).only_enforce_if([w0, w1])
            rm.model.add(change >= -delta).only_enforce_if([w0, w1])
            terms.append(change)
    return Penalty(
        "start_time_change",
        "slots of start-time change between working days",
        p.settings.weights.start_time_change,
        terms,
    )


def home_preference(rm: RosterModel) -> Penalty | None:
    p = rm.problem
    if p.settings.weights.home_preference == 0:
        return None
    terms = [
        rm.onsite_day(a, d) for a in rm.agents if a.may_work_from_home for d in range(p.n_days)
    ]
    return Penalty(
        "home_preference",
        "shifts on site of agents who may work from home",
        p.settings.weights.home_preference,
        terms,
    )


SOFT_GOALS: tuple[Callable[[RosterModel], Penalty | None], ...] = (
    under_coverage,
    over_coverage,
    off_primary_queue,
    evening_saturday_spread,
    start_time_change,
    home_preference,
)

__all__ = ["SOFT_GOALS", "cp_model"]
