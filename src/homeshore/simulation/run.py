"""Seeded replications of a model: draw contacts, play them, collect the outcomes.

Replication r uses ``numpy.random.default_rng(SeedSequence(seed).spawn(n)[r])``: the same
seed gives the same results, and replications are independent streams.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from homeshore.domain.queue import RoutingPolicyName
from homeshore.routing import RoutingPolicy, build_policy
from homeshore.simulation.contacts import RunResult, draw_contacts, finish
from homeshore.simulation.engine import run_events
from homeshore.simulation.fifo import run_fifo
from homeshore.simulation.kpis import horizon_kpis, interval_kpis, summarize
from homeshore.simulation.model import SimModel


class EngineChoice(enum.StrEnum):
    AUTO = "auto"  # the FIFO fast path when the model allows it, else the event engine
    EVENTS = "events"
    FIFO = "fifo"


def fifo_applies(model: SimModel) -> bool:
    """One queue, one contact at a time, longest idle, no overflow, every agent holding the
    skill and all of them equally preferred: then FIFO + longest idle is the whole policy."""
    if len(model.demand) != 1:
        return False
    q = model.demand[0].queue
    r = q.routing
    if q.concurrency != 1 or r.policy is not RoutingPolicyName.LONGEST_IDLE:
        return False
    if r.overflow_queue is not None:
        return False
    prefs = set()
    for a in model.agents:
        if a.skills.get(q.skill, 0) < 1:
            return False
        for w in a.windows:
            prefs.add(r.prefer_primary_queue and q.id in (w.queue, a.primary_queue))
    return len(prefs) <= 1


def run_once(
    model: SimModel,
    rng: np.random.Generator,
    *,
    policy: RoutingPolicy | None = None,
    engine: EngineChoice = EngineChoice.AUTO,
) -> RunResult:
    contacts = draw_contacts(model, rng)
    use_fifo = engine is EngineChoice.FIFO or (
        engine is EngineChoice.AUTO and policy is None and fifo_applies(model)
    )
    if use_fifo:
        if not fifo_applies(model):
            raise ValueError("the FIFO fast path only plays one longest-idle voice queue")
        start, agent = run_fifo(contacts, model.agents, model.horizon_s)
    else:
        start, agent = run_events(model, contacts, policy or build_policy(model.queues))
    return finish(contacts, start, agent, model.horizon_s)


@dataclass(frozen=True, slots=True)
class Simulation:
    model: SimModel
    runs: tuple[RunResult, ...]
    seed: int

    def interval_kpis(self) -> pd.DataFrame:
        """Mean and 95 % CI across replications, per queue and interval."""
        tables = [interval_kpis(self.model, r) for r in self.runs]
        return summarize(tables, ["queue", "interval", "start"])

    def horizon_kpis(self) -> pd.DataFrame:
        tables = [horizon_kpis(self.model, r) for r in self.runs]
        return summarize(tables, ["queue"])


def simulate(
    model: SimModel,
    *,
    replications: int = 1,
    seed: int = 0,
    policy: RoutingPolicy | None = None,
    engine: EngineChoice = EngineChoice.AUTO,
    progress: Callable[[int], None] | None = None,
) -> Simulation:
    """Play ``replications`` seeded runs; ``progress(done)`` after each.

    ``policy`` defaults to ``build_policy(model.queues)``; giving one forces the event
    engine unless ``engine`` is FIFO.
    """
    if replications < 1:
        raise ValueError("replications must be >= 1")
    runs = []
    for r, child in enumerate(np.random.SeedSequence(seed).spawn(replications)):
        runs.append(run_once(model, np.random.default_rng(child), policy=policy, engine=engine))
        if progress is not None:
            progress(r + 1)
    return Simulation(model, tuple(runs), seed)
