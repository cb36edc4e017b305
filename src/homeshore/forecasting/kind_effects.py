"""The effect of a kind of day, learned from the centre's own history.

A calendar only proposes candidate days (public holidays, their eves, ...): whether they move a
centre's traffic, and by how much, is measured on that centre's past days of the same kind.
Only the days on which the centre was expected to be open count (expected > 0): a holiday that
fell on a weekday the centre is closed anyway says nothing.

Over those n days, r = sum actual / sum expected (expected: what an ordinary day of the same
weekday and week would have received) is shrunk toward a target t (1 = no effect; the
calendar's prior when the user asks for it) by an empirical-Bayes weight:

    effect = t + w (r - t),   w = max(0, 1 - v / (r - t)^2),

v being the sampling variance of r: the variance of one day's ratio (the larger of the spread
of the queue's ordinary days around their expectation, `day_noise_variance`, and the spread of
the kind's own days around r) times sum e_i^2 / (sum e_i)^2 (1 / n for n alike days). It is the
posterior mean of the effect under effect ~ N(t, tau^2), tau^2 estimated by moments as
(r - t)^2 - v: a departure within the noise is read as none (w = 0), a clear one is kept almost
whole. A centre closed on its holidays (r = 0, far beyond its day-to-day noise) is closed on the
next one from a single precedent; a centre whose holidays are ordinary days keeps an effect of
about 1; a kind whose few days disagree (one backlog day at x1.9, another at x0.9) is pulled
toward t.

A kind with no such day has no precedent. With priors asked for, its effect is the calendar's
prior (PRIOR). Otherwise the centre's own past calendar days say how far the calendar holds
here: `calendar_following` is the share of the calendar's typical departures that the learned
kinds showed (0: a centre whose holidays moved nothing, 1: one that follows the calendar), and
the new kind gets that share of its prior's departure (FOLLOWED; none when the history holds
no calendar day to judge from: NO_PRECEDENT). Either way the forecast flags it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from homeshore.forecasting.history import FloatArray

#: How an effect was obtained.
LEARNED = "learned"  # from the history's days of the kind
GIVEN = "given"  # a user-declared event effect
NO_PRECEDENT = "no precedent"  # no such day in the history: no effect assumed
PRIOR = "prior"  # no such day in the history: the calendar's prior, on the user's request
#: no such day in the history: the calendar's prior, scaled by how far the centre's own past
#: calendar days followed the calendar (calendar_following)
FOLLOWED = "calendar followed"
#: A robust standard deviation is this times the median absolute deviation.
MAD_TO_SD = 1.4826


@dataclass(frozen=True, slots=True)
class KindEffect:
    """The multiplier of a day's expected total for one kind of day, and how it was found."""

    kind: str
    effect: float
    basis: str  # LEARNED, GIVEN, NO_PRECEDENT or PRIOR
    days: int = 0  # history days of the kind on which the centre was expected open
    raw: float = float("nan")  # sum actual / sum expected over those days
    weight: float = 0.0  # share of the departure from the target kept
    target: float = 1.0  # what the effect is shrunk toward
    prior: float | None = None  # the calendar's typical effect of the kind, if it has one

    @property
    def has_precedent(self) -> bool:
        return self.basis in (LEARNED, GIVEN)

    def shrink(self, raw: FloatArray | float) -> FloatArray:
        """Apply this kind's weight to other raw ratios (an intraday curve of the kind)."""
        return np.asarray(self.target + self.weight * (np.asarray(raw) - self.target), dtype=float)


def day_noise_variance(actual: FloatArray, expected: FloatArray) -> float:
    """Variance of one ordinary day's ratio actual / expected: robust (1.4826 x the median
    absolute deviation) and never under the Poisson variance at the queue's typical volume."""
    keep = ~np.isnan(actual) & ~np.isnan(expected) & (np.nan_to_num(expected) > 0)
    if not keep.any():
        return 1.0
    ratio = actual[keep] / expected[keep]
    poisson = 1.0 / max(float(expected[keep].mean()), 1e-9)
    if len(ratio) < 3:
        return poisson
    spread = MAD_TO_SD * float(np.median(np.abs(ratio - np.median(ratio))))
    return max(spread**2, poisson)


def learn_effect(
    kind: str,
    actual: FloatArray,
    expected: FloatArray,
    *,
    noise_variance: float,
    prior: float | None = None,
    use_prior: bool = False,
) -> KindEffect:
    """The effect of `kind` from the daily totals of its past days (see module doc).

    actual, expected: one value per past day of the kind on which the centre was expected to
    be open (expected > 0). `prior` is the calendar's typical effect of the kind (None for an
    event); with `use_prior` it is the target, and the effect of a kind without precedent.
    """
    target = prior if use_prior and prior is not None else 1.0
    if len(actual) == 0:
        basis = PRIOR if use_prior and prior is not None else NO_PRECEDENT
        return KindEffect(kind, target, basis, target=target, prior=prior)
    total = float(expected.sum())
    raw = float(actual.sum()) / total
    spread = noise_variance
    if len(actual) >= 2:
        ratios = actual / expected
        between = float((expected * (ratios - raw) ** 2).sum() / total) * len(actual)
        spread = max(spread, between / (len(actual) - 1))
    variance = spread * float((expected**2).sum()) / total**2
    gap = (raw - target) ** 2
    weight = max(0.0, 1.0 - variance / gap) if gap > 0 else 0.0
    effect = target + weight * (raw - target)
    return KindEffect(kind, effect, LEARNED, len(actual), raw, weight, target, prior)


def calendar_following(effects: Iterable[KindEffect]) -> float:
    """How far this centre's past calendar days followed the calendar, in [0, 1]: the slope
    through (1, 1) of the learned effects on their kinds' priors, each kind weighted by its
    days (sum n (e - 1)(p - 1) / sum n (p - 1)^2); 0 when no learned kind has a prior that
    departs from 1. The learned effects are already shrunk toward none, so thin evidence
    gives a small share."""
    num = den = 0.0
    for e in effects:
        if e.basis != LEARNED or e.prior is None or e.prior == 1.0 or e.days == 0:
            continue
        num += e.days * (e.effect - 1.0) * (e.prior - 1.0)
        den += e.days * (e.prior - 1.0) ** 2
    return min(1.0, max(0.0, num / den)) if den > 0 else 0.0


def followed(effect: KindEffect, share: float) -> KindEffect:
    """A kind without precedent given `share` of its prior's departure from 1 (FOLLOWED);
    unchanged when it has no prior or the share is 0."""
    if effect.basis != NO_PRECEDENT or effect.prior is None or share <= 0.0:
        return effect
    value = 1.0 + share * (effect.prior - 1.0)
    return KindEffect(effect.kind, value, FOLLOWED, weight=share, prior=effect.prior)
