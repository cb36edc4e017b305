"""This process's part in a deployment of several: routing (it holds the router lease) or
standing by (it forwards, and polls for the lease). See homeshore.services.lease.

A process that starts while another routes stands by; when the lease frees up (the leader
died or stopped) it takes it, rebuilds the router's memory from the database and routes.
A leader that finds its lease gone (its lock's connection lost, or a commit fenced out)
stops at once: the process ends (SIGTERM to itself, so a service manager restarts it, as a
standby), and nothing more is written under the old token.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable

from homeshore.services.clock import Clock
from homeshore.services.lease import RouterLease

log = logging.getLogger("homeshore.standby")

#: how long a standby trusts the leader's address it read (it changes only at a takeover)
LEADER_CACHE_S = 1.0


class RouterRole:
    """``leading`` decides whether requests are served here or forwarded."""

    def __init__(self, lease: RouterLease | None, clock: Clock, *, poll_s: float = 1.0) -> None:
        self.lease = lease
        self.clock = clock
        self.poll_s = poll_s
        self.leading = lease is None  # alone: this process routes
        self.starting = False
        self._leader_url: str | None = None
        self._leader_read = -float("inf")

    @property
    def name(self) -> str:
        if self.leading:
            return "leader"
        return "starting" if self.starting else "standby"

    @property
    def token(self) -> int | None:
        return self.lease.token if self.lease is not None else None

    def leader_url(self) -> str | None:
        """Where the routing process answers (None while there is none)."""
        if self.lease is None or self.starting:
            return None
        now = time.monotonic()
        if now - self._leader_read > LEADER_CACHE_S:
            self._leader_read = now
            leader = self.lease.leader()
            url = leader.node if leader is not None else None
            self._leader_url = None if url == self.lease.node_url else url
        return self._leader_url

    async def try_lead(
        self, prepare: Callable[[], None], start: Callable[[], Awaitable[None]]
    ) -> bool:
        """Take the lease if it is free: ``prepare`` the database (migrations: they create
        the lease's table), record the takeover (a new fencing token), then ``start``
        routing (the router's memory rebuilt from the database) before answering here."""
        assert self.lease is not None
        lease = self.lease
        if not await asyncio.to_thread(lease.try_lock):
            return False
        self.starting = True
        try:
            await asyncio.to_thread(prepare)
            await asyncio.to_thread(lease.take, self.clock.now())
            await start()
        except BaseException:
            self.starting = False
            lease.release()
            raise
        self.starting = False
        self.leading = True
        return True

    async def watch(
        self, prepare: Callable[[], None], start: Callable[[], Awaitable[None]]
    ) -> None:
        """Forever: a standby polls for the lease; a leader checks it still holds it."""
        assert self.lease is not None
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                if not self.leading:
                    if await self.try_lead(prepare, start):
                        log.warning("this process routes now (token %s)", self.token)
                elif not await asyncio.to_thread(self.lease.still_held):
                    self.lost("its connection to the database closed")
            except Exception:  # the database away for a moment: poll again
                log.exception("router lease check failed")

    def lost(self, why: str) -> None:
        """The lease is gone while routing: stop writing, end this process."""
        if not self.leading:
            return
        self.leading = False
        log.critical("router lease lost (%s): this process stops routing and ends", why)
        os.kill(os.getpid(), signal.SIGTERM)
