"""Unusual days: ordinary days of the history that no calendar explains.

An outage, a strike, a storm or a lost part of the extract makes an ordinary day receive a
fraction of its usual volume (or a media event a multiple of it). Such a day says nothing about
the level or the intraday shape of the days to come, yet left in the fit it drags its week's
level and its weekday's profile. A day is unusual when its total is outside
[expected / `ratio`, expected x `ratio`] AND that departure is beyond Poisson noise (tail
probability under `p_value`), so a queue with a few calls a day, whose days vary by a factor of
two by chance, keeps them all. `expected` is the day's week level times its weekday effect.

Unusual days are marked with the kind `UNUSUAL`: they leave the fit of the daily model, the
profiles and the special-day effects (none of which use that kind), like a missing day.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt

from homeshore.forecasting.history import FloatArray
from homeshore.forecasting.method import Context

UNUSUAL = "unusual"


def unusual_days(
    actual: FloatArray,
    expected: FloatArray,
    *,
    ratio: float = 2.0,
    spread: float = 5.0,
) -> npt.NDArray[np.bool_]:
    """Days whose total departs from `expected` by more than a factor `ratio` and by more
    than `spread` robust standard deviations of the log ratios of all the days given.

    NaN in either array: not unusual (missing days stay missing).
    """
    known = ~np.isnan(actual) & ~np.isnan(expected) & (np.nan_to_num(expected) > 0)
    if known.sum() < 2:
        return np.zeros(len(actual), dtype=bool)
    log_ratio = np.zeros(len(actual))
    log_ratio[known] = np.log((actual[known] + 0.5) / (expected[known] + 0.5))
    centre = float(np.median(log_ratio[known]))
    sigma = 1.4826 * float(np.median(np.abs(log_ratio[known] - centre)))
    limit = max(float(np.log(ratio)), spread * sigma)
    return np.asarray(known & (np.abs(log_ratio - centre) > limit), dtype=bool)


def mark_unusual(context: Context, expected: FloatArray, **limits: float) -> Context:
    """The context with its unusual ordinary days (against `expected`) of kind UNUSUAL."""
    history = context.history
    totals = np.where(history.valid_days(), history.volume.sum(axis=1), np.nan)
    flagged = unusual_days(totals, expected, **limits) & context.normal_days()
    if not flagged.any():
        return context
    kinds = tuple(
        UNUSUAL if flag else kind for kind, flag in zip(context.history_kinds, flagged, strict=True)
    )
    return dataclasses.replace(context, history_kinds=kinds)
