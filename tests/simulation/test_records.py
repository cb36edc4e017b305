from __future__ import annotations

import pandas as pd

from homeshore.simulation import RECORD_COLUMNS, iter_records, records_frame, simulate
from homeshore.simulation.reference import multi_skill_model


def test_records_load_straight_into_a_dataframe() -> None:
    model = multi_skill_model(agents=12, queues=2, horizon_s=3600.0)
    sim = simulate(model, replications=1, seed=9)
    slow = pd.DataFrame(iter_records(model, sim.runs[0]))
    fast = records_frame(model, sim.runs, with_times=False)
    assert tuple(slow.columns) == RECORD_COLUMNS
    pd.testing.assert_frame_equal(slow, fast[list(RECORD_COLUMNS)], check_dtype=False)
    assert set(fast["outcome"]) <= {"answered", "abandoned", "waiting"}
    assert fast.loc[fast["outcome"] == "answered", "agent"].notna().all()
    with_times = records_frame(model, sim.runs)
    assert str(with_times["arrival"].dt.tz) == "UTC"
