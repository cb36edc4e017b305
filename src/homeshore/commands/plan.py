"""`homeshore plan SCENARIO_FILE`: plan every variant and write one report to compare them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from homeshore.commands.schedule import PreviousOption
from homeshore.errors import InputError

if TYPE_CHECKING:  # the planner's stack is imported when a command runs, not at start-up
    from homeshore.analytics.output import ReportFiles
    from homeshore.planning import Plan, PlanSettings, Stage

DEFAULT_OUT = Path("out/plan")

#: options `homeshore demo` shares
TimeLimitOption = Annotated[
    float, typer.Option("--time-limit-s", help="Roster solver time per variant.")
]
DeterministicOption = Annotated[
    bool,
    typer.Option(
        "--deterministic",
        help="Roster: read the time limits as a deterministic solver budget; the same seed "
        "gives the same plan on a quiet or a busy machine (only later on a busy one).",
    ),
]
ReplicationsOption = Annotated[
    int, typer.Option("--replications", help="Simulation replications per variant.")
]


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)


class RichStages:
    """One progress bar per stage of the planner."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[Stage, TaskID] = {}

    def start(self, stage: Stage, total: float, detail: str = "") -> None:
        self.tasks[stage] = self.progress.add_task(stage.value, total=total, detail=detail)

    def update(self, stage: Stage, completed: float, detail: str = "") -> None:
        task = self.tasks.get(stage)
        if task is not None:
            self.progress.update(task, completed=completed, detail=detail)


def parse_variants(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",")]
    if not all(names):
        raise InputError(f"--variants {text!r}: give names separated by commas, e.g. a,b")
    return names


def parse_hours(text: str) -> tuple[float, ...]:
    try:
        hours = tuple(float(part) for part in text.split(","))
    except ValueError as exc:
        raise InputError(f"--shift-lengths-h {text!r}: give hours separated by commas") from exc
    if not hours or any(h <= 0 for h in hours):
        raise InputError(f"--shift-lengths-h {text!r}: hours must be > 0")
    return hours


def run_with_progress(
    scenario_file: Path,
    variants: list[str] | None,
    settings: PlanSettings,
    console: Console,
    previous: list[Path] | None = None,
) -> Plan:
    from homeshore.planning import run_plan

    columns = (
        TextColumn("{task.description:<13}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[detail]}"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        return run_plan(
            scenario_file,
            variants=variants,
            settings=settings,
            progress=RichStages(progress),
            previous=previous or (),
        )


def print_summary(files: ReportFiles, console: Console) -> None:
    from homeshore.analytics.results import COMPARISON

    table = files.comparison
    shown = Table(title="Variants side by side")
    shown.add_column("")
    for _, row in table.iterrows():
        shown.add_column(str(row["variant"]), justify="right")
    for key, label, fmt in COMPARISON:
        shown.add_row(label, *(fmt.format(v) for v in table[key]))
    console.print(shown)
    console.print(f"{len(files.tables)} tables (CSV and JSON) next to the report.")


def plan(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario file (.yaml, .yml or .toml).")],
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.html and the tables.")
    ] = DEFAULT_OUT,
    variants: Annotated[
        str | None,
        typer.Option("--variants", help="Variants to plan, by name, comma-separated (all)."),
    ] = None,
    time_limit_s: TimeLimitOption = 45.0,
    max_time_s: Annotated[
        float | None,
        typer.Option(
            "--max-time-s",
            help="Roster: search on up to this per variant while no schedule is found "
            "(default: 4 x the time limit).",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Roster solver threads.")] = 2,
    deterministic: DeterministicOption = False,
    slot_min: Annotated[
        int | None,
        typer.Option("--slot-min", help="Roster grid in minutes (planning interval, max 30)."),
    ] = None,
    start_step_min: Annotated[
        int, typer.Option("--start-step-min", help="Shifts start on this step (minutes).")
    ] = 60,
    shift_lengths_h: Annotated[
        str,
        typer.Option(
            "--shift-lengths-h", help="Roster: paid hours of a one-block shift, comma-separated."
        ),
    ] = "6,7,8",
    replications: ReplicationsOption = 10,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed of every random stream (scenario's).")
    ] = None,
    forecast_method: Annotated[
        str, typer.Option("--forecast-method", help="auto or a forecasting method's name.")
    ] = "auto",
    previous: PreviousOption = None,
) -> None:
    """Forecast, staff, roster, audit and simulate each variant; write one HTML report."""
    from homeshore.planning import PlanSettings, write_plan

    try:
        settings = PlanSettings(
            forecast_method=forecast_method,
            roster_time_limit_s=time_limit_s,
            roster_max_time_s=max_time_s,
            roster_workers=workers,
            roster_deterministic=deterministic,
            roster_slot_min=slot_min,
            roster_start_step_min=start_step_min,
            roster_shift_lengths_h=parse_hours(shift_lengths_h),
            replications=replications,
            seed=seed,
        )
    except ValueError as exc:
        raise InputError(str(exc), where="options") from exc
    console = Console()
    result = run_with_progress(scenario_file, parse_variants(variants), settings, console, previous)
    files = write_plan(result, out_dir)
    print_summary(files, console)
    console.print(f"[bold]Report:[/] {files.report.resolve()}", soft_wrap=True)
