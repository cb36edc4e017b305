"""Poisson arrivals with a rate per queue and interval, optionally with random day levels.

With ``day_cv > 0`` every (queue, day) draws a factor from a gamma law of mean 1 and that
coefficient of variation, multiplying all the day's rates (doubly stochastic arrivals: real
days are more variable than Poisson).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from homeshore.simulation.distributions import FloatArray

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Arrivals:
    """Arrivals sorted by time: seconds from the run's origin, queue and interval index."""

    arrival_s: FloatArray
    queue: IntArray
    interval: IntArray

    def __len__(self) -> int:
        return int(self.arrival_s.size)


def poisson_arrivals(
    volumes: npt.NDArray[np.float64],
    interval_s: float,
    rng: np.random.Generator,
    *,
    day_cv: float = 0.0,
    intervals_per_day: int | None = None,
) -> Arrivals:
    """volumes[q, k]: expected contacts of queue q in interval k (starting at k * interval_s)."""
    vol = np.asarray(volumes, dtype=np.float64)
    if vol.ndim != 2:
        raise ValueError("volumes must be a (queues, intervals) table")
    if np.any(~np.isfinite(vol)) or np.any(vol < 0):
        raise ValueError("volumes must be finite and >= 0")
    if day_cv < 0:
        raise ValueError("day_cv must be >= 0")
    if day_cv > 0:
        per_day = intervals_per_day or max(1, round(86400.0 / interval_s))
        n_days = -(-vol.shape[1] // per_day)
        shape = 1.0 / (day_cv * day_cv)
        factors = rng.gamma(shape, 1.0 / shape, size=(vol.shape[0], n_days))
        vol = vol * np.repeat(factors, per_day, axis=1)[:, : vol.shape[1]]
    counts = rng.poisson(vol)
    flat = counts.ravel()
    total = int(flat.sum())
    q_idx, k_idx = np.divmod(np.repeat(np.arange(flat.size), flat), vol.shape[1])
    times = (k_idx + rng.random(total)) * interval_s
    order = np.argsort(times, kind="stable")
    return Arrivals(times[order], q_idx[order].astype(np.int64), k_idx[order].astype(np.int64))
