"""Migration 0006 makes user names unique whatever their case without failing on a
database that already holds names differing only in case (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from homeshore.db.engine import make_engine
from homeshore.db.migrate import upgrade
from tests.services.support import database_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as u:
        yield u


def test_names_differing_only_in_case_are_kept_and_renamed(
    url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(url)
    upgrade(engine, "0005")
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        for name in ("admin", "Admin", "ops", "ADMIN", "admin-2"):
            conn.execute(
                text(
                    "INSERT INTO users (username, password_hash, role, active) "
                    "VALUES (:n, 'h', 'admin', true)"
                ),
                {"n": name},
            )
        # sessions point at the users: the migration must not rebuild the table under them
        conn.execute(
            text("INSERT INTO sessions VALUES ('t', 2, :at, :at)"), {"at": now.isoformat()}
        )
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, username, username_key FROM users ORDER BY id"))
        assert [tuple(r) for r in rows] == [
            (1, "admin", "admin"),
            (2, "Admin-2-2", "admin-2-2"),  # "admin-2" is another user's name
            (3, "ops", "ops"),
            (4, "ADMIN-4", "admin-4"),
            (5, "admin-2", "admin-2"),
        ]
    assert "'Admin' (id 2) is renamed 'Admin-2-2'" in capfd.readouterr().err
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, username_key, password_hash, role, active) "
                "VALUES ('OPS', 'ops', 'h', 'admin', true)"
            )
        )
    engine.dispose()
