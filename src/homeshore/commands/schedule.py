"""`homeshore schedule` (named schedules from requirements) and `homeshore audit` (re-check
any schedule against every rule)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from homeshore.errors import InputError

if TYPE_CHECKING:  # the solver's stack is imported when a command runs, not at start-up
    from homeshore.scheduling import Problem, Progress


#: `--previous`, shared by schedule, audit and plan
PreviousOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--previous",
        metavar="PATH",
        help="Schedule already worked or planned before (CSV/JSON, e.g. schedule.csv of an "
        "earlier run; repeat for several files): daily rest across the start, and the "
        "telework agreement's on-site days and training share per calendar month count its "
        "days of the same month(s).",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("schedule")(schedule)
    app.command("audit")(audit_command)


def schedule(
    scenario_file: Annotated[Path, typer.Option("--scenario", help="Scenario file (.yaml/.toml).")],
    requirements_file: Annotated[
        Path,
        typer.Option(
            "--requirements",
            help="Requirement CSV (queue, start, interval_min, scheduled_agents...), "
            "e.g. from `homeshore staff`.",
        ),
    ],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Folder for the outputs.")],
    time_limit_s: Annotated[float, typer.Option(help="Solver time limit in seconds.")] = 60.0,
    workers: Annotated[int, typer.Option(help="Solver threads.")] = 2,
    seed: Annotated[int, typer.Option(help="Solver random seed.")] = 1,
    slot_min: Annotated[
        int, typer.Option(help="Planning grid in minutes (breaks round up to it).")
    ] = 15,
    deterministic: Annotated[
        bool,
        typer.Option(
            help="Stop on a deterministic-time budget: same seed and workers, same schedule."
        ),
    ] = False,
    previous_files: PreviousOption = None,
) -> None:
    """Build named schedules meeting the requirements under every hard rule."""
    from homeshore.data.scenario_file import load_scenario
    from homeshore.data.schedule_io import (
        read_previous,
        read_requirements,
        write_schedule,
        write_text_atomic,
    )
    from homeshore.scheduling import (
        SchedulingSettings,
        agent_view,
        audit,
        build_problem,
        coverage_table,
        explanation,
        solve,
    )

    console = Console()
    scenario = load_scenario(scenario_file)
    requirements = read_requirements(requirements_file, timezone=scenario.timezone)
    previous = read_previous(previous_files or (), timezone=scenario.timezone)
    try:
        settings = SchedulingSettings(
            slot_min=slot_min,
            start_step_min=max(30, slot_min),
            time_limit_s=time_limit_s,
            workers=workers,
            seed=seed,
            deterministic=deterministic,
        )
    except ValueError as exc:
        raise InputError(str(exc), where="command options") from exc
    problem = build_problem(
        scenario, requirements, settings, previous=previous, path=str(requirements_file)
    )
    console.print(
        f"{len(scenario.agents)} agents, {problem.n_weeks} week(s) from {problem.start_date}, "
        f"{problem.slot_min}-min slots, time limit {time_limit_s:g} s"
    )
    if previous is not None:
        console.print(month_so_far(problem), highlight=False)

    def show(p: Progress) -> None:
        bound = "" if p.bound != p.bound else f"  bound {p.bound:,.0f}"
        console.print(f"  {p.wall_s:7.1f} s  objective {p.objective:,.0f}{bound}")

    result = solve(problem, progress=show)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = explanation(result)
    write_text_atomic(out_dir / "explanation.txt", text)
    if result.schedule is None:
        console.print(text, highlight=False)
        console.print(f"[bold red]no schedule[/] ({result.status}); see {out_dir}/explanation.txt")
        raise typer.Exit(1)
    write_schedule(result.schedule, out_dir / "schedule.csv")
    write_schedule(result.schedule, out_dir / "schedule.json")
    write_text_atomic(out_dir / "agents.txt", agent_view(problem, result.schedule))
    coverage = coverage_table(problem, result.schedule)
    write_text_atomic(out_dir / "coverage.csv", coverage.to_csv(index=False))
    violations = audit(
        result.schedule,
        scenario,
        start_date=problem.start_date,
        weeks=problem.n_weeks,
        previous=previous,
        settings=settings,
    )
    console.print(text, highlight=False)
    required = float(coverage["required"].sum())
    covered = required - float(coverage["under"].sum())
    if required:
        console.print(f"coverage {covered / required:.1%} of {required:,.0f} agent-intervals")
    console.print(
        f"audit: {len(violations)} violation(s); wrote schedule.csv, schedule.json, "
        f"agents.txt, coverage.csv, explanation.txt to {out_dir}"
    )
    if violations:
        raise typer.Exit(1)


def month_so_far(problem: Problem) -> str:
    """What the previous schedule brings to the months of the horizon."""
    parts = []
    for month in problem.months:
        records = [r for (_a, m), r in problem.month_done.items() if m == month.name]
        teleworkers = sum(1 for r in records if r.teleworked)
        parts.append(
            f"{month.name}: {len(records)} agent(s) with earlier days, {teleworkers} of them "
            f"teleworked"
        )
    before = sum(len(segs) for segs in problem.previous_segments.values())
    return f"previous schedule: {before} segment(s) read before {problem.start_date}; " + (
        "; ".join(parts)
    )


def audit_command(
    schedule_file: Annotated[Path, typer.Argument(help="Schedule CSV or JSON.")],
    scenario_file: Annotated[Path, typer.Option("--scenario", help="Scenario file (.yaml/.toml).")],
    previous_files: PreviousOption = None,
    start_date: Annotated[
        str | None,
        typer.Option(help="First day audited, YYYY-MM-DD (default: the first segment's week)."),
    ] = None,
    weeks: Annotated[
        int | None, typer.Option(help="Weeks audited (default: through the last).")
    ] = None,
) -> None:
    """Re-check a schedule against every rule; exit status 1 when any is broken."""
    from homeshore.data.scenario_file import load_scenario
    from homeshore.data.schedule_io import read_previous, read_schedule
    from homeshore.scheduling import LABELS, audit

    console = Console()
    scenario = load_scenario(scenario_file)
    schedule_ = read_schedule(schedule_file, timezone=scenario.timezone)
    previous = read_previous(previous_files or (), timezone=scenario.timezone)
    first = None
    if start_date is not None:
        try:
            first = dt.date.fromisoformat(start_date)
        except ValueError as exc:
            raise InputError(f"{start_date!r} is not YYYY-MM-DD", where="--start-date") from exc
    violations = audit(schedule_, scenario, start_date=first, weeks=weeks, previous=previous)
    for v in violations:
        console.print(
            f"{v.who:<20} {v.when:%Y-%m-%d %H:%M}  {v.rule:<20} {v.detail}"
            f"  ({LABELS.get(v.rule, v.rule)})",
            highlight=False,
        )
    agents = len({s.agent_id for s in schedule_})
    console.print(
        f"{len(violations)} violation(s) in {len(schedule_)} segments of {agents} agents",
        highlight=False,
    )
    if violations:
        raise typer.Exit(1)
