"""The per-call table every importer produces, and the report of what an import read.

Importers (ACD logs, generic CSV, the history generator) all turn their input into one
DataFrame of *offered* contacts with CALL_COLUMNS; `homeshore.data.intervals` aggregates it.

A contact is **offered** when it reached the queue for an agent: it waited in the queue
(answered or abandoned there) or an agent took it without queueing. Contacts that left in
the voice menu, virtual (phantom) calls and records without an agent are not offered; the
ImportReport counts each kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from homeshore.errors import InputError

#: one row per offered contact
CALL_COLUMNS: Final = (
    "queue",  # queue id (str)
    "arrival",  # instant the contact reached the queue (tz-aware)
    "wait_s",  # seconds in queue before answer or abandon (0: answered at once)
    "abandoned",  # True: hung up while waiting; False: answered
    "handle_s",  # handle time of answered contacts (NaN when abandoned)
    "agent",  # agent who answered (None when abandoned or unknown)
)


@dataclass(frozen=True, slots=True)
class MalformedLine:
    """A line that could not be read: where it is and why."""

    path: Path
    line: int
    column: str | None
    reason: str
    text: str

    def error(self) -> InputError:
        where = f"column {self.column}" if self.column else None
        return InputError(self.reason, path=self.path, line=self.line, where=where)

    def describe(self) -> str:
        return self.error().describe()


@dataclass(slots=True)
class ImportReport:
    """What an import read, kept, skipped and could not read (never silently dropped)."""

    files: list[Path] = field(default_factory=list)
    records: int = 0  # data lines read (excluding header and blank lines)
    offered: int = 0  # rows of the call table
    phantom: int = 0  # virtual calls, ignored (ACD outcome PHANTOM)
    not_queued: int = 0  # left before reaching the queue (voice menu hang-ups)
    no_server: int = 0  # outcome AGENT with server NO_SERVER: not offered, see docs/import.md
    hang_with_server: int = 0  # outcome HANG with an agent name: counted by outcome
    ignored: int = 0  # generic CSV rows with outcome "ignored"
    blank_lines: int = 0
    ambiguous_times: int = 0  # local wall times that occur twice (clocks going back)
    nonexistent_times: int = 0  # local wall times skipped by clocks going forward
    malformed: list[MalformedLine] = field(default_factory=list)
    days: set[pd.Timestamp] = field(default_factory=set)  # local dates with any record

    def merge(self, other: ImportReport) -> None:
        self.files.extend(other.files)
        for name in (
            "records",
            "offered",
            "phantom",
            "not_queued",
            "no_server",
            "hang_with_server",
            "ignored",
            "blank_lines",
            "ambiguous_times",
            "nonexistent_times",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.malformed.extend(other.malformed)
        self.days |= other.days

    def counts(self) -> dict[str, int]:
        return {
            "records": self.records,
            "offered": self.offered,
            "phantom": self.phantom,
            "not_queued": self.not_queued,
            "no_server": self.no_server,
            "hang_with_server": self.hang_with_server,
            "ignored": self.ignored,
            "blank_lines": self.blank_lines,
            "ambiguous_times": self.ambiguous_times,
            "nonexistent_times": self.nonexistent_times,
            "malformed": len(self.malformed),
        }


def flag(
    malformed: list[MalformedLine],
    ok: npt.NDArray[np.bool_],
    bad: npt.NDArray[np.bool_],
    line_no: npt.NDArray[np.int64],
    text_of: Callable[[int], str],
    path: Path,
    column: str,
    reason: str,
) -> None:
    """Record rows still `ok` that are `bad` as malformed (first problem of a line wins)."""
    for i in np.flatnonzero(ok & bad):
        n = int(line_no[i])
        malformed.append(MalformedLine(path, n, column, reason, text_of(n)))
    ok &= ~bad


def read_each(
    paths: Sequence[Path | str],
    parse: Callable[[Path, bytes], tuple[pd.DataFrame, ImportReport]],
    timezone: str,
) -> tuple[pd.DataFrame, ImportReport]:
    """Read each file, parse it, and join the call tables and reports."""
    report = ImportReport()
    frames = []
    for name in paths:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read call log ({exc.strerror})", path=path) from exc
        calls, file_report = parse(path, data)
        frames.append(calls)
        report.merge(file_report)
    if not frames:
        return empty_calls(timezone), report
    return pd.concat(frames, ignore_index=True), report


def empty_calls(timezone: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "queue": pd.Series([], dtype=object),
            "arrival": pd.Series([], dtype=f"datetime64[ns, {timezone}]"),
            "wait_s": pd.Series([], dtype="float64"),
            "abandoned": pd.Series([], dtype="bool"),
            "handle_s": pd.Series([], dtype="float64"),
            "agent": pd.Series([], dtype=object),
        }
    )


def localize(wall: pd.Series, timezone: str, report: ImportReport) -> pd.Series:
    """Local wall times (naive) -> tz-aware instants.

    A wall time that occurs twice when clocks go back is read as the first occurrence
    (summer time); one skipped when clocks go forward is moved to the end of the gap. Both are
    counted in the report.
    """
    naive = pd.DatetimeIndex(wall)
    strict = naive.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    missing = np.asarray(strict.isna()) & ~np.asarray(naive.isna())
    if not missing.any():
        return pd.Series(strict, index=wall.index)
    summer = naive.tz_localize(
        timezone, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward"
    )
    shifted = naive.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
    ambiguous = missing & shifted.isna()
    report.ambiguous_times += int(ambiguous.sum())
    report.nonexistent_times += int((missing & ~ambiguous).sum())
    return pd.Series(summer, index=wall.index)
