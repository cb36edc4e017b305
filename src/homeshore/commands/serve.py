"""`homeshore serve`, `homeshore users ...` and `homeshore db ...`: run the live platform."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from homeshore.errors import InputError

users_app = typer.Typer(help="Accounts of the live platform.", no_args_is_help=True)
db_app = typer.Typer(help="The live platform's database.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(db_app, name="db")


def serve(
    scenario: Annotated[
        Path, typer.Option("--scenario", help="Scenario file (agents, teams, queues).")
    ],
    schedule: Annotated[
        Path | None,
        typer.Option(
            "--schedule", help="Published schedule (.csv or .json from `homeshore schedule`)."
        ),
    ] = None,
    forecast: Annotated[
        Path | None,
        typer.Option(
            "--forecast",
            help="The forecast of the days served (forecast.csv of `homeshore plan` or "
            "`homeshore forecast`): the rest of each day is re-forecast from the calls so far, "
            "and extra time is offered when the gap opens (docs/intraday.md).",
        ),
    ] = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    log_level: Annotated[str, typer.Option("--log-level")] = "warning",
    voice: Annotated[
        bool,
        typer.Option(
            "--voice",
            help="Answer phone calls: start Kamailio and rtpengine (Debian packages) with a "
            "configuration written from the HOMESHORE_VOICE_* settings (docs/voice.md).",
        ),
    ] = False,
    voice_dir: Annotated[
        Path, typer.Option("--voice-dir", help="Where the engines' configuration and logs go.")
    ] = Path("out/voice"),
) -> None:
    """Serve the live platform (HTTP API, websocket events). Database and event hub come from
    HOMESHORE_DATABASE_URL (default sqlite:///homeshore.db) and HOMESHORE_EVENTS_URL."""
    from homeshore.api.server import run

    run(
        scenario,
        schedule,
        forecast_path=forecast,
        host=host,
        port=port,
        log_level=log_level,
        voice=voice,
        voice_dir=voice_dir,
    )


def _prepared(scenario_path: Path | None) -> object:
    """A migrated database with the scenario imported; returns its sessionmaker."""
    import datetime as dt

    from homeshore.config import Settings
    from homeshore.data.scenario_file import load_scenario
    from homeshore.db.engine import make_engine, make_sessionmaker
    from homeshore.db.migrate import upgrade
    from homeshore.services.importing import import_scenario

    settings = Settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    if scenario_path is not None:
        with sessions() as session:
            import_scenario(session, load_scenario(scenario_path), dt.datetime.now(dt.UTC))
            session.commit()
    return sessions


def _password(password_env: str | None) -> str:
    if password_env:
        value = os.environ.get(password_env)
        if not value:
            raise InputError(f"environment variable {password_env} is empty or unset")
        return value
    return getpass.getpass("password: ")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option("--role", help="admin, supervisor or agent")],
    agent: Annotated[str | None, typer.Option("--agent", help="Agent id (role agent).")] = None,
    team: Annotated[
        list[str] | None, typer.Option("--team", help="Team managed (role supervisor).")
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Import this scenario first.")
    ] = None,
    password_env: Annotated[
        str | None,
        typer.Option("--password-env", help="Read the password from this environment variable."),
    ] = None,
) -> None:
    """Create an account."""
    from homeshore.config import Settings
    from homeshore.services.auth import create_user
    from homeshore.services.errors import ServiceError
    from homeshore.services.scope import Role

    try:
        the_role = Role(role)
    except ValueError as exc:
        raise InputError(
            f"unknown role {role!r}: admin, supervisor or agent", where="--role"
        ) from exc
    sessions = _prepared(scenario)
    try:
        create_user(
            sessions,  # type: ignore[arg-type]
            username=username,
            password=_password(password_env),
            role=the_role,
            agent_id=agent,
            team_ids=tuple(team or ()),
            settings=Settings(),
        )
    except ServiceError as exc:
        raise InputError(exc.reason, where=exc.field) from exc
    typer.echo(f"created {the_role.value} {username}")


@users_app.command("create-all")
def users_create_all(
    scenario: Annotated[Path, typer.Option("--scenario")],
    password_env: Annotated[str, typer.Option("--password-env")],
    admin: Annotated[str, typer.Option("--admin", help="Name of the admin account.")] = "admin",
) -> None:
    """One account per scenario agent (named by agent id) and per team manager (supervisor
    of the teams it manages), plus an admin; existing accounts are left alone."""
    from sqlalchemy import select

    from homeshore.config import Settings
    from homeshore.data.scenario_file import load_scenario
    from homeshore.db.tables import UserRow, username_key
    from homeshore.services.auth import create_user
    from homeshore.services.scope import Role

    the_scenario = load_scenario(scenario)
    sessions = _prepared(scenario)
    password = _password(password_env)
    settings = Settings()
    with sessions() as session:  # type: ignore[operator]
        existing = set(session.scalars(select(UserRow.username_key)))
    managers: dict[str, list[str]] = {}
    for t in the_scenario.teams:
        managers.setdefault(t.manager, []).append(t.id)
    wanted: list[tuple[str, Role, str | None, tuple[str, ...]]] = [(admin, Role.ADMIN, None, ())]
    wanted += [(m, Role.SUPERVISOR, None, tuple(ts)) for m, ts in sorted(managers.items())]
    wanted += [(a.id, Role.AGENT, a.id, ()) for a in the_scenario.agents]
    made = 0
    for name, role, agent_id, teams in wanted:
        if username_key(name) in existing:
            continue
        create_user(
            sessions,  # type: ignore[arg-type]
            username=name,
            password=password,
            role=role,
            agent_id=agent_id,
            team_ids=teams,
            settings=settings,
        )
        made += 1
    typer.echo(f"created {made} accounts ({len(wanted) - made} existed)")


@users_app.command("list")
def users_list() -> None:
    """List the accounts."""
    from homeshore.services.auth import list_users

    table = Table("id", "user", "role", "agent", "active")
    for u in list_users(_prepared(None)):  # type: ignore[arg-type]
        table.add_row(str(u.id), u.username, u.role, u.agent_id or "", "yes" if u.active else "no")
    Console().print(table)


def _update(username: str, *, active: bool | None = None, password: str | None = None) -> None:
    from homeshore.config import Settings
    from homeshore.services.auth import update_user
    from homeshore.services.errors import ServiceError

    try:
        update_user(
            _prepared(None),  # type: ignore[arg-type]
            username,
            active=active,
            password=password,
            settings=Settings(),
        )
    except ServiceError as exc:
        raise InputError(exc.reason, where=exc.field) from exc


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable an account: it can no longer log in and its sessions end (a running server
    forgets them within 30 s; PATCH /api/users/{id} ends them at once)."""
    _update(username, active=False)
    typer.echo(f"disabled {username}")


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument()]) -> None:
    """Enable a disabled account again."""
    _update(username, active=True)
    typer.echo(f"enabled {username}")


@users_app.command("set-password")
def users_set_password(
    username: Annotated[str, typer.Argument()],
    password_env: Annotated[
        str | None,
        typer.Option("--password-env", help="Read the password from this environment variable."),
    ] = None,
) -> None:
    """Give an account a new password; its sessions end."""
    _update(username, password=_password(password_env))
    typer.echo(f"new password set for {username}")


@db_app.command("upgrade")
def db_upgrade(
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Also import this scenario.")
    ] = None,
) -> None:
    """Create or migrate the database to the newest schema."""
    _prepared(scenario)
    from homeshore.api.server import redact
    from homeshore.config import Settings

    typer.echo(f"database {redact(Settings().database_url)} is up to date")
