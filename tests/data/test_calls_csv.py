from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from homeshore.data.calls import CALL_COLUMNS, ImportReport
from homeshore.data.calls_csv import parse_calls_csv, read_calls_csv
from homeshore.errors import InputError

HEADER = "queue,arrival,wait_s,outcome,handle_s,agent"
PARIS = "Europe/Paris"


def parse(
    *lines: str, header: str = HEADER, strict: bool = False
) -> tuple[pd.DataFrame, ImportReport]:
    data = ("\n".join([header, *lines]) + "\n").encode()
    return parse_calls_csv(data, Path("calls.csv"), timezone=PARIS, strict=strict)


def test_reads_the_documented_example() -> None:
    calls, report = parse(
        "billing,2026-03-02T08:00:05,12,answered,184,alice",
        "billing,2026-03-02T08:01:10+01:00,41.5,abandoned,,",
        "billing,2026-03-02T08:02:00,0,ignored,,",
        "tech,2026-03-02T08:03:00,0,answered,60,",
    )
    assert list(calls.columns) == list(CALL_COLUMNS)
    assert calls["queue"].tolist() == ["billing", "billing", "tech"]
    assert calls["abandoned"].tolist() == [False, True, False]
    assert calls["agent"].tolist() == ["alice", None, None]
    assert calls["wait_s"].tolist() == [12.0, 41.5, 0.0]
    assert calls["arrival"].iloc[0] == pd.Timestamp("2026-03-02 08:00:05", tz=PARIS)
    assert report.ignored == 1 and report.offered == 3 and report.records == 4


def test_offsets_are_instants_and_plain_times_are_local() -> None:
    calls, _ = parse(
        "q,2026-07-01T10:00:00Z,0,answered,10,a",
        "q,2026-07-01T12:00:00,0,answered,10,a",
    )
    assert calls["arrival"].iloc[0] == calls["arrival"].iloc[1]


def test_agent_column_is_optional_and_extra_columns_ignored() -> None:
    calls, _ = parse(
        "q,2026-07-01T10:00:00,3,answered,10,x", header="queue,arrival,wait_s,outcome,handle_s,note"
    )
    assert calls["agent"].tolist() == [None]


def test_dst_gap_and_repeat_are_counted() -> None:
    calls, report = parse(
        "q,2026-03-29T02:30:00,0,answered,10,a",
        "q,2026-10-25T02:30:00,0,answered,10,a",
    )
    assert report.nonexistent_times == 1 and report.ambiguous_times == 1
    assert calls["arrival"].iloc[0] == pd.Timestamp("2026-03-29 03:00", tz=PARIS)
    assert calls["arrival"].iloc[1].utcoffset() == dt.timedelta(hours=2)


def test_malformed_lines_are_reported_with_numbers() -> None:
    calls, report = parse(
        "q,2026-07-01T10:00:00,0,answered,10,a",
        "q,2026-07-01T10:00:00,0,answered,10",  # line 3: 5 fields
        "q,yesterday,0,answered,10,a",  # 4
        "",  # 5: blank
        "q,2026-07-01T10:00:00,-1,answered,10,a",  # 6
        "q,2026-07-01T10:00:00,0,transferred,10,a",  # 7
        "q,2026-07-01T10:00:00,0,answered,,a",  # 8
        ",2026-07-01T10:00:00,0,answered,1,a",  # 9
        "q,2026-07-01T10:00:00,0,abandoned,,",
    )
    found = [(m.line, m.column) for m in report.malformed]
    assert found == [
        (3, None),
        (4, "arrival"),
        (6, "wait_s"),
        (7, "outcome"),
        (8, "handle_s"),
        (9, "queue"),
    ]
    assert report.blank_lines == 1 and len(calls) == 2


def test_strict_stops_at_the_first_malformed_line() -> None:
    with pytest.raises(InputError) as err:
        parse(
            "q,2026-07-01T10:00:00,0,answered,10,a",
            "q,2026-07-01T10:00:00,abc,answered,10,a",
            strict=True,
        )
    assert err.value.line == 3 and err.value.where == "column wait_s"


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("queue,arrival,outcome\nq,2026-07-01T10:00:00,answered\n")
    with pytest.raises(InputError, match="wait_s, handle_s") as err:
        read_calls_csv([path], timezone=PARIS)
    assert err.value.line == 1


def test_byte_order_mark_and_spaced_header_are_accepted() -> None:
    data = "\ufeffqueue, arrival ,wait_s,outcome,handle_s\nq,2026-07-01T10:00:00,3,answered,10\n"
    calls, report = parse_calls_csv(data.encode(), Path("bom.csv"), timezone=PARIS)
    assert report.malformed == [] and calls["queue"].tolist() == ["q"]


def test_duplicate_column_is_refused() -> None:
    with pytest.raises(InputError, match="appear twice"):
        parse("q,2026-07-01T10:00:00,3,answered,10,a,b", header=HEADER + ",agent")
