"""`homeshore pilot compare`: treated minus control on one outcome of a pilot table, with a
95 % confidence interval (docs/pilot.md). Prints; writes nothing.

`homeshore pilot export`: the live platform's handled contacts as a person-period panel
that `pilot compare` reads (docs/pilot.md, "From the live platform").

`homeshore pilot power`: advisors per group (and periods each) a pilot needs to detect a
given change in a KPI, from the variance a table shows (docs/pilot.md, "Power")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import tempfile
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from homeshore.errors import InputError

if TYPE_CHECKING:  # the statistics stack is imported when a command runs, not at start-up
    import pandas as pd

    from homeshore.pilot.panel import Period

pilot_app = typer.Typer(
    help="Pilot analytics: home, telecentre and site advisors compared.", no_args_is_help=True
)


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: a figure that could not be computed is null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(_finite(payload), allow_nan=False)


def register(app: typer.Typer) -> None:
    app.add_typer(pilot_app, name="pilot")


@pilot_app.command("compare")
def compare_command(
    file: Annotated[
        Path,
        typer.Argument(help="Person-level table or person-period panel (.csv or .parquet)."),
    ],
    group: Annotated[str, typer.Option("--group", metavar="COLUMN", help="Group column.")],
    treated: Annotated[
        str, typer.Option("--treated", metavar="VALUE", help="Group value of the treated.")
    ],
    outcome: Annotated[
        str, typer.Option("--outcome", metavar="COLUMN", help="Outcome column (0/1 or number).")
    ],
    pre: Annotated[
        str | None,
        typer.Option(
            "--pre",
            metavar="COLUMN",
            help="Value before the pilot: compare outcome − pre (difference in differences).",
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="COLUMN",
            help="Cluster the standard errors by this column (default: by person on a panel).",
        ),
    ] = None,
    control: Annotated[
        str | None,
        typer.Option(
            "--control", metavar="VALUE", help="Control group value (default: every other group)."
        ),
    ] = None,
    drop_missing: Annotated[
        bool,
        typer.Option(
            "--drop-missing", help="Leave out rows without an outcome (default: refuse them)."
        ),
    ] = False,
    staggered: Annotated[
        bool,
        typer.Option(
            "--staggered",
            help="A pilot in phases, on a panel: each treated person from their treated_from "
            "period on, with person and period fixed effects.",
        ),
    ] = False,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="COLUMN",
            help="Also compare each cohort of this column (set-up, job, phase) on its own.",
        ),
    ] = None,
    by_period: Annotated[
        bool,
        typer.Option(
            "--by-period",
            help="With --staggered: the effect by periods since the move, and the test of "
            "parallel trends on the periods before it.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Treated minus control on one outcome, with a 95 % confidence interval."""
    from homeshore.pilot import Question, compare, prepare, read_table, verdict
    from homeshore.pilot.cohorts import by_cohort
    from homeshore.pilot.phased import event_study, event_study_lines

    if by_period and not staggered:
        raise InputError(
            "--by-period goes with --staggered (a pilot in phases)", where="--by-period"
        )

    question = Question(
        group=group,
        treated=treated,
        outcome=outcome,
        pre=pre,
        cluster=cluster,
        control=control,
        drop_missing=drop_missing,
        staggered=staggered,
    )
    table = read_table(file)
    sample = prepare(table, question)
    result = compare(sample)
    study = event_study(sample) if by_period else None
    cohorts = by_cohort(table, question, by) if by is not None else []
    if not as_json:
        typer.echo(verdict(result))
        for line in event_study_lines(study) if study is not None else ():
            typer.echo(line)
        for cohort in cohorts:
            said = verdict(cohort.comparison) if cohort.comparison else cohort.reason
            typer.echo(f"  {by} = {cohort.value}: {said}")
        return
    payload = {
        **dataclasses.asdict(result),
        "file": str(file),
        "kind": sample.kind,
        "group": group,
        "treated": treated,
        "control": list(sample.control_groups),
        "outcome": outcome,
        "pre": pre,
        "cluster_by": sample.cluster_by,
        "staggered": staggered,
        "event_study": dataclasses.asdict(study) if study is not None else None,
        "by": by,
        "cohorts": [
            {
                "value": c.value,
                "comparison": dataclasses.asdict(c.comparison) if c.comparison else None,
                "reason": c.reason or None,
            }
            for c in cohorts
        ],
    }
    typer.echo(_json(payload))


@pilot_app.command("balance")
def balance_command(
    file: Annotated[
        Path,
        typer.Argument(help="Person-level table or person-period panel (.csv or .parquet)."),
    ],
    group: Annotated[str, typer.Option("--group", metavar="COLUMN", help="Group column.")],
    treated: Annotated[
        str, typer.Option("--treated", metavar="VALUE", help="Group value of the treated.")
    ],
    covariates: Annotated[
        str,
        typer.Option(
            "--covariates",
            metavar="A,B,...",
            help="Columns to compare before the pilot (tenure, performance before, ...).",
        ),
    ],
    control: Annotated[
        str | None,
        typer.Option(
            "--control", metavar="VALUE", help="Control group value (default: every other group)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Were the groups alike before the pilot? Each covariate's means, standardized
    difference and Welch p-value."""
    from homeshore.pilot import read_table
    from homeshore.pilot.baseline import balance, balance_lines

    names = [c.strip() for c in covariates.split(",") if c.strip()]
    if not names:
        raise InputError("name at least one covariate column", where="--covariates")
    rows = balance(read_table(file), names, group=group, treated=treated, control=control)
    if not as_json:
        for line in balance_lines(rows):
            typer.echo(line)
        return
    payload = {
        "file": str(file),
        "group": group,
        "treated": treated,
        "control": control,
        "covariates": [
            {**dataclasses.asdict(r), "imbalanced": r.imbalanced}
            | {"p_value": r.p_value if math.isfinite(r.p_value) else None}
            for r in rows
        ],
    }
    typer.echo(_json(payload))


@pilot_app.command("survival")
def survival_command(
    file: Annotated[Path, typer.Argument(help="Person-level table (.csv or .parquet).")],
    group: Annotated[str, typer.Option("--group", metavar="COLUMN", help="Group column.")],
    treated: Annotated[
        str, typer.Option("--treated", metavar="VALUE", help="Group value of the treated.")
    ],
    time: Annotated[
        str,
        typer.Option(
            "--time", metavar="COLUMN", help="How long each advisor was observed (months, days)."
        ),
    ],
    event: Annotated[
        str,
        typer.Option("--event", metavar="COLUMN", help="1: left at that time; 0: still there."),
    ],
    control: Annotated[
        str | None,
        typer.Option(
            "--control", metavar="VALUE", help="Control group value (default: every other group)."
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", metavar="T,T,...", help="Times at which to give the share still there."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Time to leave per group (Kaplan-Meier) and the log-rank test."""
    from homeshore.pilot import read_table
    from homeshore.pilot.survival import survival, survival_lines

    times: list[float] = []
    for part in (at or "").split(","):
        if not part.strip():
            continue
        try:
            value = float(part)
        except ValueError:
            raise InputError(f"{part.strip()!r} is not a time", where="--at") from None
        if not (math.isfinite(value) and value >= 0):
            raise InputError(f"{part.strip()!r} is not a time of 0 or more", where="--at")
        times.append(value)
    result = survival(
        read_table(file),
        group=group,
        treated=treated,
        time=time,
        event=event,
        control=control,
        at=times,
    )
    if not as_json:
        for line in survival_lines(result):
            typer.echo(line)
        return
    typer.echo(_json({"file": str(file), **dataclasses.asdict(result)}))


def _frame_to_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False)


@pilot_app.command("report")
def report_command(
    file: Annotated[
        Path,
        typer.Argument(help="Person-level table or person-period panel (.csv or .parquet)."),
    ],
    group: Annotated[str, typer.Option("--group", metavar="COLUMN", help="Group column.")],
    treated: Annotated[
        str, typer.Option("--treated", metavar="VALUE", help="Group value of the treated.")
    ],
    outcomes: Annotated[
        str,
        typer.Option("--outcomes", metavar="A,B,...", help="The KPIs to compare, comma-separated."),
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for report.html and its CSVs.")
    ],
    control: Annotated[
        str | None,
        typer.Option(
            "--control", metavar="VALUE", help="Control group value (default: every other group)."
        ),
    ] = None,
    staggered: Annotated[
        bool,
        typer.Option(
            "--staggered",
            help="A pilot in phases: fixed effects, and the effect by periods since the move.",
        ),
    ] = False,
    covariates: Annotated[
        str | None,
        typer.Option("--covariates", metavar="A,B,...", help="Balance before the pilot."),
    ] = None,
    survival_file: Annotated[
        Path | None,
        typer.Option(
            "--survival", metavar="FILE", help="Person-level table of how long advisors stayed."
        ),
    ] = None,
    time: Annotated[
        str, typer.Option("--time", metavar="COLUMN", help="With --survival: duration column.")
    ] = "months",
    event: Annotated[
        str, typer.Option("--event", metavar="COLUMN", help="With --survival: 1 left, 0 stayed.")
    ] = "left",
    drop_missing: Annotated[
        bool,
        typer.Option(
            "--drop-missing", help="Leave out rows without an outcome (default: refuse them)."
        ),
    ] = False,
) -> None:
    """The pilot's report for the director: each KPI's verdict with its interval, the
    balance before the pilot, the effect by periods since the move and time to leave."""
    from homeshore.data.atomic import write_atomic
    from homeshore.pilot import read_table
    from homeshore.pilot.report import build_report, render_html, tables
    from homeshore.pilot.survival import survival

    names = [o.strip() for o in outcomes.split(",") if o.strip()]
    if not names:
        raise InputError("name at least one outcome column", where="--outcomes")
    if out.exists() and not out.is_dir():
        raise InputError("not a directory", path=out, where="--out")
    kept = [c.strip() for c in (covariates or "").split(",") if c.strip()]
    stayed = None
    if survival_file is not None:
        stayed = survival(
            read_table(survival_file),
            group=group,
            treated=treated,
            control=control,
            time=time,
            event=event,
        )
    report = build_report(
        read_table(file),
        group=group,
        treated=treated,
        outcomes=names,
        control=control,
        staggered=staggered,
        covariates=kept,
        drop_missing=drop_missing,
        survival_result=stayed,
    )
    page = render_html(report)  # everything computed before anything is written
    frames = tables(report)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_atomic(out / f"{name}.csv", partial(_frame_to_csv, frame))
    write_atomic(out / "report.html", lambda p: Path(p).write_text(page, encoding="utf-8"))
    for kpi in report.kpis:
        typer.echo(f"{kpi.outcome}: {kpi.sentence}")
    typer.echo(f"report: {(out / 'report.html').resolve()} ({len(frames)} tables as CSV)")


@pilot_app.command("power")
def power_command(
    file: Annotated[
        Path,
        typer.Argument(help="Person-level table or person-period panel (.csv or .parquet)."),
    ],
    outcome: Annotated[
        str, typer.Option("--outcome", metavar="COLUMN", help="Outcome column (0/1 or number).")
    ],
    effect_pct: Annotated[
        float | None,
        typer.Option(
            "--effect-pct", metavar="P", help="Change to detect, in % of the baseline mean."
        ),
    ] = None,
    effect: Annotated[
        float | None,
        typer.Option(
            "--effect",
            metavar="X",
            help="Change to detect in the outcome's unit (a proportion for 0/1: -0.10).",
        ),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option("--group", metavar="COLUMN", help="Group column (with --control)."),
    ] = None,
    control: Annotated[
        str | None,
        typer.Option(
            "--control", metavar="VALUE", help="Estimate the variance on this group only."
        ),
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Two-sided significance level.")] = 0.05,
    power: Annotated[float, typer.Option("--power", help="Chance of detecting the effect.")] = 0.8,
    ratio: Annotated[
        float, typer.Option("--ratio", help="Treated persons per control person.")
    ] = 1.0,
    periods: Annotated[
        int | None,
        typer.Option(
            "--periods",
            metavar="N",
            help="Periods per person on a panel (default: the data's median).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Advisors per group a pilot needs to detect a change in a KPI."""
    from homeshore.pilot import read_table
    from homeshore.pilot.baseline import baseline
    from homeshore.pilot.power import plan, sentence

    if (effect is None) == (effect_pct is None):
        raise InputError("give exactly one of --effect and --effect-pct", where="--effect")
    option = "--effect" if effect is not None else "--effect-pct"
    given = effect if effect is not None else effect_pct
    if given is None or given == 0 or not math.isfinite(given):
        raise InputError("the change to detect must be a non-zero number", where=option)
    for name, value in (("--alpha", alpha), ("--power", power)):
        if not 0.0 < value < 1.0:
            raise InputError(f"{value:g} is not a probability in (0, 1)", where=name)
    if not (ratio > 0 and math.isfinite(ratio)):
        raise InputError(f"{ratio:g} is not a positive ratio", where="--ratio")
    if periods is not None and periods < 1:
        raise InputError(f"{periods} is not a number of periods (1 or more)", where="--periods")
    if (group is None) != (control is None):
        raise InputError("--group and --control go together", where="--control")
    rows = baseline(read_table(file), outcome, group=group, control=control)
    mean = float(rows.values.mean())
    if effect_pct is not None:
        if abs(mean) < 1e-12:
            raise InputError(
                f"the mean of {outcome} is 0: give the change with --effect", where="--effect-pct"
            )
        change = mean * effect_pct / 100.0
    else:
        change = float(given)
    if rows.binary and not 0.0 < mean + change < 1.0:
        raise InputError(
            f"{outcome} is a proportion of {mean:.3g}: changed by {change:+.3g} it leaves (0, 1)"
            " (for a 0/1 outcome --effect is in proportion points, e.g. -0.10)",
            where=option,
        )
    result = plan(
        rows.values,
        effect=change,
        binary=rows.binary,
        alpha=alpha,
        power=power,
        ratio=ratio,
        person=rows.person if rows.kind == "panel" else None,
        periods=periods,
    )
    if not as_json:
        typer.echo(sentence(result, outcome, effect_pct))
        if result.by_periods:
            typer.echo("periods per person: persons per group (treated, control)")
            for m, treated_n, control_n in result.by_periods:
                typer.echo(f"  {m:>3}: {treated_n}, {control_n}")
        return
    payload = {
        **dataclasses.asdict(result),
        "by_periods": [
            {"periods": m, "n_per_arm_treated": t, "n_per_arm_control": c}
            for m, t, c in result.by_periods
        ],
        "effect_pct": effect_pct,
        "file": str(file),
        "kind": rows.kind,
        "outcome": outcome,
        "group": group,
        "control": control,
        "dropped_rows": rows.dropped_rows,
    }
    typer.echo(_json(payload))


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", where=option) from None


def _write(frame: pd.DataFrame, out: Path) -> None:
    """Write to a temporary file beside `out`, then rename: never a half-written file."""
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        if out.suffix.lower() == ".parquet":
            frame.to_parquet(name, index=False)
        else:
            frame.to_csv(name, index=False, na_rep="")
        os.replace(name, out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


@pilot_app.command("export")
def export_command(
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Panel to write (.csv or .parquet).")
    ],
    period: Annotated[
        str,
        typer.Option("--period", metavar="day|week", help="One row per advisor and day, or week."),
    ] = "week",
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="First day (YYYY-MM-DD, included)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="DATE", help="Last day (YYYY-MM-DD, included)."),
    ] = None,
    repeat_days: Annotated[
        int,
        typer.Option(
            "--repeat-days", metavar="N", help="A repeat: the customer again within N days."
        ),
    ] = 7,
    timezone: Annotated[
        str,
        typer.Option("--timezone", metavar="ZONE", help="Days and weeks in this time zone."),
    ] = "UTC",
) -> None:
    """Write the live database's handled contacts (HOMESHORE_DATABASE_URL) as a
    person-period panel for `homeshore pilot compare`."""
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise InputError("the panel must be a .csv or .parquet file", path=out, where="--out")
    if not out.parent.is_dir():
        raise InputError("no such directory", path=out.parent, where="--out")
    if period not in ("day", "week"):
        raise InputError(f"{period!r} is not a period: day or week", where="--period")
    first, last = _date(since, "--since"), _date(until, "--until")
    if first is not None and last is not None and first > last:
        raise InputError(f"--since {first} is after --until {last}", where="--since")
    if repeat_days < 1:
        raise InputError(
            f"{repeat_days} is not a number of days (1 or more)", where="--repeat-days"
        )
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"unknown time zone {timezone!r}", where="--timezone") from None
    every: Period = "day" if period == "day" else "week"

    from sqlalchemy import inspect

    from homeshore.config import Settings
    from homeshore.db.engine import make_engine, make_sessionmaker
    from homeshore.pilot.panel import bounds, build_panel
    from homeshore.services.pilot_export import read_records

    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        if not inspect(engine).has_table("contacts"):
            raise InputError(
                "the database of HOMESHORE_DATABASE_URL has no live platform tables "
                "(no contacts table)"
            )
        start, end = bounds(first, last, zone)
        records = read_records(
            make_sessionmaker(engine), start=start, end=end, repeat_days=repeat_days
        )
    finally:
        engine.dispose()
    panel = build_panel(records, period=every, zone=zone, repeat_days=repeat_days)
    if panel.empty:
        span = f"from {first or 'the start'} to {last or 'now'}"
        raise InputError(f"no contact was handled {span}: nothing to export", where="--out")
    _write(panel, out)
    persons = panel["person"].nunique()
    typer.echo(
        f"{out}: {len(panel)} rows ({persons} advisors, {int(panel['contacts'].sum())} "
        f"contacts, by {every})"
    )
