"""The `homeshore` command. Each sub-command lives in its own module of homeshore.commands
and registers itself through `register(app)`; this module only assembles them and turns a
HomeshoreError into a clear message and exit status 2 (no traceback for bad input)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer
from rich.console import Console

from homeshore import __version__, commands
from homeshore.errors import HomeshoreError

app = typer.Typer(
    name="homeshore",
    help="Plan and run a customer service whose advisors work from home.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(f"homeshore {__version__}")
        raise typer.Exit()


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(app)


_register_commands()


def main(argv: list[str] | None = None) -> int:
    try:
        # without standalone mode, click returns the code of a typer.Exit instead of raising it
        status = app(args=argv, standalone_mode=False)
        if isinstance(status, int) and status:
            return status
    except HomeshoreError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return 1
    except Exception as exc:  # click usage errors carry their own exit code
        # recognised by shape: recent typer raises those of its own copy of click
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
