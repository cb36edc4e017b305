from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from homeshore.forecasting.aht import forecast_aht
from homeshore.forecasting.history import QueueHistory

FIRST = dt.date(2026, 1, 5)


def _history(aht: np.ndarray, handled: np.ndarray) -> QueueHistory:
    return QueueHistory("q", 360, FIRST, handled.copy(), aht, handled)


def test_busy_slots_keep_their_aht_sparse_slots_shrink_to_the_queue_mean() -> None:
    days = 14
    handled = np.tile([1000.0, 1000.0, 2.0, 0.0], (days, 1))
    aht = np.tile([200.0, 400.0, 900.0, np.nan], (days, 1))
    out = forecast_aht(_history(aht, handled), np.zeros(days), default_aht_s=300.0)
    queue_mean = (200 * 1000 + 400 * 1000 + 900 * 2) / 2002
    assert out[0] == pytest.approx(200, abs=1.0) and out[1] == pytest.approx(400, abs=1.0)
    assert queue_mean < out[2] < 900 and out[2] < queue_mean + 0.5 * (900 - queue_mean)
    assert out[3] == pytest.approx(queue_mean)


def test_recent_handle_time_counts_more() -> None:
    handled = np.full((20, 4), 100.0)
    aht = np.full((20, 4), 300.0)
    aht[-7:] = 500.0
    age = (20 - np.arange(20)) / 7
    out = forecast_aht(_history(aht, handled), age, default_aht_s=0.0, half_life_weeks=1.0)
    assert (out > 400).all() and (out < 500).all()


def test_no_handle_time_gives_the_default() -> None:
    handled = np.zeros((7, 4))
    out = forecast_aht(_history(np.full((7, 4), np.nan), handled), np.zeros(7), default_aht_s=330)
    np.testing.assert_array_equal(out, 330.0)
