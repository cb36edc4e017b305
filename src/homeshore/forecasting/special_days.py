"""Effects of special days on the daily total, and their intraday shape.

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


def special_profiles(
    volume: FloatArray,
    kinds: Sequence[str],
) -> dict[str, tuple[FloatArray, float]]:
    """Pooled intraday shape of each special kind in the history, and the volume behind it.

    Returned per kind: (shape summing to 1, total volume); a caller blends it with the
    weekday's shape as (V * special + prior_volume * weekday) / (V + prior_volume).
    """
    kinds_arr = np.array(kinds)
    valid = ~np.isnan(volume[:, 0])
    out: dict[str, tuple[FloatArray, float]] = {}
    for kind in set(kinds) - SAME_SHAPE_KINDS:
        rows = valid & (kinds_arr == kind)
        total = volume[rows].sum(axis=0)
        mass = float(total.sum())
        if mass > 0:
            out[kind] = (total / mass, mass)
    return out


def blend(
    weekday_shape: FloatArray, special: tuple[FloatArray, float] | None, prior_volume: float
) -> FloatArray:
    """Shrink a special kind's pooled shape toward the weekday's shape."""
    if special is None:
        return weekday_shape
    shape, mass = special
    return (mass * shape + prior_volume * weekday_shape) / (mass + prior_volume)
