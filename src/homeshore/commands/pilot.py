"""`homeshore pilot compare`: treated minus control on one outcome of a pilot table, with a
95 % confidence interval (docs/pilot.md). Prints; writes nothing."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer

from homeshore.pilot import Question, compare, prepare, read_table, verdict

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
