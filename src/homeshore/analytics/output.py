"""Write a plan's report folder: report.html plus CSV and JSON of every table it shows.

Layout (docs/planner.md):

    report.html                    the self-contained report
    comparison.csv|json            one row per variant (the table at the top of the report)
    history.csv|json               the history shown in the demand figure
    plan.json                      scenario, seed, settings, variants, stage times
    variants/<name>/*.csv|json     forecast, requirements, schedule, coverage, agents, seats,
                                   evening_saturday, daily_hours, simulation, audit, ...

Every file goes through a temporary file and a rename, so a failure never leaves half a file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from homeshore.analytics.export import write_json, write_table
from homeshore.analytics.report import build_report, render_report
from homeshore.analytics.results import VariantAnalysis, comparison_table
from homeshore.data.schedule_io import write_schedule, write_text_atomic

#: the history weeks shown before the forecast
HISTORY_WEEKS_SHOWN = 3


@dataclass(frozen=True, slots=True)
class ReportFiles:
    report: Path
    tables: tuple[Path, ...]
    comparison: pd.DataFrame  # one row per variant (analytics.results.comparison_table)


def recent_history(history: pd.DataFrame, forecast: pd.DataFrame) -> pd.DataFrame:
    first = pd.to_datetime(forecast["start"], utc=True).min()
    since = first - pd.Timedelta(weeks=HISTORY_WEEKS_SHOWN)
    keep = pd.to_datetime(history["start"], utc=True) >= since
    return history.loc[keep].reset_index(drop=True)


def _variant_tables(a: VariantAnalysis) -> dict[str, pd.DataFrame]:
    o = a.outcome
    summary = pd.DataFrame([{"variant": o.name, **a.summary}])
    return {
        "forecast": o.forecast,
        "requirements": o.requirements,
        "coverage": a.coverage,
        "coverage_by_queue": a.coverage_by_queue,
        "pool_coverage": a.pool_coverage,
        "coverage_by_pool": a.coverage_by_pool,
        "agents": a.agents,
        "seats": a.seats,
        "seat_occupancy": a.occupancy,
        "evening_saturday": a.cover,
        "daily_hours": a.daily_hours,
        "simulation": o.simulation,
        "simulation_by_queue": a.simulation_by_queue,
        "simulation_by_pool": a.simulation_by_pool,
        "audit": o.audit,
        "summary": summary,
    }


def write_report(
    out_dir: Path,
    analyses: Sequence[VariantAnalysis],
    history: pd.DataFrame,
    *,
    title: str,
    facts: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
    metadata: Mapping[str, Any] | None = None,
) -> ReportFiles:
    out_dir = Path(out_dir)
    written: list[Path] = []
    shown_history = recent_history(history, analyses[0].outcome.forecast)
    comparison = comparison_table(analyses)
    written += write_table(comparison, out_dir, "comparison")
    written += write_table(shown_history, out_dir, "history")
    for a in analyses:
        folder = out_dir / "variants" / a.outcome.name
        for name, table in _variant_tables(a).items():
            written += write_table(table, folder, name)
        for suffix in (".csv", ".json"):
            path = folder / f"schedule{suffix}"
            write_schedule(a.outcome.schedule, path)
            written.append(path)
    if metadata is not None:
        written.append(write_json(metadata, out_dir / "plan.json"))
    files = tuple(str(p.relative_to(out_dir)) for p in written)
    view = build_report(analyses, shown_history, title=title, facts=facts, files=files, notes=notes)
    report = out_dir / "report.html"
    write_text_atomic(report, render_report(view))
    return ReportFiles(report, tuple(written), comparison)
