"""The waiting line: lanes by priority, order by queue key, put-back to the head."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from homeshore.domain import Channel
from homeshore.routing import recheck_at_s
from homeshore.services.live import LiveContact, WaitingLine

T0 = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def contact(i: int, key: float, queue: str = "q", priority: int = 0) -> LiveContact:
    at = T0 + dt.timedelta(seconds=key)
    return LiveContact(i, queue, Channel.VOICE, priority, "queued", at, key, at)


def test_put_back_contact_returns_to_the_head() -> None:
    line = WaitingLine()
    first, second, third = contact(1, 1.0), contact(2, 2.0), contact(3, 3.0)
    for c in (first, second, third):
        line.add(c)
    line.remove(1)  # offered
    assert line.head_ids() == [2]
    line.add(first)  # offer missed: it keeps its key
    assert line.head_ids() == [1]
    assert line.ids("q") == [1, 2, 3]


def test_lanes_per_queue_and_priority() -> None:
    line = WaitingLine()
    line.add(contact(1, 1.0, "a"))
    line.add(contact(2, 2.0, "a", priority=5))
    line.add(contact(3, 0.5, "b"))
    assert sorted(line.head_ids()) == [1, 2, 3]
    assert line.count("a") == 2
    line.add(contact(1, 1.0, "a"))  # adding twice changes nothing
    assert len(line) == 3


@given(st.lists(st.tuples(st.integers(1, 200), st.booleans()), max_size=80))
def test_each_lane_stays_sorted_whatever_the_operations(ops: list[tuple[int, bool]]) -> None:
    line = WaitingLine()
    present: dict[int, float] = {}
    for i, add in ops:
        if add:
            line.add(contact(i, float(i % 17)))
            present.setdefault(i, float(i % 17))
        else:
            line.remove(i)
            present.pop(i, None)
    assert len(line) == len(present)
    ids = line.ids("q")
    assert sorted(ids) == sorted(present)
    assert ids == sorted(ids, key=lambda i: (present[i], i))
    if present:
        assert line.head_ids() == [ids[0]]


def test_recheck_timers_at_each_delay_of_the_queue() -> None:
    line = WaitingLine({"q": (30.0, 90.0)})
    c = contact(1, 0.0)
    line.add(c)
    t0 = T0.timestamp()
    assert line.next_due_s() == t0 + 30.0
    assert not line.pop_due(t0 + 29.999)
    assert line.pop_due(t0 + 30.0)
    assert line.next_due_s() == t0 + 90.0
    line.remove(1)  # offered: its remaining timer no longer counts
    assert line.next_due_s() is None
    assert not line.pop_due(t0 + 100.0)


def test_no_timer_for_a_queue_without_recheck_delays() -> None:
    line = WaitingLine({"q": (30.0,)})
    line.add(contact(1, 0.0, queue="other"))
    assert line.next_due_s() is None


@given(
    st.lists(st.tuples(st.integers(1, 50), st.booleans()), max_size=60),
    st.floats(0.0, 200.0),
)
def test_pop_due_says_whether_a_waiting_contact_reached_a_delay(
    ops: list[tuple[int, bool]], after_s: float
) -> None:
    delays = (30.0, 90.0)
    line = WaitingLine({"q": delays})
    present: set[int] = set()
    for i, add in ops:
        if add:
            line.add(contact(i, float(i)))
            present.add(i)
        else:
            line.remove(i)
            present.discard(i)
    now_s = T0.timestamp() + after_s
    arrived = {i: contact(i, float(i)).enqueued_at.timestamp() for i in present}
    expected = any(recheck_at_s(arrived[i], d) <= now_s for i in present for d in delays)
    assert line.pop_due(now_s) == expected
