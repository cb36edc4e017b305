"""Erlang B, C and A: exact steady-state performance of a queue, vectorised over intervals.

Conventions (docs/staffing.md, DOMAIN.md section 1):

- ``servers`` n agents (for chat, agents x concurrency), ``arrivals_per_s`` lambda,
  ``aht_s`` mean handle time 1/mu, ``patience_s`` mean patience 1/theta (Erlang A only).
- ``service_level``: fraction of OFFERED contacts answered within ``threshold_s``; a contact
  that abandons counts as not answered whatever its wait.
  ``service_level_excl_early_abandons`` drops contacts that abandoned within the threshold
  from the denominator.
- ``mean_wait_s`` E[W] over all arrivals (abandons count with their time to abandon);
  ``asa_s`` mean wait of answered contacts only.
- Erlang C with load >= servers is unstable: P(wait) 1, service level 0, waits infinite,
  occupancy 1. Erlang A with no agent: everyone waits and abandons, occupancy 1 (saturated).

Erlang A follows Palm (1943) and Garnett, Mandelbaum & Reiman (2002) exactly, with
x = n mu / theta, y = lambda / theta, J = x e^y y^-x gamma(x, y) = M(1, x + 1, y) (Kummer)
and P the regularised lower incomplete gamma function:
P(wait) = J B / (1 + (J - 1) B) with B the Erlang B blocking of n servers at load lambda/mu,
P(answered | wait) = (x / y) P(x + 1, y) / P(x, y) = (x / y) (1 - 1 / J),
P(answered within T | wait) = (x / y) [P(x + 1, y) - P(x + 1, y e^-theta T)] / P(x, y),
P(wait > T | wait) = e^-theta T P(x, y e^-theta T) / P(x, y),
E[W 1{answered} | wait] = (x / y) / theta * integral_0^y P(x + 1, z) / z dz / P(x, y).
(An arrival finding j waiting is answered with probability x / (x + j + 1) and its offered
wait is the (j + 1)-th of x + j + 1 exponential clocks; summing over the queue gives these.)
Ratios of incomplete gammas are rewritten with M(1, b, z) and evaluated in log space (see
_special) so they stay finite for 20,000 agents and 15,000 Erlangs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from homeshore.staffing._special import (
    GL_NODES,
    GL_WEIGHTS,
    FloatArray,
    log_erlang_b,
    log_kummer_m,
    safe_exp,
)

__all__ = [
    "QueueMetrics",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "queue_metrics",
]


@dataclass(frozen=True, slots=True)
class QueueMetrics:
    """Performance of one or many intervals; every field is an array of the same shape."""

    servers: NDArray[np.float64]
    p_wait: FloatArray
    p_abandon: FloatArray
    service_level: FloatArray
    service_level_excl_early_abandons: FloatArray
    mean_wait_s: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray
    mean_queue_len: FloatArray


def _arrays(*values: ArrayLike) -> list[FloatArray]:
    return [np.asarray(v, dtype=float) for v in np.broadcast_arrays(*map(np.asarray, values))]


def erlang_b(servers: ArrayLike, load_erl: ArrayLike) -> FloatArray:
    """Blocking probability of M/M/n/n (Erlang B)."""
    n, a = _arrays(servers, load_erl)
    _check_servers(n)
    if np.any(a < 0):
        raise ValueError("load_erl must be >= 0")
    return np.exp(log_erlang_b(n, a))


def erlang_c(servers: ArrayLike, load_erl: ArrayLike) -> FloatArray:
    """Probability of waiting in M/M/n (Erlang C); 1 when load >= servers (unstable)."""
    n, a = _arrays(servers, load_erl)
    _check_servers(n)
    if np.any(a < 0):
        raise ValueError("load_erl must be >= 0")
    return _erlang_c_from_b(n, a, np.exp(log_erlang_b(n, a)))


def _erlang_c_from_b(n: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    stable = n > a
    denom = np.where(stable, n - a + a * b, 1.0)
    c = np.where(stable, n * b / denom, 1.0)
    return np.where(a > 0, np.clip(c, 0.0, 1.0), 0.0)


def _check_servers(n: FloatArray) -> None:
    if np.any(n < 0) or np.any(n != np.floor(n)):
        raise ValueError("servers must be whole numbers >= 0")


def _check_rates(lam: FloatArray, aht: FloatArray, threshold: FloatArray) -> None:
    if np.any(~np.isfinite(lam)) or np.any(lam < 0):
        raise ValueError("arrivals_per_s must be finite and >= 0")
    if np.any(~np.isfinite(aht)) or np.any(aht <= 0):
        raise ValueError("aht_s must be finite and > 0")
    if np.any(np.isnan(threshold)) or np.any(threshold < 0):
        raise ValueError("threshold_s must be >= 0")


def erlang_c_metrics(
    servers: ArrayLike, arrivals_per_s: ArrayLike, aht_s: ArrayLike, threshold_s: ArrayLike
) -> QueueMetrics:
    """M/M/n: nobody abandons."""
    n, lam, aht, t = _arrays(servers, arrivals_per_s, aht_s, threshold_s)
    _check_servers(n)
    _check_rates(lam, aht, t)
    return _erlang_c_metrics(n, lam, aht, t)


def _erlang_c_metrics(
    n: FloatArray, lam: FloatArray, aht: FloatArray, t: FloatArray
) -> QueueMetrics:
    return erlang_c_metrics_from_b(n, lam, aht, t, np.exp(log_erlang_b(n, lam * aht)))


def erlang_c_metrics_from_b(
    n: FloatArray, lam: FloatArray, aht: FloatArray, t: FloatArray, b: FloatArray
) -> QueueMetrics:
    """Erlang C metrics given the Erlang B blocking ``b`` of the same servers and load
    (the sizing search walks b up with the recurrence B(n+1) = A B / (n + 1 + A B))."""
    a = lam * aht
    c = _erlang_c_from_b(n, a, b)
    stable = (n > a) | (a == 0)
    gap = np.where(stable, n - a, 1.0)  # (n mu - lambda) / mu
    with np.errstate(invalid="ignore"):
        decay = np.exp(-gap * np.where(np.isinf(t), np.inf, t) / aht)
        sl = np.where(stable, 1.0 - c * decay, 0.0)
        wait = np.where(stable, c * aht / gap, np.inf)
    wait = np.where(a == 0, 0.0, wait)
    occupancy = np.where(stable, np.divide(a, n, out=np.zeros_like(a), where=n > 0), 1.0)
    with np.errstate(invalid="ignore"):
        queue_len = np.where(a == 0, 0.0, lam * wait)
    return QueueMetrics(
        servers=n,
        p_wait=c,
        p_abandon=np.zeros_like(c),
        service_level=sl,
        service_level_excl_early_abandons=sl,
        mean_wait_s=wait,
        asa_s=wait,
        occupancy=occupancy,
        mean_queue_len=queue_len,
    )


def erlang_a_metrics(
    servers: ArrayLike,
    arrivals_per_s: ArrayLike,
    aht_s: ArrayLike,
    patience_s: ArrayLike,
    threshold_s: ArrayLike,
    *,
    with_asa: bool = True,
) -> QueueMetrics:
    """M/M/n+M: exponential patience of mean ``patience_s`` (> 0, finite).

    ``with_asa=False`` skips the one quadrature (ASA of answered contacts is then NaN).
    """
    n, lam, aht, pat, t = _arrays(servers, arrivals_per_s, aht_s, patience_s, threshold_s)
    _check_servers(n)
    _check_rates(lam, aht, t)
    if np.any(~np.isfinite(pat)) or np.any(pat <= 0):
        raise ValueError("patience_s must be finite and > 0 for Erlang A")
    return _erlang_a_metrics(n, lam, aht, pat, t, with_asa)


def _erlang_a_metrics(
    n: FloatArray, lam: FloatArray, aht: FloatArray, pat: FloatArray, t: FloatArray, with_asa: bool
) -> QueueMetrics:
    shape = n.shape
    p_wait = np.zeros(shape)
    p_ab = np.zeros(shape)
    sl = np.ones(shape)
    sl_excl = np.ones(shape)
    asa = np.zeros(shape) if with_asa else np.full(shape, np.nan)
    # nobody to serve: every arrival waits and eventually abandons
    empty = (n == 0) & (lam > 0)
    p_wait[empty] = 1.0
    p_ab[empty] = 1.0
    sl[empty] = 0.0
    sl_excl[empty] = np.where(np.isinf(t[empty]), 0.0, np.exp(-t[empty] / pat[empty]))
    sl_excl[empty] = 0.0
    asa[empty] = np.nan
    live = (n > 0) & (lam > 0)
    if np.any(live):
        core = _erlang_a_live(n[live], lam[live], aht[live], pat[live], t[live], with_asa)
        p_wait[live], p_ab[live], sl[live], sl_excl[live], asa[live] = core
    wait = p_ab * pat
    occupancy = np.divide(lam * aht * (1.0 - p_ab), n, out=np.zeros(shape), where=n > 0)
    occupancy = np.where(empty, 1.0, np.clip(occupancy, 0.0, 1.0))  # no agent: saturated
    return QueueMetrics(
        servers=n,
        p_wait=p_wait,
        p_abandon=p_ab,
        service_level=sl,
        service_level_excl_early_abandons=sl_excl,
        mean_wait_s=wait,
        asa_s=asa,
        occupancy=occupancy,
        mean_queue_len=lam * wait,
    )


def _erlang_a_live(
    n: FloatArray, lam: FloatArray, aht: FloatArray, pat: FloatArray, t: FloatArray, with_asa: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    x = n * pat / aht
    y = lam * pat
    log_b = log_erlang_b(n, lam * aht)
    log_j = log_kummer_m(x + 1.0, y)  # J = M(1, x + 1, y)
    ratio = (1.0 - np.exp(log_b)) * safe_exp(-(log_b + log_j))
    p_wait = 1.0 / (1.0 + ratio)
    answered_if_wait = np.clip((x / y) * -np.expm1(-log_j), 0.0, 1.0)
    p_ab = p_wait * (1.0 - answered_if_wait)
    # P(x + 1, y e^-u) / P(x, y) = y / (x + 1) * exp(_shift(u)) * M(1, x + 2, y e^-u) / J
    theta_t = t / pat
    z_t = y * np.exp(-theta_t)
    shift = _log_shift(x, y, theta_t)
    with np.errstate(invalid="ignore"):
        late_answered = (x / (x + 1.0)) * safe_exp(shift + log_kummer_m(x + 2.0, z_t) - log_j)
        longer_if_wait = safe_exp(shift + log_kummer_m(x + 1.0, z_t) - log_j)
    late_answered = np.where(np.isinf(t), 0.0, late_answered)
    longer_if_wait = np.where(np.isinf(t), 0.0, longer_if_wait)
    answered_within_if_wait = answered_if_wait - late_answered
    # overloaded (y e^-theta T > x + 1): both terms are near x / y; difference of upper tails
    over = z_t > x + 1.0
    if np.any(over):
        xo, yo, zo = x[over], y[over], z_t[over]
        upper_gap = special.gammaincc(xo + 1.0, zo) - special.gammaincc(xo + 1.0, yo)
        answered_within_if_wait[over] = (xo / yo) * upper_gap / special.gammainc(xo, yo)
    answered_within_if_wait = np.clip(answered_within_if_wait, 0.0, 1.0)
    no_wait = np.divide(ratio, 1.0 + ratio, out=1.0 - p_wait, where=ratio < 1.0)  # 1 - P(wait)
    sl = np.clip(no_wait + p_wait * answered_within_if_wait, 0.0, 1.0)
    abandoned_within_if_wait = np.clip(1.0 - longer_if_wait - answered_within_if_wait, 0.0, 1.0)
    sl_excl = np.clip(sl / (1.0 - p_wait * abandoned_within_if_wait), 0.0, 1.0)
    if with_asa:
        integral = _answered_wait_integral(x, y, log_j)
        answered_wait = p_wait * pat * integral  # E[W 1{answered}]
        asa = np.divide(answered_wait, 1.0 - p_ab, out=np.full(n.shape, np.nan), where=p_ab < 1.0)
    else:
        asa = np.full(n.shape, np.nan)
    return p_wait, p_ab, sl, sl_excl, asa


def _log_shift(x: FloatArray, y: FloatArray, u: FloatArray) -> FloatArray:
    """y (1 - e^-u) - u (x + 1), written to avoid cancellation for small u."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(u), -np.inf, y * -np.expm1(-u) - u * (x + 1.0))


def _answered_wait_integral(x: FloatArray, y: FloatArray, log_j: FloatArray) -> FloatArray:
    """E[theta W 1{answered} | wait] = integral_0^inf g(u) du, where
    g(u) = P(answered, theta W > u | wait)
         = x / (x + 1) * exp(_log_shift(u)) * M(1, x + 2, y e^-u) / J,
    by Gauss-Legendre.

    With a = x + 1 and z = y e^-u, ln g is concave in u (log-gamma variables have log-concave
    densities): past z_m = min(y, a) it decays at least at the rate h = a / M(1, a + 1, z_m),
    so cutting 46 / h further leaves out less than e^-46 of it. While z > a + 12 sqrt(a) + 50
    the incomplete gamma P(a, z) is 1 to double precision and g is (x / y) / P(x, y).
    """
    a = x + 1.0
    sat = a + 12.0 * np.sqrt(a) + 50.0
    u_sat = np.log(np.maximum(y / sat, 1.0))
    z_m = np.minimum(y, a)
    u_m = np.log(y / z_m)
    u_end = u_m + 46.0 * np.exp(log_kummer_m(a + 1.0, z_m)) / a
    flat = u_sat > 0
    total = np.zeros(x.shape)
    if np.any(flat):
        xf, yf = x[flat], y[flat]
        total[flat] = u_sat[flat] * (xf / yf) / special.gammainc(xf, yf)
    for lo, hi in ((u_sat, u_m), (u_m, u_end)):  # u_sat <= u_m: sat > a
        half = (hi - lo) / 2.0
        u = (lo + hi)[:, None] / 2.0 + half[:, None] * GL_NODES[None, :]
        xb, yb = x[:, None], y[:, None]
        log_g = (
            np.log(xb / (xb + 1.0))
            + _log_shift(xb, yb, u)
            + log_kummer_m(np.broadcast_to(xb + 2.0, u.shape), yb * np.exp(-u))
            - log_j[:, None]
        )
        total = total + half * (safe_exp(log_g) @ GL_WEIGHTS)
    return total


def queue_metrics(
    servers: ArrayLike,
    arrivals_per_s: ArrayLike,
    aht_s: ArrayLike,
    threshold_s: ArrayLike,
    patience_s: ArrayLike | None = None,
    *,
    with_asa: bool = True,
) -> QueueMetrics:
    """Erlang A where ``patience_s`` is finite, Erlang C where it is None, inf or NaN."""
    if patience_s is None:
        return erlang_c_metrics(servers, arrivals_per_s, aht_s, threshold_s)
    n, lam, aht, pat, t = _arrays(servers, arrivals_per_s, aht_s, patience_s, threshold_s)
    _check_servers(n)
    _check_rates(lam, aht, t)
    patient = ~np.isfinite(pat)
    if np.any(pat[~patient] <= 0):
        raise ValueError("patience_s must be > 0")
    if np.all(patient):
        return _erlang_c_metrics(n, lam, aht, t)
    if not np.any(patient):
        return _erlang_a_metrics(n, lam, aht, pat, t, with_asa)
    c = _erlang_c_metrics(n[patient], lam[patient], aht[patient], t[patient])
    a = _erlang_a_metrics(
        n[~patient], lam[~patient], aht[~patient], pat[~patient], t[~patient], with_asa
    )
    fields: dict[str, FloatArray] = {}
    for name in QueueMetrics.__dataclass_fields__:
        merged = np.empty(n.shape)
        merged[patient] = getattr(c, name)
        merged[~patient] = getattr(a, name)
        fields[name] = merged
    return QueueMetrics(**fields)
