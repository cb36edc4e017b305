"""Required agents: the smallest staffing meeting every target, then shrinkage.

The search runs on all intervals at once. Erlang C walks up from the first stable staffing
with the Erlang B recurrence; Erlang A (and any Erlang C interval the walk leaves) uses a
bracket that doubles until every interval meets its targets, then a bisection on the
(monotone) metrics. The lower end starts at one agent, not at the offered load: with
abandonment (Erlang A) fewer agents than Erlangs can meet the targets. An interval with
contacts gets at least one agent; Erlang C additionally requires a stable queue
(servers > offered load).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from homeshore.domain import ServiceTargets
from homeshore.staffing._special import log_erlang_b
from homeshore.staffing.erlang import QueueMetrics, erlang_c_metrics_from_b, queue_metrics

__all__ = [
    "StaffingTargets",
    "UnattainableTargetError",
    "meets_targets",
    "required_agents",
    "scheduled_agents",
]

IntArray = NDArray[np.int64]


class UnattainableTargetError(ValueError):
    """No staffing up to the search cap meets the targets of some intervals."""

    def __init__(self, indices: list[int], cap: int) -> None:
        self.indices = indices
        self.cap = cap
        shown = ", ".join(map(str, indices[:10])) + (" ..." if len(indices) > 10 else "")
        super().__init__(
            f"targets cannot be met with up to {cap} agents in interval(s) {shown} "
            "(a service level of 100% or a zero threshold is never reached)"
        )


@dataclass(frozen=True, slots=True)
class StaffingTargets:
    """Every target a staffing level must meet; None means 'no such target'.

    ``sl_excludes_early_abandons`` measures the service level against offered minus the
    contacts that abandoned within the threshold (the default counts them as not answered).
    """

    service_level: float | None = 0.8
    threshold_s: float = 20.0
    max_asa_s: float | None = None
    max_abandon_rate: float | None = None
    max_occupancy: float | None = None
    sl_excludes_early_abandons: bool = False

    def __post_init__(self) -> None:
        if self.service_level is not None and not 0.0 < self.service_level <= 1.0:
            raise ValueError("service level target must be in (0, 1]")
        if not self.threshold_s >= 0:
            raise ValueError("threshold_s must be >= 0")
        if self.max_asa_s is not None and not self.max_asa_s > 0:
            raise ValueError("max_asa_s must be > 0")
        for name in ("max_abandon_rate", "max_occupancy"):
            value = getattr(self, name)
            if value is not None and not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1]")
        if all(
            v is None
            for v in (self.service_level, self.max_asa_s, self.max_abandon_rate, self.max_occupancy)
        ):
            raise ValueError("give at least one target (service level, ASA, abandon, occupancy)")

    @classmethod
    def from_service_targets(cls, targets: ServiceTargets) -> StaffingTargets:
        return cls(
            service_level=targets.service_level,
            threshold_s=targets.threshold_s,
            max_asa_s=targets.max_asa_s,
            max_abandon_rate=targets.max_abandon_rate,
            max_occupancy=targets.max_occupancy,
        )


def meets_targets(metrics: QueueMetrics, targets: StaffingTargets) -> NDArray[np.bool_]:
    """True where every target is met (NaN metrics, e.g. ASA with nobody answered, fail)."""
    ok = np.ones(metrics.p_wait.shape, dtype=bool)
    if targets.service_level is not None:
        sl = (
            metrics.service_level_excl_early_abandons
            if targets.sl_excludes_early_abandons
            else metrics.service_level
        )
        ok &= sl >= targets.service_level
    if targets.max_abandon_rate is not None:
        ok &= metrics.p_abandon <= targets.max_abandon_rate
    if targets.max_occupancy is not None:
        ok &= metrics.occupancy <= targets.max_occupancy
    if targets.max_asa_s is not None:
        ok &= metrics.asa_s <= targets.max_asa_s
    return ok


def _ok(
    agents: IntArray,
    lam: NDArray[np.float64],
    aht: NDArray[np.float64],
    pat: NDArray[np.float64],
    targets: StaffingTargets,
    servers_per_agent: int,
) -> NDArray[np.bool_]:
    servers = agents.astype(float) * servers_per_agent
    m = queue_metrics(servers, lam, aht, targets.threshold_s, pat, with_asa=False)
    ok = meets_targets(m, _without_asa(targets))
    # Erlang C needs a stable queue whatever the targets
    ok &= ~np.isinf(pat) | (servers > lam * aht)
    if targets.max_asa_s is not None and np.any(ok):
        sub = np.flatnonzero(ok)
        asa = queue_metrics(
            servers[sub], lam[sub], aht[sub], targets.threshold_s, pat[sub], with_asa=True
        ).asa_s
        ok[sub] = asa <= targets.max_asa_s
    return ok


def _without_asa(targets: StaffingTargets) -> StaffingTargets:
    """The targets but ASA (checked apart, as only ASA needs a quadrature)."""
    if targets.max_asa_s is None:
        return targets
    others = (targets.service_level, targets.max_abandon_rate, targets.max_occupancy)
    if all(v is None for v in others):  # occupancy <= 1 always holds
        return replace(targets, max_asa_s=None, max_occupancy=1.0)
    return replace(targets, max_asa_s=None)


def required_agents(
    arrivals_per_s: ArrayLike,
    aht_s: ArrayLike,
    targets: StaffingTargets,
    *,
    patience_s: ArrayLike | None = None,
    servers_per_agent: int = 1,
    max_agents: int | None = None,
) -> IntArray:
    """Smallest number of agents meeting every target, per interval (0 where nobody calls).

    ``patience_s`` finite: Erlang A; None or inf: Erlang C. ``servers_per_agent`` is the
    concurrency of a chat queue (an agent counts as that many servers).
    """
    if servers_per_agent < 1:
        raise ValueError("servers_per_agent must be >= 1")
    pat_in = np.inf if patience_s is None else patience_s
    lam, aht, pat = (
        np.asarray(v, dtype=float)
        for v in np.broadcast_arrays(
            np.asarray(arrivals_per_s), np.asarray(aht_s), np.asarray(pat_in)
        )
    )
    lam, aht, pat = lam.ravel(), aht.ravel(), np.where(np.isnan(pat), np.inf, pat).ravel()
    if np.any(~np.isfinite(lam)) or np.any(lam < 0):
        raise ValueError("arrivals_per_s must be finite and >= 0")
    if np.any(~np.isfinite(aht)) or np.any(aht <= 0):
        raise ValueError("aht_s must be finite and > 0")
    if np.any(pat <= 0):
        raise ValueError("patience_s must be > 0")
    shape = np.shape(np.broadcast_arrays(np.asarray(arrivals_per_s), np.asarray(aht_s))[0])
    result = np.zeros(lam.shape, dtype=np.int64)
    busy = lam > 0
    spa = servers_per_agent
    cap = max_agents
    if cap is None:
        cap = math.ceil((4.0 * float(np.max(lam * aht, initial=0.0)) + 1000) / spa)
    # Erlang C: walk up from the first stable staffing with the Erlang B recurrence
    walk = np.flatnonzero(busy & np.isinf(pat))
    if walk.size:
        result[walk] = _walk_erlang_c(lam[walk], aht[walk], targets, spa, cap)
    # Erlang A, and the Erlang C intervals the walk left: bracket and bisection
    rest = np.flatnonzero(busy & (result == 0))
    if rest.size:
        try:
            result[rest] = _search(lam[rest], aht[rest], pat[rest], targets, spa, cap)
        except UnattainableTargetError as exc:
            raise UnattainableTargetError([int(rest[i]) for i in exc.indices], cap) from None
    return result.reshape(np.broadcast_shapes(shape, np.shape(pat_in)))


def _walk_erlang_c(
    lam: NDArray[np.float64],
    aht: NDArray[np.float64],
    targets: StaffingTargets,
    spa: int,
    cap: int,
    steps: int = 64,
) -> IntArray:
    """Erlang C sizes found within ``steps`` agents of stability (0 where not found).

    One incomplete gamma evaluation per interval, then B(s + 1) = A B / (s + 1 + A B) per
    server: several times cheaper than a bisection of direct evaluations.
    """
    load = lam * aht
    agents = np.maximum(np.floor(load / spa).astype(np.int64) + 1, 1)
    servers = (agents * spa).astype(float)
    b = np.exp(log_erlang_b(servers, load))
    threshold = np.asarray(targets.threshold_s, dtype=float)
    found = np.zeros(lam.shape, dtype=np.int64)
    active = np.flatnonzero(agents <= cap)
    for _ in range(steps):
        if not active.size:
            break
        m = erlang_c_metrics_from_b(servers[active], lam[active], aht[active], threshold, b[active])
        ok = meets_targets(m, targets)
        found[active[ok]] = agents[active[ok]]
        active = active[~ok]
        for _ in range(spa):
            s1, ab = servers[active] + 1.0, load[active] * b[active]
            b[active] = ab / (s1 + ab)
            servers[active] = s1
        agents[active] += 1
        active = active[agents[active] <= cap]
    return found


def _search(
    lam: NDArray[np.float64],
    aht: NDArray[np.float64],
    pat: NDArray[np.float64],
    targets: StaffingTargets,
    spa: int,
    cap: int,
) -> IntArray:
    load = lam * aht
    erlang_c = np.isinf(pat)
    # lo: known to miss. Contacts need at least one agent; Erlang C misses until stable.
    lo = np.where(erlang_c, np.floor(load / spa), 0).astype(np.int64)
    hi = np.ceil((load + 3.0 * np.sqrt(load) + 1.0) / spa).astype(np.int64)
    hi = np.maximum(np.minimum(hi, cap), lo + 1)
    beyond = np.flatnonzero(hi > cap)
    if beyond.size:
        raise UnattainableTargetError(beyond.tolist(), cap)
    todo = np.arange(lam.size)
    while todo.size:
        ok = _ok(hi[todo], lam[todo], aht[todo], pat[todo], targets, spa)
        failed = todo[~ok]
        if failed.size and np.any(hi[failed] >= cap):
            bad = failed[hi[failed] >= cap]
            raise UnattainableTargetError(sorted(int(i) for i in bad), cap)
        lo[failed] = hi[failed]
        hi[failed] = np.minimum(2 * hi[failed] + 1, cap)
        todo = failed
    active = np.flatnonzero(hi - lo > 1)
    while active.size:
        mid = (lo[active] + hi[active]) // 2
        ok = _ok(mid, lam[active], aht[active], pat[active], targets, spa)
        hi[active[ok]] = mid[ok]
        lo[active[~ok]] = mid[~ok]
        active = active[hi[active] - lo[active] > 1]
    return hi


def scheduled_agents(required: ArrayLike, shrinkage: float) -> IntArray:
    """Agents to schedule so ``required`` remain after shrinkage s: ceil(required / (1 - s))."""
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError("shrinkage must be in [0, 1)")
    req = np.asarray(required, dtype=float)
    # the tolerance keeps e.g. 7 / (1 - 0.3) = 10.000000000000002 at 10
    return np.ceil(req / (1.0 - shrinkage) - 1e-9).astype(np.int64)
