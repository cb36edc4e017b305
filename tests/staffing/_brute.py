"""Independent reference for Erlang A: the birth-death chain solved numerically and the
tagged customer's absorbing chain (served / abandoned) solved with a matrix exponential."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm


@dataclass(frozen=True)
class Brute:
    p_wait: float
    p_abandon: float
    service_level: float
    service_level_excl: float
    mean_wait_s: float
    asa_s: float


def brute_erlang_a(n: int, lam: float, aht: float, patience: float, t: float) -> Brute:
    mu, theta = 1.0 / aht, 1.0 / patience
    x, y = n * patience / aht, lam * patience  # queue beyond n: mean about max(0, y - x)
    size = n + int(max(0.0, y - x) + 12 * np.sqrt(y) + 60)
    w = np.ones(size)
    for k in range(1, size):
        death = min(k, n) * mu + max(k - n, 0) * theta
        w[k] = w[k - 1] * lam / death
    p = w / w.sum()
    p_wait = p[n:].sum()
    q = p[n:] / p_wait  # j ahead of an arrival that waits
    m = size - n
    # transient states j = 0..m-1 customers ahead; absorbing: served, abandoned
    gen = np.zeros((m, m))
    served = np.zeros(m)
    for j in range(m):
        advance = n * mu + j * theta
        gen[j, j] = -(advance + theta)
        if j == 0:
            served[j] = advance
        else:
            gen[j, j - 1] = advance
    inv = np.linalg.solve(-gen, np.eye(m))
    p_served = q @ inv @ served
    tail = expm(gen * t)
    served_after_t = q @ tail @ inv @ served
    still_waiting_t = q @ tail @ np.ones(m)
    answered_within = p_served - served_after_t
    abandoned_within = 1.0 - still_waiting_t - answered_within
    answered_wait = q @ inv @ inv @ served  # E[W 1{served}] given wait
    sl = (1 - p_wait) + p_wait * answered_within
    p_ab = p_wait * (1 - p_served)
    return Brute(
        p_wait=float(p_wait),
        p_abandon=float(p_ab),
        service_level=float(sl),
        service_level_excl=float(sl / (1 - p_wait * abandoned_within)),
        mean_wait_s=float(p_ab * patience),
        asa_s=float(p_wait * answered_wait / (1 - p_ab)),
    )
