"""Effects of special days: on the daily total, or interval by interval.

An effect is the ratio of what a kind of day received to what an ordinary day of the same
weekday and week would have received, pooled over the history's days of that kind on which the
centre was expected to be open, and shrunk toward no effect (or toward the calendar's prior,
calendar.DEFAULT_EFFECTS, when the user asks for priors) by an empirical-Bayes weight that grows
with the number of such days and how far they depart beyond the queue's day-to-day noise
(kind_effects.py). A kind the history never saw gets the calendar's prior when priors are
asked for, else the share of it that the centre's own past calendar days followed (none if
they moved nothing, or if there were none), and is flagged. A user-given event effect is used as is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from homeshore.errors import InputError
from homeshore.forecasting.calendar import NORMAL, SAME_SHAPE_KINDS
from homeshore.forecasting.history import FloatArray
from homeshore.forecasting.kind_effects import (
    GIVEN,
    LEARNED,
    KindEffect,
    calendar_following,
    day_noise_variance,
    followed,
    learn_effect,
)
from homeshore.forecasting.method import Context


def estimate_effects(
    actual: FloatArray,
    expected: FloatArray,
    kinds: Sequence[str],
    wanted: Sequence[str],
    given: Mapping[str, float],
    priors: Mapping[str, float],
    *,
    queue: str,
    use_priors: bool = False,
) -> dict[str, KindEffect]:
    """Effect per wanted kind. actual/expected: daily totals of history days (NaN = skip).

    `priors` holds the calendar's typical effect of its kinds: a wanted kind outside it is a
    user event, which needs a given effect or a past day (InputError otherwise).
    """
    kinds_arr = np.array(kinds)
    ok = ~np.isnan(actual) & ~np.isnan(expected)
    open_ = ok & (np.nan_to_num(expected) > 0)
    normal = open_ & (kinds_arr == NORMAL)
    noise = day_noise_variance(actual[normal], expected[normal])
    effects = {NORMAL: KindEffect(NORMAL, 1.0, LEARNED, int(normal.sum()), 1.0, 0.0)}
    for kind in sorted(set(wanted) - {NORMAL}):
        rows = open_ & (kinds_arr == kind)
        if kind in given:
            effects[kind] = KindEffect(kind, float(given[kind]), GIVEN, int(rows.sum()))
            continue
        if kind not in priors and not rows.any():
            raise InputError(
                f"event {kind!r} has no effect given and no past day to estimate it from",
                where=f"queue {queue}",
            )
        effects[kind] = learn_effect(
            kind,
            actual[rows],
            expected[rows],
            noise_variance=noise,
            prior=priors.get(kind),
            use_prior=use_priors,
        )
    share = calendar_following(effects.values())
    return {kind: followed(effect, share) for kind, effect in effects.items()}


def context_effects(context: Context, expected: FloatArray) -> dict[str, KindEffect]:
    """estimate_effects on a method's context: its history's totals against `expected`."""
    history = context.history
    return estimate_effects(
        np.where(history.valid_days(), history.volume.sum(axis=1), np.nan),
        expected,
        context.history_kinds,
        context.horizon_kinds,
        context.given_effects,
        context.prior_effects,
        queue=history.queue,
        use_priors=context.use_priors,
    )


def interval_effects(
    context: Context, expected: FloatArray, effects: Mapping[str, KindEffect]
) -> dict[str, FloatArray]:
    """Per-interval multipliers of the horizon's kinds that have a shape of their own.

    For a kind outside SAME_SHAPE_KINDS without a user-given effect, over the history's days of
    that kind on which the centre was expected open (`expected`: the ordinary-day forecast of
    each history day and slot): per slot, c[s] = sum actual[s] / sum expected[s], pulled toward
    the kind's daily ratio r by the empirical-Bayes weight of kind_effects.py with the Poisson
    variance of the slot's counts, max(c[s], r) / sum expected[s], as its noise (a slot seen on
    a few days of a small queue follows the day; a busy one keeps its own ratio). The shape
    c[s] / r (scaled to add up to one ordinary day) times the kind's daily effect (`effects`,
    from estimate_effects) is the curve: the level and the shape are each learned from their
    own evidence, and the curve adds up to the daily effect. A kind without precedent: its flat
    effect (1, or the prior on request).
    """
    history = context.history
    kinds_arr = np.array(context.history_kinds)
    usable = history.valid_days() & ~np.isnan(expected).any(axis=1)
    usable &= np.nan_to_num(expected).sum(axis=1) > 0
    out: dict[str, FloatArray] = {}
    for kind in set(context.horizon_kinds) - SAME_SHAPE_KINDS - set(context.given_effects):
        effect = effects[kind]
        rows = usable & (kinds_arr == kind)
        if not rows.any() or effect.basis != LEARNED:
            out[kind] = np.full(history.slots_per_day, effect.effect)
            continue
        actual = history.volume[rows].sum(axis=0)
        total = expected[rows].sum(axis=0)
        raw = float(actual.sum()) / float(total.sum())
        live = total > 0
        ratio = np.full(len(total), raw)
        ratio[live] = actual[live] / total[live]
        variance = np.where(live, np.maximum(ratio, raw) / np.where(live, total, 1.0), 0.0)
        gap = (ratio - raw) ** 2
        with np.errstate(invalid="ignore", divide="ignore"):
            weight = np.where(gap > 0, np.maximum(0.0, 1.0 - variance / gap), 0.0)
        curve = raw + weight * (ratio - raw)
        added = float((total * curve).sum())
        shape = curve * float(total.sum()) / added if added > 0 else np.ones_like(curve)
        out[kind] = np.asarray(effect.effect * shape, dtype=np.float64)
    return out
