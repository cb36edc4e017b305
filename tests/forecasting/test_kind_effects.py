from __future__ import annotations

import numpy as np
import pytest

from homeshore.forecasting.kind_effects import (
    LEARNED,
    NO_PRECEDENT,
    PRIOR,
    day_noise_variance,
    learn_effect,
)

NOISE = 0.05**2  # ordinary days vary by 5 %


def _learn(actual: list[float], expected: list[float], **kw: object):  # type: ignore[no-untyped-def]
    return learn_effect("holiday", np.array(actual), np.array(expected), noise_variance=NOISE, **kw)


def test_a_departure_within_the_noise_is_read_as_no_effect() -> None:
    effect = _learn([1030.0, 985.0], [1000.0, 1000.0])
    assert (effect.basis, effect.days, effect.weight) == (LEARNED, 2, 0.0)
    assert effect.effect == 1.0 and effect.raw == pytest.approx(1.0075)


def test_a_closed_day_is_learned_from_a_single_precedent() -> None:
    effect = _learn([0.0], [1000.0])
    assert effect.weight > 0.99 and effect.effect < 0.01


def test_a_clear_departure_is_kept_almost_whole() -> None:
    effect = _learn([500.0, 520.0, 480.0], [1000.0, 1000.0, 1000.0])
    assert 0.5 < effect.effect < 0.51 and effect.weight > 0.99


def test_days_that_disagree_are_pulled_toward_no_effect() -> None:
    # one backlog day at x1.9, two at about x1: the between-day spread, not the noise, counts
    effect = _learn([1900.0, 920.0, 1190.0], [1000.0, 1000.0, 1000.0])
    assert effect.raw == pytest.approx(1.337, abs=1e-3)
    assert 1.0 < effect.effect < 1.15 and effect.weight < 0.4


def test_more_days_of_the_same_departure_weigh_more() -> None:
    noisy = 0.2**2  # a small queue
    one = learn_effect("eve", np.array([700.0]), np.array([1000.0]), noise_variance=noisy)
    four = learn_effect(
        "eve", np.array([700.0, 720.0, 680.0, 700.0]), np.full(4, 1000.0), noise_variance=noisy
    )
    assert one.weight < four.weight
    assert abs(one.effect - 0.7) > abs(four.effect - 0.7)


def test_no_precedent_means_no_effect_unless_the_prior_is_asked_for() -> None:
    plain = _learn([], [], prior=0.25)
    assert (plain.effect, plain.basis, plain.prior, plain.has_precedent) == (
        1.0,
        NO_PRECEDENT,
        0.25,
        False,
    )
    asked = _learn([], [], prior=0.25, use_prior=True)
    assert (asked.effect, asked.basis, asked.has_precedent) == (0.25, PRIOR, False)


def test_with_priors_a_learned_effect_is_shrunk_toward_the_prior() -> None:
    # a holiday that did not move the traffic, seen once: the data win over the prior
    effect = _learn([1010.0], [1000.0], prior=0.25, use_prior=True)
    assert effect.target == 0.25 and effect.effect > 0.99


def test_day_noise_is_robust_and_never_under_poisson() -> None:
    rng = np.random.default_rng(3)
    expected = np.full(200, 1000.0)
    actual = expected * rng.normal(1.0, 0.1, 200)
    actual[:5] = 0.0  # outages do not inflate it
    assert 0.08**2 < day_noise_variance(actual, expected) < 0.12**2
    assert day_noise_variance(np.full(50, 4.0), np.full(50, 4.0)) == pytest.approx(0.25)
