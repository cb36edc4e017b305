"""`homeshore pilot compare`: treated minus control on one outcome of a pilot table, with a
95 % confidence interval (docs/pilot.md). Prints; writes nothing.

`homeshore pilot export`: the live platform's handled contacts as a person-period panel
that `pilot compare` reads (docs/pilot.md, "From the live platform")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import typer

from homeshore.errors import InputError
from homeshore.pilot import Question, compare, prepare, read_table, verdict
from homeshore.pilot.panel import Period

pilot_app = typer.Typer(
    help="Pilot analytics: home, telecentre and site advisors compared.", no_args_is_help=True
)


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
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Treated minus control on one outcome, with a 95 % confidence interval."""
    question = Question(
        group=group,
        treated=treated,
        outcome=outcome,
        pre=pre,
        cluster=cluster,
        control=control,
        drop_missing=drop_missing,
    )
    sample = prepare(read_table(file), question)
    result = compare(sample)
    if not as_json:
        typer.echo(verdict(result))
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
    }
    typer.echo(json.dumps(payload, allow_nan=False))


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
