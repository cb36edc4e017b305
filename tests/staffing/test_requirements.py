from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from homeshore.data.scenario_file import load_scenario
from homeshore.domain.tables import FORECAST_COLUMNS, REQUIREMENT_COLUMNS
from homeshore.errors import InputError
from homeshore.staffing.requirements import QueueStaffing, requirements_table, staff_requirements
from homeshore.staffing.sizing import StaffingTargets, required_agents
from tests.conftest import ROOT

SCENARIO = load_scenario(ROOT / "examples" / "telecom_fr.yaml")


def forecast(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    start = pd.Timestamp("2026-01-05 09:00", tz="Europe/Paris")
    frame = pd.DataFrame(
        {
            "queue": [q for q, _, _ in rows],
            "start": [start + pd.Timedelta(minutes=30 * i) for i in range(len(rows))],
            "interval_min": 30,
            "volume": [v for _, v, _ in rows],
            "volume_p10": np.nan,
            "volume_p50": np.nan,
            "volume_p90": np.nan,
            "aht_s": [a for _, _, a in rows],
        }
    )
    return frame[list(FORECAST_COLUMNS)]


def test_requirements_follow_each_queue_settings() -> None:
    f = forecast([("plans_services", 120, 330), ("technical", 80, 540), ("legal_notices", 30, 600)])
    out = staff_requirements(f, SCENARIO)
    assert list(out.columns) == list(REQUIREMENT_COLUMNS)
    assert out["start"].equals(f["start"])
    for row, q in zip(out.itertuples(), SCENARIO.queues, strict=True):
        assert row.queue == q.id
        t = StaffingTargets.from_service_targets(q.targets)
        servers = int(
            required_agents(
                row.volume / 1800,
                row.aht_s,
                t,
                patience_s=q.default_patience_s,
                servers_per_agent=q.concurrency,
            )
        )
        assert row.required_agents == servers
        assert row.service_level >= q.targets.service_level
        if q.targets.max_abandon_rate is not None:
            assert row.p_abandon <= q.targets.max_abandon_rate
    s = SCENARIO.planning.shrinkage
    assert (out["scheduled_agents"] == np.ceil(out["required_agents"] / (1 - s) - 1e-9)).all()


def test_chat_concurrency_counts_an_agent_as_several_servers() -> None:
    f = forecast([("q", 60, 600)])
    one = requirements_table(f, QueueStaffing(StaffingTargets(), patience_s=400))
    two = requirements_table(f, QueueStaffing(StaffingTargets(), patience_s=400, concurrency=2))
    servers = int(
        required_agents(60 / 1800, 600, StaffingTargets(), patience_s=400, servers_per_agent=2)
    )
    assert two["required_agents"].iloc[0] == servers
    assert two["required_agents"].iloc[0] < one["required_agents"].iloc[0]


def test_closed_intervals_and_missing_handle_time() -> None:
    f = forecast([("technical", 0, np.nan), ("technical", 10, np.nan)])
    out = staff_requirements(f, SCENARIO, shrinkage=0.0)
    assert out["required_agents"].iloc[0] == 0 and out["service_level"].iloc[0] == 1.0
    # contacts without a handle time fall back on the queue's default_aht_s (540 s)
    assert out["aht_s"].iloc[1] == SCENARIO.queue("technical").default_aht_s
    assert out["required_agents"].iloc[1] > 0


def test_zero_handle_time_from_history_takes_the_default() -> None:
    # call logs have answered calls of 0 s: such an interval has no usable handle time
    out = staff_requirements(forecast([("technical", 1, 0.0)]), SCENARIO, shrinkage=0.0)
    assert out["aht_s"].iloc[0] == SCENARIO.queue("technical").default_aht_s
    without_default = forecast([("q", 1, 0.0)])
    with pytest.raises(InputError, match="row 1, column aht_s"):
        requirements_table(without_default, QueueStaffing(StaffingTargets()))


def test_offered_column_is_accepted() -> None:
    f = forecast([("q", 100, 180)]).rename(columns={"volume": "offered"})
    out = requirements_table(f, QueueStaffing(StaffingTargets()))
    assert out["required_agents"].iloc[0] == 14


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="aht_s"), "missing column"),
        (lambda f: f.assign(queue="nowhere"), "unknown queue 'nowhere'"),
        (lambda f: f.assign(volume=["x", 3]), "row 1, column volume"),
        (lambda f: f.assign(volume=[1, -3]), "row 2, column volume"),
        (lambda f: f.assign(aht_s=[100, -5]), "row 2, column aht_s"),
        (lambda f: f.assign(interval_min=[30, 0]), "row 2, column interval_min"),
    ],
)
def test_bad_rows_are_named(change: object, message: str) -> None:
    f = forecast([("technical", 10, 300), ("technical", 20, 300)])
    bad = change(f)  # type: ignore[operator]
    with pytest.raises(InputError, match=message):
        staff_requirements(bad, SCENARIO)


def test_unattainable_targets_name_the_row() -> None:
    f = forecast([("q", 10, 300), ("q", 1000, 300)])
    with pytest.raises(InputError, match="row 2"):
        requirements_table(f, QueueStaffing(StaffingTargets()), max_agents=50)


def test_bad_shrinkage() -> None:
    with pytest.raises(InputError, match="shrinkage"):
        requirements_table(
            forecast([("q", 10, 300)]), QueueStaffing(StaffingTargets()), shrinkage=1
        )
