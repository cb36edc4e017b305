from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from homeshore.readiness.emodel import NetworkSample, verdict
from homeshore.web.reasons import localise, recognised


def _every_reason() -> list[str]:
    """Reasons of every kind the verdict gives, at both levels."""
    reasons: list[str] = []
    bad = [NetworkSample(rtt_ms=600.0, jitter_ms=80.0, loss_pct=8.0)] * 5
    meh = [NetworkSample(rtt_ms=300.0, jitter_ms=25.0, loss_pct=1.5)] * 5
    reasons += verdict(bad, bandwidth_kbps=50.0, wired=False, usb_headset=False).reasons
    reasons += verdict(meh, quiet_room=False).reasons
    return list(reasons)


def test_the_verdict_gives_every_kind_of_reason_tested_here() -> None:
    text = " | ".join(_every_reason())
    for words in (
        "round-trip time",
        "jitter",
        "packet loss",
        "above the limit",
        "above the recommended",
        "MOS",
        "bandwidth",
        "wired",
        "USB headset",
        "quiet",
    ):
        assert words in text


def test_every_reason_of_the_verdict_has_a_french_wording() -> None:
    for reason in _every_reason():
        assert recognised(reason), reason
        french = localise(reason, "fr")
        assert french != reason[:1].upper() + reason[1:], reason
        assert french[0].isupper()


def test_french_wording_keeps_the_figures() -> None:
    reason = "packet loss 8 % is above the limit 2 % in 3 or more of the last 5 samples"
    assert localise(reason, "fr") == (
        "Le taux de pertes atteint 8 % et dépasse la limite de 2 % dans au moins 3 des 5 "
        "dernières mesures"
    )
    mos = "voice quality MOS 2.58 is below the minimum 3"
    assert localise(mos, "fr") == "La qualité vocale (MOS 2,58) est sous le minimum de 3"


def test_english_is_kept_and_unknown_sentences_are_shown_as_they_are() -> None:
    assert localise("no USB headset detected", "en") == "No USB headset detected"
    assert localise("something new", "fr") == "Something new"
    assert not recognised("something new")


@given(
    st.floats(0, 2_000),
    st.floats(0, 500),
    st.floats(0, 100),
    st.one_of(st.none(), st.floats(0, 10_000)),
    st.one_of(st.none(), st.booleans()),
)
def test_any_verdict_is_fully_translated(
    rtt: float, jitter: float, loss: float, kbps: float | None, flag: bool | None
) -> None:
    samples = [NetworkSample(rtt, jitter, loss)] * 5
    result = verdict(samples, bandwidth_kbps=kbps, wired=flag, usb_headset=flag, quiet_room=flag)
    for reason in result.reasons:
        assert recognised(reason), reason
