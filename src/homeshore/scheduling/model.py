"""The CP-SAT model: one choice of template (or none) per agent-day, coverage as counts.

Variables
- x[a, d, p]: agent a works template p on day d (at most one per agent-day);
- n[c, d, p]: how many agents of class c (same skill queues and primary queue) work p on d;
- y[c, q, s]: how many of class c's working agents count toward queue q in slot s, with
  sum over q of y = agents of c working in s: a transportation structure, so every agent
  counts toward one queue only and a matching of named agents to queues always exists;
- under[q, s], over[q, s]: missing and surplus agents against the requirement.

Hard rules come from homeshore.scheduling.constraints: template rules decide which x exist,
model rules post constraints through `add_le` / `add_ge` / `add_range`, which record each
constraint so `explain` can tell which rules bind. In diagnosis mode every rule is guarded
by an assumption literal per (rule, agent or site) and rejected templates are kept but
forbidden under their rule's literal, so CP-SAT can name a set of conflicting rules.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from homeshore.domain import Activity, Agent, WorkMode
from homeshore.domain.time import DAYS_PER_WEEK, MINUTES_PER_DAY
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate, candidate_templates

Expr = cp_model.LinearExpr | int


@dataclass(frozen=True, slots=True)
class Record:
    """A posted hard constraint lo <= expr <= hi (None: unbounded side)."""

    rule: str
    scope: str
    expr: Expr
    lo: int | None
    hi: int | None
    only_if: tuple[cp_model.IntVar, ...]


@dataclass(frozen=True, slots=True)
class AgentClass:
    """Agents interchangeable for coverage: same skill queues and primary queues."""

    queues: tuple[int, ...]
    primary: tuple[int, ...]


@dataclass(slots=True)
class Penalty:
    name: str
    label: str
    weight: int
    terms: list[Expr]


@dataclass(frozen=True)
class FixedLoad:
    """What agents outside the model already do: coverage per queue and slot, seats taken
    per site and slot, and evening/Saturday shift counts of fixed volunteers."""

    cover: npt.NDArray[np.int64]
    seats: dict[str, npt.NDArray[np.int64]]
    volunteer_counts: tuple[int, ...] = ()
    #: seats this model may fill per site (construction shares seats between batches)
    seat_cap: dict[str, int] | None = None


Offer = list[tuple[ShiftTemplate, tuple[str, ...]]]


def offered(problem: Problem, agents: Sequence[Agent]) -> Iterator[tuple[int, int, Offer]]:
    """For each agent (index) and day, every structural template with the names of the
    template rules that reject it (empty: allowed). Verdicts are shared between agents
    alike and between days of the same weekday."""
    from homeshore.scheduling.constraints import TEMPLATE_RULES

    p = problem
    s = p.scenario
    structural: dict[object, list[ShiftTemplate]] = p.cache.setdefault(
        ("structural", p.settings), {}
    )
    verdicts: dict[tuple[object, int, bool], Offer] = p.cache.setdefault(
        ("verdicts", p.settings), {}
    )
    weekday_rules = [r for r in TEMPLATE_RULES if r.weekday_only]
    dated_rules = [r for r in TEMPLATE_RULES if not r.weekday_only]
    for ai, a in enumerate(agents):
        signature = dataclasses.replace(a, id="", name="", days_off=frozenset())
        site = s.agent_site(a)
        key = (signature, site)
        if key not in structural:
            structural[key] = candidate_templates(a, site, s.rules, s.agreement, p.settings)
        for d in range(p.n_days):
            # weekday-only rules give the same verdict on the same weekday, except on the
            # last day where the skills rule sees the horizon end
            vkey = (key, p.date(d).weekday(), d == p.n_days - 1)
            if vkey not in verdicts:
                verdicts[vkey] = [
                    (t, tuple(r.name for r in weekday_rules if r.rejects(p, a, d, t)))
                    for t in structural[key]
                ]
            offer = verdicts[vkey]
            if dated_rules and a.days_off:
                offer = [
                    (t, why + tuple(r.name for r in dated_rules if r.rejects(p, a, d, t)))
                    for t, why in offer
                ]
            yield ai, d, offer


class RosterModel:
    def __init__(
        self,
        problem: Problem,
        *,
        agents: Sequence[Agent] | None = None,
        fixed: FixedLoad | None = None,
        diagnose: bool = False,
        elastic_seats: bool = False,
    ) -> None:
        from homeshore.scheduling.constraints import MODEL_RULES

        self.problem = problem
        self.model = cp_model.CpModel()
        self.diagnose = diagnose
        self.agents: tuple[Agent, ...] = tuple(agents) if agents is not None else problem.agents
        self.fixed = fixed
        self.elastic_seats = elastic_seats
        self.seat_overflow: list[cp_model.IntVar] = []
        self._attr: dict[str, list[int]] = defaultdict(list)
        self.catalogue: list[ShiftTemplate] = []
        self._tid: dict[ShiftTemplate, int] = {}
        self.choices: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = {}
        self._works: dict[tuple[int, int], cp_model.IntVar] = {}
        self._index = {a.id: i for i, a in enumerate(self.agents)}
        self.records: list[Record] = []
        self.rejected: Counter[str] = Counter()  # templates removed per rule
        self.assumption_of: dict[int, tuple[str, str]] = {}
        self._assumption_lits: dict[tuple[str, str], cp_model.IntVar] = {}
        self._teleworker: dict[tuple[int, tuple[int, ...]], cp_model.IntVar | None] = {}
        self.classes: dict[AgentClass, list[int]] = defaultdict(list)
        self.class_of: list[AgentClass] = []
        self.penalties: list[Penalty] = []
        self.coverage: dict[tuple[int, int], list[Expr]] = defaultdict(list)
        self.assign: dict[tuple[AgentClass, int], list[tuple[int, Expr]]] = {}
        self._seat_terms: dict[str, dict[int, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.under: dict[tuple[int, int], cp_model.IntVar] = {}
        self.over: dict[tuple[int, int], cp_model.IntVar] = {}
        self._add_choices()
        self._add_coverage()
        for rule in MODEL_RULES:
            rule.post(self)
        from homeshore.scheduling.soft_goals import SOFT_GOALS

        for goal in SOFT_GOALS:
            penalty = goal(self)
            if penalty is not None:
                self.penalties.append(penalty)
        if self.seat_overflow:
            weight = 100 * max(1, problem.settings.weights.under_coverage)
            self.penalties.append(
                Penalty(
                    "seat_overflow", "agents above a site's seats", weight, [*self.seat_overflow]
                )
            )
        self.model.minimize(
            cp_model.LinearExpr.weighted_sum(
                [t for p in self.penalties for t in p.terms],
                [p.weight for p in self.penalties for _ in p.terms],
            )
        )
        if diagnose:
            self.model.add_assumptions(list(self._assumption_lits.values()))

    # -- building ---------------------------------------------------------------------------

    def _template_id(self, t: ShiftTemplate) -> int:
        tid = self._tid.get(t)
        if tid is None:
            tid = self._tid[t] = len(self.catalogue)
            self.catalogue.append(t)
            attr = self._attr
            attr["paid"].append(t.paid_min)
            attr["training"].append(t.training_min)
            attr["onsite"].append(int(t.location is not WorkMode.HOME))
            attr["home"].append(int(t.location is WorkMode.HOME))
            attr["start"].append(t.start_min)
            attr["end"].append(t.end_min)
        return tid

    def _add_choices(self) -> None:
        from homeshore.scheduling.constraints.skills import skill_queue_indices

        p = self.problem
        s = p.scenario
        for ai, a in enumerate(self.agents):
            queues = skill_queue_indices(p, a)
            primary = tuple(q for q in queues if s.queues[q].skill == a.primary_skill) or queues
            cls = AgentClass(queues, primary)
            self.classes[cls].append(ai)
            self.class_of.append(cls)
        for ai, d, offer in offered(p, self.agents):
            options = []
            for t, why in offer:
                if why and not self.diagnose:
                    self.rejected[why[0]] += 1
                    continue
                x = self.model.new_bool_var("")
                for rule in why:
                    self.model.add(x == 0).only_enforce_if(self._assume(rule, self.agents[ai].id))
                options.append((self._template_id(t), x))
            if options:
                self.choices[ai, d] = options
                w = self.model.new_bool_var(f"works[{self.agents[ai].id},{d}]")
                self.model.add(sum(x for _, x in options) == w)
                self._works[ai, d] = w

    def _add_coverage(self) -> None:
        p = self.problem
        spd = p.slots_per_day
        per_class: dict[tuple[AgentClass, int, int], list[cp_model.IntVar]] = defaultdict(list)
        for (ai, d), options in self.choices.items():
            for tid, x in options:
                per_class[self.class_of[ai], d, tid].append(x)
        work: dict[AgentClass, dict[int, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for (cls, d, tid), xs in per_class.items():
            if len(xs) == 1:
                n = xs[0]
            else:
                n = self.model.new_int_var(0, len(xs), "")
                self.model.add(n == sum(xs))
            t = self.catalogue[tid]
            for k in t.slots(p.slot_min, Activity.WORK):
                if d * spd + k < p.n_slots:
                    work[cls][d * spd + k].append(n)
            if t.site is not None:
                seat_slots: set[int] = set()
                for piece in t.pieces:
                    if piece.activity is not Activity.LUNCH:
                        seat_slots.update(
                            range(piece.start_min // p.slot_min, piece.end_min // p.slot_min)
                        )
                for k in seat_slots:
                    if d * spd + k < p.n_slots:
                        self._seat_terms[t.site][d * spd + k].append(n)
        for cls, by_slot in work.items():
            size = len(self.classes[cls])
            for slot, terms in by_slot.items():
                total = sum(terms)
                open_queues = [q for q in cls.queues if p.open_[q, slot]]
                if len(open_queues) == 1:
                    parts: list[tuple[int, Expr]] = [(open_queues[0], total)]
                else:
                    ys = [self.model.new_int_var(0, size, "") for _ in open_queues]
                    self.model.add(sum(ys) == total)
                    parts = list(zip(open_queues, ys, strict=True))
                self.assign[cls, slot] = parts
                for q, part in parts:
                    self.coverage[q, slot].append(part)

    def _assume(self, rule: str, scope: str) -> cp_model.IntVar:
        key = (rule, scope)
        lit = self._assumption_lits.get(key)
        if lit is None:
            lit = self.model.new_bool_var(f"assume[{rule},{scope}]")
            self._assumption_lits[key] = lit
            self.assumption_of[lit.index] = key
        return lit

    # -- what rules use ---------------------------------------------------------------------

    def idx(self, agent: Agent) -> int:
        return self._index[agent.id]

    def new_bool(self, name: str) -> cp_model.IntVar:
        return self.model.new_bool_var(name)

    def options(self, agent: Agent, day: int) -> list[tuple[ShiftTemplate, cp_model.IntVar]]:
        return [(self.catalogue[tid], x) for tid, x in self.choices.get((self.idx(agent), day), [])]

    def _weighted(self, agent: Agent, day: int, attr: str, offset: int = 0) -> Expr:
        options = self.choices.get((self.idx(agent), day))
        if not options:
            return 0
        values = self._attr[attr]
        return cp_model.LinearExpr.weighted_sum(
            [x for _, x in options], [values[tid] + offset for tid, _ in options]
        )

    def works(self, agent: Agent, day: int) -> cp_model.IntVar | None:
        return self._works.get((self.idx(agent), day))

    def works_lit(self, agent: Agent, day: int) -> cp_model.IntVar:
        return self._works[self.idx(agent), day]

    def works_expr(self, agent: Agent, day: int) -> Expr:
        w = self.works(agent, day)
        return 0 if w is None else w

    def paid_min(self, agent: Agent, day: int) -> Expr:
        return self._weighted(agent, day, "paid")

    def training_min(self, agent: Agent, day: int) -> Expr:
        return self._weighted(agent, day, "training")

    def onsite_day(self, agent: Agent, day: int) -> Expr:
        return self._weighted(agent, day, "onsite")

    def home_day(self, agent: Agent, day: int) -> Expr:
        return self._weighted(agent, day, "home")

    def week_paid_min(self, agent: Agent, week: int) -> Expr:
        days = range(week * DAYS_PER_WEEK, (week + 1) * DAYS_PER_WEEK)
        return sum(self.paid_min(agent, d) for d in days)

    def start_abs(self, agent: Agent, day: int) -> Expr:
        """Start in minutes from the horizon start (0 when off: guard with works_lit)."""
        return self._weighted(agent, day, "start", day * MINUTES_PER_DAY)

    def end_abs(self, agent: Agent, day: int) -> Expr:
        return self._weighted(agent, day, "end", day * MINUTES_PER_DAY)

    def start_slot(self, agent: Agent, day: int) -> Expr:
        """Start in slots from the day's midnight (0 when off)."""
        options = self.choices.get((self.idx(agent), day))
        if not options:
            return 0
        starts, slot = self._attr["start"], self.problem.slot_min
        return cp_model.LinearExpr.weighted_sum(
            [x for _, x in options], [starts[tid] // slot for tid, _ in options]
        )

    def teleworker(self, agent: Agent, days: Sequence[int] | None = None) -> cp_model.IntVar | None:
        """True when the agent works from home on some day (of `days`, default the whole
        horizon); None when it never can."""
        ai = self.idx(agent)
        key = (ai, tuple(range(self.problem.n_days) if days is None else days))
        if key not in self._teleworker:
            home_days = [
                self.home_day(agent, d)
                for d in key[1]
                if any(
                    self.catalogue[tid].location is WorkMode.HOME
                    for tid, _ in self.choices.get((ai, d), [])
                )
            ]
            if not home_days:
                self._teleworker[key] = None
            else:
                lit = self.model.new_bool_var(f"teleworker[{agent.id},{key[1][0]}]")
                for h in home_days:
                    self.model.add(lit >= h)
                self.model.add(lit <= sum(home_days))
                self._teleworker[key] = lit
        return self._teleworker[key]

    def seat_use(self, site: str) -> dict[int, Expr]:
        return {slot: sum(terms) for slot, terms in self._seat_terms[site].items()}

    def seats_free(self, site: str, seats: int, slot: int) -> int:
        if self.fixed is None or site not in self.fixed.seats:
            return seats
        if self.fixed.seat_cap is not None and site in self.fixed.seat_cap:
            seats = self.fixed.seat_cap[site]
        return seats - int(self.fixed.seats[site][slot])

    def need(self, queue: int, slot: int) -> int:
        """Agents still wanted on a queue in a slot once fixed agents are counted
        (negative when fixed agents already exceed the requirement)."""
        need = int(self.problem.required[queue, slot])
        if self.fixed is not None:
            need -= int(self.fixed.cover[queue, slot])
        return need

    def hint(
        self,
        chosen: dict[tuple[str, int], ShiftTemplate],
        *,
        limit_s: float = 5.0,
        partial: bool = True,
    ) -> bool:
        """Start the search from a known schedule of these agents: the other variables
        (counts, coverage, rest choices) are completed by solving with the templates fixed,
        so the hint is whole. False when the schedule breaks a rule of this model."""
        fixed = self.model.clone()
        picks = []
        for (ai, d), options in self.choices.items():
            picked = chosen.get((self.agents[ai].id, d))
            for tid, x in options:
                value = self.catalogue[tid] == picked
                picks.append((x.index, value))
                domain = fixed.proto.variables[x.index].domain
                domain[0] = domain[1] = int(value)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = limit_s
        solver.parameters.stop_after_first_solution = True  # any completion is a valid hint
        solver.parameters.cp_model_presolve = False  # the templates are fixed: propagation only
        if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if not partial:
                return False
            for index, value in picks:
                self.model.add_hint(self.model.get_bool_var_from_proto_index(index), value)
            return False
        values = list(solver.response_proto.solution)
        hint = self.model.proto.solution_hint
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)
        return True

    # -- posting ----------------------------------------------------------------------------

    def _post(
        self,
        rule: str,
        scope: str,
        expr: Expr,
        lo: int | None,
        hi: int | None,
        only_if: Sequence[cp_model.IntVar],
        record: bool,
    ) -> None:
        lits = list(only_if)
        if self.diagnose:
            lits.append(self._assume(rule, scope.split(" ")[0]))
        if lo is not None:
            ct = self.model.add(expr >= lo)
            if lits:
                ct.only_enforce_if(lits)
        if hi is not None:
            ct = self.model.add(expr <= hi)
            if lits:
                ct.only_enforce_if(lits)
        if record:
            self.records.append(Record(rule, scope, expr, lo, hi, tuple(only_if)))

    def add_le(
        self,
        rule: str,
        scope: str,
        expr: Expr,
        hi: int,
        *,
        only_if: Sequence[cp_model.IntVar] = (),
        record: bool = True,
    ) -> None:
        self._post(rule, scope, expr, None, hi, only_if, record)

    def add_ge(
        self,
        rule: str,
        scope: str,
        expr: Expr,
        lo: int,
        *,
        only_if: Sequence[cp_model.IntVar] = (),
        record: bool = True,
    ) -> None:
        self._post(rule, scope, expr, lo, None, only_if, record)

    def add_range(
        self, rule: str, scope: str, expr: Expr, lo: int, hi: int, *, record: bool = True
    ) -> None:
        self._post(rule, scope, expr, lo, hi, (), record)

    def required(self, queue: int, slot: int) -> int:
        return int(self.problem.required[queue, slot])
