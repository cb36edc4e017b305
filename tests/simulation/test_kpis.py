from __future__ import annotations

import numpy as np
import pytest

from homeshore.simulation import Contacts, finish, horizon_kpis, interval_kpis, time_in_intervals
from homeshore.simulation.reference import single_queue_model


def test_time_in_intervals_splits_overlaps() -> None:
    edges = np.array([0.0, 10.0, 20.0, 30.0])
    got = time_in_intervals(
        np.array([5.0, 0.0, 25.0]), np.array([15.0, 30.0, 40.0]), np.array([1.0, 0.5, 2.0]), edges
    )
    np.testing.assert_allclose(got, [5 + 5, 5 + 5, 0.5 * 10 + 2 * 5])


def test_service_level_counts_abandons_as_not_answered() -> None:
    model = single_queue_model(0.001, 100.0, 60.0, 1, 1000.0)  # threshold 20 s
    # 4 contacts: answered after 5 s, answered after 30 s, abandoned after 10 s,
    # and one still waiting at the end
    contacts = Contacts(
        arrival_s=np.array([0.0, 100.0, 200.0, 990.0]),
        queue=np.zeros(4, dtype=np.int64),
        interval=np.zeros(4, dtype=np.int64),
        handle_s=np.array([50.0, 50.0, 50.0, 50.0]),
        patience_s=np.array([1e9, 1e9, 10.0, 1e9]),
    )
    start = np.array([5.0, 130.0, np.nan, np.nan])
    res = finish(contacts, start, np.array([0, 0, -1, -1]), model.horizon_s)
    row = horizon_kpis(model, res).set_index("queue").loc["q"]
    assert row["offered"] == 4 and row["answered"] == 2 and row["abandoned"] == 1
    assert row["waiting_at_end"] == 1
    assert row["service_level"] == pytest.approx(1 / 4)
    assert row["service_level_excl"] == pytest.approx(1 / 3)  # early abandon left out
    assert row["wait_s_mean"] == pytest.approx((5 + 30 + 10 + 10) / 4)
    assert row["asa_s"] == pytest.approx((5 + 30) / 2)
    assert row["abandon_rate"] == pytest.approx(1 / 4)
    assert row["occupancy"] == pytest.approx(100 / 1000)
    table = interval_kpis(model, res)
    assert list(table["queue"]) == ["q", "ALL"]
