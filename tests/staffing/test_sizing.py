from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeshore.domain import ServiceTargets
from homeshore.staffing.erlang import queue_metrics
from homeshore.staffing.sizing import (
    StaffingTargets,
    UnattainableTargetError,
    meets_targets,
    required_agents,
    scheduled_agents,
)

SL80 = StaffingTargets(service_level=0.8, threshold_s=20)


def test_reference_sizes() -> None:
    # 100 calls / 30 min, AHT 180 s, 80 % in 20 s: 14 agents (Erlang C), 13 with patience 300 s
    assert int(required_agents(100 / 1800, 180, SL80)) == 14
    assert int(required_agents(100 / 1800, 180, SL80, patience_s=300)) == 13


def test_erlang_a_can_need_fewer_agents_than_the_offered_load() -> None:
    lam, aht = 1000 / 1800, 600  # 333.3 Erlangs, impatient callers
    targets = StaffingTargets(service_level=0.5, threshold_s=60)
    n = int(required_agents(lam, aht, targets, patience_s=30))
    assert n < lam * aht
    m = queue_metrics([n - 1, n], lam, aht, 60, 30)
    assert m.service_level[1] >= 0.5 > m.service_level[0]


def _brute_minimum(lam: float, aht: float, pat: float, t: StaffingTargets, spa: int) -> int:
    n = 1  # contacts need at least one agent
    while True:
        m = queue_metrics(n * spa, lam, aht, t.threshold_s, pat)
        stable = np.isfinite(pat) or n * spa > lam * aht
        if bool(meets_targets(m, t)) and stable:
            return n
        n += 1


@st.composite
def targets_st(draw: st.DrawFn) -> StaffingTargets:
    sl = draw(st.one_of(st.none(), st.floats(0.3, 0.99)))
    asa = draw(st.one_of(st.none(), st.floats(2, 120)))
    abandon = draw(st.one_of(st.none(), st.floats(0.01, 0.3)))
    occupancy = draw(st.one_of(st.none(), st.floats(0.6, 1.0)))
    if sl is None and asa is None and abandon is None and occupancy is None:
        sl = 0.8
    return StaffingTargets(
        service_level=sl,
        threshold_s=draw(st.floats(0, 120)),
        max_asa_s=asa,
        max_abandon_rate=abandon,
        max_occupancy=occupancy,
        sl_excludes_early_abandons=draw(st.booleans()),
    )


@settings(max_examples=60, deadline=None)
@given(
    calls=st.floats(1, 400),
    aht=st.floats(60, 900),
    patience=st.one_of(st.just(np.inf), st.floats(10, 900)),
    targets=targets_st(),
    spa=st.integers(1, 3),
)
def test_required_agents_is_the_true_minimum(
    calls: float, aht: float, patience: float, targets: StaffingTargets, spa: int
) -> None:
    lam = calls / 1800
    n = int(required_agents(lam, aht, targets, patience_s=patience, servers_per_agent=spa))
    assert n == _brute_minimum(lam, aht, patience, targets, spa)
    ok = meets_targets(queue_metrics(n * spa, lam, aht, targets.threshold_s, patience), targets)
    assert bool(ok)
    if n > 0:  # one agent fewer misses a target
        fewer = queue_metrics((n - 1) * spa, lam, aht, targets.threshold_s, patience)
        stable = np.isfinite(patience) or (n - 1) * spa > lam * aht
        assert not (bool(meets_targets(fewer, targets)) and stable)


def test_vectorised_matches_one_by_one() -> None:
    rng = np.random.default_rng(7)
    calls = rng.uniform(10, 2000, 300)
    aht = rng.uniform(180, 600, 300)
    pat = rng.uniform(60, 600, 300)
    pat[::3] = np.inf
    together = required_agents(calls / 1800, aht, SL80, patience_s=pat)
    alone = [
        int(required_agents(c / 1800, a, SL80, patience_s=p))
        for c, a, p in zip(calls, aht, pat, strict=True)
    ]
    assert together.tolist() == alone


def test_closed_intervals_need_nobody() -> None:
    assert required_agents([0.0, 0.0], 300, SL80).tolist() == [0, 0]
    assert required_agents([0.0, 0.1], 300, SL80, patience_s=200)[0] == 0


def test_large_centre() -> None:
    lam = 15000 / 300  # 15,000 Erlangs
    n_c = int(required_agents(lam, 300, SL80))
    n_a = int(required_agents(lam, 300, SL80, patience_s=600))
    assert 15000 < n_c < 15200
    assert n_a <= n_c
    m = queue_metrics([n_c - 1, n_c], lam, 300, 20)
    assert m.service_level[0] < 0.8 <= m.service_level[1]


def test_unattainable_targets_are_reported() -> None:
    with pytest.raises(UnattainableTargetError, match=r"up to 100 agents in interval\(s\) 1"):
        required_agents([0.01, 1.0], 300, SL80, max_agents=100)  # 300 Erlangs in interval 1


def test_targets_from_domain_queue_targets() -> None:
    t = StaffingTargets.from_service_targets(ServiceTargets(0.9, 30, max_abandon_rate=0.05))
    assert (t.service_level, t.threshold_s, t.max_abandon_rate) == (0.9, 30, 0.05)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"service_level": 1.5},
        {"threshold_s": -1},
        {"max_occupancy": 0},
        {"max_asa_s": 0},
        {"service_level": None},
    ],
)
def test_bad_targets(kwargs: dict[str, float | None]) -> None:
    with pytest.raises(ValueError):
        StaffingTargets(**kwargs)  # type: ignore[arg-type]


def test_shrinkage() -> None:
    assert scheduled_agents([7, 0, 13], 0.3).tolist() == [10, 0, 19]
    assert scheduled_agents([14], 0.0).tolist() == [14]
    with pytest.raises(ValueError):
        scheduled_agents([1], 1.0)


@given(required=st.integers(0, 20000), s=st.floats(0, 0.9))
def test_shrinkage_is_the_smallest_cover(required: int, s: float) -> None:
    k = int(scheduled_agents([required], s)[0])
    assert k * (1 - s) >= required - 1e-6
    assert k == 0 or (k - 1) * (1 - s) < required
