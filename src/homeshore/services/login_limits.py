"""What keeps logins from being guessed or from overloading the server: failed attempts
counted per account, per address and for the whole server in sliding windows, and a bounded
line for the deliberately slow password checks."""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from anyio import CapacityLimiter

from homeshore.config import Settings
from homeshore.services.errors import Busy, RateLimited

#: a window forgets its oldest keys beyond this many (the server-wide limit normally keeps
#: far fewer alive: every failure counted per key is also counted server-wide)
MAX_KEYS = 100_000
#: an address a login succeeded from is not locked out by the server-wide limit this long
TRUSTED_ADDRESS_S = 7 * 24 * 3600.0
#: what a login refused because the password checks are all taken should wait
BUSY_RETRY_S = 1.0


class SlidingWindow:
    """At most ``max_failures`` failures per key within the last ``window_s`` seconds.

    Keys are kept in the order of their last failure, so those whose last failure left the
    window are forgotten from the front as time goes: memory follows the failures of one
    window, whatever the number of names or addresses tried over time."""

    def __init__(self, label: str, max_failures: int, window_s: float) -> None:
        self.label = label
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, collections.deque[dt.datetime]] = {}

    def __len__(self) -> int:
        return len(self._failures)

    def wait_s(self, key: str, now: dt.datetime) -> float:
        """How long before ``key`` may fail again (0: now)."""
        self._forget_old(now)
        failures = self._failures.get(key)
        if failures is None:
            return 0.0
        while failures and self._age_s(failures[0], now) >= self.window_s:
            failures.popleft()
        if len(failures) < self.max_failures:
            return 0.0
        return self.window_s - self._age_s(failures[0], now)

    def record(self, key: str, now: dt.datetime) -> None:
        failures = self._failures.pop(key, None) or collections.deque()
        failures.append(now)
        self._failures[key] = failures  # to the end: the newest failure
        while len(self._failures) > MAX_KEYS:
            del self._failures[next(iter(self._failures))]

    def withdraw(self, key: str, at: dt.datetime) -> None:
        """Take back the failure counted for ``key`` at ``at`` (the attempt succeeded)."""
        failures = self._failures.get(key)
        if failures is None:
            return
        try:
            failures.remove(at)
        except ValueError:
            return
        if not failures:
            del self._failures[key]

    def clear(self, key: str) -> None:
        self._failures.pop(key, None)

    def _forget_old(self, now: dt.datetime) -> None:
        while self._failures:
            key, failures = next(iter(self._failures.items()))
            if failures and self._age_s(failures[-1], now) < self.window_s:
                return
            del self._failures[key]

    @staticmethod
    def _age_s(at: dt.datetime, now: dt.datetime) -> float:
        return (now - at).total_seconds()


class LoginLimiter:
    """Failed logins per account whatever the address (a locked account stays locked from
    anywhere), per address whatever the account (one password sprayed over many names) and
    for the whole server (many addresses). An attempt counts as failed from the moment it
    is let through until it succeeds, so attempts under way count too."""

    def __init__(self, settings: Settings) -> None:
        self.accounts = SlidingWindow(
            "this account", settings.login_max_attempts, settings.login_window_s
        )
        self.addresses = SlidingWindow(
            "this address", settings.login_address_max_attempts, settings.login_address_window_s
        )
        self.everyone = SlidingWindow(
            "this server", settings.login_global_max_attempts, settings.login_global_window_s
        )

        #: addresses a login succeeded from lately (oldest first): the server-wide limit
        #: does not lock them out, so an attack from many addresses does not keep the
        #: advisors who log in from their usual place out of their desks
        self._trusted: dict[str, dt.datetime] = {}

    def _keyed(self, account: str, address: str) -> tuple[tuple[SlidingWindow, str], ...]:
        return ((self.accounts, account), (self.addresses, address), (self.everyone, ""))

    def _known(self, address: str, now: dt.datetime) -> bool:
        while self._trusted:
            oldest, at = next(iter(self._trusted.items()))
            if (now - at).total_seconds() < TRUSTED_ADDRESS_S:
                break
            del self._trusted[oldest]
        return address in self._trusted

    def check(self, account: str, address: str, now: dt.datetime) -> None:
        """Refuse (429) while any of the three limits is reached (the server-wide one not
        for an address a login succeeded from within TRUSTED_ADDRESS_S)."""
        keyed = self._keyed(account, address)
        if self._known(address, now):
            keyed = keyed[:2]
        waits = [(w.wait_s(key, now), w.label) for w, key in keyed]
        wait_s, label = max(waits)
        if wait_s > 0:
            raise RateLimited(
                f"too many failed logins for {label}; try again in {max(1, round(wait_s))} s",
                retry_after_s=wait_s,
            )

    def record(self, account: str, address: str, now: dt.datetime) -> None:
        for window, key in self._keyed(account, address):
            window.record(key, now)

    def reached(self, account: str, address: str, now: dt.datetime) -> list[str]:
        """The limits the failures counted so far have reached (``account``, ``address``,
        ``server``): the next attempt they count is refused."""
        return [
            w.label.removeprefix("this ")
            for w, key in self._keyed(account, address)
            if w.wait_s(key, now) > 0
        ]

    def succeeded(self, account: str, address: str, at: dt.datetime) -> None:
        """The attempt counted at ``at`` was right: the account's failures are forgiven."""
        self.accounts.clear(account)
        self.addresses.withdraw(address, at)
        self.everyone.withdraw("", at)
        self._trusted.pop(address, None)
        self._trusted[address] = at  # to the end: the newest
        while len(self._trusted) > MAX_KEYS:
            del self._trusted[next(iter(self._trusted))]


class HashGate:
    """At most ``concurrency`` password checks at once and ``max_waiting`` logins waiting
    for one; a login beyond that is refused at once (503), so a storm does not pile up."""

    def __init__(self, concurrency: int, max_waiting: int) -> None:
        self.concurrency = concurrency
        self.max_waiting = max_waiting
        self.pending = 0
        self._limiter: CapacityLimiter | None = None  # made on the event loop, when first used

    @contextmanager
    def admitted(self) -> Iterator[CapacityLimiter]:
        """Hold a place in line (checking and taking it do not yield to the loop)."""
        if self.pending >= self.concurrency + self.max_waiting:
            raise Busy(
                "the server is checking many logins at once; try again in a moment",
                retry_after_s=BUSY_RETRY_S,
            )
        if self._limiter is None:
            self._limiter = CapacityLimiter(self.concurrency)
        self.pending += 1
        try:
            yield self._limiter
        finally:
            self.pending -= 1
