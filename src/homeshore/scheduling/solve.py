"""Solve a rostering problem and turn the solver's answer into a named Schedule.

The solver stops at the time limit; with `deterministic` settings it stops at a
deterministic-time budget instead and searches in interleaved batches, so the same seed and
worker count give the same schedule. Progress (objective and bound) goes to a callback.
When the rules conflict, a second model guarded by one assumption per rule and agent is
solved to name a set of rules that cannot all hold.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from homeshore.domain import Activity, Agent, Schedule, ScheduleSegment, WorkMode
from homeshore.scheduling.constraints.home_days import home_days_fit
from homeshore.scheduling.construct import construct, valid_week
from homeshore.scheduling.model import FixedLoad, RosterModel
from homeshore.scheduling.plan import (
    Plan,
    coverage_counts,
    evaluate,
    seat_counts,
    total_cost,
    volunteer_counts,
)
from homeshore.scheduling.polish import polish
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate


@dataclass(frozen=True, slots=True)
class Progress:
    wall_s: float
    objective: float
    bound: float


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class RosterResult:
    problem: Problem
    status: str  # optimal, feasible, infeasible, unknown
    schedule: Schedule | None
    objective: float | None
    bound: float | None
    wall_s: float
    #: weighted cost of each soft goal, by name (under/over coverage also per queue)
    penalty_costs: dict[str, int] = field(default_factory=dict)
    #: raw units of each soft goal (agent-slots, shifts, slots)
    penalty_units: dict[str, int] = field(default_factory=dict)
    #: hard constraints at their limit in the solution, per rule
    binding: dict[str, int] = field(default_factory=dict)
    #: templates each template rule removed from the choices
    rejected: dict[str, int] = field(default_factory=dict)
    #: (rule, agent or site) guards that cannot all hold, for infeasible problems
    conflicts: tuple[tuple[str, str], ...] = ()
    #: chosen template per (agent id, day)
    chosen: dict[tuple[str, int], ShiftTemplate] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.schedule is not None


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: ProgressFn) -> None:
        super().__init__()
        self._progress = progress

    def on_solution_callback(self) -> None:
        self._progress(Progress(self.wall_time, self.objective_value, self.best_objective_bound))


def _solver(problem: Problem, *, time_limit_s: float | None = None) -> cp_model.CpSolver:
    s = problem.settings
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = s.seed
    params.num_workers = s.workers
    limit = s.time_limit_s if time_limit_s is None else time_limit_s
    params.symmetry_level = 0  # the search finds better schedules sooner than presolve
    params.cp_model_probing_level = 0  # proves symmetries on these models
    if s.deterministic:
        params.interleave_search = True
        params.max_deterministic_time = limit
        params.max_time_in_seconds = limit * 20
    else:
        params.max_time_in_seconds = limit
    return solver


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


def solve(problem: Problem, *, progress: ProgressFn | None = None) -> RosterResult:
    """One model when the agents fit in a batch; otherwise build the schedule batch by
    batch (each batch sees what the others already cover and the seats they take), then
    improve it by re-solving random groups of agents from the current schedule (large
    neighbourhood search with hints) until the time budget is spent."""
    started = time.perf_counter()
    s = problem.settings
    agents = list(problem.agents)
    if len(agents) <= s.batch_agents:
        return _solve_whole(problem, progress, started)
    binding: dict[tuple[str, str], int] = {}
    rejected: Counter[str] = Counter()
    budget = _Budget(s.time_limit_s, s.deterministic)
    first = construct(problem, _patterns) if s.greedy_construction else None
    plan = first or Plan()
    if first is not None:
        _report(progress, problem, plan, started)
        plan = _polish(problem, plan, budget, progress, started)
    batches = [] if first is not None else _batches(problem, agents)
    share = s.time_limit_s * s.construction_share / max(1, len(batches))
    seated: Counter[str] = Counter(problem.scenario.agent_site(a) for a in agents)
    so_far: Counter[str] = Counter()
    for batch in batches:
        so_far.update(problem.scenario.agent_site(a) for a in batch)
        cap = {
            site.id: site.seats * so_far[site.id] // seated[site.id]
            for site in problem.scenario.sites
            if seated[site.id]
        }
        out = _solve_batch(problem, plan, batch, share, hint=False, seat_cap=cap)
        budget.spend(out.spent)
        rejected.update(out.rejected)
        if out.plan is None:
            return _failed(problem, out, started, rejected, batch, plan)
        plan.update(out.plan)
        binding.update(out.binding)
        _report(progress, problem, plan, started)
    rng = np.random.default_rng(s.seed)
    overhead_s = 0.0  # model building and hints around a re-solve, from the last step
    while budget.left() > overhead_s + 0.5:
        step_started = time.perf_counter()
        batch = _neighbourhood(problem, agents, rng, plan)
        previous = Plan(
            {k: v for k, v in plan.chosen.items() if k[0] in {a.id for a in batch}},
            {k: v for k, v in plan.queue_of.items() if k[0] in {a.id for a in batch}},
        )
        plan.drop({a.id for a in batch})
        limit = min(s.lns_step_s, budget.left() - (0.0 if s.deterministic else overhead_s))
        out = _solve_batch(problem, plan, batch, limit, hint=True, start=previous)
        budget.spend(out.spent)
        if not s.deterministic:
            overhead_s = max(0.0, time.perf_counter() - step_started - out.spent)
        if out.plan is None:
            plan.update(previous)
            continue
        plan.update(out.plan)
        binding = {k: v for k, v in binding.items() if k[1] not in out.scopes}
        binding.update(out.binding)
        _report(progress, problem, plan, started)
    if _overflow(problem, plan):
        return RosterResult(
            problem,
            "unknown",
            None,
            None,
            None,
            time.perf_counter() - started,
            rejected=dict(rejected),
        )
    return _result(problem, "feasible", plan, started, binding, rejected)


def _polish(
    problem: Problem, plan: Plan, budget: _Budget, progress: ProgressFn | None, started: float
) -> Plan:
    """Whole-schedule passes of cheap moves (polish.py) before the CP-SAT neighbourhoods;
    with `deterministic` settings they stop on their pass count only."""
    s = problem.settings
    keep_s = s.time_limit_s * (1.0 - s.polish_share)
    if s.deterministic:
        return polish(problem, plan, valid_week, max_passes=s.polish_passes, stop=lambda: False)
    return polish(
        problem,
        plan,
        valid_week,
        max_passes=s.polish_passes,
        stop=lambda: budget.left() < keep_s,
        report=lambda pl: _report(progress, problem, pl, started),
    )


def _overflow(problem: Problem, plan: Plan) -> int:
    seats = seat_counts(problem, plan)
    return sum(
        int(np.maximum(seats[site.id] - site.seats, 0).sum()) for site in problem.scenario.sites
    )


class _Budget:
    def __init__(self, limit: float, deterministic: bool) -> None:
        self.limit = limit
        self.deterministic = deterministic
        self.spent = 0.0
        self.started = time.perf_counter()

    def spend(self, amount: float) -> None:
        self.spent += amount

    def left(self) -> float:
        used = self.spent if self.deterministic else time.perf_counter() - self.started
        return self.limit - used


@dataclass
class _BatchOutcome:
    plan: Plan | None
    status: str
    spent: float
    binding: dict[tuple[str, str], int]
    rejected: Counter[str]
    scopes: set[str]


def _fixed(problem: Problem, plan: Plan, others: list[Agent]) -> FixedLoad:
    counts = volunteer_counts(problem, plan, others)
    return FixedLoad(
        coverage_counts(problem, plan), seat_counts(problem, plan), tuple(counts.values())
    )


def _solve_batch(
    problem: Problem,
    plan: Plan,
    batch: list[Agent],
    limit_s: float,
    *,
    hint: bool,
    start: Plan | None = None,
    seat_cap: dict[str, int] | None = None,
) -> _BatchOutcome:
    ids = {a.id for a in batch}
    others = [a for a in problem.agents if a.id not in ids]
    fixed = dataclasses.replace(_fixed(problem, plan, others), seat_cap=seat_cap)
    rm = RosterModel(problem, agents=batch, fixed=fixed, elastic_seats=True)
    if hint and start is not None:
        rm.hint(start.chosen)
    else:
        patterns = _patterns(problem, batch)
        if not rm.hint(_greedy(rm, patterns), partial=False):
            rm.hint(patterns)
    solver = _solver(problem, time_limit_s=max(limit_s, 0.2))
    solver.parameters.cp_model_presolve = False  # start from the hint at once
    status = solver.solve(rm.model)
    spent = solver.deterministic_time if problem.settings.deterministic else solver.wall_time
    name = _STATUS.get(status, "unknown")
    if name not in ("optimal", "feasible"):
        return _BatchOutcome(None, name, spent, {}, rm.rejected, ids)
    chosen = _chosen(rm, solver)
    out = Plan(
        {(rm.agents[ai].id, d): t for (ai, d), t in chosen.items()},
        {
            (rm.agents[ai].id, slot): q
            for (ai, slot), q in _queue_per_slot(rm, solver, chosen).items()
        },
    )
    binding = {k: v for k, v in _binding_by_scope(rm, solver).items() if k[0] != "seats"}
    return _BatchOutcome(out, name, spent, binding, rm.rejected, ids)


def _patterns(problem: Problem, batch: list[Agent]) -> dict[tuple[str, int], ShiftTemplate]:
    """A rule-abiding week plan for each agent, ignoring coverage and seats: a start point
    for the batch search (agents alike share one, found once)."""
    out: dict[tuple[str, int], ShiftTemplate] = {}
    for a in batch:
        # agents alike with the same weeks before (rest, month so far) share a pattern
        key = (dataclasses.replace(a, id="", name=""), _history_key(problem, a))
        cache: dict[object, dict[int, ShiftTemplate]] = problem.cache.setdefault(
            ("patterns", problem.settings), {}
        )
        if key not in cache:
            rm = RosterModel(problem, agents=[a])
            days = range(problem.n_days)
            # teleworkers where allowed (the greedy may then move days between home and
            # site), with as little training as their share needs
            rm.model.minimize(sum(rm.training_min(a, d) - 1000 * rm.home_day(a, d) for d in days))
            solver = _solver(problem, time_limit_s=min(3.0, problem.settings.time_limit_s))
            solver.parameters.num_workers = 1
            found: dict[int, ShiftTemplate] = {}
            if solver.solve(rm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                found = {d: t for (_ai, d), t in _chosen(rm, solver).items()}
            cache[key] = found
        out.update({(a.id, d): t for d, t in cache[key].items()})
    return out


def _history_key(problem: Problem, a: Agent) -> tuple[object, ...]:
    """What an agent's rules read of the weeks before the horizon: the end of its last
    paid activity and, per month, the record the monthly rules count."""
    end = problem.previous_end.get(a.id)
    start = problem.at(0, 0)
    months: list[tuple[float, float, int, bool] | None] = []
    for month in problem.months:
        r = problem.month_done.get((a.id, month.name))
        months.append(
            None if r is None else (r.paid_min, r.training_min, len(r.onsite_days), r.teleworked)
        )
    return (None if end is None else end - start, tuple(months))


def _greedy(
    rm: RosterModel, patterns: dict[tuple[str, int], ShiftTemplate]
) -> dict[tuple[str, int], ShiftTemplate]:
    """Move each pattern shift to the start time (same length) and place that covers the
    most still-missing requirement, keeping 11 h of rest after the previous day and the
    agreement's home days per week and month."""
    p = rm.problem
    spd = p.slots_per_day
    need = p.required - (rm.fixed.cover if rm.fixed is not None else 0)
    rest = p.scenario.rules.daily_rest_h * 60
    seats = {
        site.id: (
            rm.fixed.seats[site.id].copy()
            if rm.fixed is not None
            else np.zeros(p.n_slots, dtype=np.int64)
        )
        for site in p.scenario.sites
    }
    cap = {site.id: site.seats for site in p.scenario.sites}
    if rm.fixed is not None and rm.fixed.seat_cap is not None:
        cap.update(rm.fixed.seat_cap)
    out: dict[tuple[str, int], ShiftTemplate] = {}
    for a in rm.agents:
        cls = rm.class_of[rm.idx(a)]
        order = [*cls.primary, *[q for q in cls.queues if q not in cls.primary]]
        previous_end: float | None = None
        home: set[int] = set()
        for d in range(p.n_days):
            base = patterns.get((a.id, d))
            if base is None:
                previous_end = None
                continue
            home_ok = home_days_fit(p, home | {d})
            best, best_gain = base, -(10**9)
            for t, _x in rm.options(a, d):
                if (
                    t.paid_min != base.paid_min
                    or t.is_split != base.is_split
                    or t.training_min != base.training_min
                    or (t.location is WorkMode.HOME and not home_ok)
                ):
                    continue
                if previous_end is not None and d * 1440 + t.start_min - previous_end < rest:
                    continue
                gain = sum(
                    1
                    for k in t.slots(p.slot_min, Activity.WORK)
                    if d * spd + k < p.n_slots and any(need[q, d * spd + k] > 0 for q in order)
                )
                if t.site is not None:
                    lo, hi = d * spd + t.start_min // p.slot_min, d * spd + t.end_min // p.slot_min
                    gain -= 1000 * int((seats[t.site][lo:hi] >= cap[t.site]).sum())
                if gain > best_gain:
                    best, best_gain = t, gain
            out[a.id, d] = best
            if best.location is WorkMode.HOME:
                home.add(d)
            previous_end = d * 1440 + best.end_min
            if best.site is not None:
                lo = d * spd + best.start_min // p.slot_min
                seats[best.site][lo : d * spd + best.end_min // p.slot_min] += 1
            for k in best.slots(p.slot_min, Activity.WORK):
                slot = d * spd + k
                if slot < p.n_slots:
                    q = next((q for q in order if need[q, slot] > 0), None)
                    if q is not None:
                        need[q, slot] -= 1
    return out


def _batches(problem: Problem, agents: list[Agent]) -> list[list[Agent]]:
    """Batches mixing the agent classes (round robin over agents sorted by class)."""
    size = problem.settings.batch_agents
    n = -(-len(agents) // size)
    ordered = sorted(
        agents, key=lambda a: (sorted(s.skill for s in a.skills), a.primary_skill or "", a.id)
    )
    return [ordered[i::n] for i in range(n)]


def _neighbourhood(
    problem: Problem, agents: list[Agent], rng: np.random.Generator, plan: Plan
) -> list[Agent]:
    """A random group of agents; while some site is over its seats, half of the group are
    agents present there at such a time; otherwise half are agents with the skill of a
    missing slot (drawn in proportion to what is missing) who work or rest that day."""
    size = min(len(agents), problem.settings.lns_agents)
    picked: list[int] = []
    seats = seat_counts(problem, plan)
    spd, slot_min = problem.slots_per_day, problem.slot_min
    crowded = [
        (site.id, int(k))
        for site in problem.scenario.sites
        for k in np.nonzero(seats[site.id] > site.seats)[0]
    ]
    if crowded:
        site_id, slot = crowded[int(rng.integers(len(crowded)))]
        day, k = divmod(slot, spd)
        index = {a.id: i for i, a in enumerate(agents)}
        there = sorted(
            index[aid]
            for (aid, d), t in plan.chosen.items()
            if d == day
            and t.site == site_id
            and t.start_min // slot_min <= k < t.end_min // slot_min
        )
        if there:
            take = min(len(there), size // 2)
            picked = [there[int(i)] for i in rng.choice(len(there), size=take, replace=False)]
    elif problem.settings.lns_focus_under:
        picked = _short_of(problem, agents, rng, plan, size // 2)
    rest = [i for i in range(len(agents)) if i not in set(picked)]
    more = rng.choice(len(rest), size=size - len(picked), replace=False)
    picked += [rest[int(i)] for i in more]
    return [agents[i] for i in sorted(picked)]


def _short_of(
    problem: Problem, agents: list[Agent], rng: np.random.Generator, plan: Plan, take: int
) -> list[int]:
    from homeshore.scheduling.constraints.skills import skill_queue_indices

    under = np.maximum(problem.required - coverage_counts(problem, plan), 0)
    total = int(under.sum())
    if not total:
        return []
    flat = int(rng.choice(under.size, p=(under.reshape(-1) / total)))
    queue, slot = divmod(flat, problem.n_slots)
    day = slot // problem.slots_per_day
    able = [
        i
        for i, a in enumerate(agents)
        if queue in skill_queue_indices(problem, a)
        and any((a.id, d) in plan.chosen for d in (day - 1, day, day + 1))
    ]
    if not able:
        return []
    chosen = rng.choice(len(able), size=min(take, len(able)), replace=False)
    return sorted(able[int(i)] for i in chosen)


def _report(progress: ProgressFn | None, problem: Problem, plan: Plan, started: float) -> None:
    if progress is not None:
        _units, costs = evaluate(problem, plan)
        progress(Progress(time.perf_counter() - started, float(total_cost(costs)), float("nan")))


def _failed(
    problem: Problem,
    out: _BatchOutcome,
    started: float,
    rejected: Counter[str],
    batch: list[Agent],
    plan: Plan,
) -> RosterResult:
    conflicts: tuple[tuple[str, str], ...] = ()
    if out.status == "infeasible":
        others = [a for a in problem.agents if a.id not in {b.id for b in batch}]
        conflicts = diagnose(problem, agents=batch, fixed=_fixed(problem, plan, others))
    return RosterResult(
        problem,
        out.status,
        None,
        None,
        None,
        time.perf_counter() - started,
        rejected=dict(rejected),
        conflicts=conflicts,
    )


def _solve_whole(problem: Problem, progress: ProgressFn | None, started: float) -> RosterResult:
    rm = RosterModel(problem)
    patterns = _patterns(problem, list(problem.agents))
    whole_hint = bool(patterns) and rm.hint(_greedy(rm, patterns), partial=False)
    if patterns and not whole_hint:
        whole_hint = rm.hint(patterns)
    solver = _solver(problem)
    status = solver.solve(rm.model, _Reporter(progress) if progress else None)
    if status == cp_model.UNKNOWN and whole_hint:
        # presolve used the budget up: search again from the (valid) hint without it
        solver = _solver(problem)
        solver.parameters.cp_model_presolve = False
        status = solver.solve(rm.model, _Reporter(progress) if progress else None)
    name = _STATUS.get(status, "unknown")
    if name not in ("optimal", "feasible"):
        conflicts = diagnose(problem) if name == "infeasible" else ()
        return RosterResult(
            problem,
            name,
            None,
            None,
            None,
            time.perf_counter() - started,
            rejected=dict(rm.rejected),
            conflicts=conflicts,
        )
    chosen = _chosen(rm, solver)
    plan = Plan(
        {(rm.agents[ai].id, d): t for (ai, d), t in chosen.items()},
        {
            (rm.agents[ai].id, slot): q
            for (ai, slot), q in _queue_per_slot(rm, solver, chosen).items()
        },
    )
    return _result(
        problem,
        name,
        plan,
        started,
        _binding_by_scope(rm, solver),
        rm.rejected,
        objective=solver.objective_value,
        bound=solver.best_objective_bound,
    )


def _result(
    problem: Problem,
    status: str,
    plan: Plan,
    started: float,
    binding: dict[tuple[str, str], int],
    rejected: Counter[str],
    *,
    objective: float | None = None,
    bound: float | None = None,
) -> RosterResult:
    units, costs = evaluate(problem, plan)
    per_rule: dict[str, int] = defaultdict(int)
    for (rule, _scope), count in binding.items():
        per_rule[rule] += count
    seats = seat_counts(problem, plan)
    full = sum(
        int((seats[site.id] >= site.seats).sum()) for site in problem.scenario.sites if site.seats
    )
    if full:
        per_rule["seats"] = full
    return RosterResult(
        problem,
        status,
        build_schedule(problem, plan),
        float(total_cost(costs)) if objective is None else objective,
        bound,
        time.perf_counter() - started,
        penalty_costs=costs,
        penalty_units=units,
        binding=dict(per_rule),
        rejected=dict(rejected),
        chosen=dict(plan.chosen),
    )


def diagnose(
    problem: Problem, *, agents: list[Agent] | None = None, fixed: FixedLoad | None = None
) -> tuple[tuple[str, str], ...]:
    """Rules (with the agent or site they guard) that cannot all hold together."""
    rm = RosterModel(problem, agents=agents, fixed=fixed, diagnose=True)
    solver = _solver(problem)
    solver.parameters.num_workers = 1
    status = solver.solve(rm.model)
    if status != cp_model.INFEASIBLE:
        return ()
    core = list(solver.sufficient_assumptions_for_infeasibility())
    solver = _solver(problem, time_limit_s=min(0.3, problem.settings.time_limit_s))
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True  # feasible is all a check needs
    # shrink the core: drop each guard whose removal keeps the rest infeasible
    for index in list(core)[: problem.settings.max_core_checks]:
        trial = [i for i in core if i != index]
        rm.model.clear_assumptions()
        rm.model.add_assumptions([rm.model.get_bool_var_from_proto_index(i) for i in trial])
        if solver.solve(rm.model) == cp_model.INFEASIBLE:
            core = trial
    return tuple(sorted({rm.assumption_of[i] for i in core}))


def _chosen(rm: RosterModel, solver: cp_model.CpSolver) -> dict[tuple[int, int], ShiftTemplate]:
    out = {}
    for key, options in rm.choices.items():
        for tid, x in options:
            if solver.boolean_value(x):
                out[key] = rm.catalogue[tid]
                break
    return out


def _queue_per_slot(
    rm: RosterModel, solver: cp_model.CpSolver, chosen: dict[tuple[int, int], ShiftTemplate]
) -> dict[tuple[int, int], int]:
    """(agent index, slot) -> queue index, matching the model's counts per class and queue."""
    p = rm.problem
    spd = p.slots_per_day
    working: dict[tuple[object, int], list[int]] = defaultdict(list)
    for (ai, d), t in sorted(chosen.items()):
        for k in t.slots(p.slot_min, Activity.WORK):
            if d * spd + k < p.n_slots:
                working[rm.class_of[ai], d * spd + k].append(ai)
    out: dict[tuple[int, int], int] = {}
    for slot in range(p.n_slots):
        for cls in rm.classes:
            agents = working.get((cls, slot))
            if not agents:
                continue
            left = {q: int(solver.value(part)) for q, part in rm.assign[cls, slot]}
            pending = []
            for ai in agents:  # keep the queue of the previous slot when possible
                q = out.get((ai, slot - 1))
                if q is not None and left.get(q, 0) > 0:
                    out[ai, slot] = q
                    left[q] -= 1
                else:
                    pending.append(ai)
            for ai in pending:
                order = [*cls.primary, *[q for q in cls.queues if q not in cls.primary]]
                q = next(q for q in order if left.get(q, 0) > 0)
                out[ai, slot] = q
                left[q] -= 1
    return out


def build_schedule(problem: Problem, plan: Plan, *, work_queue: str | None = None) -> Schedule:
    """Segments of every agent-day of the plan; calls split where the queue changes
    (`work_queue` for calls the plan gives no queue)."""
    p = problem
    spd, slot_min = p.slots_per_day, p.slot_min
    segments = []
    for (agent_id, d), t in plan.chosen.items():
        for piece in t.pieces:
            if piece.activity is not Activity.WORK:
                segments.append(
                    ScheduleSegment(
                        agent_id,
                        p.at(d, piece.start_min),
                        p.at(d, piece.end_min),
                        piece.activity,
                        t.location,
                        t.site,
                    )
                )
                continue
            run_start = piece.start_min
            current = plan.queue_of.get((agent_id, d * spd + run_start // slot_min))
            for m in range(piece.start_min + slot_min, piece.end_min + 1, slot_min):
                q = (
                    plan.queue_of.get((agent_id, d * spd + m // slot_min))
                    if m < piece.end_min
                    else None
                )
                if m == piece.end_min or q != current:
                    segments.append(
                        ScheduleSegment(
                            agent_id,
                            p.at(d, run_start),
                            p.at(d, m),
                            Activity.WORK,
                            t.location,
                            t.site,
                            p.queue_ids[current] if current is not None else work_queue,
                        )
                    )
                    run_start, current = m, q
    return Schedule.of(segments)


def _binding_by_scope(rm: RosterModel, solver: cp_model.CpSolver) -> dict[tuple[str, str], int]:
    """Posted constraints at their limit, counted per (rule, agent or site)."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for rec in rm.records:
        if not all(solver.boolean_value(lit) for lit in rec.only_if):
            continue
        value = int(solver.value(rec.expr))
        if value == rec.lo or value == rec.hi:
            out[rec.rule, rec.scope.split(" ")[0]] += 1
    return dict(out)
