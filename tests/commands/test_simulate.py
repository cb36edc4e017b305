from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from homeshore.cli import main
from homeshore.data.schedule_io import write_schedule
from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode

PARIS = ZoneInfo("Europe/Paris")
MONDAY_9 = dt.datetime(2026, 11, 2, 9, tzinfo=PARIS)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


@pytest.fixture
def forecast(tmp_path: Path) -> Path:
    rows = []
    for k in range(4):
        start = (MONDAY_9 + dt.timedelta(minutes=30 * k)).isoformat()
        rows.append(("plans_services", start, 30, 60.0, 330.0))
        rows.append(("technical", start, 30, 25.0, 540.0))
    path = tmp_path / "forecast.csv"
    pd.DataFrame(rows, columns=["queue", "start", "interval_min", "volume", "aht_s"]).to_csv(
        path, index=False
    )
    return path


def test_simulate_a_staffing_table(
    tmp_path: Path, forecast: Path, examples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    staffing = tmp_path / "staffing.csv"
    pd.DataFrame(
        [
            (q, (MONDAY_9 + dt.timedelta(minutes=30 * k)).isoformat(), n)
            for k in range(4)
            for q, n in (("plans_services", 13), ("technical", 9))
        ],
        columns=["queue", "start", "agents"],
    ).to_csv(staffing, index=False)
    out = tmp_path / "out"
    args = [
        "simulate",
        "--scenario",
        str(examples_dir / "telecom_fr.yaml"),
        "--forecast",
        str(forecast),
        "--staffing",
        str(staffing),
        "--replications",
        "4",
        "--seed",
        "7",
        "-o",
    ]
    code, text, err = run(capsys, *args, str(out))
    assert code == 0, err
    assert {p.name for p in out.iterdir()} == {
        "kpis_intervals.csv",
        "kpis_summary.csv",
        "records.parquet",
    }
    summary = pd.read_csv(out / "kpis_summary.csv").set_index("queue")
    assert set(summary.index) == {"plans_services", "technical", "ALL"}
    assert 0.3 < summary.loc["plans_services", "occupancy"] <= 1.0
    assert summary.loc["plans_services", "service_level_ci95"] > 0
    intervals = pd.read_csv(out / "kpis_intervals.csv")
    assert len(intervals) == 3 * 4
    records = pd.read_parquet(out / "records.parquet")
    assert records["replication"].nunique() == 4
    assert len(records) == int(summary.loc["ALL", "offered"] * 4)
    assert "abandons as not answered" in text and "ALL" in text
    # same seed, same numbers
    code, _, _ = run(capsys, *args, str(tmp_path / "again"), "--no-records")
    assert code == 0
    again = pd.read_csv(tmp_path / "again" / "kpis_summary.csv").set_index("queue")
    pd.testing.assert_frame_equal(summary, again)


def test_simulate_a_schedule(
    tmp_path: Path, forecast: Path, examples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    segments = []
    for j in range(1, 16):
        agent = f"plans_site_{j:03d}"
        start = MONDAY_9
        segments.append(
            ScheduleSegment(
                agent,
                start,
                start + dt.timedelta(minutes=50),
                Activity.WORK,
                WorkMode.SITE,
                "lyon",
                "plans_services",
            )
        )
        segments.append(
            ScheduleSegment(
                agent,
                start + dt.timedelta(minutes=50),
                start + dt.timedelta(minutes=60),
                Activity.BREAK,
                WorkMode.SITE,
                "lyon",
            )
        )
        segments.append(
            ScheduleSegment(
                agent,
                start + dt.timedelta(minutes=60),
                start + dt.timedelta(minutes=120),
                Activity.WORK,
                WorkMode.SITE,
                "lyon",
                "technical" if j > 10 else "plans_services",
            )
        )
    schedule = tmp_path / "schedule.csv"
    write_schedule(Schedule.of(segments), schedule)
    out = tmp_path / "out"
    code, _, err = run(
        capsys,
        "simulate",
        "--scenario",
        str(examples_dir / "telecom_fr.yaml"),
        "--forecast",
        str(forecast),
        "--schedule",
        str(schedule),
        "-n",
        "2",
        "-o",
        str(out),
    )
    assert code == 0, err
    records = pd.read_parquet(out / "records.parquet")
    answered = records[records["outcome"] == "answered"]
    # nobody starts a contact during the 09:50-10:00 break
    starts = answered["start_s"]
    assert not ((starts >= 50 * 60) & (starts < 60 * 60)).any()
    # plans agents hold technical at proficiency 2: they help it
    assert set(answered["queue"]) == {"plans_services", "technical"}


def test_bad_inputs_are_named(
    tmp_path: Path, forecast: Path, examples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(examples_dir / "telecom_fr.yaml")
    base = ["simulate", "--scenario", scenario, "-o", str(tmp_path / "o")]
    code, _, err = run(capsys, *base, "--forecast", str(forecast))
    assert code == 2 and "exactly one of --schedule and --staffing" in err
    bad = tmp_path / "bad.csv"
    pd.read_csv(forecast).assign(queue="nope").to_csv(bad, index=False)
    staffing = tmp_path / "s.csv"
    staffing.write_text("queue,start,agents\nplans_services,2026-11-02T09:00:00+01:00,3\n")
    code, _, err = run(capsys, *base, "--forecast", str(bad), "--staffing", str(staffing))
    assert code == 2 and "bad.csv" in err and "forecast row 1" in err and "'nope'" in err
    staffing.write_text("queue,start,agents\nplans_services,2026-11-02T09:00:00+01:00,-3\n")
    code, _, err = run(capsys, *base, "--forecast", str(forecast), "--staffing", str(staffing))
    assert code == 2 and "s.csv" in err and "staffing row 1" in err
    assert not (tmp_path / "o").exists()


def test_patience_from_waits_and_empirical_handle_times(
    tmp_path: Path, forecast: Path, examples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    staffing = tmp_path / "staffing.csv"
    staffing.write_text(
        "queue,start,scheduled_agents\n"
        + "".join(
            f"{q},{(MONDAY_9 + dt.timedelta(minutes=30 * k)).isoformat()},{n}\n"
            for k in range(4)
            for q, n in (("plans_services", 9), ("technical", 6))
        )
    )
    waits = tmp_path / "waits.parquet"
    pd.DataFrame(
        {
            "queue": ["plans_services"] * 4 + ["technical"] * 2,
            "start": pd.Timestamp("2026-10-01 09:00", tz="Europe/Paris"),
            "wait_s": [5.0, 10.0, 30.0, 60.0, 10.0, 20.0],
            "abandoned": [True, True, False, False, True, True],
        }
    ).to_parquet(waits)
    handles = tmp_path / "calls.csv"
    handles.write_text("queue,handle_s\nplans_services,100\nplans_services,500\ntechnical,300\n")
    out = tmp_path / "out"
    code, _, err = run(
        capsys,
        "simulate",
        "--scenario",
        str(examples_dir / "telecom_fr.yaml"),
        "--forecast",
        str(forecast),
        "--staffing",
        str(staffing),
        "--waits",
        str(waits),
        "--patience",
        "kaplan_meier",
        "--handle",
        "empirical",
        "--handle-times",
        str(handles),
        "--day-cv",
        "0.1",
        "-n",
        "2",
        "-o",
        str(out),
    )
    assert code == 0, err
    records = pd.read_parquet(out / "records.parquet")
    # technical patience: everybody observed abandoned at 10 or 20 s
    tech = records[records["queue"] == "technical"]
    assert set(tech["patience_s"].round(6)) <= {10.0, 20.0}
    # empirical handle times rescaled to the forecast's AHT: two values only for plans
    plans = records[records["queue"] == "plans_services"]
    ratios = (plans["handle_s"] / plans["handle_s"].min()).round(6)
    assert set(ratios) == {1.0, 5.0}
    code, _, err = run(
        capsys,
        "simulate",
        "--scenario",
        str(examples_dir / "telecom_fr.yaml"),
        "--forecast",
        str(forecast),
        "--staffing",
        str(staffing),
        "--handle",
        "empirical",
        "-o",
        str(out),
    )
    assert code == 2 and "--handle empirical needs --handle-times" in err


def test_a_pooled_requirement_is_played_by_the_scenario_advisors(
    tmp_path: Path, forecast: Path, examples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """homeshore plan's requirements.csv holds each queue's share of its pool's requirement:
    played by generic one-skill agents it would leave the pooling out."""
    from homeshore.data.scenario_file import load_scenario
    from homeshore.staffing.pooling import pooled_requirements

    scenario = examples_dir / "telecom_fr.yaml"
    frame = pd.read_csv(forecast)
    frame["start"] = pd.to_datetime(frame["start"], utc=True).dt.tz_convert("Europe/Paris")
    req = pooled_requirements(frame, load_scenario(scenario))
    assert req["required_agents"].sum() < req["standalone_agents"].sum()
    pooled, generic = tmp_path / "pooled.csv", tmp_path / "generic.csv"
    req.to_csv(pooled, index=False)
    req.drop(columns=["pool"]).to_csv(generic, index=False)
    levels = []
    for staffing in (pooled, generic):
        out = tmp_path / staffing.stem
        args = ["simulate", "--scenario", str(scenario), "--forecast", str(forecast)]
        args += ["--staffing", str(staffing), "--replications", "4", "--seed", "7", "-o"]
        code, _, err = run(capsys, *args, str(out))
        assert code == 0, err
        summary = pd.read_csv(out / "kpis_summary.csv").set_index("queue")
        levels.append(summary.loc["ALL", "service_level"])
    assert levels[0] >= 0.8 > levels[1]
