"""Group commit: the transactions of the live platform's use cases.

Use cases on one event-loop turn share a batch; its row changes wait in memory
(:class:`homeshore.services.tx.Writes`) and one commit thread writes them while the loop
goes on serving the next batch: one commit at a time, in order. Callers answer once their
batch is committed (:meth:`GroupCommit.durable`). A failed use case or commit undoes its
batch and the one built on it, and the router's memory is rebuilt from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from homeshore.config import Settings
from homeshore.realtime.types import Event, EventHub
from homeshore.services.clock import Clock
from homeshore.services.errors import ServiceError, Unavailable
from homeshore.services.tx import Batch, FrozenWrites, StoredExternalIds, Tx, apply

log = logging.getLogger(__name__)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class GroupCommit:
    """The transaction half of :class:`homeshore.services.platform.Platform`."""

    sessions: sessionmaker[Session]
    hub: EventHub
    clock: Clock
    settings: Settings

    def init_commits(self) -> None:
        self._batch: Batch | None = None  # open: use cases join it
        self._inflight: tuple[Batch, Future[list[int]], FrozenWrites] | None = None
        self._last_batch: Batch | None = None  # the latest opened, committed or not
        # one commit at a time, in order, off the event loop
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="homeshore-commit")
        #: checked inside every commit's transaction before it writes (the router lease's
        #: fencing: homeshore.services.lease); raising refuses the commit
        self.fence: Callable[[Connection], None] | None = None

    def reload(self) -> None:
        """Rebuild the router's memory from the database (the platform does it)."""
        raise NotImplementedError

    def remember_external_id(self, external_id: str, contact_id: int, created_s: float) -> None:
        raise NotImplementedError

    @contextmanager
    def transaction(self, *, group: bool = False) -> Iterator[Tx]:
        """One use case's transaction. With ``group`` (and a running event loop, and
        ``settings.group_commit``) it joins the open batch: the use cases run on one event
        loop turn share one commit; their row changes wait in memory and are written by a
        commit thread while the loop goes on (one commit at a time, in order); the caller
        must ``await durable()`` before it answers. Otherwise every commit started before
        is finished first, then this transaction runs and commits on its own."""
        if group and self.settings.group_commit:
            batch = self._join_batch()
            if batch is not None:
                with self._in_batch(batch) as tx:
                    yield tx
                return
        self.flush_batch()
        session = self.sessions()
        tx = Tx(session, self.clock.now())
        try:
            yield tx
            if self.fence is not None:
                self.fence(session.connection())
            session.flush()
            events = tx.write_events()
            session.commit()
        except BaseException:
            session.rollback()
            self.reload()
            raise
        finally:
            session.close()
        if events:
            self.hub.publish(events)

    def _join_batch(self) -> Batch | None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the server (scripts, tests): commit alone
            return None
        if self._batch is None:
            self._batch = self._last_batch = Batch(self.sessions(), loop.create_future())
            loop.call_soon(self._start_commit)
        return self._batch

    @contextmanager
    def _in_batch(self, batch: Batch) -> Iterator[Tx]:
        tx = Tx(batch.session, self.clock.now(), writes=batch.writes)
        try:
            yield tx
        except ServiceError:
            if tx.changed_nothing():
                raise  # refused before any change: the other use cases of the batch go on
            self._abort_after(batch, "use case refused after changing rows")
            raise
        except BaseException:
            self._abort_after(batch, "use case failed")
            raise
        batch.writes.events.extend(tx.events)

    async def durable(self) -> None:
        """Wait until the latest group commit is done; raises Unavailable if it failed.
        Call it right after the use case (no await in between), before answering."""
        batch = self._last_batch
        if batch is not None:
            await asyncio.shield(batch.done)

    async def caught_up(self) -> None:
        """Wait until every change made so far is committed (or undone): for reads."""
        batch = self._last_batch
        if batch is not None and not batch.done.done():
            with contextlib.suppress(Unavailable):
                await asyncio.shield(batch.done)

    def _start_commit(self) -> None:
        """Hand the open batch to the commit thread, unless a commit is in flight (its end
        starts the next one: under load, batches grow while the disk works)."""
        if self._batch is None or self._inflight is not None:
            return
        batch = self._batch
        future = self._submit()
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda _f: loop.call_soon_threadsafe(self._finish_commit, batch))

    def _submit(self) -> Future[list[int]]:
        batch = self._batch
        assert batch is not None and self._inflight is None
        self._batch = None
        writes = batch.writes.freeze()
        future = self._committer.submit(self._commit, batch.session, writes)
        self._inflight = (batch, future, writes)
        return future

    def _commit(self, session: Session, writes: FrozenWrites) -> list[int]:
        """In the commit thread: write a batch and commit it; the event ids it got."""
        if self.fence is not None:
            self.fence(session.connection())
        ids = apply(session, writes)
        session.commit()
        return ids

    def _finish_commit(self, expected: Batch | None = None) -> None:
        """On the event loop: publish the batch's events and release its callers, or undo
        it (and the open batch, which was built on it) if the commit failed."""
        if self._inflight is None or (expected is not None and self._inflight[0] is not expected):
            return  # already finished by flush_batch
        batch, future, writes = self._inflight
        self._inflight = None
        error = future.exception()
        if error is not None:
            log.warning("group commit failed: %s", error)
            batch.session.rollback()
            self._fail(batch, "the commit failed")
            if self._batch is not None:
                open_batch, self._batch = self._batch, None
                open_batch.session.close()
                self._fail(open_batch, "an earlier commit failed")
            self.reload()
            if isinstance(error, StoredExternalIds):  # a retry now finds its contact
                for ext, cid in error.known.items():
                    self.remember_external_id(ext, cid, self.clock.now().timestamp())
        else:
            batch.session.close()
            ids = future.result()
            events = [Event(id=i, **v) for i, v in zip(ids, writes.events, strict=True)]
            if events:
                self.hub.publish(events)
            if not batch.done.done():
                batch.done.set_result(None)
        if self._batch is not None and _loop_running():
            self._start_commit()

    def flush_batch(self) -> None:
        """Finish the commit in flight, then commit the open batch now (before a
        transaction of its own, and at shutdown). Blocks the caller meanwhile."""
        self._finish_inflight()  # (its end may already hand the open batch over)
        if self._batch is not None and self._inflight is None:
            self._submit()
        self._finish_inflight()

    def close(self) -> None:
        """Commit what is pending and stop the commit thread (server shutdown)."""
        self.flush_batch()
        self._committer.shutdown(wait=True)

    def _finish_inflight(self) -> None:
        """Wait for the commit in flight, if any, and finish it here."""
        if self._inflight is not None:
            wait([self._inflight[1]])
            self._finish_commit()

    def _abort_after(self, batch: Batch, what: str) -> None:
        """A use case failed half-way: the batch shares one transaction, so all of it is
        undone and memory follows the database."""
        log.warning("group commit undone: %s", what, exc_info=True)
        self._abort(batch, "a use case of the same commit failed")

    def _abort(self, batch: Batch, reason: str) -> None:
        if self._batch is batch:
            self._batch = None
        batch.session.rollback()
        batch.session.close()
        self._fail(batch, reason)
        # memory is rebuilt from the database: the commit in flight must be in it first
        self._finish_inflight()
        self.reload()

    @staticmethod
    def _fail(batch: Batch, reason: str) -> None:
        if not batch.done.done():
            batch.done.set_exception(Unavailable(f"not saved ({reason}): try again"))
            batch.done.exception()  # retrieved here: callers may or may not be waiting
