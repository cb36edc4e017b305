"""The writes of a group commit on PostgreSQL, in a few pipelined statements whatever the
batch size.

New rows go in with one ``INSERT ... SELECT FROM unnest(arrays)`` per table; the changed
columns of many rows with one ``UPDATE ... FROM unnest(arrays)`` per set of columns;
events get their ids from the log's sequence first (so the ids follow the order of the
events). Each statement's text depends only on the set of columns, so the driver prepares
it once; the statements of a commit are sent in a pipeline, in two or three round trips.
(Row-by-row statements cost the commit thread more Python time than the event loop spent
on the requests themselves, and each round trip waits for the interpreter lock.)
"""

from __future__ import annotations

from functools import cache
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy import JSON, Table
from sqlalchemy.dialects import postgresql

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def _array_type(table: Table, name: str) -> str:
    return f"{table.c[name].type.compile(dialect=_DIALECT)}[]"


def _column(table: Table, name: str, values: list[Any]) -> list[Any]:
    if isinstance(table.c[name].type, JSON):
        return [None if v is None else Json(v) for v in values]
    return values


@cache
def _insert_sql(table: Table, names: tuple[str, ...]) -> str:
    arrays = ", ".join(f"%s::{_array_type(table, n)}" for n in names)
    columns = ", ".join(names)
    return f"INSERT INTO {table.name} ({columns}) SELECT * FROM unnest({arrays})"


@cache
def _update_sql(table: Table, names: tuple[str, ...]) -> str:
    key = table.primary_key.columns.values()[0]
    arrays = ", ".join(f"%s::{_array_type(table, n)}" for n in (key.name, *names))
    sets = ", ".join(f"{n} = v.{n}" for n in names)
    return (
        f"UPDATE {table.name} AS t SET {sets} FROM unnest({arrays}) "
        f"AS v(_key, {', '.join(names)}) WHERE t.{key.name} = v._key"
    )


def insert_rows(cursor: psycopg.Cursor[Any], table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT rows that all give the same columns, in one statement."""
    if not rows:
        return
    names = tuple(rows[0])
    params = [_column(table, n, [row[n] for row in rows]) for n in names]
    cursor.execute(_insert_sql(table, names), params)


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
        params += [_column(table, n, [values[n] for _k, values in rows]) for n in names]
        cursor.execute(_update_sql(table, names), params)


def reserve_ids(cursor: psycopg.Cursor[Any], table: Table, count: int) -> None:
    """Ask the table's sequence for ``count`` ids (read them with :func:`reserved_ids`)."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id "
        "FROM generate_series(1, %s) ORDER BY id",
        (table.name, count),
    )


def reserved_ids(cursor: psycopg.Cursor[Any]) -> list[int]:
    return [int(row[0]) for row in cursor.fetchall()]


def insert_events(
    cursor: psycopg.Cursor[Any], table: Table, events: list[dict[str, Any]], ids: list[int]
) -> None:
    """Append events to the log with the ids the sequence gave them, in order."""
    insert_rows(cursor, table, [{"id": i, **e} for i, e in zip(ids, events, strict=True)])
