from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from homeshore.data.scenario_file import load_scenario
from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.domain.scenario import Scenario
from homeshore.errors import InputError
from homeshore.simulation import (
    Exponential,
    agents_from_schedule,
    agents_from_staffing,
    demand_from_forecast,
)

PARIS = ZoneInfo("Europe/Paris")
T0 = dt.datetime(2026, 11, 2, 9, tzinfo=PARIS)


@pytest.fixture(scope="module")
def scenario(examples_dir: Path) -> Scenario:
    return load_scenario(examples_dir / "telecom_fr.yaml")


def forecast(rows: list[tuple[str, dt.datetime, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(q, t.isoformat(), 30, v, a) for q, t, v, a in rows],
        columns=["queue", "start", "interval_min", "volume", "aht_s"],
    )


def test_forecast_becomes_a_regular_grid(scenario: Scenario) -> None:
    half = dt.timedelta(minutes=30)
    table = forecast(
        [
            ("technical", T0, 10.0, 500.0),
            ("technical", T0 + 2 * half, 30.0, 600.0),  # 09:30 missing: no contacts
            ("plans_services", T0 + half, 20.0, 300.0),
        ]
    )
    origin, interval_s, demand = demand_from_forecast(scenario, table)
    assert origin == T0 and interval_s == 1800.0
    assert [d.queue.id for d in demand] == ["plans_services", "technical"]
    plans, tech = demand
    np.testing.assert_array_equal(tech.volumes, [10.0, 0.0, 30.0])
    np.testing.assert_array_equal(tech.aht_s, [500.0, 540.0, 600.0])  # default where absent
    np.testing.assert_array_equal(plans.volumes, [0.0, 20.0, 0.0])
    assert isinstance(tech.patience, Exponential) and tech.patience.mean_s == 200.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"queue": "nope"}, "forecast row 1: unknown queue 'nope'"),
        ({"volume": -1.0}, "forecast row 1: volume must be a number >= 0"),
        ({"aht_s": 0.0}, "forecast row 1: aht_s must be a number > 0"),
    ],
)
def test_bad_forecast_rows_are_named(
    scenario: Scenario, change: dict[str, object], message: str
) -> None:
    table = forecast([("technical", T0, 10.0, 500.0)]).assign(**change)
    with pytest.raises(InputError, match=message):
        demand_from_forecast(scenario, table, path=Path("f.csv"))


def test_forecast_off_grid_and_repeated(scenario: Scenario) -> None:
    off = forecast([("technical", T0, 1.0, 1.0), ("technical", T0 + dt.timedelta(minutes=7), 1, 1)])
    with pytest.raises(InputError, match="not on the interval grid"):
        demand_from_forecast(scenario, off)
    twice = forecast([("technical", T0, 1.0, 1.0), ("technical", T0, 1.0, 1.0)])
    with pytest.raises(InputError, match="repeated"):
        demand_from_forecast(scenario, twice)


def test_schedule_work_segments_become_windows(scenario: Scenario) -> None:
    h = dt.timedelta(hours=1)
    segs = [
        ScheduleSegment(
            "tech_site_001", T0, T0 + h, Activity.WORK, WorkMode.SITE, "lyon", "technical"
        ),
        ScheduleSegment(
            "tech_site_001", T0 + h, T0 + 2 * h, Activity.WORK, WorkMode.SITE, "lyon", "technical"
        ),
        ScheduleSegment(
            "tech_site_001", T0 + 2 * h, T0 + 3 * h, Activity.TRAINING, WorkMode.SITE, "lyon"
        ),
        ScheduleSegment(
            "tech_site_001",
            T0 + 3 * h,
            T0 + 9 * h,
            Activity.WORK,
            WorkMode.SITE,
            "lyon",
            "plans_services",
        ),
    ]
    (agent,) = agents_from_schedule(scenario, Schedule.of(segs), T0, 5 * 3600.0)
    assert agent.skills == {"technical": 4, "plans_services": 3}
    assert agent.primary_queue == "technical"
    assert [(w.start_s, w.end_s, w.queue) for w in agent.windows] == [
        (0.0, 7200.0, "technical"),
        (10800.0, 18000.0, "plans_services"),  # clipped at the horizon
    ]
    stranger = [ScheduleSegment("nobody", T0, T0 + h, Activity.WORK, WorkMode.SITE, "lyon")]
    with pytest.raises(InputError, match="agent 'nobody' is not in the scenario"):
        agents_from_schedule(scenario, Schedule.of(stranger), T0, 3600.0)


def test_staffing_table_gives_generic_agents(scenario: Scenario) -> None:
    half = dt.timedelta(minutes=30)
    table = pd.DataFrame(
        {
            "queue": ["technical"] * 3,
            "start": [(T0 + k * half).isoformat() for k in range(3)],
            "agents": [2, 1, 2],
        }
    )
    agents = agents_from_staffing(table, scenario.queues, T0, 1800.0, 3, timezone=scenario.timezone)
    assert [a.id for a in agents] == ["technical#1", "technical#2"]
    assert [(w.start_s, w.end_s) for w in agents[0].windows] == [(0.0, 5400.0)]
    assert [(w.start_s, w.end_s) for w in agents[1].windows] == [(0.0, 1800.0), (3600.0, 5400.0)]
    with pytest.raises(InputError, match="staffing row 2: agents must be a whole number"):
        agents_from_staffing(
            table.assign(agents=[1, 1.5, 1]), scenario.queues, T0, 1800.0, 3, timezone="UTC"
        )


def test_forecast_across_a_clock_change_and_naive_times(scenario: Scenario) -> None:
    # Sunday 25 October 2026, 01:30 and 02:30 local time: the clock goes back at 03:00
    before = dt.datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)
    after = (before.astimezone(dt.UTC) + dt.timedelta(hours=1)).astimezone(PARIS)
    assert after.hour == 2 and after.minute == 30  # same wall time, other offset
    table = forecast([("technical", before, 5.0, 500.0), ("technical", after, 5.0, 500.0)])
    assert table["start"].str[-6:].tolist() == ["+02:00", "+01:00"]
    origin, _, demand = demand_from_forecast(scenario, table)
    assert (
        origin.timestamp() == before.timestamp() and demand[0].volumes.size == 3
    )  # 1 h apart: 3 half-hours
    naive = forecast([("technical", T0, 5.0, 500.0)]).assign(start="2026-11-02T09:00:00")
    assert demand_from_forecast(scenario, naive)[0] == T0
    mixed = pd.concat([table, naive], ignore_index=True)
    with pytest.raises(InputError, match="row 3: forecast start: '2026-11-02T09:00:00' has no"):
        demand_from_forecast(scenario, mixed)


def test_schedule_across_a_clock_change(scenario: Scenario) -> None:
    origin = dt.datetime(2026, 10, 25, 0, 0, tzinfo=PARIS)  # 25 hours in that day
    start = dt.datetime(2026, 10, 25, 8, 0, tzinfo=PARIS)  # 9 real hours after midnight
    seg = ScheduleSegment(
        "tech_site_001",
        start,
        start + dt.timedelta(hours=1),
        Activity.WORK,
        WorkMode.SITE,
        "lyon",
        "technical",
    )
    (agent,) = agents_from_schedule(scenario, Schedule.of([seg]), origin, 86400.0)
    assert [(w.start_s, w.end_s) for w in agent.windows] == [(9 * 3600.0, 10 * 3600.0)]
