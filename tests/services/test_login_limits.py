"""The login limiter's memory follows one window of failures, whatever the number of names
and addresses an attacker cycles through."""

from __future__ import annotations

import datetime as dt

import pytest

from homeshore.config import Settings
from homeshore.services.errors import RateLimited
from homeshore.services.login_limits import LoginLimiter

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_names_and_addresses_cycled_over_time_are_forgotten() -> None:
    limiter = LoginLimiter(Settings(login_global_max_attempts=50, login_global_window_s=60.0))
    now = T0
    for i in range(20_000):  # 50 failures a minute: the server-wide limit lets no more
        now = T0 + dt.timedelta(seconds=1.2 * i)
        limiter.check(f"name{i}", f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", now)
        limiter.record(f"name{i}", f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", now)
    for window in (limiter.accounts, limiter.addresses, limiter.everyone):
        assert len(window) <= 51, window.label


def test_the_refusal_says_when_to_come_back() -> None:
    limiter = LoginLimiter(Settings(login_max_attempts=2, login_window_s=60.0))
    limiter.record("a1", "10.0.0.1", T0)
    limiter.record("a1", "10.0.0.2", T0 + dt.timedelta(seconds=10))
    with pytest.raises(RateLimited) as refused:
        limiter.check("a1", "10.0.0.3", T0 + dt.timedelta(seconds=20))
    assert refused.value.retry_after_s == pytest.approx(40.0)
    limiter.check("a1", "10.0.0.3", T0 + dt.timedelta(seconds=60))  # the first one left
