"""One run's contacts, drawn up front in numpy blocks, and what became of them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from homeshore.simulation.arrivals import IntArray, poisson_arrivals
from homeshore.simulation.distributions import FloatArray, sample_with_means
from homeshore.simulation.model import SimModel


class Outcome(enum.IntEnum):
    WAITING = 0  # still waiting when the horizon ends
    ANSWERED = 1
    ABANDONED = 2


@dataclass(frozen=True, slots=True)
class Contacts:
    """Sorted by arrival. Handle time and patience are drawn per contact before the run."""

    arrival_s: FloatArray
    queue: IntArray
    interval: IntArray
    handle_s: FloatArray
    patience_s: FloatArray

    def __len__(self) -> int:
        return int(self.arrival_s.size)


def draw_contacts(model: SimModel, rng: np.random.Generator) -> Contacts:
    arr = poisson_arrivals(model.volume_table(), model.interval_s, rng, day_cv=model.day_cv)
    handle = np.empty(len(arr))
    patience = np.empty(len(arr))
    for qi, d in enumerate(model.demand):
        mask = arr.queue == qi
        handle[mask] = sample_with_means(d.handle, rng, d.aht_s[arr.interval[mask]])
        patience[mask] = d.patience.sample(rng, int(np.count_nonzero(mask)))
    return Contacts(arr.arrival_s, arr.queue, arr.interval, handle, patience)


@dataclass(frozen=True, slots=True)
class RunResult:
    """Per contact: when service started (nan if never), by which agent (-1), the outcome
    and the wait (answered: until service; abandoned: patience; waiting: until horizon)."""

    contacts: Contacts
    start_s: FloatArray
    agent: IntArray
    outcome: IntArray
    wait_s: FloatArray
    horizon_s: float

    @property
    def end_s(self) -> FloatArray:
        return self.start_s + self.contacts.handle_s


def finish(contacts: Contacts, start_s: FloatArray, agent: IntArray, horizon_s: float) -> RunResult:
    """Outcomes from the starts: unanswered contacts abandoned if their patience ran out
    before the horizon, else still waiting."""
    answered = agent >= 0
    deadline = contacts.arrival_s + contacts.patience_s
    abandoned = ~answered & (deadline <= horizon_s)
    outcome = np.where(
        answered, Outcome.ANSWERED, np.where(abandoned, Outcome.ABANDONED, Outcome.WAITING)
    ).astype(np.int64)
    wait = np.where(
        answered,
        start_s - contacts.arrival_s,
        np.where(abandoned, contacts.patience_s, horizon_s - contacts.arrival_s),
    )
    return RunResult(contacts, start_s, agent, outcome, wait, horizon_s)
