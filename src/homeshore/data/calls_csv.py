"""Generic per-call CSV: one contact a line, documented in docs/import.md.

    queue,arrival,wait_s,outcome,handle_s,agent
    billing,2026-03-02T08:00:05,12,answered,184,alice
    billing,2026-03-02T08:01:10+01:00,41.5,abandoned,,
    billing,2026-03-02T08:02:00,0,ignored,,

- `queue`, `arrival`, `wait_s`, `outcome` are required; `handle_s` is required for answered
  contacts; `agent` is optional (column or value);
- `arrival` is ISO 8601: with a UTC offset it is an instant, without one a local wall time
  in the import's timezone;
- `outcome` is `answered`, `abandoned` (hung up while waiting in queue) or `ignored`
  (counted, not offered: e.g. left in the voice menu, test calls);
- extra columns are allowed and ignored; a value may not span lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from homeshore.data.calls import (
    ImportReport,
    MalformedLine,
    empty_calls,
    flag,
    localize,
    read_each,
)
from homeshore.errors import InputError

REQUIRED_COLUMNS: Final = ("queue", "arrival", "wait_s", "outcome", "handle_s")
OPTIONAL_COLUMNS: Final = ("agent",)
CSV_OUTCOMES: Final = ("answered", "abandoned", "ignored")
_OFFSET_RE = r"\d:\d\d(?::\d\d(?:[.,]\d*)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)$"


def read_calls_csv(
    paths: Sequence[Path | str], *, timezone: str, strict: bool = False
) -> tuple[pd.DataFrame, ImportReport]:
    """Read generic per-call CSV files into one call table (CALL_COLUMNS) and a report."""

    def parse(path: Path, data: bytes) -> tuple[pd.DataFrame, ImportReport]:
        return parse_calls_csv(data, path, timezone=timezone, strict=strict)

    return read_each(paths, parse, timezone)


def parse_calls_csv(
    data: bytes, path: Path, *, timezone: str, strict: bool = False
) -> tuple[pd.DataFrame, ImportReport]:
    report = ImportReport(files=[path])
    try:
        lines = data.decode("utf-8-sig").split("\n")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path) from exc
    lines = [line.rstrip("\r") for line in lines]
    if lines and lines[-1] == "":
        lines.pop()
    header = [h.strip() for h in lines[0].split(",")] if lines else []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise InputError(f"column(s) {', '.join(twice)} appear twice", path=path, line=1)
    if missing:
        raise InputError(f"header lacks column(s) {', '.join(missing)}", path=path, line=1)

    wrong: list[MalformedLine] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        n = int(row.number) if row.number is not None else -1
        wrong.append(
            MalformedLine(
                path,
                n,
                None,
                f"expected {row.expected_columns} fields, found {row.actual_columns}",
                row.text,
            )
        )
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(data.removeprefix(b"\xef\xbb\xbf")),
            read_options=pacsv.ReadOptions(
                use_threads=False, encoding="utf8", column_names=header, skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(f"not a readable CSV file ({exc})", path=path) from exc
    frame = table.to_pandas()
    if any(frame[c].str.contains("\n", regex=False).any() for c in frame.columns):
        raise InputError("a quoted value spans lines; one contact a line", path=path)
    skipped = {m.line for m in wrong}
    line_no = np.array([n for n in range(2, len(lines) + 1) if n not in skipped], dtype=np.int64)
    if len(line_no) != len(frame):
        raise InputError("cannot number the lines of this CSV (unbalanced quotes?)", path=path)
    for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
        if name in frame.columns:
            frame[name] = frame[name].str.strip()
    blank = (frame[list(REQUIRED_COLUMNS)] == "").all(axis=1).to_numpy()
    report.blank_lines = int(blank.sum())
    frame, line_no = frame.loc[~blank].reset_index(drop=True), line_no[~blank]
    report.records = len(frame) + len(wrong)

    malformed = wrong
    ok = np.ones(len(frame), dtype=bool)

    def check(bad: np.ndarray, column: str, reason: str) -> None:
        flag(malformed, ok, bad, line_no, lambda n: lines[n - 1], path, column, reason)

    outcome = frame["outcome"].str.lower()
    check((frame["queue"] == "").to_numpy(), "queue", "queue is empty")
    arrival_wall, arrival_utc, has_offset = _parse_arrival(frame["arrival"])
    check(
        (np.where(has_offset, arrival_utc.isna(), arrival_wall.isna())),
        "arrival",
        "arrival is not an ISO 8601 date-time",
    )
    wait_s = pd.to_numeric(frame["wait_s"], errors="coerce").to_numpy(dtype=float)
    check(~(wait_s >= 0), "wait_s", "wait_s is not a number of seconds >= 0")
    check(
        ~outcome.isin(CSV_OUTCOMES).to_numpy(),
        "outcome",
        "outcome is not one of " + ", ".join(CSV_OUTCOMES),
    )
    handle_s = pd.to_numeric(frame["handle_s"], errors="coerce").to_numpy(dtype=float)
    answered = (outcome == "answered").to_numpy()
    check(answered & ~(handle_s >= 0), "handle_s", "handle_s of an answered contact is not >= 0")

    malformed.sort(key=lambda m: m.line)
    report.malformed = malformed
    if strict and malformed:
        raise malformed[0].error()
    ignored = (outcome == "ignored").to_numpy()
    report.ignored = int((ok & ignored).sum())
    keep = ok & ~ignored
    instants = _instants(
        arrival_wall[ok], arrival_utc[ok], has_offset[ok], timezone, report
    ).reindex(frame.index)
    report.days = set(instants[ok].dt.tz_localize(None).dt.normalize().unique())
    report.offered = int(keep.sum())
    if not keep.any():
        return empty_calls(timezone), report
    agent = np.full(len(frame), None, dtype=object)
    if "agent" in frame.columns:
        named = (frame["agent"] != "").to_numpy()
        agent[named] = frame["agent"].to_numpy(dtype=object)[named]
    abandoned = (outcome == "abandoned").to_numpy()
    agent[abandoned] = None
    calls = pd.DataFrame(
        {
            "queue": frame["queue"].to_numpy(dtype=object),
            "arrival": pd.DatetimeIndex(instants).tz_convert(timezone),
            "wait_s": wait_s,
            "abandoned": abandoned,
            "handle_s": np.where(abandoned, np.nan, handle_s),
            "agent": agent,
        }
    )
    return calls.loc[keep].reset_index(drop=True), report


def _parse_arrival(text: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    has_offset = text.str.contains(_OFFSET_RE, regex=True).to_numpy()
    wall = pd.to_datetime(text.where(~has_offset), format="ISO8601", errors="coerce")
    utc = pd.to_datetime(text.where(has_offset), format="ISO8601", errors="coerce", utc=True)
    return wall, utc, has_offset


def _instants(
    wall: pd.Series, utc: pd.Series, has_offset: np.ndarray, timezone: str, report: ImportReport
) -> pd.Series:
    local = localize(wall, timezone, report)
    aware = utc.dt.tz_convert(timezone)
    return local.where(~has_offset, aware)
