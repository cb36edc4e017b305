"""The writes of a group commit on PostgreSQL, in a few statements whatever the batch size.

New rows go in with COPY; the changed columns of many rows with one ``UPDATE ... FROM
unnest(arrays)`` per set of columns; events get their ids from the log's sequence in one
query, then are copied. Each statement's text depends only on the set of columns, so the
driver prepares it once. (Row-by-row statements cost the commit thread more Python time
than the event loop spent on the requests themselves.)
"""

from __future__ import annotations

from functools import cache
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy import JSON, Column, Table
from sqlalchemy.dialects import postgresql

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def _value(column: Column[Any], value: Any) -> Any:
    return Json(value) if isinstance(column.type, JSON) and value is not None else value


def copy_rows(cursor: psycopg.Cursor[Any], table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT rows (every column given) with COPY."""
    if not rows:
        return
    columns = [table.c[name] for name in rows[0]]
    names = ", ".join(c.name for c in columns)
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_value(c, row[c.name]) for c in columns])


@cache
def _update_sql(table: Table, names: tuple[str, ...]) -> str:
    key = table.primary_key.columns.values()[0]
    arrays = ", ".join(
        f"%s::{table.c[n].type.compile(dialect=_DIALECT)}[]" for n in (key.name, *names)
    )
    sets = ", ".join(f"{n} = v.{n}" for n in names)
    return (
        f"UPDATE {table.name} AS t SET {sets} FROM unnest({arrays}) "
        f"AS v(_key, {', '.join(names)}) WHERE t.{key.name} = v._key"
    )


def update_rows(
    cursor: psycopg.Cursor[Any], table: Table, changes: dict[Any, dict[str, Any]]
) -> None:
    """UPDATE the changed columns of many rows (key -> {column: value}): one statement per
    set of columns."""
    groups: dict[tuple[str, ...], list[tuple[Any, dict[str, Any]]]] = {}
    for key, values in changes.items():
        groups.setdefault(tuple(sorted(values)), []).append((key, values))
    for names, rows in groups.items():
        params = [[key for key, _v in rows]]
        params += [[_value(table.c[n], values[n]) for _k, values in rows] for n in names]
        cursor.execute(_update_sql(table, names), params)


def insert_events(
    cursor: psycopg.Cursor[Any], table: Table, events: list[dict[str, Any]]
) -> list[int]:
    """Append events to the log; their ids, from the log's sequence, in order."""
    if not events:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id "
        "FROM generate_series(1, %s) ORDER BY id",
        (table.name, len(events)),
    )
    ids = [int(row[0]) for row in cursor.fetchall()]
    copy_rows(cursor, table, [{"id": i, **e} for i, e in zip(ids, events, strict=True)])
    return ids
