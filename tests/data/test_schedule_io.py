from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from homeshore.data.schedule_io import (
    read_previous,
    read_requirements,
    read_schedule,
    schedule_to_frame,
    write_schedule,
)
from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.domain.tables import REQUIREMENT_COLUMNS, SCHEDULE_COLUMNS
from homeshore.errors import InputError

PARIS = ZoneInfo("Europe/Paris")


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 2, hour, minute, tzinfo=PARIS)


def _schedule() -> Schedule:
    return Schedule.of(
        [
            ScheduleSegment("a1", _at(8), _at(10), Activity.WORK, WorkMode.SITE, "lyon", "q1"),
            ScheduleSegment("a1", _at(10), _at(10, 15), Activity.BREAK, WorkMode.SITE, "lyon"),
            ScheduleSegment("h1", _at(18), _at(21), Activity.WORK, WorkMode.HOME, None, "q2"),
        ]
    )


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_schedule_round_trips(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"s{suffix}"
    write_schedule(_schedule(), path)
    back = read_schedule(path)
    assert back == _schedule()
    assert back.segments[0].start.utcoffset() == dt.timedelta(hours=1)


def test_csv_header_is_schedule_columns(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    write_schedule(_schedule(), path)
    assert path.read_text().splitlines()[0] == ",".join(SCHEDULE_COLUMNS)
    assert list(schedule_to_frame(_schedule()).columns) == list(SCHEDULE_COLUMNS)


def test_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_schedule(_schedule(), tmp_path / "s.json")
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_naive_times_need_a_timezone(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "agent_id,start,end,activity,location,site,queue\n"
        "a1,2026-11-02T08:00,2026-11-02T09:00,work,home,,q1\n"
    )
    with pytest.raises(InputError, match=r"line 2.*no UTC offset"):
        read_schedule(path)
    got = read_schedule(path, timezone="Europe/Paris")
    assert got.segments[0].start == _at(8)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("a1,2026-11-02T08:00+01:00,2026-11-02T09:00+01:00,nap,home,,q1", "activity"),
        ("a1,2026-11-02T08:00+01:00,2026-11-02T09:00+01:00,work,moon,,q1", "location"),
        ("a1,yesterday,2026-11-02T09:00+01:00,work,home,,q1", "not an ISO 8601"),
        ("a1,2026-11-02T09:00+01:00,2026-11-02T08:00+01:00,work,home,,q1", "ends before"),
        ("a1,2026-11-02T08:00+01:00,2026-11-02T09:00+01:00,work,site,,q1", "needs a site"),
        (",2026-11-02T08:00+01:00,2026-11-02T09:00+01:00,work,home,,q1", "agent_id is empty"),
    ],
)
def test_bad_schedule_rows_name_the_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "s.csv"
    ok = "a0,2026-11-02T08:00+01:00,2026-11-02T09:00+01:00,work,home,,q1"
    path.write_text("agent_id,start,end,activity,location,site,queue\n" + ok + "\n" + row + "\n")
    with pytest.raises(InputError, match=message) as info:
        read_schedule(path)
    assert info.value.line == 3
    assert info.value.path == path


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("agent_id,start,end\n")
    with pytest.raises(InputError, match="activity, location, site, queue"):
        read_schedule(path)


def test_json_schedule_must_be_a_list(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"agent_id": "a1"}))
    with pytest.raises(InputError, match="list of objects"):
        read_schedule(path)


def test_unknown_suffix_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.csv or \.json"):
        write_schedule(_schedule(), tmp_path / "s.xlsx")


def test_requirements_minimal_columns_fill_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "queue,start,interval_min,scheduled_agents\n"
        "q1,2026-11-02T08:00:00+01:00,30,3\n"
        "q1,2026-11-02T08:30:00+01:00,30,4\n"
    )
    frame = read_requirements(path)
    assert list(frame.columns) == list(REQUIREMENT_COLUMNS)
    assert frame["scheduled_agents"].tolist() == [3, 4]
    assert frame["start"].iloc[1] == _at(8, 30)
    assert frame["volume"].isna().all()


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("q1,2026-11-02T08:00:00+01:00,30,-1", "whole number", 2),
        ("q1,2026-11-02T08:00:00+01:00,30,2.5", "whole number", 2),
        ("q1,2026-11-02T08:00:00+01:00,20,2", "15, 30 or 60", 2),
        ("q1,2026-11-02T08:00:00,30,2", "no UTC offset", 2),
        ("q1,2026-11-02T08:00:00+01:00,30,2\nq1,2026-11-02T08:00:00+01:00,30,2", "twice", 3),
    ],
)
def test_bad_requirements_name_the_line(tmp_path: Path, body: str, message: str, line: int) -> None:
    path = tmp_path / "r.csv"
    path.write_text("queue,start,interval_min,scheduled_agents\n" + body + "\n")
    with pytest.raises(InputError, match=message) as info:
        read_requirements(path)
    assert info.value.line == line


def test_requirements_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("queue,start,interval_min\nq1,2026-11-02T08:00:00+01:00,30\n")
    with pytest.raises(InputError, match="scheduled_agents"):
        read_requirements(path)


def test_read_previous_joins_files_and_counts_a_repeated_segment_once(tmp_path: Path) -> None:
    first, second = tmp_path / "w1.csv", tmp_path / "w2.json"
    write_schedule(_schedule(), first)
    later = ScheduleSegment(
        "a1",
        _at(8) + dt.timedelta(days=7),
        _at(10) + dt.timedelta(days=7),
        Activity.WORK,
        WorkMode.HOME,
        None,
        "q1",
    )
    write_schedule(Schedule.of([*_schedule(), later]), second)  # week 1 given again
    joined = read_previous([first, second])
    assert joined == Schedule.of([*_schedule(), later])
    assert read_previous([]) is None


def test_read_previous_refuses_overlapping_files(tmp_path: Path) -> None:
    first, second = tmp_path / "w1.csv", tmp_path / "replanned.csv"
    write_schedule(_schedule(), first)
    moved = ScheduleSegment("a1", _at(9), _at(11), Activity.WORK, WorkMode.HOME, None, "q1")
    write_schedule(Schedule.of([moved]), second)
    with pytest.raises(InputError, match=r"agent 'a1': work .* overlaps .* of .*w1\.csv") as info:
        read_previous([first, second])
    assert info.value.path == second
