"""Which process routes: the router lease, in PostgreSQL.

Several ``homeshore serve`` processes may share one PostgreSQL database; exactly one of them
routes (holds the router's memory, offers contacts, commits the live changes), the others
forward every request to it (homeshore.api.forward) and stand by.

The lease is a session-level advisory lock taken on a connection of its own: PostgreSQL
releases it as soon as that connection ends, the holder's death by SIGKILL included, and a
standby polling for it takes over. Each takeover increments a fencing token, stored with the
leader's address in the ``router_lease`` row. The leader's commits check that the token is
still its own (:meth:`RouterLease.fence`, a shared row lock the successor's takeover waits
for): a process that lost the lease without noticing (paused, its connection cut) can no
longer write once its successor has started.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, ProgrammingError, SQLAlchemyError

from homeshore.services.errors import Unavailable

log = logging.getLogger("homeshore.lease")

# one lock per database and schema (tests and tenants may share a server)
_TRY_LOCK = text(
    "SELECT pg_try_advisory_lock(hashtext(current_database() || '.' || current_schema() "
    "|| '.homeshore.router'))"
)
_UNLOCK = text("SELECT pg_advisory_unlock_all()")
_TAKE = text(
    "INSERT INTO router_lease (id, token, node, since) VALUES (1, 1, :node, :now) "
    "ON CONFLICT (id) DO UPDATE SET token = router_lease.token + 1, node = :node, "
    "since = :now RETURNING token"
)
_LEADER = text("SELECT token, node, since FROM router_lease WHERE id = 1")
_PING = text("SELECT 1")
_FENCE = text("SELECT token FROM router_lease WHERE id = 1 FOR SHARE")


class LeaseLost(Unavailable):
    """This process no longer holds the router lease: it must not write."""


@dataclass(frozen=True, slots=True)
class Leader:
    token: int
    node: str  # the base URL other processes forward to
    since: dt.datetime


class RouterLease:
    """Take, hold and check the lease for the node reachable at ``node_url``."""

    def __init__(self, engine: Engine, node_url: str) -> None:
        self.engine = engine
        self.node_url = node_url
        self.token: int | None = None
        self._conn: Connection | None = None
        self._locked = False

    @property
    def held(self) -> bool:
        return self.token is not None

    def try_lock(self) -> bool:
        """Take the advisory lock if nobody holds it (then :meth:`take` records it)."""
        if self._conn is not None and self._locked:
            return True
        if self._conn is None:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            conn.detach()  # never back to the pool: the lock lives as long as it does
            self._conn = conn
        try:
            self._locked = bool(self._conn.execute(_TRY_LOCK).scalar())
        except DBAPIError:
            self._drop_connection()
            raise
        return self._locked

    def take(self, now: dt.datetime) -> int:
        """With the lock held: a new fencing token, and this node as the leader."""
        assert self._locked, "try_lock first"
        with self.engine.begin() as tx:
            self.token = int(tx.execute(_TAKE, {"node": self.node_url, "now": now}).scalar_one())
        log.warning("router lease taken (token %d) by %s", self.token, self.node_url)
        return self.token

    def still_held(self) -> bool:
        """The lock's connection still answers (checked by the leader every second)."""
        if self._conn is None or self.token is None:
            return False
        try:
            self._conn.execute(_PING)
            return True
        except DBAPIError:
            self._drop_connection()
            self.token = None
            return False

    def leader(self) -> Leader | None:
        """Who leads, as recorded at the last takeover (None before any, or before the
        first leader created the table)."""
        try:
            with self.engine.connect() as conn:
                row = conn.execute(_LEADER).first()
        except ProgrammingError:  # no router_lease table yet: the first leader migrates
            return None
        if row is None:
            return None
        return Leader(int(row.token), str(row.node), row.since)

    def fence(self, conn: Connection) -> None:
        """Inside a commit's transaction: refuse it unless this process still leads."""
        if self.token is None:
            raise LeaseLost("this process does not route: the change was not saved")
        stored = conn.execute(_FENCE).scalar()
        if stored != self.token:
            self.token = None
            raise LeaseLost(
                f"the router lease moved to another process (token {stored}, "
                "this one had an older one): the change was not saved"
            )

    def release(self) -> None:
        """Let a standby take over now (clean shutdown): the lock is given back before the
        connection closes (a closed connection frees it only once its server process has
        noticed, a moment later)."""
        leading, self.token = self.token is not None, None
        if leading and self._conn is not None and self._locked:
            try:
                self._conn.execute(_UNLOCK)
            except SQLAlchemyError:  # the connection is gone: so is the lock, soon
                with contextlib.suppress(SQLAlchemyError):
                    self._conn.rollback()
        self._drop_connection()

    def _drop_connection(self) -> None:
        self._locked = False
        conn, self._conn = self._conn, None
        if conn is None:
            return
        raw = conn.connection.dbapi_connection  # detached: nothing else closes it
        try:
            conn.invalidate()
            conn.close()
        except DBAPIError:
            pass
        if raw is not None:
            raw.close()  # the lock goes with the connection
