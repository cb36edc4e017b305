"""Handle time per queue and interval of day.

The forecast AHT of a slot is the handled-volume-weighted mean AHT of that slot over the
history (weights halving every `half_life_weeks`), shrunk toward the queue's weighted mean
by `prior_contacts` pseudo-contacts, so a sparse slot stays near the queue's usual AHT.
A queue with no handle time in its history gets `default_aht_s`.
"""

from __future__ import annotations

import numpy as np

from homeshore.forecasting.history import FloatArray, QueueHistory
from homeshore.forecasting.method import decay


def forecast_aht(
    history: QueueHistory,
    age_weeks: FloatArray,
    *,
    default_aht_s: float,
    half_life_weeks: float = 8.0,
    prior_contacts: float = 30.0,
) -> FloatArray:
    """AHT in seconds per slot of the day, shape (slots,)."""
    known = ~np.isnan(history.aht_s)
    weights = np.where(known, history.handled, 0.0) * decay(age_weeks, half_life_weeks)[:, None]
    weighted = np.where(known, history.aht_s, 0.0) * weights
    total_weight = float(weights.sum())
    if total_weight <= 0:
        return np.full(history.slots_per_day, float(default_aht_s))
    queue_mean = float(weighted.sum()) / total_weight
    slot_weight = weights.sum(axis=0)
    return np.asarray(
        (weighted.sum(axis=0) + prior_contacts * queue_mean) / (slot_weight + prior_contacts),
        dtype=np.float64,
    )
