"""Engines and sessions for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(
    url: str, *, sqlite_busy_timeout_ms: int = 5000, pg_synchronous_commit: str = "on"
) -> Engine:
    """``pg_synchronous_commit`` "off" lets PostgreSQL acknowledge a commit before its WAL
    reaches disk: an app crash loses nothing, a database crash may lose the last few
    hundred milliseconds. "on" (default) waits for the disk."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": sqlite_busy_timeout_ms / 1e3}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url and url != "sqlite://":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if pg_synchronous_commit not in ("on", "off", "local", "remote_write", "remote_apply"):
        raise ValueError(f"unknown synchronous_commit {pg_synchronous_commit!r}")
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800)
    if pg_synchronous_commit != "on":

        @event.listens_for(engine, "connect")
        def _commit_mode(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET synchronous_commit TO {pg_synchronous_commit}")
            dbapi_connection.commit()

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
