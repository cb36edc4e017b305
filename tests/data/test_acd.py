from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from homeshore.data.acd import ACD_COLUMNS, parse_acd_text, read_acd
from homeshore.data.calls import CALL_COLUMNS, ImportReport
from homeshore.errors import InputError

HEADER = "\t".join(ACD_COLUMNS)
JERUSALEM = ZoneInfo("Asia/Jerusalem")


def record(
    *,
    type_: str = "PS",
    date: str = "990110",
    entry: str = "10:00:00",
    vru_exit: str = "10:00:10",
    q_start: str = "10:00:10",
    q_time: int = 30,
    outcome: str = "AGENT",
    ser_start: str = "10:00:40",
    ser_time: int | str = 120,
    server: str = "DANA",
    customer: str = "12345",
) -> str:
    fields = [
        "AA0101", "1", customer, "2", type_, date, entry, vru_exit, "10", q_start,
        "0:00:00", str(q_time), outcome, ser_start, "0:00:00", str(ser_time), server,
    ]  # fmt: skip
    return "\t".join(fields)


def parse(*lines: str, strict: bool = False) -> tuple[pd.DataFrame, ImportReport]:
    text = "\n".join([HEADER, *lines]) + "\n"
    return parse_acd_text(text, Path("log.txt"), strict=strict)


def reference(path: Path) -> dict[str, int]:
    """A plain line-by-line reading of the documented rules, to check the vectorised one."""
    counts = {"phantom": 0, "not_queued": 0, "no_server": 0, "answered": 0, "abandoned": 0}
    handle = 0
    for line in path.read_text().splitlines()[1:]:
        f = line.split()
        queued = f[9] != "0:00:00"
        if f[12] == "PHANTOM":
            counts["phantom"] += 1
        elif f[12] == "HANG":
            counts["abandoned" if queued else "not_queued"] += 1
        elif f[16] == "NO_SERVER":
            counts["no_server"] += 1
        else:
            counts["answered"] += 1
            handle += int(f[15])
    counts["handle_s"] = handle
    return counts


def test_excerpt_matches_a_line_by_line_reading(bank_excerpt: Path) -> None:
    calls, report = read_acd([bank_excerpt])
    ref = reference(bank_excerpt)
    assert list(calls.columns) == list(CALL_COLUMNS)
    assert report.malformed == []
    assert report.records == len(bank_excerpt.read_text().splitlines()) - 1
    assert report.phantom == ref["phantom"] > 0
    assert report.not_queued == ref["not_queued"] > 0
    assert report.no_server == ref["no_server"] > 0
    assert int((~calls["abandoned"]).sum()) == ref["answered"]
    assert int(calls["abandoned"].sum()) == ref["abandoned"]
    assert calls["handle_s"].sum() == ref["handle_s"]
    assert report.offered == len(calls)
    assert str(calls["arrival"].dt.tz) == "Asia/Jerusalem"


def test_leading_space_before_type_is_read(bank_excerpt: Path) -> None:
    text = bank_excerpt.read_text()
    assert "\t TT\t" in text  # the quirk is in the shipped excerpt
    _, report = read_acd([bank_excerpt])
    assert report.malformed == []
    calls, _ = parse(record(type_=" TT"))
    assert calls["queue"].tolist() == ["TT"]


def test_space_instead_of_tab_before_type_is_read() -> None:
    line = record(type_="NE").replace("\tNE\t", " NE\t")
    assert line.count("\t") == len(ACD_COLUMNS) - 2
    calls, report = parse(line, "  " + record(type_="NE"))
    assert report.malformed == []
    assert calls["queue"].tolist() == ["NE", "NE"]


def test_agent_with_no_server_is_counted_and_not_offered() -> None:
    calls, report = parse(
        record(q_start="0:00:00", q_time=0, server="NO_SERVER", ser_time=6), record()
    )
    assert report.no_server == 1
    assert len(calls) == 1 and calls["agent"].tolist() == ["DANA"]


def test_phantom_is_ignored_and_counted() -> None:
    calls, report = parse(record(outcome="PHANTOM", server="NO_SERVER"))
    assert report.phantom == 1 and calls.empty and report.records == 1


def test_never_queued_hang_is_not_offered() -> None:
    calls, report = parse(
        record(q_start="0:00:00", q_time=0, outcome="HANG", server="NO_SERVER", customer="0")
    )
    assert calls.empty and report.not_queued == 1


def test_answered_without_queueing_has_zero_wait_and_arrives_at_vru_exit() -> None:
    calls, _ = parse(record(q_start="0:00:00", q_time=0, ser_start="0:00:00", customer="0"))
    assert calls["wait_s"].tolist() == [0.0]
    assert calls["arrival"].iloc[0] == pd.Timestamp(
        dt.datetime(1999, 1, 10, 10, 0, 10, tzinfo=JERUSALEM)
    )


def test_abandon_in_queue_keeps_its_wait_as_censored_patience() -> None:
    calls, _ = parse(record(outcome="HANG", q_time=95, server="NO_SERVER", ser_time=0))
    row = calls.iloc[0]
    assert bool(row["abandoned"]) and row["wait_s"] == 95 and pd.isna(row["handle_s"])
    assert row["agent"] is None


def test_hang_naming_an_agent_counts_by_outcome() -> None:
    calls, report = parse(record(outcome="HANG", server="YIFAT"))
    assert report.hang_with_server == 1 and calls["abandoned"].tolist() == [True]


def test_call_queueing_after_midnight_is_on_the_next_day(bank_excerpt: Path) -> None:
    calls, _ = parse(
        record(date="990210", entry="23:59:56", vru_exit="23:59:56", q_start="0:00:02")
    )
    expected = dt.datetime(1999, 2, 11, 0, 0, 2, tzinfo=JERUSALEM)
    assert calls["arrival"].iloc[0] == pd.Timestamp(expected)
    # the excerpt holds such a call
    excerpt, _ = read_acd([bank_excerpt])
    assert (excerpt["arrival"].dt.strftime("%H:%M") == "00:00").any()


def test_spreadsheet_customer_ids_and_negative_vru_time_are_not_errors(bank_excerpt: Path) -> None:
    text = bank_excerpt.read_text()
    assert "E+" in text and "\t-" in text
    line = record(customer="3.26702E+11").replace("\t10\t10:00:10\t", "\t-54\t10:00:10\t")
    calls, report = parse(line)
    assert report.malformed == [] and len(calls) == 1


def test_dst_start_in_israel_1999_gives_the_right_instants() -> None:
    # clocks went from 02:00 to 03:00 on Friday 2 April 1999
    before = record(date="990402", entry="01:59:00", vru_exit="01:59:00", q_start="01:59:00")
    after = record(date="990402", entry="03:01:00", vru_exit="03:01:00", q_start="03:01:00")
    calls, report = parse(before, after)
    gap = calls["arrival"].iloc[1] - calls["arrival"].iloc[0]
    assert gap == pd.Timedelta(minutes=2)
    assert [t.utcoffset() for t in calls["arrival"]] == [
        dt.timedelta(hours=2),
        dt.timedelta(hours=3),
    ]
    assert report.nonexistent_times == 0


def test_malformed_lines_are_reported_with_numbers() -> None:
    calls, report = parse(
        record(),
        "AA0101\t2\t0\t0\tPS",  # too few fields: line 3
        record(q_time=-3),  # line 4
        record(outcome="TRANSFER"),  # line 5
        "",  # blank line 6: counted, not malformed
        record(date="990231"),  # line 7
        record(entry="25:00:00"),  # line 8
        record(),
    )
    assert [(m.line, m.column) for m in report.malformed] == [
        (3, None),
        (4, "q_time"),
        (5, "outcome"),
        (7, "date"),
        (8, "vru_entry"),
    ]
    assert "expected 17 fields, found 5" in report.malformed[0].reason
    assert report.blank_lines == 1
    assert report.records == 7 and len(calls) == 2


def test_strict_mode_stops_at_the_first_malformed_line() -> None:
    with pytest.raises(InputError) as err:
        parse(record(), record(), record(ser_time="x"), record(outcome="?"), strict=True)
    e = err.value
    assert e.line == 4 and e.where == "column ser_time" and e.path == Path("log.txt")
    assert "log.txt, line 4, column ser_time" in str(e)


def test_a_file_without_the_header_is_refused() -> None:
    with pytest.raises(InputError, match="header"):
        parse_acd_text(record() + "\n", Path("x.txt"))


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_acd([tmp_path / "nope.txt"])
