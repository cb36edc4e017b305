"""The group commit's PostgreSQL statements: rows go in and change exactly as given
(times with their offset, JSON payloads, NULLs, a subset of columns), and values the
database could not read are refused by name before anything is sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

import psycopg
import pytest
from sqlalchemy import Table, select

from homeshore.db.engine import make_engine
from homeshore.db.migrate import upgrade
from homeshore.db.tables import EventRow
from homeshore.services import pg_writes
from tests.services.support import postgres_schema

EVENTS = cast(Table, EventRow.__table__)
PARIS_WINTER = dt.timezone(dt.timedelta(hours=1))


def test_naive_times_and_nan_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        pg_writes.rows_document([{"at": dt.datetime(2026, 11, 24, 10, 0)}])
    with pytest.raises(ValueError, match="Out of range float"):
        pg_writes.rows_document([{"wait_s": float("nan")}])
    with pytest.raises(TypeError, match="cannot store a set"):
        pg_writes.rows_document([{"data": {1, 2}}])


def test_the_document_keeps_offsets_and_text() -> None:
    at = dt.datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=PARIS_WINTER)
    text = pg_writes.rows_document([{"at": at, "note": "début « ok »", "n": None}])
    assert text == '[{"at":"2026-11-24T10:00:00.123456+01:00","note":"début « ok »","n":null}]'


@pytest.fixture
def pg() -> Iterator[Any]:
    with postgres_schema() as url:
        engine = make_engine(url)
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def _cursor_run(engine: Any, work: Any) -> None:
    with engine.begin() as conn:
        driver = cast("psycopg.Connection[Any]", conn.connection.driver_connection)
        with driver.cursor() as cursor:
            work(cursor)


@pytest.mark.postgres
def test_rows_round_trip_and_updates_touch_only_their_columns(pg: Any) -> None:
    at = dt.datetime(2026, 11, 24, 10, 0, 0, 250000, tzinfo=PARIS_WINTER)
    rows = [
        {
            "id": 10 + i,
            "at": at + dt.timedelta(seconds=i),
            "type": "contact.offered",
            "data": {"queue": "légal", "waits": [1.5, None], "nested": {"ok": True}},
            "agent_id": f"a{i}",
            "team_id": None,
            "queue_id": "legal",
            "contact_id": 2**40 + i,
            "user_id": None,
            "actor_user_id": 7,
        }
        for i in range(3)
    ]
    _cursor_run(pg, lambda c: pg_writes.insert_rows(c, EVENTS, rows))
    # two sets of columns: one statement each; columns not named stay as they were
    changes = {10: {"type": "contact.accepted"}, 11: {"type": "x", "team_id": "red"}}
    _cursor_run(pg, lambda c: pg_writes.update_rows(c, EVENTS, changes))
    with pg.connect() as conn:
        stored = {r.id: r for r in conn.execute(select(EVENTS)).all()}
    assert sorted(stored) == [10, 11, 12]
    for row in rows:
        got = stored[row["id"]]
        assert got.at == row["at"] and got.at.utcoffset() is not None
        assert got.data == row["data"]
        assert (got.agent_id, got.contact_id, got.actor_user_id, got.user_id) == (
            row["agent_id"],
            row["contact_id"],
            7,
            None,
        )
    assert (stored[10].type, stored[10].team_id) == ("contact.accepted", None)
    assert (stored[11].type, stored[11].team_id) == ("x", "red")
    assert (stored[12].type, stored[12].team_id) == ("contact.offered", None)


@pytest.mark.postgres
def test_updates_look_keys_up_in_the_index_however_big_the_table(pg: Any) -> None:
    at = dt.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS_WINTER)
    many = [{"id": i, "at": at, "type": "t", "data": {}} for i in range(1, 20_001)]
    _cursor_run(pg, lambda c: pg_writes.insert_rows(c, EVENTS, many))
    few = pg_writes.rows_document([{"id": i, "type": "u"} for i in range(100, 140)])
    plan: list[str] = []

    def explain(cursor: Any) -> None:
        cursor.execute("ANALYZE events")
        sql = pg_writes.update_sql(EVENTS, ("type",))
        cursor.execute(f"EXPLAIN {sql}", {"rows": few})
        plan.extend(row[0] for row in cursor.fetchall())

    _cursor_run(pg, explain)
    text = "\n".join(plan)
    assert "Index Scan using events_pkey" in text, text
    assert "Seq Scan on events" not in text, text
