"""The writes of a group commit on PostgreSQL, in a few pipelined statements whatever the
batch size.

Each statement takes its rows as one JSON document, turned back into rows of the table's
own type by ``json_populate_recordset``: new rows with one ``INSERT ... SELECT`` per
table, the changed columns of many rows with one ``UPDATE ... FROM`` per set of columns;
events get their ids from the log's sequence first (so the ids follow the order of the
events). Each statement's text depends only on the set of columns, so the driver prepares
it once; the statements of a commit are sent in a pipeline, in two or three round trips.
(Row-by-row statements cost the commit thread more Python time than the event loop spent
on the requests themselves; one array parameter per column, the driver's per-element
encoding in Python held the interpreter lock for about half of the commit thread's time at
500 contacts/s. One JSON document is encoded by the standard library's C encoder.)
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

import psycopg
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def _json_value(value: object) -> object:
    """What the C encoder cannot write by itself: the datetimes, as ISO text with offset
    (read back by the columns' own input functions)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("only timezone-aware datetimes are stored")
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} in a group commit: {value!r}")


#: NaN or infinity would be refused by PostgreSQL's JSON parser: refused here, by name
_encode = json.JSONEncoder(
    default=_json_value, separators=(",", ":"), allow_nan=False, ensure_ascii=False
).encode


def rows_document(rows: list[dict[str, Any]]) -> str:
    """The rows as the JSON document the statements below read."""
    return _encode(rows)


@cache
def _insert_sql(table: Table, names: tuple[str, ...]) -> str:
    columns = ", ".join(names)
    return (
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} "
        f"FROM json_populate_recordset(NULL::{table.name}, %s::json)"
    )


@cache
def update_sql(table: Table, names: tuple[str, ...]) -> str:
    """The rows to change are also named by key (``= ANY``): the planner cannot see how
    many rows the document holds and, without it, joins by scanning the whole table
    (a cost that grows all day long) rather than looking the few keys up in its index."""
    key_column = table.primary_key.columns.values()[0]
    key, key_type = key_column.name, key_column.type.compile(dialect=_DIALECT)
    sets = ", ".join(f"{n} = v.{n}" for n in names)
    return (
        f"UPDATE {table.name} AS t SET {sets} "
        f"FROM json_populate_recordset(NULL::{table.name}, %(rows)s::json) AS v "
        f"WHERE t.{key} = v.{key} AND t.{key} = ANY(ARRAY("
        f"SELECT (e->>'{key}')::{key_type} FROM json_array_elements(%(rows)s::json) AS e))"
    )


def insert_rows(cursor: psycopg.Cursor[Any], table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT rows that all give the same columns, in one statement."""
    if not rows:
        return
    cursor.execute(_insert_sql(table, tuple(rows[0])), (rows_document(rows),))


def update_rows(
    cursor: psycopg.Cursor[Any], table: Table, changes: dict[Any, dict[str, Any]]
) -> None:
    """UPDATE the changed columns of many rows (key -> {column: value}): one statement per
    set of columns."""
    key = table.primary_key.columns.values()[0].name
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_key, values in changes.items():
        groups.setdefault(tuple(sorted(values)), []).append({**values, key: row_key})
    for names, rows in groups.items():
        cursor.execute(update_sql(table, names), {"rows": rows_document(rows)})


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
