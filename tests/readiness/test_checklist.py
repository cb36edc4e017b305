from __future__ import annotations

from homeshore.readiness.emodel import NetworkSample, ReadinessThresholds, Verdict, verdict

GOOD = [NetworkSample(rtt_ms=30.0, jitter_ms=2.0, loss_pct=0.0)] * 5


def test_a_noisy_room_warns_with_a_plain_reason() -> None:
    result = verdict(GOOD, wired=True, usb_headset=True, quiet_room=False)
    assert result.verdict is Verdict.WARN
    assert result.reasons == ("the room is not quiet (customers hear the background)",)


def test_a_quiet_room_or_no_answer_changes_nothing() -> None:
    assert verdict(GOOD, wired=True, usb_headset=True, quiet_room=True).verdict is Verdict.PASS
    assert verdict(GOOD, wired=True, usb_headset=True).verdict is Verdict.PASS


def test_the_quiet_room_rule_is_a_setting() -> None:
    lenient = ReadinessThresholds(require_quiet_room=False)
    assert verdict(GOOD, quiet_room=False, thresholds=lenient).verdict is Verdict.PASS
