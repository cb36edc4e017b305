"""`homeshore check-scenario FILE`: validate a scenario file and summarise it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table


def register(app: typer.Typer) -> None:
    app.command("check-scenario")(check_scenario)


def check_scenario(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario file (.yaml, .yml or .toml).")],
) -> None:
    """Validate a scenario file and print what it describes."""
    from homeshore.data.scenario_file import load_scenario
    from homeshore.domain import WorkMode

    scenario = load_scenario(scenario_file)
    console = Console()
    console.print(f"[bold]{scenario.name}[/] ({scenario.timezone}): valid")
    table = Table("queue", "channel", "skill", "target", "open days")
    for q in scenario.queues:
        days = sum(1 for d in range(7) if q.opening_hours.day(d))
        table.add_row(
            q.id,
            q.channel.value,
            q.skill,
            f"{q.targets.service_level:.0%} in {q.targets.threshold_s:g} s",
            str(days),
        )
    console.print(table)
    home = sum(1 for a in scenario.agents if WorkMode.HOME in a.work_modes)
    seats = sum(s.seats for s in scenario.sites)
    console.print(
        f"{len(scenario.agents)} agents ({home} home volunteers), {len(scenario.teams)} teams, "
        f"{len(scenario.sites)} sites with {seats} seats"
    )
