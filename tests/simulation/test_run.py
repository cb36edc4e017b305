from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from homeshore.simulation import EngineChoice, SimModel, simulate
from homeshore.simulation.reference import multi_skill_model, single_queue_model
from homeshore.staffing.erlang import erlang_a_metrics


def test_same_seed_same_results_other_seed_other_results() -> None:
    model = multi_skill_model(agents=30, queues=3, horizon_s=4 * 3600.0)
    a = simulate(model, replications=2, seed=42)
    b = simulate(model, replications=2, seed=42)
    c = simulate(model, replications=2, seed=43)
    for ra, rb in zip(a.runs, b.runs, strict=True):
        assert np.array_equal(ra.outcome, rb.outcome)
        np.testing.assert_array_equal(ra.wait_s, rb.wait_s)
    assert len(a.runs[0].contacts) != len(c.runs[0].contacts) or not np.array_equal(
        a.runs[0].wait_s, c.runs[0].wait_s
    )
    # replications are independent streams
    assert len(a.runs[0].contacts) != len(a.runs[1].contacts)


@pytest.mark.parametrize("engine", [EngineChoice.FIFO, EngineChoice.EVENTS])
def test_erlang_a_reference_within_the_confidence_interval(engine: EngineChoice) -> None:
    # DOMAIN.md: 100 calls / 30 min, AHT 180 s, patience 300 s, n = 14
    lam, aht, patience, n = 100 / 1800, 180.0, 300.0, 14
    model = single_queue_model(lam, aht, patience, n, 4 * 86400.0, interval_s=3600.0)
    sim = simulate(model, replications=8, seed=2026, engine=engine)
    row = sim.horizon_kpis().set_index("queue").loc["q"]
    exact = erlang_a_metrics(n, lam, aht, patience, 20.0)
    pairs = {
        "service_level": float(exact.service_level),
        "abandon_rate": float(exact.p_abandon),
        "wait_s_mean": float(exact.mean_wait_s),
        "asa_s": float(exact.asa_s),
        "occupancy": float(exact.occupancy),
    }
    for kpi, want in pairs.items():
        got, half = float(row[kpi]), float(row[f"{kpi}_ci95"])
        assert abs(got - want) <= half, f"{kpi}: {got:.5f} +- {half:.5f} vs exact {want:.5f}"


def test_interval_kpis_have_every_queue_interval_and_a_total() -> None:
    model = multi_skill_model(agents=20, queues=2, horizon_s=3 * 1800.0, occupancy=0.7)
    sim = simulate(model, replications=3, seed=1)
    table = sim.interval_kpis()
    assert set(table["queue"]) == {"q0", "q1", "ALL"}
    assert len(table) == 3 * 3
    assert (table["replications"] == 3).all()
    assert table["start"].iloc[0] == pd.Timestamp(model.origin)
    total = table[table["queue"] == "ALL"]["offered"].sum()
    assert total == pytest.approx(table[table["queue"] != "ALL"]["offered"].sum())
    assert table["service_level_ci95"].notna().any()


def test_progress_and_bad_replications() -> None:
    model = single_queue_model(0.01, 60.0, 60.0, 2, 3600.0)
    seen: list[int] = []
    simulate(model, replications=3, seed=0, progress=seen.append)
    assert seen == [1, 2, 3]
    with pytest.raises(ValueError, match="replications must be >= 1"):
        simulate(model, replications=0)


def test_model_rejects_duplicates() -> None:
    model = single_queue_model(0.01, 60.0, 60.0, 2, 3600.0)
    twice = (model.agents[0], model.agents[0])
    with pytest.raises(ValueError, match="agent ids must be unique"):
        SimModel(model.origin, model.interval_s, model.demand, twice)
    with pytest.raises(ValueError, match="a queue appears twice"):
        SimModel(model.origin, model.interval_s, model.demand * 2, model.agents)
    with pytest.raises(ValueError, match="timezone-aware"):
        SimModel(model.origin.replace(tzinfo=None), model.interval_s, model.demand, ())
