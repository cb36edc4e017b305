"""`homeshore simulate`: play a schedule (or a staffing table) against a forecast.

Writes to the output directory (each file through a temporary file, then renamed):
kpis_intervals.csv (mean and 95 % CI per queue and interval), kpis_summary.csv (per queue
over the horizon) and, unless --no-records, records.parquet (one row per contact and
replication).
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from homeshore.errors import InputError

if TYPE_CHECKING:  # the simulator's stack is imported when the command runs
    import pandas as pd

    from homeshore.domain.scenario import Scenario
    from homeshore.simulation import Distribution, SimModel

#: staffing columns, first found wins: a requirement table's required_agents are the agents
#: on the queue (scheduled_agents add shrinkage, time not spent taking contacts); a pooled
#: requirement (with a pool column) is played by the scenario's own advisors
#: (scheduling/requirement_schedule.py), generic single-skill agents otherwise
STAFFING_COLUMNS = ("agents", "required_agents", "scheduled_agents")


class HandleLaw(enum.StrEnum):
    EXPONENTIAL = "exponential"
    LOGNORMAL = "lognormal"
    EMPIRICAL = "empirical"


class PatienceMethod(enum.StrEnum):
    EXPONENTIAL = "exponential"
    KAPLAN_MEIER = "kaplan_meier"


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)


def read_table(path: Path, what: str) -> pd.DataFrame:
    """A CSV or Parquet table; InputError naming the file when it cannot be read."""
    import pandas as pd

    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read {what} ({exc})", path=path) from exc
    raise InputError(f"{what} must be a .csv or .parquet file", path=path)


def handle_laws(
    scenario: Scenario, law: HandleLaw, cv: float, handle_times: Path | None
) -> dict[str, Distribution]:
    import pandas as pd

    from homeshore.simulation import Empirical, Exponential, LogNormal

    if law is HandleLaw.EXPONENTIAL:
        return {q.id: Exponential(q.default_aht_s) for q in scenario.queues}
    if law is HandleLaw.LOGNORMAL:
        if not cv > 0:
            raise InputError(f"--handle-cv must be > 0, not {cv}")
        return {q.id: LogNormal(q.default_aht_s, cv) for q in scenario.queues}
    if handle_times is None:
        raise InputError("--handle empirical needs --handle-times (a table: queue, handle_s)")
    table = read_table(handle_times, "handle times")
    for col in ("queue", "handle_s"):
        if col not in table.columns:
            raise InputError(f"handle times lack column {col!r}", path=handle_times)
    values = pd.to_numeric(table["handle_s"], errors="coerce")
    table = table.assign(handle_s=values)[values.notna() & (values > 0)]
    laws: dict[str, Distribution] = {}
    for qid, rows in table.groupby(table["queue"].astype(str)):
        laws[str(qid)] = Empirical(tuple(rows["handle_s"].tolist()))
    return laws


def build_model(
    scenario: Scenario,
    forecast_path: Path,
    schedule_path: Path | None,
    staffing_path: Path | None,
    handle: dict[str, Distribution],
    patience: dict[str, Distribution] | None,
    day_cv: float,
) -> SimModel:
    from homeshore.simulation import (
        SimModel,
        agents_from_schedule,
        agents_from_staffing,
        demand_from_forecast,
    )

    forecast = read_table(forecast_path, "forecast")
    origin, interval_s, demand = demand_from_forecast(
        scenario, forecast, handle=handle, patience=patience, path=forecast_path
    )
    n_k = int(demand[0].volumes.size)
    if schedule_path is not None:
        from homeshore.data.schedule_io import read_schedule

        schedule = read_schedule(schedule_path, timezone=scenario.timezone)
        agents = agents_from_schedule(
            scenario, schedule, origin, n_k * interval_s, path=schedule_path
        )
    else:
        assert staffing_path is not None
        staffing = read_table(staffing_path, "staffing")
        column = next((c for c in STAFFING_COLUMNS if c in staffing.columns), None)
        if column is None:
            raise InputError(
                f"staffing needs a column {' or '.join(STAFFING_COLUMNS)}", path=staffing_path
            )
        if "pool" in staffing.columns and column != "agents":
            # a pooled requirement (homeshore plan's requirements.csv): each queue's figure is
            # a share counted on multi-skilled advisors, so play it with the scenario's own
            from homeshore.scheduling.requirement_schedule import requirement_schedule

            schedule = requirement_schedule(staffing, scenario, column)
            agents = agents_from_schedule(
                scenario, schedule, origin, n_k * interval_s, path=staffing_path
            )
        else:
            agents = agents_from_staffing(
                staffing,
                [d.queue for d in demand],
                origin,
                interval_s,
                n_k,
                timezone=scenario.timezone,
                column=column,
                path=staffing_path,
            )
    if not agents:
        raise InputError("nobody works during the forecast horizon")
    return SimModel(origin, interval_s, demand, agents, day_cv=day_cv)


def simulate_command(
    scenario_path: Annotated[Path, typer.Option("--scenario", help="Scenario file.")],
    forecast_path: Annotated[
        Path, typer.Option("--forecast", help="Forecast table (CSV/Parquet, FORECAST_COLUMNS).")
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Directory for the results.")],
    schedule_path: Annotated[
        Path | None, typer.Option("--schedule", help="Schedule (CSV/JSON, SCHEDULE_COLUMNS).")
    ] = None,
    staffing_path: Annotated[
        Path | None,
        typer.Option(
            "--staffing",
            help="Instead of a schedule: queue, start, agents (N generic agents per interval);"
            " a requirement table (homeshore staff) works too: its required_agents.",
        ),
    ] = None,
    replications: Annotated[int, typer.Option("--replications", "-n", min=1)] = 10,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Default: the scenario's planning seed.")
    ] = None,
    handle: Annotated[HandleLaw, typer.Option("--handle")] = HandleLaw.EXPONENTIAL,
    handle_cv: Annotated[float, typer.Option("--handle-cv", help="For lognormal.")] = 1.0,
    handle_times: Annotated[
        Path | None,
        typer.Option("--handle-times", help="For empirical: table with queue, handle_s."),
    ] = None,
    waits: Annotated[
        Path | None,
        typer.Option("--waits", help="Observed waits (WAIT_COLUMNS) to estimate patience."),
    ] = None,
    patience_method: Annotated[
        PatienceMethod, typer.Option("--patience")
    ] = PatienceMethod.EXPONENTIAL,
    day_cv: Annotated[
        float, typer.Option("--day-cv", help="Random day-level rate factor (cv; 0: Poisson).")
    ] = 0.0,
    records: Annotated[bool, typer.Option("--records/--no-records")] = True,
) -> None:
    """Simulate the centre: KPIs per queue and interval with 95 % confidence intervals."""
    from homeshore.data.atomic import write_atomic
    from homeshore.data.scenario_file import load_scenario
    from homeshore.simulation import estimate_patience, records_frame, simulate

    if (schedule_path is None) == (staffing_path is None):
        raise InputError("give exactly one of --schedule and --staffing")
    if day_cv < 0:
        raise InputError(f"--day-cv must be >= 0, not {day_cv}")
    scenario = load_scenario(scenario_path)
    patience = None
    if waits is not None:
        patience = estimate_patience(read_table(waits, "waits"), patience_method.value)
    model = build_model(
        scenario,
        forecast_path,
        schedule_path,
        staffing_path,
        handle_laws(scenario, handle, handle_cv, handle_times),
        patience,
        day_cv,
    )
    seed = scenario.planning.seed if seed is None else seed
    console = Console()
    with Progress(console=console, transient=True, disable=replications < 2) as bar:
        task = bar.add_task("simulating", total=replications)
        sim = simulate(
            model,
            replications=replications,
            seed=seed,
            progress=lambda done: bar.update(task, completed=done),
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    per_interval = sim.interval_kpis()
    summary = sim.horizon_kpis()
    write_atomic(out_dir / "kpis_intervals.csv", lambda p: per_interval.to_csv(p, index=False))
    write_atomic(out_dir / "kpis_summary.csv", lambda p: summary.to_csv(p, index=False))
    if records:
        frame = records_frame(model, sim.runs)
        write_atomic(out_dir / "records.parquet", lambda p: frame.to_parquet(p, index=False))
    print_summary(console, summary, sim.seed, replications, sum(len(r.contacts) for r in sim.runs))


def print_summary(
    console: Console, summary: pd.DataFrame, seed: int, replications: int, contacts: int
) -> None:
    import numpy as np

    console.print(
        f"{contacts:,} contacts in {replications} replication(s), seed {seed}. "
        "SL counts abandons as not answered; ± is the 95 % confidence half-width."
    )
    table = Table("queue", "offered", "SL", "E[W] s", "ASA s", "abandon", "occupancy")

    def pm(row: pd.Series, col: str, fmt: str) -> str:
        half = row[f"{col}_ci95"]
        text = format(row[col], fmt)
        return text if not np.isfinite(half) else f"{text} ± {format(half, fmt)}"

    for _, row in summary.iterrows():
        table.add_row(
            str(row["queue"]),
            f"{row['offered']:,.0f}",
            pm(row, "service_level", ".1%"),
            pm(row, "wait_s_mean", ".1f"),
            pm(row, "asa_s", ".1f"),
            pm(row, "abandon_rate", ".1%"),
            pm(row, "occupancy", ".1%"),
        )
    console.print(table)
