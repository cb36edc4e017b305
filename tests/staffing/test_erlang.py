from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeshore.staffing.erlang import (
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    queue_metrics,
)
from tests.staffing._brute import brute_erlang_a

# --- published reference values (DOMAIN.md section 1), to the digits shown ---------------


def test_erlang_b_reference() -> None:
    assert round(float(erlang_b(132, 123)), 7) == 0.0312428


@pytest.mark.parametrize(("n", "load", "p_wait"), [(132, 123, 0.321116), (12421, 12345, 0.381225)])
def test_erlang_c_reference(n: int, load: float, p_wait: float) -> None:
    assert round(float(erlang_c(n, load)), 6) == p_wait


@pytest.mark.parametrize(
    ("n", "p_wait", "sl", "wait_s"),
    [(40, 0.190737, 0.937211, 3.43327), (35, 0.696513, 0.472416, 50.1489)],
)
def test_erlang_c_1000_calls_per_hour(n: int, p_wait: float, sl: float, wait_s: float) -> None:
    m = erlang_c_metrics(n, 1000 / 3600, 120, 20)
    assert round(float(m.p_wait), 6) == p_wait
    assert round(float(m.service_level), 6) == sl
    assert float(m.mean_wait_s) == pytest.approx(wait_s, abs=0.6 * 10 ** -(len(str(wait_s)) - 3))
    assert f"{float(m.mean_wait_s):.6g}" == f"{wait_s:.6g}"
    assert float(m.asa_s) == float(m.mean_wait_s)  # nobody abandons in Erlang C


def test_erlang_c_100_calls_per_30_min() -> None:
    m = erlang_c_metrics(14, 100 / 1800, 180, 20)
    assert round(float(m.p_wait), 6) == 0.174132
    assert round(float(m.service_level), 6) == 0.888350


def test_erlang_a_reference_14_agents() -> None:
    m = erlang_a_metrics(14, 100 / 1800, 180, 300, 20)
    assert round(float(m.p_wait), 5) == 0.14526
    assert round(float(m.p_abandon), 6) == 0.013984
    assert round(float(m.occupancy), 6) == 0.704297
    assert round(float(m.service_level), 6) == 0.916792
    # DOMAIN.md prints E[W] 4.19514 s; the exact value is P(abandon) x patience (Little's law
    # on abandons) = 4.195123 s, which pyworkforce 0.5.4 itself returns and a brute-force
    # birth-death solution confirms: the table's last two digits are a typo, not reproduced.
    assert round(float(m.mean_wait_s), 4) == 4.1951
    assert float(m.mean_wait_s) == pytest.approx(
        brute_erlang_a(14, 100 / 1800, 180, 300, 20).mean_wait_s
    )


def test_erlang_a_reference_13_agents() -> None:
    m = erlang_a_metrics(13, 100 / 1800, 180, 300, 20)
    assert round(float(m.service_level), 6) == 0.858178
    assert round(float(m.occupancy), 6) == 0.750028
    assert round(float(m.p_abandon), 6) == 0.024963
    assert round(float(m.p_wait), 6) == 0.225797
    # DOMAIN.md prints 7.48902 s; exact is 0.0249633 x 300 = 7.48899 s (see above)
    assert round(float(m.mean_wait_s), 4) == 7.4890


# --- exactness against an independent numerical solution ---------------------------------


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 25),
    load_ratio=st.floats(0.2, 2.0),
    aht=st.floats(60, 900),
    patience=st.floats(10, 600),
    t=st.floats(0, 120),
)
def test_erlang_a_matches_brute_force(
    n: int, load_ratio: float, aht: float, patience: float, t: float
) -> None:
    lam = load_ratio * n / aht
    b = brute_erlang_a(n, lam, aht, patience, t)
    m = erlang_a_metrics(n, lam, aht, patience, t)
    assert float(m.p_wait) == pytest.approx(b.p_wait, rel=1e-8, abs=1e-12)
    assert float(m.p_abandon) == pytest.approx(b.p_abandon, rel=1e-7, abs=1e-12)
    assert float(m.service_level) == pytest.approx(b.service_level, rel=1e-7, abs=1e-10)
    assert float(m.service_level_excl_early_abandons) == pytest.approx(
        b.service_level_excl, rel=1e-7, abs=1e-10
    )
    assert float(m.asa_s) == pytest.approx(b.asa_s, rel=1e-6, abs=1e-9)


# --- properties --------------------------------------------------------------------------

loads = st.floats(0.01, 3000)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 4000),
    load=loads,
    aht=st.floats(10, 2000),
    patience=st.floats(1, 5000),
    t=st.floats(0, 600),
)
def test_probabilities_in_unit_interval(
    n: int, load: float, aht: float, patience: float, t: float
) -> None:
    for m in (
        erlang_a_metrics(n, load / aht, aht, patience, t),
        erlang_c_metrics(n, load / aht, aht, t),
    ):
        for p in (m.p_wait, m.p_abandon, m.service_level, m.service_level_excl_early_abandons):
            assert 0.0 <= float(p) <= 1.0
        assert 0.0 <= float(m.occupancy) <= 1.0
        assert float(m.mean_wait_s) >= 0.0
        assert float(m.service_level) <= float(m.service_level_excl_early_abandons) + 1e-12


@settings(max_examples=40, deadline=None)
@given(load=loads, aht=st.floats(10, 2000), patience=st.floats(1, 5000), t=st.floats(0, 600))
def test_service_level_non_decreasing_in_agents(
    load: float, aht: float, patience: float, t: float
) -> None:
    n = np.arange(0, int(load * 1.5) + 30)
    for m in (
        erlang_a_metrics(n, load / aht, aht, patience, t, with_asa=False),
        erlang_c_metrics(n, load / aht, aht, t),
    ):
        assert np.all(np.diff(m.service_level) >= -1e-12)
        assert np.all(np.diff(m.p_abandon) <= 1e-12)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 2000), rho=st.floats(0.05, 0.98), aht=st.floats(10, 2000), t=st.floats(0, 600)
)
def test_erlang_a_tends_to_erlang_c(n: int, rho: float, aht: float, t: float) -> None:
    lam = rho * n / aht
    c = erlang_c_metrics(n, lam, aht, t)
    a = erlang_a_metrics(n, lam, aht, 1e9 * aht, t)
    assert float(a.p_wait) == pytest.approx(float(c.p_wait), rel=1e-4, abs=1e-9)
    assert float(a.service_level) == pytest.approx(float(c.service_level), rel=1e-4, abs=1e-9)
    assert float(a.asa_s) == pytest.approx(float(c.asa_s), rel=1e-3, abs=1e-6)
    assert float(a.p_abandon) < 1e-3


def test_erlang_a_approaches_erlang_c_monotonically() -> None:
    lam, aht, n = 100 / 1800, 180, 11
    c = erlang_c_metrics(n, lam, aht, 20)
    gaps = [
        abs(float(erlang_a_metrics(n, lam, aht, p, 20).p_wait - c.p_wait))
        for p in (100, 1e3, 1e5, 1e7, 1e9)
    ]
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[-1] < 1e-6


# --- extreme sizes -----------------------------------------------------------------------


def test_extreme_sizes_are_finite_and_sane() -> None:
    n = np.array([20000, 15100, 15000, 10000, 1])
    load = 15000.0
    b = erlang_b(n, load)
    c = erlang_c(n, load)
    assert np.all(np.isfinite(b)) and np.all((b >= 0) & (b <= 1))
    assert c[0] < 1e-100 and 0 < c[1] < 1 and c[2] == 1.0 and c[3] == 1.0
    assert b[3] == pytest.approx(1 - 10000 / 15000, rel=1e-3)  # B -> 1 - n/A when overloaded
    assert b[4] == pytest.approx(1 / (1 + 1 / 15000))
    aht = 300.0
    m = erlang_a_metrics(n, load / aht, aht, 600, 20)
    for field in ("p_wait", "p_abandon", "service_level", "mean_wait_s", "asa_s", "occupancy"):
        values = getattr(m, field)
        assert np.all(np.isfinite(values)), field
    assert m.service_level[0] == pytest.approx(1.0)
    # overloaded by half: about a third abandons, servers all busy
    assert m.p_abandon[3] == pytest.approx(1 - 10000 / 15000, rel=0.01)
    assert m.occupancy[3] == pytest.approx(1.0, abs=1e-3)
    assert np.all(np.diff(m.service_level[:4]) <= 0)


def test_extreme_patience_ratios() -> None:
    # x = n mu / theta huge and y far below it: incomplete gamma underflows in direct form
    m = erlang_a_metrics(20000, 10000 / 300, 300, 3600, 20)
    assert float(m.p_wait) == 0.0 and float(m.service_level) == 1.0
    m = erlang_a_metrics(12000, 13000 / 60, 60, 3600, 20)
    assert 0 < float(m.asa_s) < 3600 and np.isfinite(float(m.p_abandon))


def test_no_traffic_and_no_agents() -> None:
    m = queue_metrics([0, 5], 0.0, 180, 20, 300)
    assert list(m.service_level) == [1.0, 1.0] and list(m.p_wait) == [0.0, 0.0]
    m = erlang_a_metrics(0, 0.1, 180, 300, 20)
    assert float(m.p_abandon) == 1.0 and float(m.service_level) == 0.0
    m = erlang_c_metrics(3, 1 / 60, 180, 20)  # load 3 on 3 agents: unstable
    assert float(m.p_wait) == 1.0 and float(m.service_level) == 0.0
    assert np.isinf(float(m.mean_wait_s))


def test_queue_metrics_mixes_erlang_a_and_c() -> None:
    m = queue_metrics([14, 14], 100 / 1800, 180, 20, [np.inf, 300])
    assert round(float(m.p_wait[0]), 6) == 0.174132
    assert round(float(m.p_wait[1]), 5) == 0.14526


@pytest.mark.parametrize(
    "kwargs",
    [
        {"servers": -1},
        {"servers": 2.5},
        {"aht_s": 0},
        {"arrivals_per_s": -1},
        {"patience_s": 0},
        {"threshold_s": -5},
    ],
)
def test_bad_inputs_raise(kwargs: dict[str, float]) -> None:
    args = {
        "servers": 10,
        "arrivals_per_s": 0.05,
        "aht_s": 180.0,
        "patience_s": 300.0,
        "threshold_s": 20.0,
    } | kwargs
    with pytest.raises(ValueError):
        erlang_a_metrics(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n", "calls_per_aht", "aht", "patience"),
    [(500, 520, 300, 200), (500, 450, 300, 600), (2000, 2100, 180, 60), (1000, 900, 240, 3000)],
)
def test_asa_matches_the_incomplete_gamma_series(
    n: int, calls_per_aht: float, aht: float, patience: float
) -> None:
    """E[W 1{answered} | wait] = (x/y) / theta * sum_k P(x+1+k, y) / (x+1+k) / P(x, y)."""
    from scipy.special import gammainc

    lam = calls_per_aht / aht
    x, y = n * patience / aht, lam * patience
    k = np.arange(int(max(0.0, y - x) + 40 * np.sqrt(y) + 200))
    answered_wait = (x / y) * np.sum(gammainc(x + 1 + k, y) / (x + 1 + k)) / gammainc(x, y)
    m = erlang_a_metrics(n, lam, aht, patience, 20)
    expected = answered_wait * patience * float(m.p_wait) / (1 - float(m.p_abandon))
    assert float(m.asa_s) == pytest.approx(expected, rel=1e-9)
