"""`homeshore demo --out DIR`: `homeshore plan` on the bundled bank example, then where the
report is.

It plans every variant of examples/anonymous_bank.yaml (the real 1999 call history of the
bundled interval aggregate): forecast, pooled Erlang staffing, rostering, audit, simulation, and the
offline HTML report with CSV/JSON tables (docs/planner.md). It prints the requirements of the
planned week, the variants side by side, and the path of report.html.

`--staffing-only` is the quick look of the first demo: the last full week of history staffed
with Erlang A per interval, the queues sharing advisors staffed together (docs/pooling.md),
requirements.csv and a summary, in seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

import homeshore
from homeshore.commands.plan import (
    DeterministicOption,
    ReplicationsOption,
    TimeLimitOption,
    print_summary,
    run_with_progress,
)
from homeshore.errors import InputError

if TYPE_CHECKING:  # imported when the command runs, not at start-up
    import pandas as pd

    from homeshore.domain import Scenario

DEMAND_COLUMNS = ("queue", "start", "interval_min", "volume", "aht_s")
MIN_ANSWERED_FOR_AHT = 30  # answered contacts behind a time-of-day handle time
EVENING_FROM_H = 18  # intervals starting at or after 18:00 count as evening


def default_scenario() -> Path:
    """examples/anonymous_bank.yaml of the source tree homeshore runs from."""
    return Path(homeshore.__file__).resolve().parents[2] / "examples" / "anonymous_bank.yaml"


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the results.")] = Path(
        "out/demo"
    ),
    scenario_file: Annotated[
        Path | None,
        typer.Option("--scenario", help="Scenario (default: examples/anonymous_bank.yaml)."),
    ] = None,
    time_limit_s: TimeLimitOption = 40.0,
    deterministic: DeterministicOption = False,
    replications: ReplicationsOption = 10,
    staffing_only: Annotated[
        bool,
        typer.Option(
            "--staffing-only",
            help="Only staff the last full week of history (seconds, no roster, no report).",
        ),
    ] = False,
) -> None:
    """Plan the bundled bank example with `homeshore plan` and print where the report is."""
    path = scenario_file or default_scenario()
    if not path.is_file():
        raise InputError("scenario file not found (run from a source checkout)", path=path)
    from homeshore.planning import PlanSettings, write_plan

    console = Console()
    if staffing_only:
        staff_last_week(path, out, console)
        return
    try:
        settings = PlanSettings(
            roster_time_limit_s=time_limit_s,
            roster_max_time_s=2 * time_limit_s,
            roster_deterministic=deterministic,
            replications=replications,
        )
    except ValueError as exc:
        raise InputError(str(exc), where="options") from exc
    console.print(f"[bold]homeshore plan[/] {path} --out {out}")
    result = run_with_progress(path, None, settings, console)
    files = write_plan(result, out)
    first = result.outcomes[0]
    console.print(
        summary_table(
            first.requirements,
            first.scenario,
            title=f"Required agents, planned week ({first.label})",
        )
    )
    print_summary(files, console)
    console.print(f"[bold green]Open the report:[/] {files.report.resolve()}", soft_wrap=True)


def staff_last_week(path: Path, out: Path, console: Console) -> None:
    """Staff the last full week of the bundled bank history and write requirements.csv."""
    from homeshore.data.history import load_history_tables
    from homeshore.data.intervals import write_csv
    from homeshore.data.scenario_file import load_scenario
    from homeshore.staffing.pooling import pooled_requirements

    scenario = load_scenario(path)
    history = load_history_tables(scenario)
    console.print(f"[bold]{scenario.name}[/]: history from {history.description}")
    demand, first_day, outside = last_full_week(history.intervals, scenario)
    last_day = first_day + dt.timedelta(days=6)
    console.print(
        f"demand to staff: the last full week of history, {first_day:%a %d %b %Y} to "
        f"{last_day:%a %d %b %Y} ({int(demand['volume'].sum()):,} contacts offered"
        + (f"; {outside:,} outside opening hours left out" if outside else "")
        + ")"
    )
    requirements = pooled_requirements(demand, scenario)
    target = write_csv(requirements, out / "requirements.csv")
    console.print(summary_table(requirements, scenario))
    console.print(
        f"Erlang A per {scenario.planning.interval_min}-min interval with each queue's "
        "targets and patience; handle time: the queue's mean at that time of day over the "
        "whole history. Queues sharing advisors are staffed together, every advisor counted "
        "once (docs/pooling.md): agent-h is each queue's share of its pool's required "
        "agent-hours in the week ('all' sums them), alone h what the queue would need "
        "staffed on its own; peak: most agents in an interval; sched. h: after shrinkage "
        f"{scenario.planning.shrinkage:.0%}; evening and Sat.: shares of the agent-hours "
        f"from {EVENING_FROM_H}:00 and on Saturday (night)."
    )
    console.print(f"wrote {target}")


def last_full_week(
    intervals: pd.DataFrame, scenario: Scenario
) -> tuple[pd.DataFrame, dt.date, int]:
    """Demand (DEMAND_COLUMNS) of the last Monday-Sunday week whose seven days all have
    history, within opening hours; also its first day and the contacts left out as
    arriving while the queue was closed."""
    import numpy as np
    import pandas as pd

    local = intervals["start"].dt.tz_convert(scenario.timezone)
    dates = local.dt.date
    days = set(dates)
    mondays = sorted((d for d in days if d.weekday() == 0), reverse=True)
    first = next(
        (m for m in mondays if all(m + dt.timedelta(days=k) in days for k in range(7))), None
    )
    if first is None:
        raise InputError("the history holds no full week (Monday to Sunday)", where="history")
    week = intervals[(dates >= first) & (dates <= first + dt.timedelta(days=6))].copy()
    start = week["start"].dt.tz_convert(scenario.timezone)
    minute = (start.dt.hour * 60 + start.dt.minute).to_numpy()
    weekday = start.dt.weekday.to_numpy()
    hours = {q.id: q.opening_hours for q in scenario.queues}
    is_open = np.array(
        [
            hours[q].is_open(int(d), int(m))
            for q, d, m in zip(week["queue"], weekday, minute, strict=True)
        ],
        dtype=bool,
    )
    outside = int(week.loc[~is_open, "offered"].sum())
    week = week[is_open]
    demand = pd.DataFrame(
        {
            "queue": week["queue"],
            "start": week["start"],
            "interval_min": week["interval_min"],
            "volume": week["offered"].astype(float),
            "aht_s": typical_aht(intervals, week, scenario),
        }
    ).reset_index(drop=True)
    return demand, first, outside


def typical_aht(intervals: pd.DataFrame, rows: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Handle time of each row: its queue's mean at that time of day over the whole history
    (one week's interval means swing with a single long call), else the queue's mean over
    the history, else the scenario's default."""
    import pandas as pd

    local = intervals["start"].dt.tz_convert(scenario.timezone)
    clock = local.dt.strftime("%H:%M")
    by_clock = intervals.groupby([intervals["queue"], clock])[["handle_s_total", "answered"]].sum()
    by_queue = intervals.groupby("queue")[["handle_s_total", "answered"]].sum()
    clock_aht = (by_clock["handle_s_total"] / by_clock["answered"]).where(
        by_clock["answered"] >= MIN_ANSWERED_FOR_AHT
    )
    queue_aht = (by_queue["handle_s_total"] / by_queue["answered"]).where(by_queue["answered"] > 0)
    row_clock = rows["start"].dt.tz_convert(scenario.timezone).dt.strftime("%H:%M")
    keys = pd.MultiIndex.from_arrays([rows["queue"], row_clock])
    aht = pd.Series(clock_aht.reindex(keys).to_numpy(), index=rows.index)
    aht = aht.fillna(rows["queue"].map(queue_aht))
    return aht.fillna(rows["queue"].map({q.id: q.default_aht_s for q in scenario.queues}))


def summary_table(
    requirements: pd.DataFrame,
    scenario: Scenario,
    *,
    title: str = "Required agents, last full week of history",
) -> Table:
    """Per queue: peak required agents, agent-hours in the week (and staffed alone, when the
    table says), evening and Saturday shares."""
    import pandas as pd

    local = requirements["start"].dt.tz_convert(scenario.timezone)
    step_h = requirements["interval_min"] / 60
    hours = requirements["required_agents"] * step_h
    alone = (
        requirements["standalone_agents"] * step_h if "standalone_agents" in requirements else None
    )
    evening = local.dt.hour >= EVENING_FROM_H
    saturday = local.dt.weekday == 5
    columns = ["queue", "contacts", "peak", "agent-h"]
    columns += ["alone h"] if alone is not None else []
    table = Table(*columns, "sched. h", "evening", "Sat.", title=title)
    rows = [(q.id, requirements["queue"] == q.id) for q in scenario.queues]
    rows.append(("all", pd.Series(True, index=requirements.index)))
    for name, mask in rows:
        total = float(hours[mask].sum())
        sched = float(
            (requirements["scheduled_agents"] * requirements["interval_min"] / 60)[mask].sum()
        )
        peak = (
            int(requirements.loc[mask, "required_agents"].max())
            if name != "all"
            else int(requirements.groupby("start")["required_agents"].sum().max())
        )
        table.add_row(
            name,
            f"{int(requirements.loc[mask, 'volume'].sum()):,}",
            str(peak),
            f"{total:,.1f}",
            *([f"{float(alone[mask].sum()):,.1f}"] if alone is not None else []),
            f"{sched:,.1f}",
            f"{hours[mask & evening].sum() / total:.0%}" if total else "-",
            f"{hours[mask & saturday].sum() / total:.0%}" if total else "-",
        )
    return table
