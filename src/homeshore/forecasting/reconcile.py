"""Make interval forecasts add up to the daily forecast, with closed intervals at zero."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from homeshore.forecasting.history import FloatArray


def reconcile(
    intervals: FloatArray, daily: FloatArray, open_mask: npt.NDArray[np.bool_]
) -> FloatArray:
    """Scale each day's open intervals so they sum to `daily`; closed intervals are zero.

    intervals: (days, slots) shape of the day (any scale); daily: (days,) totals;
    open_mask: (days, slots). A day whose shape puts nothing in open intervals spreads its
    total evenly over them; a day with no open interval is zero whatever its total.
    """
    shape = np.where(open_mask, np.maximum(intervals, 0.0), 0.0)
    sums = shape.sum(axis=1, keepdims=True)
    n_open = open_mask.sum(axis=1, keepdims=True)
    even = np.where(open_mask, 1.0 / np.maximum(n_open, 1), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(sums > 0, shape / sums, even)
    return np.asarray(share * np.maximum(daily, 0.0)[:, None], dtype=np.float64)
