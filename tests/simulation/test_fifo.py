from __future__ import annotations

import numpy as np
import pytest

from homeshore.simulation import (
    SimAgent,
    WorkWindow,
    draw_contacts,
    fifo_applies,
    run_events,
    run_fifo,
)
from homeshore.simulation.model import SimModel
from homeshore.simulation.reference import multi_skill_model, single_queue_model


def _with_breaks(model: SimModel, seed: int) -> SimModel:
    rng = np.random.default_rng(seed)
    agents = []
    for a in model.agents:
        cuts = np.sort(rng.uniform(0, model.horizon_s, 6))
        windows = tuple(
            WorkWindow(float(x), float(y)) for x, y in zip(cuts[::2], cuts[1::2], strict=True)
        )
        agents.append(SimAgent(a.id, a.skills, windows, a.primary_queue))
    return SimModel(model.origin, model.interval_s, model.demand, tuple(agents))


@pytest.mark.parametrize("breaks", [False, True])
def test_fast_path_gives_the_event_engine_results(breaks: bool) -> None:
    model = single_queue_model(0.75, 60.0, 120.0, 50, 6 * 3600.0, interval_s=1800.0)
    if breaks:
        model = _with_breaks(model, 4)
    assert fifo_applies(model)
    contacts = draw_contacts(model, np.random.default_rng(11))
    s1, a1 = run_fifo(contacts, model.agents, model.horizon_s)
    s2, a2 = run_events(model, contacts)
    assert np.array_equal(np.isnan(s1), np.isnan(s2))
    np.testing.assert_allclose(s1[~np.isnan(s1)], s2[~np.isnan(s2)], rtol=0, atol=1e-9)
    assert np.array_equal(a1, a2)
    assert np.mean(a1 >= 0) > 0.3


def test_fast_path_refuses_models_it_cannot_play() -> None:
    assert not fifo_applies(multi_skill_model(horizon_s=3600.0))
