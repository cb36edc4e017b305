"""Per-call ACD logs in the "Anonymous Bank" format (Technion SEE lab, 1999).

Whitespace-separated text, one header line, 17 fields a record (docs/import.md lists them
and every decision below). Parsing is vectorised with Arrow string kernels: a file of
40,000 records reads in a fraction of a second.

Decisions (counted in the ImportReport, documented in docs/import.md):

- fields are split on any run of spaces or tabs, so a leading space or a space instead of
  a tab before `type` is harmless;
- `PHANTOM` records are virtual calls: counted, ignored;
- `q_start = 0:00:00` means the call never queued: with outcome `HANG` it left in the voice
  menu (not offered); with outcome `AGENT` an agent took it at once (offered, wait 0,
  reaching the queue at `vru_exit`; its `ser_start` is sometimes `0:00:00`);
- a contact reaches the queue at `q_start` when it queued; `q_time` is its wait (to answer
  or to abandon) and `ser_time` its handle time (0 for 654 answered records: kept);
- `AGENT` with `server = NO_SERVER` (a few seconds of "service", nearly all without
  queueing) is not an agent conversation: counted as `no_server`, not offered;
- `HANG` with an agent name (4 records in six months) counts by its outcome: abandoned if it
  queued;
- `customer_id` is not used (some are in spreadsheet notation, 3.26702E+11); `vru_time` may
  be negative (the voice menu's clock a minute off the switch's, 222 records): not used;
- times are local wall times of `date`; a time earlier than `vru_entry` by more than 12 h is
  on the next day (calls around midnight).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from homeshore.data.calls import (
    ImportReport,
    MalformedLine,
    empty_calls,
    flag,
    localize,
    read_each,
)
from homeshore.errors import InputError

ACD_COLUMNS: Final = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)
OUTCOMES: Final = ("AGENT", "HANG", "PHANTOM")
NEVER_QUEUED: Final = "0:00:00"
NO_SERVER: Final = "NO_SERVER"
DEFAULT_TIMEZONE: Final = "Asia/Jerusalem"

_N = len(ACD_COLUMNS)
_TIME_RE = r"^([01]?\d|2[0-3]):[0-5]\d:[0-5]\d$"
_DIGITS = "digits"  # a check done with a cheaper kernel than a regular expression
_CHECKS: Final = (
    # (column, regex the field must match, reason when it does not)
    ("call_id", _DIGITS, "call_id is not a whole number"),
    ("priority", _DIGITS, "priority is not a whole number"),
    ("date", r"^\d{6}$", "date is not YYMMDD"),
    ("vru_entry", _TIME_RE, "vru_entry is not a time H:MM:SS"),
    ("vru_exit", _TIME_RE, "vru_exit is not a time H:MM:SS"),
    ("vru_time", r"^-?\d+$", "vru_time is not a whole number of seconds"),
    ("q_start", _TIME_RE, "q_start is not a time H:MM:SS"),
    ("q_exit", _TIME_RE, "q_exit is not a time H:MM:SS"),
    ("q_time", _DIGITS, "q_time is not a whole number of seconds"),
    ("outcome", r"^(AGENT|HANG|PHANTOM)$", "outcome is not AGENT, HANG or PHANTOM"),
    ("ser_start", _TIME_RE, "ser_start is not a time H:MM:SS"),
    ("ser_exit", _TIME_RE, "ser_exit is not a time H:MM:SS"),
    ("ser_time", _DIGITS, "ser_time is not a whole number of seconds"),
)
_HALF_DAY_S = 12 * 3600


def read_acd(
    paths: Sequence[Path | str],
    *,
    timezone: str = DEFAULT_TIMEZONE,
    strict: bool = False,
) -> tuple[pd.DataFrame, ImportReport]:
    """Read ACD log files into one call table (CALL_COLUMNS) and a report.

    Malformed lines are listed in the report; with `strict` the first raises an InputError
    naming file, line, column and reason.
    """

    def parse(path: Path, data: bytes) -> tuple[pd.DataFrame, ImportReport]:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})", path=path) from exc
        return parse_acd_text(text, path, timezone=timezone, strict=strict)

    return read_each(paths, parse, timezone)


def parse_acd_text(
    text: str, path: Path, *, timezone: str = DEFAULT_TIMEZONE, strict: bool = False
) -> tuple[pd.DataFrame, ImportReport]:
    """Parse the content of one ACD log file (see read_acd)."""
    report = ImportReport(files=[path])
    lines = pc.list_flatten(pc.split_pattern(pa.array([text], type=pa.string()), "\n"))
    if len(lines) and lines[len(lines) - 1].as_py().strip() == "":
        lines = lines.slice(0, len(lines) - 1)
    first = lines[0].as_py() if len(lines) else ""
    if tuple(first.split()) != ACD_COLUMNS:
        got = " ".join(first.split()[:4]) + " ..." if len(lines) else "an empty file"
        hint = "; for the generic CSV use --format csv" if "," in first else ""
        raise InputError(
            f"the first line must be the header {' '.join(ACD_COLUMNS[:4])} ... (got {got}){hint}",
            path=path,
            line=1,
        )

    def text_of(n: int) -> str:
        return str(lines[n - 1].as_py())

    trimmed = pc.utf8_trim_whitespace(lines.slice(1))
    parts = pc.utf8_split_whitespace(trimmed)
    blank = pc.equal(trimmed, "").to_numpy(zero_copy_only=False)
    counts = np.where(blank, 0, pc.list_value_length(parts).to_numpy(zero_copy_only=False))
    line_no = np.arange(2, len(lines) + 1)
    report.blank_lines = int(blank.sum())
    bad_count = ~blank & (counts != _N)
    malformed = [
        MalformedLine(path, int(n), None, f"expected {_N} fields, found {c}", text_of(n))
        for n, c in zip(line_no[bad_count], counts[bad_count], strict=True)
    ]
    keep = np.flatnonzero(counts == _N)
    flat = pc.list_flatten(parts if len(keep) == len(counts) else parts.take(pa.array(keep)))
    fields = {
        name: flat.take(pa.array(np.arange(i, len(flat), _N))) for i, name in enumerate(ACD_COLUMNS)
    }
    line_no = line_no[keep]
    ok = np.ones(len(keep), dtype=bool)
    for column, pattern, reason in _CHECKS:
        values = fields[column]
        test = (
            pc.ascii_is_decimal(values)
            if pattern == _DIGITS
            else pc.match_substring_regex(values, pattern)
        )
        matches = test.to_numpy(zero_copy_only=False)
        flag(malformed, ok, ~matches, line_no, text_of, path, column, reason)
    date = pd.to_datetime(
        pd.Series(fields["date"].to_numpy(zero_copy_only=False)), format="%y%m%d", errors="coerce"
    )
    flag(
        malformed, ok, date.isna().to_numpy(), line_no, text_of, path, "date", "not a calendar day"
    )
    malformed.sort(key=lambda m: m.line)
    report.malformed = malformed
    if strict and malformed:
        raise malformed[0].error()
    report.records = int((~blank).sum())
    sel = pa.array(np.flatnonzero(ok))
    cols = fields if ok.all() else {name: fields[name].take(sel) for name in ACD_COLUMNS}
    return _to_calls(cols, date[ok].reset_index(drop=True), timezone, report), report


def _seconds(times: pa.Array) -> npt.NDArray[np.int64]:
    """H:MM:SS strings (already validated) -> seconds from midnight."""
    hms = pc.list_flatten(pc.split_pattern(times, ":"))
    values = pc.cast(hms, pa.int64()).to_numpy(zero_copy_only=False).reshape(-1, 3)
    out: npt.NDArray[np.int64] = values @ np.array([3600, 60, 1], dtype=np.int64)
    return out


def _ints(values: pa.Array) -> npt.NDArray[np.int64]:
    out: npt.NDArray[np.int64] = pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)
    return out


def _strings(values: pa.Array) -> npt.NDArray[np.object_]:
    out: npt.NDArray[np.object_] = values.to_numpy(zero_copy_only=False)
    return out


def _to_calls(
    cols: dict[str, pa.Array], date: pd.Series, timezone: str, report: ImportReport
) -> pd.DataFrame:
    outcome = _strings(cols["outcome"])
    server = _strings(cols["server"])
    queued = _strings(cols["q_start"]) != NEVER_QUEUED
    phantom = outcome == "PHANTOM"
    agent = outcome == "AGENT"
    hang = outcome == "HANG"
    no_server = agent & (server == NO_SERVER)
    answered = agent & ~no_server
    abandoned = hang & queued
    report.phantom = int(phantom.sum())
    report.no_server = int(no_server.sum())
    report.not_queued = int((hang & ~queued).sum())
    report.hang_with_server = int((hang & (server != NO_SERVER)).sum())
    report.days = set(pd.DatetimeIndex(date.unique()))

    offered = np.flatnonzero(answered | abandoned)
    report.offered = len(offered)
    if not len(offered):
        return empty_calls(timezone)
    entry_s = _seconds(cols["vru_entry"])[offered]
    arrival_s = np.where(
        queued[offered], _seconds(cols["q_start"])[offered], _seconds(cols["vru_exit"])[offered]
    )
    arrival_s = arrival_s + np.where(arrival_s < entry_s - _HALF_DAY_S, 86_400, 0)
    wall = date.iloc[offered].reset_index(drop=True) + pd.to_timedelta(arrival_s, unit="s")
    wait_s = np.where(queued[offered], _ints(cols["q_time"])[offered], 0).astype(float)
    is_abandoned = abandoned[offered]
    handle_s = np.where(is_abandoned, np.nan, _ints(cols["ser_time"])[offered].astype(float))
    agents = server[offered].copy()
    agents[is_abandoned] = None
    return pd.DataFrame(
        {
            "queue": _strings(cols["type"])[offered],
            "arrival": localize(wall, timezone, report),
            "wait_s": wait_s,
            "abandoned": is_abandoned,
            "handle_s": handle_s,
            "agent": agents,
        }
    )
