"""Voice quality of a home workstation: the ITU-T G.107 E-model and a pass/warn/fail verdict.

Two ways to an R factor (DOMAIN.md section 4):

- :func:`r_factor_g107`, the simplified E-model ``R = 93.2 - Idd(Ta) - Ie_eff`` from one-way
  delay, packet loss and the codec's impairment (G.113 Appendix I);
- :func:`r_factor_network`, the widely used shortcut from round-trip time, jitter and loss.

:func:`verdict` turns network samples into pass / warn / fail with reasons in plain words,
against vendor-style thresholds that are settings (:class:`ReadinessThresholds`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

R_MAX_DEFAULT = 93.2


@dataclass(frozen=True, slots=True)
class Codec:
    """Equipment impairment ``Ie`` and packet-loss robustness ``Bpl`` (G.113 App. I)."""

    name: str
    ie: float
    bpl: float


G711 = Codec("G.711 without PLC", ie=0.0, bpl=4.3)
G711_PLC = Codec("G.711 with PLC", ie=0.0, bpl=25.1)
G729A_VAD = Codec("G.729A+VAD", ie=11.0, bpl=19.0)
CODECS: dict[str, Codec] = {"g711": G711, "g711_plc": G711_PLC, "g729a_vad": G729A_VAD}


def delay_impairment(ta_ms: float) -> float:
    """``Idd``: 0 up to 100 ms one-way delay, then the G.107 curve."""
    if ta_ms < 0:
        raise ValueError("one-way delay must be >= 0 ms")
    if ta_ms <= 100.0:
        return 0.0
    x = math.log2(ta_ms / 100.0)
    idd: float = 25.0 * ((1 + x**6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2)
    return idd


def effective_equipment_impairment(codec: Codec, loss_pct: float, burst_r: float = 1.0) -> float:
    """``Ie_eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl)``; BurstR = 1 for random loss."""
    if not 0.0 <= loss_pct <= 100.0:
        raise ValueError("packet loss must be within 0..100 %")
    if burst_r <= 0:
        raise ValueError("BurstR must be > 0")
    return codec.ie + (95.0 - codec.ie) * loss_pct / (loss_pct / burst_r + codec.bpl)


def r_factor_g107(
    ta_ms: float, loss_pct: float, codec: Codec = G711_PLC, burst_r: float = 1.0
) -> float:
    """Simplified E-model: ``R = 93.2 - Idd(Ta) - Ie_eff`` (Ta includes the jitter buffer)."""
    return (
        R_MAX_DEFAULT
        - delay_impairment(ta_ms)
        - effective_equipment_impairment(codec, loss_pct, burst_r)
    )


def r_factor_network(rtt_ms: float, jitter_ms: float, loss_pct: float) -> float:
    """Shortcut from round-trip time, jitter and loss, clamped to [0, 100]."""
    if rtt_ms < 0 or jitter_ms < 0:
        raise ValueError("round-trip time and jitter must be >= 0 ms")
    if not 0.0 <= loss_pct <= 100.0:
        raise ValueError("packet loss must be within 0..100 %")
    effective_latency_ms = rtt_ms + 2.0 * jitter_ms + 10.0
    if effective_latency_ms < 160.0:
        r = R_MAX_DEFAULT - effective_latency_ms / 40.0
    else:
        r = R_MAX_DEFAULT - (effective_latency_ms - 120.0) / 10.0
    r -= 2.5 * loss_pct
    return min(100.0, max(0.0, r))


def mos_from_r(r: float) -> float:
    """Mean opinion score (1..4.5) from an R factor. The G.107 cubic dips just under 1 for
    R below about 6.5; the score is floored at 1, the bottom of the scale."""
    if r < 0:
        return 1.0
    if r > 100:
        return 4.5
    return max(1.0, 1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r))


class Verdict(enum.StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class NetworkSample:
    """One measurement of the home connection (typically one per second)."""

    rtt_ms: float
    jitter_ms: float
    loss_pct: float


@dataclass(frozen=True, slots=True)
class ReadinessThresholds:
    """Vendor-style limits. ``recommended_*`` below: pass; beyond ``limit_*``: fail.

    Defaults: Bright Pattern's recommendations (rtt < 240 ms, jitter < 20 ms), Twilio's warning
    levels as limits (rtt > 400 ms, jitter > 30 ms, MOS < 3, loss judged on 3 of the last 5
    samples), 100 kbit/s per G.711 call, a wired connection and a USB headset.
    """

    recommended_rtt_ms: float = 240.0
    limit_rtt_ms: float = 400.0
    recommended_jitter_ms: float = 20.0
    limit_jitter_ms: float = 30.0
    recommended_loss_pct: float = 1.0
    limit_loss_pct: float = 2.0
    recommended_mos: float = 3.6
    limit_mos: float = 3.0
    min_bandwidth_kbps: float = 100.0
    window_samples: int = 5  # judge the last N samples ...
    bad_samples_to_flag: int = 3  # ... a metric is out when this many of them are
    require_wired: bool = True
    require_usb_headset: bool = True
    require_quiet_room: bool = True


@dataclass(frozen=True, slots=True)
class ReadinessResult:
    verdict: Verdict
    r_factor: float
    mos: float
    reasons: tuple[str, ...]


def _level(values: Sequence[float], recommended: float, limit: float, need: int) -> int:
    """0 fine, 1 above recommendation, 2 beyond limit (``need`` samples out of the window)."""
    if sum(1 for v in values if v > limit) >= need:
        return 2
    if sum(1 for v in values if v > recommended) >= need:
        return 1
    return 0


def verdict(
    samples: Sequence[NetworkSample],
    *,
    bandwidth_kbps: float | None = None,
    wired: bool | None = None,
    usb_headset: bool | None = None,
    thresholds: ReadinessThresholds | None = None,
    quiet_room: bool | None = None,
) -> ReadinessResult:
    """Pass, warn or fail a home workstation, with one plain-words reason per problem."""
    th = thresholds or ReadinessThresholds()
    if not samples:
        raise ValueError("a readiness check needs at least one network sample")
    window = list(samples)[-th.window_samples :]
    need = min(th.bad_samples_to_flag, len(window))
    rtt = [s.rtt_ms for s in window]
    jitter = [s.jitter_ms for s in window]
    loss = [s.loss_pct for s in window]
    r_values = [r_factor_network(s.rtt_ms, s.jitter_ms, s.loss_pct) for s in window]
    r_mean = sum(r_values) / len(r_values)
    mos = mos_from_r(r_mean)
    reasons: list[str] = []
    worst = 0
    checks = (
        ("round-trip time", "ms", rtt, th.recommended_rtt_ms, th.limit_rtt_ms),
        ("jitter", "ms", jitter, th.recommended_jitter_ms, th.limit_jitter_ms),
        ("packet loss", "%", loss, th.recommended_loss_pct, th.limit_loss_pct),
    )
    for name, unit, values, recommended, limit in checks:
        level = _level(values, recommended, limit, need)
        if level:
            bound = limit if level == 2 else recommended
            word = "above the limit" if level == 2 else "above the recommended"
            reasons.append(
                f"{name} {max(values):g} {unit} is {word} {bound:g} {unit} "
                f"in {need} or more of the last {len(window)} samples"
            )
            worst = max(worst, level)
    if mos < th.limit_mos:
        reasons.append(f"voice quality MOS {mos:.2f} is below the minimum {th.limit_mos:g}")
        worst = 2
    elif mos < th.recommended_mos:
        reasons.append(
            f"voice quality MOS {mos:.2f} is below the recommended {th.recommended_mos:g}"
        )
        worst = max(worst, 1)
    if bandwidth_kbps is not None and bandwidth_kbps < th.min_bandwidth_kbps:
        reasons.append(
            f"bandwidth {bandwidth_kbps:g} kbit/s is below the {th.min_bandwidth_kbps:g} kbit/s "
            "one call needs"
        )
        worst = 2
    if th.require_wired and wired is False:
        reasons.append("the computer is not on a wired connection (Wi-Fi drops calls)")
        worst = max(worst, 1)
    if th.require_usb_headset and usb_headset is False:
        reasons.append("no USB headset detected")
        worst = max(worst, 1)
    if th.require_quiet_room and quiet_room is False:
        reasons.append("the room is not quiet (customers hear the background)")
        worst = max(worst, 1)
    result = (Verdict.PASS, Verdict.WARN, Verdict.FAIL)[worst]
    return ReadinessResult(result, r_mean, mos, tuple(reasons))
