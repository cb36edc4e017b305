"""Tables and lines for a command's standard output, readable whether or not it is a terminal.

On a terminal a table is drawn by rich (borders, colours, fitted to the width). Piped or
redirected, rich would fit it to 80 columns and cut numbers short ("0.8…"); there the table is
plain text instead: a title line, then columns separated by two spaces, every cell whole.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table


def is_terminal() -> bool:
    return sys.stdout.isatty()


def plain_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None
) -> str:
    """The table as aligned plain text: first column to the left, the others to the right."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    lines = [title] if title else []
    lines += [line(headers), *(line(r) for r in rows)]
    return "\n".join(lines)


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None
) -> None:
    """Print a table: rich on a terminal, plain text otherwise."""
    if not is_terminal():
        print(plain_table(headers, rows, title))
        return
    table = Table(title=title)
    table.add_column(headers[0], no_wrap=True)
    for header in headers[1:]:
        table.add_column(header, justify="right")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def print_line(text: str, *, err: bool = False) -> None:
    """Print a line whole (rich would wrap it at 80 columns when piped); `err`: on stderr."""
    stream = sys.stderr if err else sys.stdout
    if stream.isatty():
        Console(stderr=err).print(text, highlight=False, markup=False, soft_wrap=True)
    else:
        print(text, file=stream)
