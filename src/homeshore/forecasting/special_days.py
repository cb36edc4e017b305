"""Effects of special days: on the daily total, or interval by interval.

An effect is the ratio of what a kind of day received to what an ordinary day of the same
weekday and week would have received, pooled over the history's days of that kind and shrunk
toward a prior (calendar.DEFAULT_EFFECTS, or 1 for an event) by `prior_days` pseudo-days.
A user-given event effect is used as is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from homeshore.errors import InputError
from homeshore.forecasting.calendar import NORMAL, SAME_SHAPE_KINDS
from homeshore.forecasting.history import FloatArray
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
    prior_days: float = 1.0,
) -> dict[str, float]:
    """Multiplier per wanted kind. actual/expected: daily totals of history days (NaN = skip)."""
    kinds_arr = np.array(kinds)
    ok = ~np.isnan(actual) & ~np.isnan(expected)
    typical = float(np.nanmean(expected[ok & (kinds_arr == NORMAL)])) if ok.any() else 0.0
    effects: dict[str, float] = {NORMAL: 1.0}
    for kind in set(wanted) - {NORMAL}:
        if kind in given:
            effects[kind] = float(given[kind])
            continue
        rows = ok & (kinds_arr == kind)
        if kind not in priors and not rows.any():
            raise InputError(
                f"event {kind!r} has no effect given and no past day to estimate it from",
                where=f"queue {queue}",
            )
        prior = priors.get(kind, 1.0)
        weight = prior_days * max(typical, 1e-9)
        effects[kind] = (float(actual[rows].sum()) + prior * weight) / (
            float(expected[rows].sum()) + weight
        )
    return effects


def context_effects(context: Context, expected: FloatArray, prior_days: float) -> dict[str, float]:
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
        prior_days=prior_days,
    )


def interval_effects(
    context: Context, expected: FloatArray, prior_days: float
) -> dict[str, FloatArray]:
    """Per-interval multipliers of the horizon's kinds that have a shape of their own.

    For a kind outside SAME_SHAPE_KINDS without a user-given effect: m[s] = (sum of actuals in
    slot s over the history's days of that kind + prior * prior_days * mean expected) /
    (sum of expected + prior_days * mean expected), `expected` being the ordinary-day forecast
    of each history day and slot. No such day in the history: the flat prior.
    """
    history = context.history
    kinds_arr = np.array(context.history_kinds)
    usable = history.valid_days() & ~np.isnan(expected).any(axis=1)
    out: dict[str, FloatArray] = {}
    for kind in set(context.horizon_kinds) - SAME_SHAPE_KINDS - set(context.given_effects):
        prior = context.prior_effects.get(kind)
        rows = usable & (kinds_arr == kind)
        if not rows.any():
            if prior is None:
                raise InputError(
                    f"event {kind!r} has no effect given and no past day to estimate it from",
                    where=f"queue {history.queue}",
                )
            out[kind] = np.full(history.slots_per_day, prior)
            continue
        prior = 1.0 if prior is None else prior
        actual = history.volume[rows].sum(axis=0)
        total = expected[rows].sum(axis=0)
        pseudo = prior_days * total / int(rows.sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            curve = np.where(total > 0, (actual + prior * pseudo) / (total + pseudo), prior)
        out[kind] = np.asarray(curve, dtype=np.float64)
    return out
