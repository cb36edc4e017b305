"""A tighter lower bound on under-coverage: a linear relaxation over the real shift templates.

Agents with the same allowed templates every day, the same skill queues and the same weekly
limit form a kind; n[kind, day, template] (real, 0..agents of the kind) is how many of them
work that template that day. The relaxation keeps: at most one template per agent-day, the
weekly paid-minute maximum and the working-day maximum per agent (summed over the kind),
seats per site and slot, and skills as a flow (the call slots of a skill class split among
its open queues, each agent-slot on one queue). Every rule-abiding schedule, counted this
way, is a solution of the relaxation, so its least under-coverage is a valid lower bound;
rules across days (rest, training share, on-site and home days) are left out, which only
weakens it.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.scheduling.constraints.skills import skill_queue_indices
from homeshore.scheduling.constraints.working_time import weekly_max_min
from homeshore.scheduling.lower_bound import Bound
from homeshore.scheduling.polish import tables
from homeshore.scheduling.problem import Problem

IntArray = npt.NDArray[np.int64]


class _Rows:
    """Sparse rows built as arrays: (row, column, value) triples and right-hand sides."""

    def __init__(self) -> None:
        self.rows: list[IntArray] = []
        self.cols: list[IntArray] = []
        self.vals: list[npt.NDArray[np.float64]] = []
        self.rhs: list[float] = []

    def block(self, n_rows: int, rhs: float | npt.NDArray[np.float64]) -> int:
        first = len(self.rhs)
        self.rhs.extend(np.broadcast_to(np.asarray(rhs, dtype=np.float64), (n_rows,)).tolist())
        return first

    def add(self, rows: IntArray, cols: IntArray, vals: float | npt.NDArray[np.float64]) -> None:
        self.rows.append(np.asarray(rows, dtype=np.int64))
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=np.float64), rows.shape).copy())


def template_bound(problem: Problem) -> Bound:
    p = problem
    spd, n_slots = p.slots_per_day, p.n_slots
    tab = tables(p)
    max_days = p.scenario.rules.max_working_days_per_week
    kinds: dict[tuple[object, ...], list[int]] = defaultdict(list)
    class_of: dict[tuple[object, ...], tuple[int, ...]] = {}
    for ai, a in enumerate(p.agents):
        queues = skill_queue_indices(p, a)
        key = (
            tuple(id(tab.get((ai, d))) for d in range(p.n_days)),
            queues,
            tuple(weekly_max_min(p, a, w) for w in range(p.n_weeks)),
        )
        kinds[key].append(ai)
        class_of[key] = queues
    classes = sorted(set(class_of.values()))
    class_index = {c: i for i, c in enumerate(classes)}
    site_index = {s.id: i for i, s in enumerate(p.scenario.sites)}
    n_queues = len(p.queue_ids)
    rows = _Rows()
    # row blocks: coverage (queue, slot), flow (class, slot), seats (site, slot)
    cover0 = rows.block(n_queues * n_slots, -p.required.reshape(-1).astype(np.float64))
    flow0 = rows.block(len(classes) * n_slots, 0.0)
    seats = np.array([float(s.seats) for s in p.scenario.sites])
    seat0 = rows.block(len(seats) * n_slots, np.repeat(seats, n_slots))
    n_cols = 0
    upper: list[npt.NDArray[np.float64]] = []
    for kind, members in kinds.items():
        count = float(len(members))
        ci = class_index[class_of[kind]]
        ai = members[0]
        week_cols: dict[int, list[tuple[IntArray, npt.NDArray[np.float64]]]] = defaultdict(list)
        for d in range(p.n_days):
            t = tab.get((ai, d))
            if t is None or not t.templates:
                continue
            cols = n_cols + np.arange(len(t.templates), dtype=np.int64)
            n_cols += len(t.templates)
            upper.append(np.full(len(t.templates), count))
            day_row = rows.block(1, count)
            rows.add(np.full(cols.shape, day_row), cols, 1.0)
            week_cols[d // DAYS_PER_WEEK].append((cols, t.shape[:, 0].astype(np.float64)))
            ti, k = np.nonzero(t.work)
            slot = d * spd + k
            keep = slot < n_slots
            rows.add(flow0 + ci * n_slots + slot[keep], cols[ti[keep]], -1.0)
            for site, si in site_index.items():
                on_site = np.array([s == site for s in t.site])
                ti, k = np.nonzero(t.seat & on_site[:, None])
                slot = d * spd + k
                keep = slot < n_slots
                rows.add(seat0 + si * n_slots + slot[keep], cols[ti[keep]], 1.0)
        for w, parts in week_cols.items():
            cols = np.concatenate([c for c, _ in parts])
            paid = np.concatenate([v for _, v in parts])
            cap = sum(weekly_max_min(p, p.agents[m], w) for m in members)
            rows.add(np.full(cols.shape, rows.block(1, float(cap))), cols, paid)
            rows.add(np.full(cols.shape, rows.block(1, count * max_days)), cols, 1.0)
    # y[class, queue, slot]: a class's call slots counted on one of its open queues
    for c in classes:
        ci = class_index[c]
        for q in c:
            slots = np.nonzero(p.open_[q])[0].astype(np.int64)
            cols = n_cols + np.arange(slots.size, dtype=np.int64)
            n_cols += slots.size
            upper.append(np.full(slots.size, np.inf))
            rows.add(flow0 + ci * n_slots + slots, cols, 1.0)
            rows.add(cover0 + q * n_slots + slots, cols, -1.0)
    # under[queue, slot] where something is required
    q_idx, s_idx = np.nonzero(p.required)
    under0 = n_cols
    cols = n_cols + np.arange(q_idx.size, dtype=np.int64)
    n_cols += q_idx.size
    upper.append(p.required[q_idx, s_idx].astype(np.float64))
    rows.add(cover0 + q_idx * n_slots + s_idx, cols, -1.0)
    matrix = coo_matrix(
        (np.concatenate(rows.vals), (np.concatenate(rows.rows), np.concatenate(rows.cols))),
        shape=(len(rows.rhs), n_cols),
    ).tocsr()
    cost = np.zeros(n_cols)
    cost[under0:] = 1.0
    ub = np.concatenate(upper)
    res = linprog(
        cost,
        A_ub=matrix,
        b_ub=np.array(rows.rhs),
        bounds=np.column_stack([np.zeros(n_cols), ub]),
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(f"template lower bound LP failed: {res.message}")
    return Bound(float(res.fun), int(p.required.sum()))


__all__ = ["template_bound"]
