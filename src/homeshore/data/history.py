"""A scenario's contact history as an interval table, whatever its source.

`history.kind` in the scenario file says where it comes from:

- `intervals`: an interval table (.parquet or .csv with INTERVAL_COLUMNS), e.g. the output
  of `homeshore import-calls`; a waits table next to it (`intervals` in the name replaced
  by `waits`, Parquet) is loaded too when present;
- `acd`: per-call ACD logs (one file, or every .txt file of a directory) in the Anonymous
  Bank format, aggregated on the fly with each queue's service-level threshold;
- `generator`: the seeded generator of homeshore.data.generator.

`queue_map` renames history queues to scenario queues; queues the scenario lacks are left
out (and named in History.dropped_queues).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from homeshore.data.acd import read_acd
from homeshore.data.calls import ImportReport
from homeshore.data.generator import GeneratorSettings, generate_calls, history_window
from homeshore.data.intervals import aggregate, read_intervals, read_waits
from homeshore.domain import HistorySource, Scenario
from homeshore.errors import InputError


@dataclass(frozen=True, slots=True)
class History:
    intervals: pd.DataFrame  # INTERVAL_COLUMNS, scenario queues only
    waits: pd.DataFrame | None  # WAIT_COLUMNS when the source has per-contact waits
    description: str
    report: ImportReport | None = None  # for per-call sources
    dropped_queues: tuple[str, ...] = field(default_factory=tuple)


def load_history(scenario: Scenario) -> pd.DataFrame:
    """The scenario's history as an interval table (INTERVAL_COLUMNS)."""
    return load_history_tables(scenario).intervals


def load_history_tables(
    scenario: Scenario, *, generator: GeneratorSettings | None = None
) -> History:
    """Interval table, waits (when known) and import report of a scenario's history."""
    source = scenario.history
    where = str(scenario.source) if scenario.source else None
    if source is None:
        raise InputError("the scenario has no history section", path=where)
    if source.kind == "intervals":
        path = _need_path(source, where)
        intervals = read_intervals(path, scenario.timezone)
        steps = sorted(set(intervals["interval_min"].tolist()))
        if steps and steps != [source.interval_min]:
            raise InputError(
                f"the table has {steps[0]}-minute intervals but history.interval_min is "
                f"{source.interval_min}",
                path=where,
                where="history.interval_min",
            )
        waits_path = path.with_name(path.name.replace("intervals", "waits")).with_suffix(".parquet")
        waits = (
            read_waits(waits_path, scenario.timezone)
            if waits_path != path and waits_path.is_file()
            else None
        )
        return _finish(scenario, source, intervals, waits, f"interval table {path}", None)
    if source.kind == "acd":
        path = _need_path(source, where)
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        if not files:
            raise InputError("no .txt call logs in this directory", path=path)
        calls, report = read_acd(files, timezone=scenario.timezone)
        description = f"ACD logs {path} ({len(files)} file(s))"
        days: list[pd.Timestamp] | None = sorted(report.days)
    elif source.kind == "generator":
        seed = source.seed if source.seed is not None else scenario.planning.seed
        start, weeks = history_window(scenario)
        calls = generate_calls(
            scenario, np.random.default_rng(seed), start=start, weeks=weeks, settings=generator
        )
        report = None
        description = f"generated history: {weeks} weeks from {start}, seed {seed}"
        days = [pd.Timestamp(start + dt.timedelta(days=d)) for d in range(weeks * 7)]
    else:
        raise InputError(f"unknown history kind {source.kind!r}", path=where, where="history.kind")
    calls = calls.assign(queue=calls["queue"].map(lambda q: source.queue_map.get(q, q)))
    known = calls["queue"].isin([q.id for q in scenario.queues])
    dropped = tuple(sorted(set(calls.loc[~known, "queue"])))
    tables = aggregate(
        calls.loc[known],
        interval_min=source.interval_min,
        threshold_s={q.id: q.targets.threshold_s for q in scenario.queues},
        timezone=scenario.timezone,
        days=days,
    )
    return _finish(scenario, source, tables.intervals, tables.waits, description, report, dropped)


def _need_path(source: HistorySource, where: str | None) -> Path:
    if source.path is None:
        raise InputError(
            f"history kind {source.kind!r} needs a path", path=where, where="history.path"
        )
    if not source.path.exists():
        raise InputError(f"history file {source.path} not found", path=where, where="history.path")
    return source.path


def _finish(
    scenario: Scenario,
    source: HistorySource,
    intervals: pd.DataFrame,
    waits: pd.DataFrame | None,
    description: str,
    report: ImportReport | None,
    dropped: tuple[str, ...] = (),
) -> History:
    ids = {q.id for q in scenario.queues}
    if source.queue_map:
        intervals = intervals.assign(
            queue=intervals["queue"].map(lambda q: source.queue_map.get(q, q))
        )
        if waits is not None:
            waits = waits.assign(queue=waits["queue"].map(lambda q: source.queue_map.get(q, q)))
    known = intervals["queue"].isin(ids)
    dropped = tuple(sorted(set(dropped) | set(intervals.loc[~known, "queue"])))
    intervals = intervals.loc[known].reset_index(drop=True)
    if waits is not None:
        waits = waits.loc[waits["queue"].astype(str).isin(ids)].reset_index(drop=True)
    if intervals.empty:
        raise InputError(
            f"the history ({description}) has no contacts for any queue of the scenario "
            f"({', '.join(sorted(ids))}); set history.queue_map",
            path=str(scenario.source) if scenario.source else None,
            where="history",
        )
    return History(intervals, waits, description, report, dropped)
