"""`homeshore staff`: agents needed per queue and interval (Erlang C, or Erlang A with patience).

Table mode:  homeshore staff INTERVALS -o requirements.csv [--scenario FILE] [targets]
Single mode: homeshore staff --calls 100 --interval-min 30 --aht-s 180 [--patience-s 300]
             --threshold-s 20 (--agents 14 | --target-sl 0.8) [--json]
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from homeshore.errors import InputError

if TYPE_CHECKING:  # the table stack is imported when a table is sized, not at start-up
    import pandas as pd

    from homeshore.staffing.requirements import QueueStaffing
    from homeshore.staffing.sizing import StaffingTargets

#: tables with more rows than this show a progress bar
PROGRESS_ROWS = 20_000


def register(app: typer.Typer) -> None:
    app.command("staff")(staff)


def staff(
    intervals: Annotated[
        Path | None,
        typer.Argument(
            help="Interval or forecast table (.csv or .parquet) with queue, start, "
            "interval_min, volume (or offered) and aht_s."
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Requirements table (.csv or .parquet).")
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option(help="Scenario file: targets, patience, concurrency per queue.")
    ] = None,
    calls: Annotated[float | None, typer.Option(help="Single interval: contacts offered.")] = None,
    interval_min: Annotated[float, typer.Option(help="Single interval: length in minutes.")] = 30.0,
    aht_s: Annotated[
        float | None, typer.Option(help="Single interval: mean handle time (s).")
    ] = None,
    agents: Annotated[
        int | None, typer.Option(help="Single interval: evaluate this many agents.")
    ] = None,
    target_sl: Annotated[
        float | None, typer.Option(help="Service-level target, fraction of offered (e.g. 0.8).")
    ] = None,
    threshold_s: Annotated[
        float | None, typer.Option(help="Service-level threshold in seconds (default 20).")
    ] = None,
    patience_s: Annotated[
        float | None, typer.Option(help="Mean patience (s): Erlang A; omitted: Erlang C.")
    ] = None,
    max_asa_s: Annotated[
        float | None, typer.Option(help="Target: ASA of answered <= this.")
    ] = None,
    max_abandon: Annotated[
        float | None, typer.Option(help="Target: abandon rate <= this fraction.")
    ] = None,
    max_occupancy: Annotated[float | None, typer.Option(help="Target: occupancy <= this.")] = None,
    concurrency: Annotated[
        int | None, typer.Option(help="Contacts an agent handles at once (chat).")
    ] = None,
    shrinkage: Annotated[
        float | None,
        typer.Option(help="Fraction of paid time off the phones (default: scenario's, else 0)."),
    ] = None,
    sl_excludes_early_abandons: Annotated[
        bool,
        typer.Option(help="Service level over offered minus contacts that abandoned within T."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Single interval: print JSON.")] = False,
) -> None:
    """Agents needed to meet service targets (Erlang C, or Erlang A with --patience-s)."""
    if calls is not None:
        if intervals is not None:
            raise InputError("give either an INTERVALS table or --calls, not both", where="--calls")
        _single(
            calls=calls,
            interval_min=interval_min,
            aht_s=aht_s,
            agents=agents,
            patience_s=patience_s,
            targets=_targets(
                target_sl,
                threshold_s,
                max_asa_s,
                max_abandon,
                max_occupancy,
                sl_excludes_early_abandons,
                need=agents is None,
            ),
            threshold_s=20.0 if threshold_s is None else threshold_s,
            as_json=as_json,
        )
        return
    if intervals is None:
        raise InputError(
            "give an INTERVALS table, or --calls for a single interval", where="arguments"
        )
    if output is None:
        raise InputError("give the output file with -o requirements.csv", where="--output")
    overrides = {
        "service_level": target_sl,
        "threshold_s": threshold_s,
        "max_asa_s": max_asa_s,
        "max_abandon_rate": max_abandon,
        "max_occupancy": max_occupancy,
        "sl_excludes_early_abandons": sl_excludes_early_abandons or None,
        "patience_s": patience_s,
        "concurrency": concurrency,
    }
    from homeshore.data.scenario_file import load_scenario
    from homeshore.staffing.requirements import QueueStaffing, with_overrides
    from homeshore.staffing.sizing import StaffingTargets

    settings: dict[str, QueueStaffing] | QueueStaffing
    timezone = None
    if scenario is not None:
        sc = load_scenario(scenario)
        timezone = sc.timezone
        settings = {
            q.id: with_overrides(QueueStaffing.from_queue(q), **overrides) for q in sc.queues
        }
        s = sc.planning.shrinkage if shrinkage is None else shrinkage
    else:
        base = QueueStaffing(targets=StaffingTargets())
        settings = with_overrides(base, **overrides)
        s = 0.0 if shrinkage is None else shrinkage
    frame = read_table(intervals, timezone)
    try:
        result = _run(frame, settings, s)
    except InputError as exc:
        raise _in_file(exc, intervals) from exc
    write_table(result, output)
    Console(stderr=True).print(
        f"{len(result)} intervals sized: {int(result['required_agents'].sum())} agent-intervals "
        f"required, {int(result['scheduled_agents'].sum())} scheduled "
        f"(shrinkage {s:.0%}) -> {output}",
        highlight=False,
    )


def _run(
    frame: pd.DataFrame, settings: dict[str, QueueStaffing] | QueueStaffing, shrinkage: float
) -> pd.DataFrame:
    from homeshore.staffing.requirements import requirements_table

    if len(frame) <= PROGRESS_ROWS:
        return requirements_table(frame, settings, shrinkage=shrinkage)
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("sizing intervals", total=len(frame))
        return requirements_table(
            frame, settings, shrinkage=shrinkage, progress=lambda k: bar.advance(task, k)
        )


def _in_file(exc: InputError, path: Path) -> InputError:
    """Re-anchor an error about 'row k' to the file (CSV: line k + 1 after the header)."""
    line = None
    if exc.where and exc.where.startswith("row ") and path.suffix == ".csv":
        line = int(exc.where.split(",")[0].split()[1]) + 1
    return InputError(exc.reason, path=path, where=exc.where, line=line)


def _targets(
    target_sl: float | None,
    threshold_s: float | None,
    max_asa_s: float | None,
    max_abandon: float | None,
    max_occupancy: float | None,
    sl_excl: bool,
    *,
    need: bool,
) -> StaffingTargets | None:
    from homeshore.staffing.sizing import StaffingTargets

    given = (target_sl, max_asa_s, max_abandon, max_occupancy)
    if all(v is None for v in given):
        if need:
            raise InputError(
                "give --agents to evaluate, or a target (--target-sl, --max-asa-s, "
                "--max-abandon, --max-occupancy) to size",
                where="--agents",
            )
        return None
    try:
        return StaffingTargets(
            service_level=target_sl,
            threshold_s=20.0 if threshold_s is None else threshold_s,
            max_asa_s=max_asa_s,
            max_abandon_rate=max_abandon,
            max_occupancy=max_occupancy,
            sl_excludes_early_abandons=sl_excl,
        )
    except ValueError as exc:
        raise InputError(str(exc), where="targets") from exc


def _single(
    *,
    calls: float,
    interval_min: float,
    aht_s: float | None,
    agents: int | None,
    patience_s: float | None,
    targets: StaffingTargets | None,
    threshold_s: float,
    as_json: bool,
) -> None:
    from homeshore.staffing.erlang import queue_metrics
    from homeshore.staffing.sizing import UnattainableTargetError, required_agents

    checks = [
        (calls >= 0 and math.isfinite(calls), "--calls", "must be >= 0"),
        (interval_min > 0, "--interval-min", "must be > 0"),
        (aht_s is not None and aht_s > 0, "--aht-s", "is required and must be > 0"),
        (patience_s is None or patience_s > 0, "--patience-s", "must be > 0"),
        (threshold_s >= 0, "--threshold-s", "must be >= 0"),
        (agents is None or agents >= 0, "--agents", "must be >= 0"),
    ]
    for ok, where, reason in checks:
        if not ok:
            raise InputError(f"{where} {reason}", where=where)
    assert aht_s is not None
    lam = calls / (interval_min * 60.0)
    if agents is None:
        assert targets is not None
        try:
            n = int(required_agents(lam, aht_s, targets, patience_s=patience_s))
        except UnattainableTargetError as exc:
            raise InputError(str(exc), where="targets") from exc
    else:
        n = agents
    m = queue_metrics(n, lam, aht_s, threshold_s, patience_s)
    sl = (
        m.service_level_excl_early_abandons
        if targets and targets.sl_excludes_early_abandons
        else m.service_level
    )
    result = {
        "agents": n,
        "p_wait": float(m.p_wait),
        "p_abandon": float(m.p_abandon),
        "service_level": float(sl),
        "mean_wait_s": _finite(float(m.mean_wait_s)),
        "asa_s": _finite(float(m.asa_s)),
        "occupancy": float(m.occupancy),
    }
    if as_json:
        typer.echo(json.dumps(result))
        return
    model = "Erlang C" if patience_s is None else f"Erlang A (patience {patience_s:g} s)"
    table = Table(title=f"{model}, {calls:g} contacts in {interval_min:g} min, AHT {aht_s:g} s")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, "unstable" if value is None else f"{value:.6g}")
    Console().print(table)
    Console().print(f"service level = share of offered contacts answered within {threshold_s:g} s")


def _finite(value: float) -> float | None:
    """JSON has no infinity: an unstable queue's waits are reported as null."""
    return value if math.isfinite(value) else None


def read_table(path: Path, timezone: str | None) -> pd.DataFrame:
    """Read a .csv or .parquet table whose `start` holds interval starts (tz-aware)."""
    import pandas as pd

    if not path.is_file():
        raise InputError("file not found", path=path)
    try:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif path.suffix == ".csv":
            frame = pd.read_csv(path, dtype={"queue": str})
        else:
            raise InputError("tables are .csv or .parquet files", path=path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the table ({exc})", path=path) from exc
    if "start" not in frame.columns:
        raise InputError("missing column start", path=path, where="header")
    start = pd.to_datetime(frame["start"], utc=True, errors="coerce", format="ISO8601")
    bad = start.isna()
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise InputError(
            f"start {frame['start'].iloc[row]!r} is not a date-time with a UTC offset",
            path=path,
            where=f"row {row + 1}, column start",
            line=row + 2 if path.suffix == ".csv" else None,
        )
    frame["start"] = start.dt.tz_convert(timezone) if timezone else start
    return frame


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write .csv (ISO 8601 starts) or .parquet atomically: a temp file renamed into place."""
    from homeshore.data.atomic import write_atomic
    from homeshore.data.intervals import write_csv

    if path.suffix not in (".csv", ".parquet"):
        raise InputError("the output is a .csv or .parquet file", path=path, where="--output")
    if path.suffix == ".parquet":
        write_atomic(path, lambda p: frame.to_parquet(p, index=False))
    else:
        write_csv(frame, path)
