"""The silent-line rule on its own: counts seen over time (the engines' test is in
test_calls.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from homeshore.voice.media_watch import SilenceWatch, received_packets


def _query(**parties: list[int]) -> dict[str, object]:
    return {
        "tags": {
            tag: {"medias": [{"streams": [{"stats": {"packets": n}} for n in counts]}]}
            for tag, counts in parties.items()
        }
    }


def test_packets_received_from_one_party_add_its_rtp_and_rtcp() -> None:
    query = _query(caller=[500, 12], advisor=[300, 9])
    assert received_packets(query, "advisor") == 309
    assert received_packets(query, "caller") == 512
    assert received_packets(query, "someone") is None
    assert received_packets({"result": "ok"}, "advisor") is None


def test_a_count_that_does_not_move_for_the_silence_is_a_dropped_line() -> None:
    watch = SilenceWatch(silence_s=6.0)
    assert not watch.observe(1, 100, 0.0)
    assert not watch.observe(1, 100, 5.9)
    assert watch.observe(1, 100, 6.0)


def test_any_packet_starts_the_silence_again() -> None:
    watch = SilenceWatch(silence_s=6.0)
    watch.observe(1, 100, 0.0)
    assert not watch.observe(1, 101, 5.0)  # one packet at 5 s
    assert not watch.observe(1, 101, 10.9)
    assert watch.observe(1, 101, 11.0)


def test_calls_are_watched_apart_and_forgotten() -> None:
    watch = SilenceWatch(silence_s=2.0)
    watch.observe(1, 10, 0.0)
    watch.observe(2, 10, 0.0)
    assert not watch.observe(2, 11, 3.0)
    assert watch.observe(1, 10, 3.0)
    watch.forget(1)
    assert not watch.observe(1, 10, 4.0)  # a new start


@given(st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=40))
def test_a_line_that_keeps_sending_is_never_dropped(packets_per_check: list[int]) -> None:
    watch = SilenceWatch(silence_s=1.0)
    count = 0
    for k, sent in enumerate(packets_per_check):
        count += sent
        assert not watch.observe(7, count, float(k * 10))
