"""A solution state: the template of each agent-day and the queue of each worked slot.

The solver builds it, possibly batch by batch; `evaluate` prices it with the soft goals
by plain arithmetic (no solver), so a schedule built in pieces is judged as a whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from homeshore.domain import Activity, Agent, WorkMode
from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate

SATURDAY = 5


@dataclass
class Plan:
    chosen: dict[tuple[str, int], ShiftTemplate] = field(default_factory=dict)
    queue_of: dict[tuple[str, int], int] = field(default_factory=dict)

    def drop(self, agent_ids: set[str]) -> None:
        self.chosen = {k: v for k, v in self.chosen.items() if k[0] not in agent_ids}
        self.queue_of = {k: v for k, v in self.queue_of.items() if k[0] not in agent_ids}

    def update(self, other: Plan) -> None:
        self.chosen.update(other.chosen)
        self.queue_of.update(other.queue_of)


def coverage_counts(problem: Problem, plan: Plan) -> npt.NDArray[np.int64]:
    """Agents counted per queue (row) and slot."""
    cover = np.zeros((len(problem.queue_ids), problem.n_slots), dtype=np.int64)
    for (_agent, slot), q in plan.queue_of.items():
        cover[q, slot] += 1
    return cover


def seat_counts(problem: Problem, plan: Plan) -> dict[str, npt.NDArray[np.int64]]:
    """Agents present (not at lunch) per site and slot."""
    out = {s.id: np.zeros(problem.n_slots, dtype=np.int64) for s in problem.scenario.sites}
    spd, slot_min = problem.slots_per_day, problem.slot_min
    for (_agent, d), t in plan.chosen.items():
        if t.site is None:
            continue
        for piece in t.pieces:
            if piece.activity is Activity.LUNCH:
                continue
            lo = d * spd + piece.start_min // slot_min
            hi = min(problem.n_slots, d * spd + piece.end_min // slot_min)
            out[t.site][lo:hi] += 1
    return out


def is_evening_or_saturday(problem: Problem, day: int, t: ShiftTemplate) -> bool:
    return problem.date(day).weekday() == SATURDAY or t.end_min > problem.settings.evening_start_min


def volunteer_counts(problem: Problem, plan: Plan, agents: list[Agent]) -> dict[str, int]:
    counts = {a.id: 0 for a in agents if a.telework_volunteer}
    for (agent, d), t in plan.chosen.items():
        if agent in counts and is_evening_or_saturday(problem, d, t):
            counts[agent] += 1
    return counts


def evaluate(problem: Problem, plan: Plan) -> tuple[dict[str, int], dict[str, int]]:
    """(units, weighted costs) of every soft goal, totals and per queue for coverage."""
    w = problem.settings.weights
    cover = coverage_counts(problem, plan)
    gap = problem.required - cover
    under = np.maximum(gap, 0)
    over = np.where(problem.open_, np.maximum(-gap, 0), 0)
    units: dict[str, int] = {
        "under_coverage": int(under.sum()),
        "over_coverage": int(over.sum()),
    }
    for qi, queue in enumerate(problem.queue_ids):
        units[f"under_coverage[{queue}]"] = int(under[qi].sum())
        units[f"over_coverage[{queue}]"] = int(over[qi].sum())
    agents = {a.id: a for a in problem.agents}
    primary: dict[str, set[int]] = {}
    for a in problem.agents:
        qs = {i for i, q in enumerate(problem.scenario.queues) if a.proficiency(q.skill) > 0}
        prim = {i for i in qs if problem.scenario.queues[i].skill == a.primary_skill}
        primary[a.id] = prim or qs
    units["off_primary_queue"] = sum(
        1 for (agent, _slot), q in plan.queue_of.items() if q not in primary[agent]
    )
    counts = volunteer_counts(problem, plan, list(problem.agents))
    units["evening_saturday_spread"] = (
        max(counts.values()) - min(counts.values()) if len(counts) >= 2 else 0
    )
    starts: dict[str, dict[int, int]] = defaultdict(dict)
    for (agent, d), t in plan.chosen.items():
        if agent in agents:
            starts[agent][d] = t.start_min // problem.slot_min
    change = 0
    for by_day in starts.values():
        for d, s in by_day.items():
            if (d + 1) % DAYS_PER_WEEK and d + 1 in by_day:
                change += abs(by_day[d + 1] - s)
    units["start_time_change"] = change
    units["home_preference"] = sum(
        1
        for (agent, _d), t in plan.chosen.items()
        if agent in agents and agents[agent].may_work_from_home and t.location is not WorkMode.HOME
    )
    weights = {
        "under_coverage": w.under_coverage,
        "over_coverage": w.over_coverage,
        "off_primary_queue": w.off_primary_queue,
        "evening_saturday_spread": w.evening_saturday_spread,
        "start_time_change": w.start_time_change,
        "home_preference": w.home_preference,
    }
    costs = {}
    for name, value in units.items():
        base = name.split("[")[0]
        costs[name] = value * weights[base]
    return units, costs


def total_cost(costs: dict[str, int]) -> int:
    return sum(v for k, v in costs.items() if "[" not in k)
