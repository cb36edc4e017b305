"""The E-model against the reference vectors of DOMAIN.md section 4, and the verdict."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeshore.readiness.emodel import (
    G711,
    G711_PLC,
    G729A_VAD,
    NetworkSample,
    ReadinessThresholds,
    Verdict,
    delay_impairment,
    effective_equipment_impairment,
    mos_from_r,
    r_factor_g107,
    r_factor_network,
    verdict,
)

# baresip test/mos.c: (rtt ms, jitter ms, loss %) -> (R, MOS)
BARESIP = [
    ((0, 0, 0), (92.95, 4.404)),
    ((500, 0, 0), (54.20, 2.796)),
    ((0, 100, 0), (84.20, 4.172)),
    ((0, 200, 0), (64.20, 3.315)),
    ((0, 0, 1), (90.45, 4.350)),
    ((0, 0, 10), (67.95, 3.499)),
    ((10, 10, 10), (67.20, 3.463)),
]


@pytest.mark.parametrize(("network", "expected"), BARESIP)
def test_shortcut_matches_baresip_vectors(
    network: tuple[float, float, float], expected: tuple[float, float]
) -> None:
    r = r_factor_network(*network)
    assert r == pytest.approx(expected[0], abs=0.005)
    assert mos_from_r(r) == pytest.approx(expected[1], abs=0.0005)


def test_g107_without_impairments_is_the_default_r() -> None:
    assert r_factor_g107(50.0, 0.0, G711) == pytest.approx(93.2)
    assert delay_impairment(100.0) == 0.0


def test_g107_delay_impairment_curve() -> None:
    # X = log2(200/100) = 1: 25 * ((2)^(1/6) - 3 * (1 + 1/729)^(1/6) + 2)
    expected = 25 * (2 ** (1 / 6) - 3 * (1 + (1 / 3) ** 6) ** (1 / 6) + 2)
    assert delay_impairment(200.0) == pytest.approx(expected)
    assert delay_impairment(200.0) == pytest.approx(3.0444, abs=0.0001)
    assert delay_impairment(400.0) > delay_impairment(200.0)


def test_g107_codec_loss_robustness() -> None:
    # Ie_eff = Ie + (95 - Ie) * Ppl / (Ppl + Bpl) with BurstR = 1
    assert effective_equipment_impairment(G711, 1.0) == pytest.approx(95 * 1 / (1 + 4.3))
    assert effective_equipment_impairment(G711_PLC, 1.0) == pytest.approx(95 * 1 / (1 + 25.1))
    assert effective_equipment_impairment(G729A_VAD, 0.0) == pytest.approx(11.0)
    assert effective_equipment_impairment(G729A_VAD, 2.0) == pytest.approx(11 + 84 * 2 / 21)
    # packet loss concealment makes the same loss hurt less
    assert r_factor_g107(150, 2, G711_PLC) > r_factor_g107(150, 2, G711)


def test_mos_bounds_and_satisfaction_levels() -> None:
    assert mos_from_r(-5) == 1.0
    assert mos_from_r(120) == 4.5
    assert mos_from_r(80) == pytest.approx(4.024)  # G.107 tables round it to 4.03
    assert mos_from_r(0) == 1.0


@given(
    st.floats(0, 2000),
    st.floats(0, 500),
    st.floats(0, 100),
    st.floats(0, 200),
)
def test_shortcut_is_bounded_and_monotone(
    rtt: float, jitter: float, loss: float, more: float
) -> None:
    r = r_factor_network(rtt, jitter, loss)
    assert 0.0 <= r <= 100.0
    assert r_factor_network(rtt + more, jitter, loss) <= r + 1e-9
    assert r_factor_network(rtt, jitter + more, loss) <= r + 1e-9
    assert 1.0 <= mos_from_r(r) <= 4.5


@given(st.floats(0, 1000), st.floats(0, 100))
def test_g107_never_exceeds_default(ta: float, loss: float) -> None:
    assert r_factor_g107(ta, loss) <= 93.2 + 1e-9


def test_bad_inputs_raise() -> None:
    for call in (
        lambda: r_factor_network(-1, 0, 0),
        lambda: r_factor_network(0, 0, 101),
        lambda: delay_impairment(-1),
        lambda: effective_equipment_impairment(G711, -1),
        lambda: verdict([]),
    ):
        with pytest.raises(ValueError):
            call()


def good(n: int = 5) -> list[NetworkSample]:
    return [NetworkSample(30, 2, 0)] * n


def test_verdict_pass_for_a_good_wired_line() -> None:
    result = verdict(good(), bandwidth_kbps=5000, wired=True, usb_headset=True)
    assert result.verdict is Verdict.PASS
    assert result.reasons == ()
    assert result.mos > 4.3


def test_verdict_warns_above_recommendations() -> None:
    samples = [NetworkSample(300, 2, 0)] * 5  # above 240 ms recommended, under 400 ms limit
    result = verdict(samples)
    assert result.verdict is Verdict.WARN
    assert any("round-trip time 300 ms" in r and "recommended 240" in r for r in result.reasons)


def test_verdict_fails_beyond_limits_in_three_of_five_samples() -> None:
    two_bad = good(3) + [NetworkSample(30, 45, 0)] * 2
    assert verdict(two_bad).verdict is Verdict.PASS, "two spikes out of five are tolerated"
    three_bad = good(2) + [NetworkSample(30, 45, 0)] * 3
    result = verdict(three_bad)
    assert result.verdict is Verdict.FAIL
    assert any("jitter" in r and "limit 30 ms" in r for r in result.reasons)


def test_verdict_only_judges_the_last_samples() -> None:
    old_trouble = [NetworkSample(900, 90, 9)] * 5
    assert verdict(old_trouble + good(5)).verdict is Verdict.PASS


def test_verdict_fails_on_bandwidth_and_warns_on_wifi_and_headset() -> None:
    result = verdict(good(), bandwidth_kbps=64)
    assert result.verdict is Verdict.FAIL
    assert "bandwidth 64 kbit/s" in result.reasons[0]
    result = verdict(good(), wired=False, usb_headset=False)
    assert result.verdict is Verdict.WARN
    assert len(result.reasons) == 2


def test_thresholds_are_settings() -> None:
    strict = ReadinessThresholds(recommended_rtt_ms=20, limit_rtt_ms=25)
    assert verdict(good(), thresholds=strict).verdict is Verdict.FAIL
    lax = ReadinessThresholds(require_wired=False)
    assert verdict(good(), wired=False, thresholds=lax).verdict is Verdict.PASS
