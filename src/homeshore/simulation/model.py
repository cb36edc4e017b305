"""The declarative model a simulation run plays: queues, demand, agents and their windows.

Times are seconds from ``origin`` (the first interval start, timezone-aware); interval k
covers ``[k * interval_s, (k + 1) * interval_s)`` and the run stops at ``horizon_s``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from homeshore.domain.agent import WorkMode
from homeshore.domain.queue import Queue
from homeshore.simulation.distributions import Distribution, FloatArray


@dataclass(frozen=True, slots=True)
class WorkWindow:
    """[start_s, end_s) during which an agent takes contacts; queue: where the plan counts it."""

    start_s: float
    end_s: float
    queue: str | None = None

    def __post_init__(self) -> None:
        if not self.end_s > self.start_s:
            raise ValueError(f"work window [{self.start_s}, {self.end_s}) is empty")


@dataclass(frozen=True, slots=True)
class SimAgent:
    id: str
    skills: Mapping[str, int]  # skill id -> proficiency 1..5
    windows: tuple[WorkWindow, ...]  # sorted, non-overlapping
    primary_queue: str | None = None
    location: WorkMode = WorkMode.SITE

    def __post_init__(self) -> None:
        for a, b in zip(self.windows, self.windows[1:], strict=False):
            if b.start_s < a.end_s:
                raise ValueError(f"agent {self.id}: work windows overlap or are unsorted")


@dataclass(frozen=True, slots=True)
class QueueDemand:
    """Per interval: expected contacts and mean handle time; the laws of handle and patience.

    ``handle`` gives the shape of handle times (rescaled to each interval's mean).
    """

    queue: Queue
    volumes: FloatArray
    aht_s: FloatArray
    handle: Distribution
    patience: Distribution


@dataclass(frozen=True, slots=True)
class SimModel:
    origin: dt.datetime
    interval_s: float
    demand: tuple[QueueDemand, ...]
    agents: tuple[SimAgent, ...]
    day_cv: float = 0.0  # random day-level rate factor (0: plain Poisson)

    def __post_init__(self) -> None:
        if self.origin.tzinfo is None:
            raise ValueError("the simulation origin must be timezone-aware")
        if not self.demand:
            raise ValueError("a simulation needs at least one queue")
        sizes = {d.volumes.size for d in self.demand} | {d.aht_s.size for d in self.demand}
        if len(sizes) != 1:
            raise ValueError("every queue needs the same number of intervals")
        ids = [a.id for a in self.agents]
        if len(set(ids)) != len(ids):
            raise ValueError("agent ids must be unique in a simulation")
        if len({d.queue.id for d in self.demand}) != len(self.demand):
            raise ValueError("a queue appears twice in the demand")
        for d in self.demand:
            if np.any(d.aht_s[d.volumes > 0] <= 0):
                raise ValueError(f"queue {d.queue.id}: aht_s must be > 0 where volume > 0")

    @property
    def queues(self) -> tuple[Queue, ...]:
        return tuple(d.queue for d in self.demand)

    @property
    def n_intervals(self) -> int:
        return int(self.demand[0].volumes.size)

    @property
    def horizon_s(self) -> float:
        return self.n_intervals * self.interval_s

    def volume_table(self) -> FloatArray:
        return np.vstack([d.volumes for d in self.demand])
