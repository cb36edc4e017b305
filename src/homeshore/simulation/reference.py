"""Reference models for validation and benchmarks: M/M/n+M and a multi-skill centre."""

from __future__ import annotations

import datetime as dt

import numpy as np

from homeshore.domain.queue import (
    Channel,
    Queue,
    RoutingPolicyName,
    RoutingSettings,
    ServiceTargets,
)
from homeshore.domain.time import WeeklyHours
from homeshore.simulation.distributions import Exponential
from homeshore.simulation.model import QueueDemand, SimAgent, SimModel, WorkWindow

ORIGIN = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def single_queue_model(
    arrivals_per_s: float,
    aht_s: float,
    patience_s: float,
    agents: int,
    horizon_s: float,
    *,
    threshold_s: float = 20.0,
    interval_s: float | None = None,
) -> SimModel:
    """M/M/n+M (patience inf: M/M/n) with constant rate over the horizon."""
    step = interval_s or horizon_s
    k = max(1, round(horizon_s / step))
    queue = Queue(
        "q",
        "q",
        Channel.VOICE,
        "q",
        WeeklyHours.always(),
        targets=ServiceTargets(threshold_s=threshold_s),
        default_aht_s=aht_s,
        default_patience_s=patience_s,
    )
    demand = QueueDemand(
        queue,
        np.full(k, arrivals_per_s * step),
        np.full(k, aht_s),
        Exponential(aht_s),
        Exponential(patience_s),
    )
    team = tuple(
        SimAgent(f"a{j}", {"q": 3}, (WorkWindow(0.0, k * step),), "q") for j in range(agents)
    )
    return SimModel(ORIGIN, step, (demand,), team)


def multi_skill_model(
    *,
    queues: int = 5,
    agents: int = 200,
    skills_per_agent: int = 3,
    occupancy: float = 0.85,
    aht_s: float = 300.0,
    patience_s: float = 180.0,
    horizon_s: float = 5 * 8 * 3600.0,
    interval_s: float = 1800.0,
    seed: int = 5,
) -> SimModel:
    """Queues with bullseye routing; each agent holds ``skills_per_agent`` random skills at
    proficiency 2..5, the first one its primary; offered load = occupancy x agents."""
    rng = np.random.default_rng(seed)
    routing = RoutingSettings(
        policy=RoutingPolicyName.BULLSEYE, relax_after_s=20.0, any_skill_after_s=60.0
    )
    qs = [
        Queue(f"q{i}", f"q{i}", Channel.VOICE, f"s{i}", WeeklyHours.always(), routing=routing)
        for i in range(queues)
    ]
    k = max(1, round(horizon_s / interval_s))
    per_interval = occupancy * agents / aht_s * interval_s / queues
    demand = tuple(
        QueueDemand(
            q,
            np.full(k, per_interval),
            np.full(k, aht_s),
            Exponential(aht_s),
            Exponential(patience_s),
        )
        for q in qs
    )
    team = []
    for j in range(agents):
        picks = rng.choice(queues, min(skills_per_agent, queues), replace=False)
        skills = {f"s{p}": int(rng.integers(2, 6)) for p in picks}
        window = (WorkWindow(0.0, k * interval_s),)
        team.append(SimAgent(f"a{j}", skills, window, f"q{picks[0]}"))
    return SimModel(ORIGIN, interval_s, demand, tuple(team))
