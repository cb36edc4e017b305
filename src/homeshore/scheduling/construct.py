"""Fast first schedule for many agents, before the neighbourhood search improves it.

Each agent starts from its kind's rule-abiding week (`patterns`, found by CP-SAT once per
kind of agent). Agent by agent, each shift slides to the start time and place (same paid
length, same training, same split shape) that covers the most still-missing requirement,
keeping 11 h of rest after the previous day, seats free and the agreement's home days per
week and month. The agent's new week is then re-checked by the independent auditor; if
anything breaks, the agent keeps its pattern.
Queues are given per slot to the open queue with the largest remaining need.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from homeshore.domain import Activity, Agent, Schedule, WorkMode
from homeshore.scheduling.audit import audit
from homeshore.scheduling.constraints.home_days import home_days_fit
from homeshore.scheduling.constraints.skills import skill_queue_indices
from homeshore.scheduling.model import offered
from homeshore.scheduling.plan import Plan
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate

Patterns = Callable[[Problem, list[Agent]], dict[tuple[str, int], ShiftTemplate]]


def _order(problem: Problem, agents: list[Agent]) -> list[Agent]:
    """Agents of all kinds interleaved, so that no kind takes the best places first."""
    kinds: dict[object, list[Agent]] = defaultdict(list)
    for a in agents:
        kinds[dataclasses.replace(a, id="", name="")].append(a)
    lists = sorted(kinds.values(), key=lambda xs: xs[0].id)
    out: list[Agent] = []
    for i in range(max(len(xs) for xs in lists)):
        out.extend(xs[i] for xs in lists if i < len(xs))
    return out


def construct(problem: Problem, patterns: Patterns) -> Plan | None:
    """A whole valid plan, or None when some agent has no rule-abiding week on its own."""
    p = problem
    spd = p.slots_per_day
    agents = _order(p, list(p.agents))
    base = patterns(p, agents)
    if any(not any((a.id, d) in base for d in range(p.n_days)) for a in agents):
        return None  # an agent with no rule-abiding week: the exact path explains it
    index = {a.id: i for i, a in enumerate(p.agents)}
    allowed: dict[tuple[int, int], list[ShiftTemplate]] = {}
    for ai, d, offer in offered(p, p.agents):
        allowed[ai, d] = [t for t, why in offer if not why]
    base = _rotated(p, agents, base, allowed, index)
    need = p.required.copy()
    seats = {s.id: np.zeros(p.n_slots + spd, dtype=np.int64) for s in p.scenario.sites}
    cap = {s.id: s.seats for s in p.scenario.sites}
    rest = p.scenario.rules.daily_rest_h * 60
    plan = Plan()
    weights = p.settings.weights
    slot_value = max(1, weights.under_coverage)
    for a in agents:
        queues = skill_queue_indices(p, a)
        primary = [q for q in queues if p.scenario.queues[q].skill == a.primary_skill]
        order = [*primary, *[q for q in queues if q not in primary]]
        teleworker = any(
            base.get((a.id, d)) is not None and base[a.id, d].location is WorkMode.HOME
            for d in range(p.n_days)
        )
        week: dict[int, ShiftTemplate] = {}
        previous_end: float | None = None
        home: set[int] = set()  # days placed at home so far (the agreement limits them)
        for d in range(p.n_days):
            pattern = base.get((a.id, d))
            if pattern is None:
                previous_end = None
                continue
            home_ok = home_days_fit(p, home | {d})
            best, best_gain = pattern, -(10**18)
            for t in allowed.get((index[a.id], d), []):
                if not _same_shape(t, pattern, teleworker):
                    continue
                if t.location is WorkMode.HOME and not home_ok:
                    continue
                if previous_end is not None and d * 1440 + t.start_min - previous_end < rest:
                    continue
                # in soft-goal cost units: a covered agent-slot is worth under_coverage
                gain = _gain(p, need, order, d, t) * slot_value
                if t.location is WorkMode.HOME:
                    # at equal coverage, leave the seat to someone who needs it, and prefer
                    # home as the home_preference goal does
                    gain += slot_value + weights.home_preference
                if t.site is not None:
                    lo, hi = d * spd + t.start_min // p.slot_min, d * spd + t.end_min // p.slot_min
                    gain -= 1000 * slot_value * int((seats[t.site][lo:hi] >= cap[t.site]).sum())
                if gain > best_gain:
                    best, best_gain = t, gain
            week[d] = best
            if best.location is WorkMode.HOME:
                home.add(d)
            previous_end = d * 1440 + best.end_min
        if not valid_week(p, a, week):
            week = {d: t for (aid, d), t in base.items() if aid == a.id}
        for d, t in week.items():
            plan.chosen[a.id, d] = t
            if t.site is not None:
                lo = d * spd + t.start_min // p.slot_min
                seats[t.site][lo : d * spd + t.end_min // p.slot_min] += 1
            for k in t.slots(p.slot_min, Activity.WORK):
                slot = d * spd + k
                if slot >= p.n_slots:
                    continue
                open_queues = [q for q in order if p.open_[q, slot]]
                q = max(open_queues, key=lambda q: need[q, slot])
                plan.queue_of[a.id, slot] = q
                need[q, slot] -= 1
    return plan


def _rotated(
    p: Problem,
    agents: list[Agent],
    base: dict[tuple[str, int], ShiftTemplate],
    allowed: dict[tuple[int, int], list[ShiftTemplate]],
    index: dict[str, int],
) -> dict[tuple[str, int], ShiftTemplate]:
    """Agents of one kind share a pattern; shift the i-th one by i days (when every shift
    stays allowed and the auditor agrees) so that they do not all work the same days."""
    out = dict(base)
    seen: dict[object, int] = defaultdict(int)
    for a in agents:
        kind = dataclasses.replace(a, id="", name="")
        k = seen[kind]
        seen[kind] += 1
        days = {d: t for (aid, d), t in base.items() if aid == a.id}
        for r in [(k + j) % 7 for j in range(7)]:
            if r == 0:
                break
            moved = {(d + r) % p.n_days: t for d, t in days.items()}
            if all(t in allowed.get((index[a.id], d), ()) for d, t in moved.items()) and valid_week(
                p, a, moved
            ):
                for d in range(p.n_days):
                    out.pop((a.id, d), None)
                out.update({(a.id, d): t for d, t in moved.items()})
                break
    return out


def _same_shape(t: ShiftTemplate, pattern: ShiftTemplate, teleworker: bool) -> bool:
    if (t.paid_min, t.training_min, t.is_split) != (
        pattern.paid_min,
        pattern.training_min,
        pattern.is_split,
    ):
        return False
    if pattern.training_min:
        return t.location is pattern.location
    # a site day may move home only for an agent already teleworking (training is planned)
    return t.location is pattern.location or teleworker or t.location is not WorkMode.HOME


def _gain(
    p: Problem, need: npt.NDArray[np.int64], order: list[int], day: int, t: ShiftTemplate
) -> int:
    base = day * p.slots_per_day
    gain = 0
    for k in t.slots(p.slot_min, Activity.WORK):
        slot = base + k
        if slot < p.n_slots and any(need[q, slot] > 0 for q in order):
            gain += 1
    return gain


def valid_week(p: Problem, a: Agent, week: dict[int, ShiftTemplate]) -> bool:
    """The independent auditor's verdict on this one agent's weeks (seats aside)."""
    from homeshore.scheduling.solve import build_schedule

    alone = dataclasses.replace(p.scenario, agents=(a,))
    sched: Schedule = build_schedule(
        p, Plan({(a.id, d): t for d, t in week.items()}, {}), work_queue=_any_queue(p, a)
    )
    found = audit(
        sched,
        alone,
        start_date=p.start_date,
        weeks=p.n_weeks,
        settings=p.settings,
        previous=_previous(p, a),
    )
    return not [v for v in found if v.rule not in ("seats", "skills")]


def _any_queue(p: Problem, a: Agent) -> str:
    return p.queue_ids[skill_queue_indices(p, a)[0]]


def _previous(p: Problem, a: Agent) -> Schedule | None:
    """The agent's shifts before the horizon that the auditor reads (rest, monthly rules)."""
    kept = p.previous_segments.get(a.id)
    return Schedule.of(kept) if kept else None
