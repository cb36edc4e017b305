"""Schedules as CSV or JSON tables (SCHEDULE_COLUMNS) and requirement tables (REQUIREMENT_COLUMNS).

Every stage that reads a schedule (simulator, live platform, auditor) goes through
`read_schedule`; every stage that writes one goes through `write_schedule`. Times are ISO 8601
with their UTC offset ("2026-11-02T08:00:00+01:00"); a time without offset is read in the
`timezone` given, and is an error when none is given. Bad rows raise InputError naming the
file, the line and the column. Outputs are written to a temporary file and renamed, never
half-written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from homeshore.data.atomic import write_text_atomic
from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.domain.tables import REQUIREMENT_COLUMNS, SCHEDULE_COLUMNS
from homeshore.errors import InputError

_E = TypeVar("_E", Activity, WorkMode)

__all__ = [
    "REQUIRED_REQUIREMENT_COLUMNS",
    "read_previous",
    "read_requirements",
    "read_schedule",
    "schedule_from_records",
    "schedule_to_frame",
    "schedule_to_records",
    "write_schedule",
    "write_text_atomic",
]

#: columns a requirement CSV must have; the others of REQUIREMENT_COLUMNS are optional
REQUIRED_REQUIREMENT_COLUMNS = ("queue", "start", "interval_min", "scheduled_agents")


def schedule_to_records(schedule: Schedule) -> list[dict[str, str]]:
    """One dict per segment with SCHEDULE_COLUMNS keys; empty strings for no site / queue."""
    return [
        {
            "agent_id": s.agent_id,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "activity": s.activity.value,
            "location": s.location.value,
            "site": s.site or "",
            "queue": s.queue or "",
        }
        for s in schedule
    ]


def schedule_to_frame(schedule: Schedule) -> pd.DataFrame:
    """The schedule as a DataFrame with SCHEDULE_COLUMNS (tz-aware start/end)."""
    rows = [
        {
            "agent_id": s.agent_id,
            "start": s.start,
            "end": s.end,
            "activity": s.activity.value,
            "location": s.location.value,
            "site": s.site,
            "queue": s.queue,
        }
        for s in schedule
    ]
    return pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))


def write_schedule(schedule: Schedule, path: Path | str) -> None:
    """Write a schedule as .csv or .json (chosen by the suffix)."""
    path = Path(path)
    records = schedule_to_records(schedule)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(SCHEDULE_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        write_text_atomic(path, buffer.getvalue())
    elif suffix == ".json":
        write_text_atomic(path, json.dumps(records, indent=1) + "\n")
    else:
        raise InputError("schedules are written as .csv or .json", path=path)


def _zone(timezone: str | None, path: Path | None) -> ZoneInfo | None:
    if timezone is None:
        return None
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown timezone {timezone!r}", path=path) from exc


def _parse_time(
    text: Any, zone: ZoneInfo | None, *, path: Path | None, line: int | None, column: str
) -> dt.datetime:
    if not isinstance(text, str) or not text.strip():
        raise InputError("a time is missing", path=path, line=line, where=f"column {column}")
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(
            f"{text!r} is not an ISO 8601 time", path=path, line=line, where=f"column {column}"
        ) from exc
    if value.tzinfo is None:
        if zone is None:
            raise InputError(
                f"{text!r} has no UTC offset and no timezone was given",
                path=path,
                line=line,
                where=f"column {column}",
            )
        value = value.replace(tzinfo=zone)
    return value


def _enum_value(
    kind: type[_E], text: Any, *, path: Path | None, line: int | None, column: str
) -> _E:
    try:
        return kind(str(text).strip().lower())
    except ValueError as exc:
        allowed = ", ".join(m.value for m in kind)
        raise InputError(
            f"{text!r} is not one of {allowed}", path=path, line=line, where=f"column {column}"
        ) from exc


def schedule_from_records(
    records: Iterable[Mapping[str, Any]],
    *,
    timezone: str | None = None,
    path: Path | None = None,
    first_line: int = 2,
) -> Schedule:
    """Build a Schedule from SCHEDULE_COLUMNS records; errors name the line (CSV numbering)."""
    zone = _zone(timezone, path)
    segments = []
    for n, row in enumerate(records):
        line = first_line + n
        missing = [c for c in ("agent_id", "start", "end", "activity", "location") if c not in row]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}", path=path, line=line)
        agent = str(row["agent_id"] or "").strip()
        if not agent:
            raise InputError("agent_id is empty", path=path, line=line, where="column agent_id")
        start = _parse_time(row["start"], zone, path=path, line=line, column="start")
        end = _parse_time(row["end"], zone, path=path, line=line, column="end")
        activity = _enum_value(Activity, row["activity"], path=path, line=line, column="activity")
        location = _enum_value(WorkMode, row["location"], path=path, line=line, column="location")
        site = str(row.get("site") or "").strip() or None
        queue = str(row.get("queue") or "").strip() or None
        try:
            segments.append(ScheduleSegment(agent, start, end, activity, location, site, queue))
        except ValueError as exc:
            raise InputError(str(exc), path=path, line=line) from exc
    return Schedule.of(segments)


def read_schedule(path: Path | str, *, timezone: str | None = None) -> Schedule:
    """Read a schedule written by `write_schedule` (or by hand) from .csv or .json."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read schedule ({exc.strerror})", path=path) from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        header = tuple(reader.fieldnames or ())
        missing = [c for c in SCHEDULE_COLUMNS if c not in header]
        if missing:
            raise InputError(
                f"missing column(s) {', '.join(missing)}; expected {', '.join(SCHEDULE_COLUMNS)}",
                path=path,
                line=1,
            )
        return schedule_from_records(list(reader), timezone=timezone, path=path)
    if suffix == ".json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno) from exc
        if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
            raise InputError("a JSON schedule is a list of objects", path=path)
        return schedule_from_records(doc, timezone=timezone, path=path, first_line=1)
    raise InputError("schedules are read from .csv or .json", path=path)


def read_previous(paths: Iterable[Path | str], *, timezone: str | None = None) -> Schedule | None:
    """The schedule already worked or planned before a horizon, from one or more schedule
    files (e.g. one per earlier week of the month); None when no file is given. A segment
    found in two files counts once; two different segments of one agent that overlap are an
    error naming both files and the agent."""
    files = [Path(p) for p in paths]
    if not files:
        return None
    segments: dict[ScheduleSegment, Path] = {}
    for path in files:
        for seg in read_schedule(path, timezone=timezone):
            segments.setdefault(seg, path)
    by_agent: dict[str, list[ScheduleSegment]] = {}
    for seg in segments:
        by_agent.setdefault(seg.agent_id, []).append(seg)
    for agent_id, segs in sorted(by_agent.items()):
        segs.sort(key=lambda s: (s.start, s.end))
        for a, b in itertools.pairwise(segs):
            if b.start < a.end:
                other = segments[a]
                origin = f" of {other}" if other != segments[b] else ""
                raise InputError(
                    f"agent {agent_id!r}: {b.activity.value} {b.start.isoformat()} - "
                    f"{b.end.isoformat()} overlaps {a.activity.value} {a.start.isoformat()} - "
                    f"{a.end.isoformat()}{origin} (give each day's work once)",
                    path=segments[b],
                )
    return Schedule.of(segments)


def read_requirements(path: Path | str, *, timezone: str | None = None) -> pd.DataFrame:
    """Read a requirement CSV (REQUIREMENT_COLUMNS; queue, start, interval_min and
    scheduled_agents are required, the others filled with NaN). `start` becomes tz-aware."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype={"queue": str, "start": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read requirements ({exc})", path=path) from exc
    missing = [c for c in REQUIRED_REQUIREMENT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", path=path, line=1)
    zone = _zone(timezone, path)
    starts = [
        _parse_time(text, zone, path=path, line=i + 2, column="start")
        for i, text in enumerate(frame["start"])
    ]
    for column in ("interval_min", "scheduled_agents"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values < 0) | (values != values.round())
        if bool(bad.any()):
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                f"{frame[column].iloc[i]!r} is not a whole number >= 0",
                path=path,
                line=i + 2,
                where=f"column {column}",
            )
        frame[column] = values.astype("int64")
    bad_interval = ~frame["interval_min"].isin([15, 30, 60])
    if bool(bad_interval.any()):
        i = int(bad_interval.to_numpy().nonzero()[0][0])
        raise InputError(
            "interval_min must be 15, 30 or 60", path=path, line=i + 2, where="column interval_min"
        )
    if frame["queue"].isna().any():
        i = int(frame["queue"].isna().to_numpy().nonzero()[0][0])
        raise InputError("queue is empty", path=path, line=i + 2, where="column queue")
    frame["start"] = pd.Series(starts, index=frame.index, dtype=object)
    for column in REQUIREMENT_COLUMNS:
        if column not in frame.columns:
            frame[column] = float("nan")
    duplicated = frame.duplicated(subset=["queue", "start"])
    if bool(duplicated.any()):
        i = int(duplicated.to_numpy().nonzero()[0][0])
        raise InputError(
            f"queue {frame['queue'].iloc[i]!r} at {starts[i].isoformat()} appears twice",
            path=path,
            line=i + 2,
        )
    return frame[list(REQUIREMENT_COLUMNS)].reset_index(drop=True)
