"""A lower bound on under-coverage: the best any rule-free schedule could reach.

Linear relaxation over agent classes (same skill queues): in each slot, at most the class's
agents who have some allowed shift covering that slot can count, each toward one queue;
over a week a class works at most its agents' weekly maximum of paid minutes. Breaks,
rest, seats and shift shapes are ignored, so no schedule can do better than this bound.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from homeshore.domain import Activity
from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.scheduling.constraints.working_time import weekly_max_min
from homeshore.scheduling.model import offered
from homeshore.scheduling.problem import Problem


@dataclass(frozen=True, slots=True)
class Bound:
    under_agent_slots: float  # lower bound on missing agent-slots
    required_agent_slots: int

    @property
    def best_coverage(self) -> float:
        """Share of the requirement a rule-free schedule could cover at best."""
        if not self.required_agent_slots:
            return 1.0
        return 1.0 - self.under_agent_slots / self.required_agent_slots


def under_coverage_bound(problem: Problem) -> Bound:
    from homeshore.scheduling.constraints.skills import skill_queue_indices

    p = problem
    spd = p.slots_per_day
    available: dict[tuple[object, int], set[int]] = defaultdict(set)
    week_cap: dict[object, list[int]] = defaultdict(lambda: [0] * p.n_weeks)
    classes: dict[object, tuple[int, ...]] = {}
    agents = list(p.agents)
    class_of = [skill_queue_indices(p, a) for a in agents]
    for ai, a in enumerate(agents):
        classes[class_of[ai]] = class_of[ai]
        for w in range(p.n_weeks):
            week_cap[class_of[ai]][w] += weekly_max_min(p, a, w)
    for ai, d, offer in offered(p, agents):
        for t, why in offer:
            if why:
                continue
            for k in t.slots(p.slot_min, Activity.WORK):
                if d * spd + k < p.n_slots:
                    available[class_of[ai], d * spd + k].add(ai)
    var: dict[tuple[object, int, int], int] = {}
    for (cls, slot), _ids in available.items():
        for q in classes[cls]:
            if p.open_[q, slot]:
                var[cls, q, slot] = len(var)
    n_z = len(var)
    need = [(q, s) for q in range(len(p.queue_ids)) for s in range(p.n_slots) if p.required[q, s]]
    under_index = {key: n_z + i for i, key in enumerate(need)}
    n = n_z + len(need)
    rows, cols, vals, rhs = [], [], [], []
    r = 0
    # coverage: -sum z - under <= -required
    by_queue_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (_cls, q, s), j in var.items():
        by_queue_slot[q, s].append(j)
    for (q, s), u in under_index.items():
        for j in by_queue_slot.get((q, s), []):
            rows.append(r)
            cols.append(j)
            vals.append(-1.0)
        rows.append(r)
        cols.append(u)
        vals.append(-1.0)
        rhs.append(-float(p.required[q, s]))
        r += 1
    # per class and slot: sum over queues <= available agents
    by_class_slot: dict[tuple[object, int], list[int]] = defaultdict(list)
    for (cls, _q, s), j in var.items():
        by_class_slot[cls, s].append(j)
    for (cls, s), js in by_class_slot.items():
        for j in js:
            rows.append(r)
            cols.append(j)
            vals.append(1.0)
        rhs.append(float(len(available[cls, s])))
        r += 1
    # per class and week: agent-slots <= weekly maximum paid minutes / slot
    for cls in classes:
        for w in range(p.n_weeks):
            lo, hi = w * DAYS_PER_WEEK * spd, (w + 1) * DAYS_PER_WEEK * spd
            js = [j for (c, _q, s), j in var.items() if c == cls and lo <= s < hi]
            if not js:
                continue
            for j in js:
                rows.append(r)
                cols.append(j)
                vals.append(1.0)
            rhs.append(week_cap[cls][w] / p.slot_min)
            r += 1
    cost = np.zeros(n)
    cost[n_z:] = 1.0
    upper: list[float | None] = [None] * n
    for (q, s), u in under_index.items():
        upper[u] = float(p.required[q, s])
    matrix = coo_matrix((vals, (rows, cols)), shape=(r, n)).tocsr()
    res = linprog(
        cost, A_ub=matrix, b_ub=np.array(rhs), bounds=[(0, ub) for ub in upper], method="highs"
    )
    if res.status != 0:
        raise RuntimeError(f"lower bound LP failed: {res.message}")
    return Bound(float(res.fun), int(p.required.sum()))


__all__ = ["Bound", "under_coverage_bound"]
