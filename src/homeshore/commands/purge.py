"""`homeshore purge`: remove what is past its retention period from the live platform's
database (docs/live.md, "Audit trail and retention")."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("purge")(purge)


def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only count what would be removed.")
    ] = False,
) -> None:
    """Delete audit entries and events past HOMESHORE_AUDIT_DAYS and HOMESHORE_EVENTS_DAYS,
    and erase the customer reference and chat messages of closed contacts older than
    HOMESHORE_CONTACTS_PERSONAL_DAYS; print the counts per table. The running server does
    the same every few hours."""
    import datetime as dt

    from homeshore.config import Settings
    from homeshore.db.engine import make_engine, make_sessionmaker
    from homeshore.db.migrate import upgrade
    from homeshore.services import retention

    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        purged = retention.purge(
            make_sessionmaker(engine),
            settings,
            dt.datetime.now(dt.UTC),
            dry_run=dry_run,
            by=retention.COMMAND,
            always_record=True,
        )
    finally:
        engine.dispose()
    done = "would be " if dry_run else ""
    days = settings.contacts_personal_days
    for table, count, what in (
        ("audit", purged.audit, f"entries {done}deleted (older than {settings.audit_days} days)"),
        ("events", purged.events, f"{done}deleted (older than {settings.events_days} days)"),
        ("contacts", purged.contacts, f"closed, customer reference {done}erased ({days} days)"),
        ("messages", purged.messages, f"chat messages' text {done}erased ({days} days)"),
    ):
        typer.echo(f"{table}: {count} {what}")
    if dry_run:
        typer.echo("dry run: nothing was changed")
