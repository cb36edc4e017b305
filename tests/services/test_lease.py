"""The router lease on a real PostgreSQL: one holder at a time, freed when its connection
ends, a new fencing token at each takeover, and the old holder's commits fenced out."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from homeshore.db.engine import make_engine
from homeshore.db.migrate import upgrade
from homeshore.services.lease import LeaseLost, RouterLease
from tests.services.support import postgres_schema

pytestmark = pytest.mark.postgres
NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def _eventually(check: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    """True once `check` is (a generous ceiling: a busy machine makes it later)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def engine() -> Engine:
    with postgres_schema() as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine  # type: ignore[misc]
        engine.dispose()


def test_one_holder_at_a_time_and_a_new_token_at_each_takeover(engine: Engine) -> None:
    first, second = RouterLease(engine, "http://a:1"), RouterLease(engine, "http://b:2")
    assert first.leader() is None
    assert first.try_lock()
    assert first.take(NOW) == 1
    assert not second.try_lock(), "the lock is held"
    leader = second.leader()
    assert leader is not None and (leader.token, leader.node) == (1, "http://a:1")
    assert first.still_held()
    first.release()  # the lock goes with its connection, as when the process dies
    assert second.try_lock()
    assert second.take(NOW) == 2
    leader = first.leader()
    assert leader is not None and (leader.token, leader.node) == (2, "http://b:2")
    second.release()


def test_a_former_holder_cannot_commit_after_a_takeover(engine: Engine) -> None:
    first, second = RouterLease(engine, "http://a:1"), RouterLease(engine, "http://b:2")
    assert first.try_lock() and first.take(NOW) == 1
    with engine.begin() as conn:
        first.fence(conn)  # it leads: its commits go through
    # its connection is cut without it noticing (a paused process, a network cut)
    assert first._conn is not None
    raw = first._conn.connection.dbapi_connection
    assert raw is not None
    raw.close()
    # the server frees the lock once it notices the connection is gone: a standby polls
    assert _eventually(second.try_lock) and second.take(NOW) == 2
    with pytest.raises(LeaseLost, match="moved to another process"), engine.begin() as conn:
        first.fence(conn)
    assert first.token is None
    with pytest.raises(LeaseLost, match="does not route"), engine.begin() as conn:
        first.fence(conn)
    with engine.begin() as conn:
        second.fence(conn)
    first.release()
    second.release()


def test_locks_of_two_schemas_do_not_meet() -> None:
    with postgres_schema() as url_a, postgres_schema() as url_b:
        a, b = make_engine(url_a), make_engine(url_b)
        try:
            upgrade(a)
            upgrade(b)
            first, second = RouterLease(a, "http://a:1"), RouterLease(b, "http://b:2")
            assert first.try_lock() and second.try_lock()
            first.release()
            second.release()
        finally:
            a.dispose()
            b.dispose()
