from __future__ import annotations

import pandas as pd
import pytest

from homeshore.analytics.results import SIM_KPI_COLUMNS
from homeshore.analytics.stages import requirements_stage, simulation_stage
from homeshore.domain import Scenario, Schedule
from homeshore.errors import InputError
from tests.analytics.conftest import forecast_from, requirements

ROWS = [(d, f"{h:02d}:{m:02d}", 1) for d in (0, 1, 5) for h in range(8, 22) for m in (0, 30)]


def test_simulation_stage_gives_the_report_its_kpis(
    tiny_scenario: Scenario, tiny_schedule: Schedule
) -> None:
    forecast = forecast_from(requirements(ROWS))
    done: list[int] = []
    kpis = simulation_stage(tiny_scenario, tiny_schedule, forecast, None, 4, 11, done.append)
    assert done == [1, 2, 3, 4]
    assert tuple(kpis.columns) == SIM_KPI_COLUMNS
    assert set(kpis["queue"]) == {"q1"}  # the simulator's all-queue rows are left out
    busy = kpis[kpis["offered"] > 0]
    assert len(busy) > 0
    for column in ("service_level", "asa_s", "abandon_rate"):
        ok = busy[f"{column}_lo"].le(busy[column] + 1e-12) & busy[column].le(
            busy[f"{column}_hi"] + 1e-12
        )
        assert bool(ok[busy[column].notna()].all()), column
    assert busy["service_level_hi"].max() <= 1.0 and busy["abandon_rate_lo"].min() >= 0.0
    # counts agree with the rates the simulator computed per replication, on average
    assert kpis["answered"].add(kpis["abandoned"]).le(kpis["offered"] + 1e-9).all()
    # nobody works on Saturday morning before 09:00: every contact then waits or leaves
    saturday_8 = kpis[pd.to_datetime(kpis["start"]).dt.strftime("%a %H:%M") == "Sat 08:00"]
    assert float(saturday_8["answered"].sum()) == 0
    # same seed, same numbers
    again = simulation_stage(tiny_scenario, tiny_schedule, forecast, None, 4, 11, lambda _: None)
    pd.testing.assert_frame_equal(kpis, again)


def test_requirements_stage_sizes_every_forecast_row(tiny_scenario: Scenario) -> None:
    forecast = forecast_from(requirements(ROWS))
    req = requirements_stage(forecast, tiny_scenario)
    assert len(req) == len(forecast)
    assert (req["scheduled_agents"] >= req["required_agents"]).all()
    assert (req["required_agents"] > 0).all()  # 10 calls per half hour need someone
    # shrinkage 0.30 of the scenario: scheduled = ceil(required / 0.7)
    expected = (req["required_agents"] / 0.7 - 1e-9).apply(lambda v: int(-(-v // 1)))
    assert list(req["scheduled_agents"]) == list(expected)
    with pytest.raises(InputError, match="q9"):
        requirements_stage(forecast.assign(queue="q9"), tiny_scenario)
