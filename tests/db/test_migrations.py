"""Migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from homeshore.db.engine import make_engine, make_sessionmaker, normalise_url
from homeshore.db.migrate import alembic_config, current_revision, downgrade, upgrade
from homeshore.db.tables import Base, EventRow
from tests.services.support import database_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as u:
        yield u


def test_upgrade_matches_the_declared_tables(url: str) -> None:
    engine = make_engine(url)
    assert current_revision(engine) is None
    upgrade(engine)
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None
    assert current_revision(engine) == head
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    upgrade(engine)  # idempotent
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_times_come_back_timezone_aware(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    paris = dt.timezone(dt.timedelta(hours=1))
    at = dt.datetime(2026, 11, 24, 10, 0, 0, 123000, tzinfo=paris)
    with make_sessionmaker(engine)() as session:
        session.add(EventRow(at=at, type="t", data={}))
        session.commit()
    with make_sessionmaker(engine)() as session:
        row = session.query(EventRow).one()
        assert row.at == at
        assert row.at.tzinfo is not None
        with pytest.raises(Exception, match="timezone-aware"):
            session.add(EventRow(at=dt.datetime(2026, 1, 1), type="t", data={}))
            session.flush()
    engine.dispose()


def test_postgres_url_spellings() -> None:
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
