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

from homeshore.data import ACD_DEFAULT_TIMEZONE
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
DEFAULT_TIMEZONE: Final = ACD_DEFAULT_TIMEZONE

_N = len(ACD_COLUMNS)
# how a field is checked: cheap Arrow kernels, a regular expression only where needed
_DIGITS = "digits"  # a whole number >= 0
_CLOCK = "clock"  # a time of day H:MM:SS, parsed to seconds
_DATE = "date"  # YYMMDD, a calendar day
_CHECKS: Final = (
    ("call_id", _DIGITS, "call_id is not a whole number"),
    ("priority", _DIGITS, "priority is not a whole number"),
    ("date", _DATE, "date is not a calendar day YYMMDD"),
    ("vru_entry", _CLOCK, "vru_entry is not a time H:MM:SS"),
    ("vru_exit", _CLOCK, "vru_exit is not a time H:MM:SS"),
    ("vru_time", r"^-?\d+$", "vru_time is not a whole number of seconds"),
    ("q_start", _CLOCK, "q_start is not a time H:MM:SS"),
    ("q_exit", _CLOCK, "q_exit is not a time H:MM:SS"),
    ("q_time", _DIGITS, "q_time is not a whole number of seconds"),
    ("outcome", r"^(AGENT|HANG|PHANTOM)$", "outcome is not AGENT, HANG or PHANTOM"),
    ("ser_start", _CLOCK, "ser_start is not a time H:MM:SS"),
    ("ser_exit", _CLOCK, "ser_exit is not a time H:MM:SS"),
    ("ser_time", _DIGITS, "ser_time is not a whole number of seconds"),
)
_EPOCH_1900_S = 2_208_988_800  # strptime of a bare time of day gives 1900-01-01
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
    parsed: dict[str, npt.NDArray[np.int64]] = {}
    for column, kind, reason in _CHECKS:
        valid, values = _check(fields[column], kind)
        if values is not None:
            parsed[column] = values
        flag(malformed, ok, ~valid, line_no, text_of, path, column, reason)
    malformed.sort(key=lambda m: m.line)
    report.malformed = malformed
    if strict and malformed:
        raise malformed[0].error()
    report.records = int((~blank).sum())
    rows = np.flatnonzero(ok)
    cols = fields if ok.all() else {name: fields[name].take(pa.array(rows)) for name in ACD_COLUMNS}
    kept = {name: v[rows] for name, v in parsed.items()}
    return _to_calls(cols, kept, timezone, report), report


def _check(
    values: pa.Array, kind: str
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64] | None]:
    """Which fields are valid, and their parsed values (seconds) for clocks and dates."""
    if kind == _DIGITS:
        return pc.ascii_is_decimal(values).to_numpy(zero_copy_only=False), None
    if kind == _CLOCK:
        stamp = pc.strptime(values, format="%H:%M:%S", unit="s", error_is_null=True)
        seconds = pc.cast(stamp, pa.int64()).to_numpy(zero_copy_only=False)
        valid = ~np.isnan(seconds.astype(float))
        return valid, np.where(valid, np.nan_to_num(seconds) + _EPOCH_1900_S, 0).astype(np.int64)
    if kind == _DATE:
        stamp = pc.strptime(values, format="%y%m%d", unit="s", error_is_null=True)
        seconds = pc.cast(stamp, pa.int64()).to_numpy(zero_copy_only=False)
        # a day that does not exist (990231) must not roll over into the next month
        same = pc.equal(pc.strftime(stamp, format="%y%m%d"), values)
        valid = pc.fill_null(same, False).to_numpy(zero_copy_only=False)
        return valid, np.where(valid, np.nan_to_num(seconds), 0).astype(np.int64)
    return pc.match_substring_regex(values, kind).to_numpy(zero_copy_only=False), None


def _ints(values: pa.Array) -> npt.NDArray[np.int64]:
    out: npt.NDArray[np.int64] = pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)
    return out


def _strings(values: pa.Array) -> npt.NDArray[np.object_]:
    out: npt.NDArray[np.object_] = values.to_numpy(zero_copy_only=False)
    return out


def _equal(values: pa.Array, text: str) -> npt.NDArray[np.bool_]:
    out: npt.NDArray[np.bool_] = pc.equal(values, text).to_numpy(zero_copy_only=False)
    return out


def _to_calls(
    cols: dict[str, pa.Array],
    parsed: dict[str, npt.NDArray[np.int64]],
    timezone: str,
    report: ImportReport,
) -> pd.DataFrame:
    queued = ~_equal(cols["q_start"], NEVER_QUEUED)
    phantom = _equal(cols["outcome"], "PHANTOM")
    agent = _equal(cols["outcome"], "AGENT")
    hang = _equal(cols["outcome"], "HANG")
    has_server = ~_equal(cols["server"], NO_SERVER)
    no_server = agent & ~has_server
    answered = agent & ~no_server
    abandoned = hang & queued
    report.phantom = int(phantom.sum())
    report.no_server = int(no_server.sum())
    report.not_queued = int((hang & ~queued).sum())
    report.hang_with_server = int((hang & has_server).sum())
    day_s = parsed["date"]
    report.days = set(pd.to_datetime(np.unique(day_s), unit="s"))

    offered = np.flatnonzero(answered | abandoned)
    report.offered = len(offered)
    if not len(offered):
        return empty_calls(timezone)
    entry_s = parsed["vru_entry"][offered]
    arrival_s = np.where(queued[offered], parsed["q_start"][offered], parsed["vru_exit"][offered])
    arrival_s = arrival_s + np.where(arrival_s < entry_s - _HALF_DAY_S, 86_400, 0)
    wall = pd.Series(pd.to_datetime(day_s[offered] + arrival_s, unit="s"))
    wait_s = np.where(queued[offered], _ints(cols["q_time"])[offered], 0).astype(float)
    is_abandoned = abandoned[offered]
    handle_s = np.where(is_abandoned, np.nan, _ints(cols["ser_time"])[offered].astype(float))
    take = pa.array(offered)
    agents = _strings(cols["server"].take(take))
    agents[is_abandoned] = None
    return pd.DataFrame(
        {
            "queue": _strings(cols["type"].take(take)),
            "arrival": localize(wall, timezone, report),
            "wait_s": wait_s,
            "abandoned": is_abandoned,
            "handle_s": handle_s,
            "agent": agents,
        }
    )
