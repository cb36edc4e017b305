"""`homeshore import-calls LOGS... -o OUT_DIR`: per-call logs -> interval and waits tables."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console
from rich.table import Table

from homeshore.data import ACD_DEFAULT_TIMEZONE
from homeshore.errors import InputError

if TYPE_CHECKING:  # the data stack is imported when the command runs, not at start-up
    import pandas as pd

    from homeshore.data.calls import ImportReport
    from homeshore.data.intervals import IntervalTables

MAX_LISTED = 20  # malformed lines printed one by one; the rest are counted


class LogFormat(enum.StrEnum):
    ACD = "acd"
    CSV = "csv"


def register(app: typer.Typer) -> None:
    app.command("import-calls")(import_calls)


def import_calls(
    logs: Annotated[list[Path], typer.Argument(help="Per-call log files.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Directory for the tables.")],
    log_format: Annotated[
        LogFormat,
        typer.Option("--format", help="acd: Anonymous Bank logs; csv: generic per-call CSV."),
    ] = LogFormat.ACD,
    interval_min: Annotated[int, typer.Option("--interval-min", help="15, 30 or 60.")] = 30,
    threshold_s: Annotated[
        float, typer.Option("--threshold-s", help="Service-level threshold T (seconds).")
    ] = 20.0,
    timezone: Annotated[
        str, typer.Option("--timezone", help="Zone of the logs' local times (IANA name).")
    ] = ACD_DEFAULT_TIMEZONE,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first malformed line.")
    ] = False,
) -> None:
    """Read per-call logs; write intervals.parquet, intervals.csv and waits.parquet."""
    from homeshore.data.acd import read_acd
    from homeshore.data.calls_csv import read_calls_csv
    from homeshore.data.intervals import aggregate, write_tables

    if interval_min not in (15, 30, 60):
        raise InputError(f"--interval-min must be 15, 30 or 60, not {interval_min}")
    if threshold_s < 0:
        raise InputError("--threshold-s must be >= 0")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"--timezone: unknown time zone {timezone!r}") from exc
    if log_format is LogFormat.ACD:
        calls, report = read_acd(logs, timezone=timezone, strict=strict)
    else:
        calls, report = read_calls_csv(logs, timezone=timezone, strict=strict)
    tables = aggregate(
        calls,
        interval_min=interval_min,
        threshold_s=threshold_s,
        timezone=timezone,
        days=report.days,
    )
    written = write_tables(tables, out_dir)
    print_summary(Console(), report, tables, written)


def print_summary(
    console: Console, report: ImportReport, tables: IntervalTables, written: list[Path]
) -> None:
    c = report.counts()
    console.print(
        f"[bold]{c['records']:,}[/] records read from {len(report.files)} file(s): "
        f"{c['offered']:,} offered to a queue, {c['phantom']:,} phantom, "
        f"{c['not_queued']:,} left before queueing, {c['no_server']:,} AGENT/NO_SERVER, "
        f"{c['ignored']:,} ignored, {c['malformed']:,} malformed"
        + (f", {c['blank_lines']:,} blank lines" if c["blank_lines"] else "")
    )
    if report.hang_with_server:
        console.print(f"{report.hang_with_server} HANG records name an agent: counted by outcome")
    if report.ambiguous_times or report.nonexistent_times:
        console.print(
            f"clock changes: {report.ambiguous_times} repeated local times read as summer "
            f"time, {report.nonexistent_times} skipped local times moved forward"
        )
    for m in report.malformed[:MAX_LISTED]:
        console.print(f"[yellow]malformed[/] {m.describe()}", highlight=False, soft_wrap=True)
    if len(report.malformed) > MAX_LISTED:
        lines = ", ".join(
            f"{m.path.name}:{m.line}" for m in report.malformed[MAX_LISTED : MAX_LISTED + 200]
        )
        more = len(report.malformed) - MAX_LISTED - 200
        console.print(
            f"[yellow]{len(report.malformed) - MAX_LISTED} more malformed lines:[/] {lines}"
            + (f" and {more} more" if more > 0 else ""),
            highlight=False,
            soft_wrap=True,
        )
    iv = tables.intervals
    if iv.empty:
        console.print("no contact was offered to a queue")
    else:
        days = len(report.days)
        console.print(
            f"{days} day(s) with records, {iv['start'].min():%Y-%m-%d} to "
            f"{iv['start'].max():%Y-%m-%d}; {len(iv):,} interval rows of "
            f"{int(iv['interval_min'].iloc[0])} min"
        )
        console.print(queue_totals(iv))
    for path in written:
        console.print(f"wrote {path}")


def queue_totals(intervals: pd.DataFrame) -> Table:
    g = intervals.groupby("queue")
    table = Table("queue", "offered", "answered", "abandoned", "SL(T)", "ASA s", "AHT s")
    for queue, rows in g:
        offered = int(rows["offered"].sum())
        answered = int(rows["answered"].sum())
        waited = float((rows["asa_s"].fillna(0) * rows["answered"]).sum())
        table.add_row(
            str(queue),
            f"{offered:,}",
            f"{answered:,}",
            f"{int(rows['abandoned'].sum()):,}",
            f"{rows['answered_within_t'].sum() / offered:.1%}" if offered else "-",
            f"{waited / answered:.0f}" if answered else "-",
            f"{rows['handle_s_total'].sum() / answered:.0f}" if answered else "-",
        )
    return table
