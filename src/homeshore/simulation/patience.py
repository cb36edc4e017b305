"""Patience estimated from observed waits, with censoring.

A contact that abandoned after waiting ``w`` shows its patience was ``w``; a contact that
was answered after ``w`` only shows its patience exceeded ``w`` (right-censored). Ignoring
the censored waits underestimates patience badly, so both estimators use them:

- exponential MLE: ``theta = abandons / total wait of all contacts`` (mean 1/theta);
- Kaplan-Meier: the product-limit survival of patience; beyond the last abandonment the
  remaining mass gets an exponential tail with the MLE mean.

Input rows follow WAIT_COLUMNS (queue, start, wait_s, abandoned).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from homeshore.domain.tables import WAIT_COLUMNS
from homeshore.errors import InputError
from homeshore.simulation.distributions import Distribution, Exponential, FloatArray

METHODS = ("exponential", "kaplan_meier")


def exponential_mle(wait_s: FloatArray, abandoned: np.ndarray) -> Exponential:
    """Censored MLE; infinite mean when nobody abandoned."""
    n_ab = int(np.count_nonzero(abandoned))
    total = float(np.sum(wait_s))
    if n_ab == 0:
        return Exponential(math.inf)
    return Exponential(max(total, 1e-9) / n_ab)


@dataclass(frozen=True, slots=True)
class KaplanMeier:
    """Patience law from the product-limit estimator, sampled by inverse transform."""

    times_s: tuple[float, ...]  # distinct abandonment times, increasing
    survival: tuple[float, ...]  # S(t) just after each time
    tail_mean_s: float  # exponential tail beyond the last time
    _t: FloatArray = field(init=False, repr=False, compare=False)
    _s: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_t", np.asarray(self.times_s, dtype=np.float64))
        object.__setattr__(self, "_s", np.asarray(self.survival, dtype=np.float64))

    @property
    def mean_s(self) -> float:
        t, s = self._t, self._s
        if t.size == 0:
            return self.tail_mean_s
        prev_t = np.concatenate(([0.0], t[:-1]))
        prev_s = np.concatenate(([1.0], s[:-1]))
        body = float(np.sum(prev_s * (t - prev_t)))
        return body + float(s[-1]) * self.tail_mean_s

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        u = rng.random(size)
        tail = rng.exponential(1.0, size) * self.tail_mean_s
        if self._t.size == 0:
            return tail
        # patience = first time where S(t) <= u; survival is decreasing, so search on -S
        k = np.searchsorted(-self._s, -u, side="left")
        inside = k < self._t.size
        out = np.empty(size)
        out[inside] = self._t[k[inside]]
        out[~inside] = self._t[-1] + tail[~inside]
        return out


def kaplan_meier(wait_s: FloatArray, abandoned: np.ndarray) -> KaplanMeier:
    w = np.asarray(wait_s, dtype=np.float64)
    ab = np.asarray(abandoned, dtype=bool)
    mle = exponential_mle(w, ab)
    event_t = np.unique(w[ab])
    if event_t.size == 0:
        return KaplanMeier((), (), mle.mean_s)
    order = np.sort(w)
    at_risk = w.size - np.searchsorted(order, event_t, side="left")
    deaths = np.bincount(np.searchsorted(event_t, w[ab]), minlength=event_t.size)
    surv = np.cumprod(1.0 - deaths / at_risk)
    return KaplanMeier(tuple(event_t.tolist()), tuple(surv.tolist()), mle.mean_s)


def estimate_patience(waits: pd.DataFrame, method: str = "exponential") -> dict[str, Distribution]:
    """Patience law per queue from a WAIT_COLUMNS table."""
    if method not in METHODS:
        raise InputError(f"unknown patience method {method!r} (use {', '.join(METHODS)})")
    missing = [c for c in WAIT_COLUMNS if c not in waits.columns]
    if missing:
        raise InputError(f"wait table lacks column(s) {', '.join(missing)}", where="waits")
    w = pd.to_numeric(waits["wait_s"], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"wait_s must be a number >= 0, got {waits['wait_s'].iloc[row]!r}",
            where=f"waits row {row}",
        )
    ab = waits["abandoned"].astype(bool).to_numpy()
    out: dict[str, Distribution] = {}
    for queue, idx in waits.groupby("queue", sort=True).indices.items():
        if method == "exponential":
            out[str(queue)] = exponential_mle(w[idx], ab[idx])
        else:
            out[str(queue)] = kaplan_meier(w[idx], ab[idx])
    return out
