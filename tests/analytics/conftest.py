from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from homeshore.data.scenario_file import load_scenario
from homeshore.domain import Activity, Scenario, Schedule, ScheduleSegment, WorkMode

TZ = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 11, 2)

TINY = """\
name: tiny
queues:
  - id: q1
    opening_hours: {mon: ["08:00-22:00"], tue: ["08:00-22:00"], sat: ["09:00-13:00"]}
sites:
  - {id: s1, seats: 3}
teams:
  - {id: t1, manager: boss, site: s1}
agents:
  - {id: a, team: t1, contract_h_per_week: 35, skills: {q1: 3}}
  - id: h
    team: t1
    contract_h_per_week: 20
    work_modes: [site, home]
    telework_volunteer: true
    telework_consent_date: 2026-09-01
    readiness: pass
    skills: {q1: 3}
"""


def at(day: int, hhmm: str) -> dt.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hours, minutes), TZ)


def seg(
    agent: str,
    day: int,
    start: str,
    end: str,
    activity: Activity = Activity.WORK,
    location: WorkMode = WorkMode.SITE,
) -> ScheduleSegment:
    return ScheduleSegment(
        agent,
        at(day, start),
        at(day, end),
        activity,
        location,
        None if location is WorkMode.HOME else "s1",
        "q1" if activity is Activity.WORK else None,
    )


@pytest.fixture
def tiny_scenario(tmp_path: Path) -> Scenario:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return load_scenario(path)


@pytest.fixture
def tiny_schedule() -> Schedule:
    return Schedule.of(
        [
            seg("a", 0, "08:00", "12:00"),
            seg("a", 0, "12:00", "12:45", Activity.LUNCH),
            seg("a", 0, "12:45", "16:00"),
            seg("h", 0, "19:00", "22:00", location=WorkMode.HOME),
            seg("h", 1, "09:00", "16:00", Activity.TRAINING),
            seg("h", 5, "09:00", "11:00", location=WorkMode.HOME),
            seg("h", 5, "12:00", "13:00", location=WorkMode.HOME),
        ]
    )


def requirements(rows: list[tuple[int, str, int]]) -> pd.DataFrame:
    """(day, 'HH:MM', scheduled agents) rows of queue q1, 30-minute intervals."""
    return pd.DataFrame(
        {
            "queue": ["q1"] * len(rows),
            "start": [at(d, t) for d, t, _ in rows],
            "interval_min": [30] * len(rows),
            "volume": [10.0] * len(rows),
            "aht_s": [300.0] * len(rows),
            "required_agents": [max(0, n - 1) for _, _, n in rows],
            "scheduled_agents": [n for _, _, n in rows],
            "service_level": [0.8] * len(rows),
            "asa_s": [10.0] * len(rows),
            "p_abandon": [0.01] * len(rows),
            "occupancy": [0.7] * len(rows),
        }
    )


def forecast_from(req: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "queue": req["queue"],
            "start": req["start"],
            "interval_min": req["interval_min"],
            "volume": req["volume"],
            "volume_p10": req["volume"] * 0.8,
            "volume_p50": req["volume"],
            "volume_p90": req["volume"] * 1.2,
            "aht_s": req["aht_s"],
        }
    )


def history_before(req: pd.DataFrame, weeks: int = 2) -> pd.DataFrame:
    starts = [s - dt.timedelta(weeks=w) for w in range(weeks, 0, -1) for s in req["start"]]
    return pd.DataFrame(
        {
            "queue": ["q1"] * len(starts),
            "start": starts,
            "interval_min": [30] * len(starts),
            "offered": [9.0 + i % 3 for i in range(len(starts))],
        }
    )


def simulated(req: pd.DataFrame, sl: float, abandon: float, asa_s: float) -> pd.DataFrame:
    """A KPI table as the planner hands it to the report (SIM_KPI_COLUMNS)."""
    offered = req["volume"].to_numpy()
    return pd.DataFrame(
        {
            "queue": req["queue"],
            "start": req["start"],
            "interval_min": req["interval_min"],
            "offered": offered,
            "service_level": sl,
            "service_level_lo": sl - 0.05,
            "service_level_hi": min(1.0, sl + 0.05),
            "asa_s": asa_s,
            "asa_s_lo": asa_s - 1,
            "asa_s_hi": asa_s + 1,
            "abandon_rate": abandon,
            "abandon_rate_lo": max(0.0, abandon - 0.01),
            "abandon_rate_hi": abandon + 0.01,
            "answered": offered * (1 - abandon),
            "answered_within_t": offered * sl,
            "abandoned": offered * abandon,
        }
    )
