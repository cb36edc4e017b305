"""The sessions behind open websockets: a logout ends them at once, the housekeeping tick
when their ``expires_at`` passes on the platform's clock; a socket closes when its session
ends (close code 4401)."""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools
from dataclasses import dataclass, field
from typing import TypeVar

from homeshore.services.scope import Actor

#: why a session ended: also the reason of the agent state it leaves an advisor in
SIGNED_OUT = "signed out"
SESSION_EXPIRED = "session expired"
SESSION_REVOKED = "session ended"  # elsewhere: another process's logout, a disabled account
ENDINGS = (SIGNED_OUT, SESSION_EXPIRED, SESSION_REVOKED)

_K = TypeVar("_K")


@dataclass(eq=False, slots=True)
class SocketSession:
    """The session of one open websocket. ``agent_id``: an advisor's event stream (a
    connection routing counts); None for other sockets (the readiness probe)."""

    digest: str
    actor: Actor
    expires_at: dt.datetime
    agent_id: str | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    reason: str = ""

    def end(self, reason: str) -> bool:
        """End it (the first reason holds); True when it was still running."""
        if self.ended.is_set():
            return False
        self.reason = reason
        self.ended.set()
        return True

    def alive(self, now: dt.datetime) -> bool:
        return not self.ended.is_set() and now < self.expires_at


class SocketSessions:
    """The open sockets of this process by session, by user, and by expiry time."""

    def __init__(self) -> None:
        self._by_digest: dict[str, set[SocketSession]] = {}
        self._by_user: dict[int, set[SocketSession]] = {}
        # (expires_at, order, socket): a closed socket's entry is dropped when due, or when
        # closed ones outnumber the open ones
        self._due: list[tuple[dt.datetime, int, SocketSession]] = []
        self._order = itertools.count()
        self._open = 0

    def __len__(self) -> int:
        return self._open

    def add(self, s: SocketSession) -> None:
        self._by_digest.setdefault(s.digest, set()).add(s)
        self._by_user.setdefault(s.actor.user_id, set()).add(s)
        heapq.heappush(self._due, (s.expires_at, next(self._order), s))
        self._open += 1

    def discard(self, s: SocketSession) -> None:
        if not _remove(self._by_digest, s.digest, s):
            return
        _remove(self._by_user, s.actor.user_id, s)
        self._open -= 1
        if len(self._due) > 2 * self._open + 64:
            self._due = [entry for entry in self._due if self._is_open(entry[2])]
            heapq.heapify(self._due)

    def _is_open(self, s: SocketSession) -> bool:
        return s in self._by_digest.get(s.digest, ())

    def end_session(self, digest: str, reason: str) -> list[SocketSession]:
        """End every open socket of one session (a logout)."""
        return [s for s in list(self._by_digest.get(digest, ())) if s.end(reason)]

    def of_user(self, user_id: int) -> list[SocketSession]:
        return list(self._by_user.get(user_id, ()))

    def streaming(self, user_id: int, now: dt.datetime) -> bool:
        """Has this user an advisor's event stream whose session still holds?"""
        return any(s.agent_id is not None and s.alive(now) for s in self.of_user(user_id))

    def expire(self, now: dt.datetime) -> list[SocketSession]:
        """End the open sockets whose session expired by ``now``."""
        ended = []
        while self._due and self._due[0][0] <= now:
            s = heapq.heappop(self._due)[2]
            if self._is_open(s) and s.end(SESSION_EXPIRED):
                ended.append(s)
        return ended


def _remove(index: dict[_K, set[SocketSession]], key: _K, s: SocketSession) -> bool:
    found = index.get(key)
    if found is None or s not in found:
        return False
    found.discard(s)
    if not found:
        del index[key]
    return True
