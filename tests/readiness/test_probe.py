from __future__ import annotations

import asyncio
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeshore.readiness.emodel import Verdict, verdict
from homeshore.readiness.probe import (
    MAX_BANDWIDTH_KBPS,
    BandwidthResult,
    ProbePlan,
    ProbeResult,
    bandwidth_kbps,
    jitter_ms,
    run_probe,
    sample_of,
    summarise,
)
from homeshore.readiness.probe_server import ServerProbe, hello


def test_jitter_is_mean_absolute_difference_of_consecutive_round_trips() -> None:
    assert jitter_ms([20.0, 30.0, 20.0, 20.0]) == pytest.approx((10 + 10 + 0) / 3)
    assert jitter_ms([50.0]) == 0.0
    assert jitter_ms([]) == 0.0


def test_sample_of_a_window_with_losses() -> None:
    probes = [
        ProbeResult(0, 40.0),
        ProbeResult(1, None),
        ProbeResult(2, 60.0),
        ProbeResult(3, 50.0),
    ]
    s = sample_of(probes)
    assert s.rtt_ms == pytest.approx(50.0)
    assert s.jitter_ms == pytest.approx((20 + 10) / 2)
    assert s.loss_pct == pytest.approx(25.0)


def test_a_window_where_everything_was_lost_fails_on_loss() -> None:
    s = sample_of([ProbeResult(i, None) for i in range(5)])
    assert (s.rtt_ms, s.jitter_ms, s.loss_pct) == (0.0, 0.0, 100.0)
    assert verdict([s] * 5).verdict is Verdict.FAIL


def test_summarise_cuts_windows_and_merges_a_short_tail() -> None:
    probes = [ProbeResult(i, 10.0 + i) for i in range(23)]
    summary = summarise(probes, probes_per_sample=10)
    # 10 + 13: the 3 stray probes join the second window
    assert len(summary.samples) == 2
    assert summary.samples[1].rtt_ms == pytest.approx(sum(10.0 + i for i in range(10, 23)) / 13)
    assert summary.sent == 23 and summary.lost == 0
    assert summary.jitter_ms == pytest.approx(1.0)


def test_summarise_keeps_a_tail_of_half_a_window() -> None:
    summary = summarise([ProbeResult(i, 10.0) for i in range(25)], probes_per_sample=10)
    assert len(summary.samples) == 3


def test_summarise_orders_by_sequence_and_refuses_duplicates() -> None:
    shuffled = [ProbeResult(1, 30.0), ProbeResult(0, 10.0), ProbeResult(2, 10.0)]
    assert summarise(shuffled, probes_per_sample=3).jitter_ms == pytest.approx(20.0)
    with pytest.raises(ValueError, match="unique"):
        summarise([ProbeResult(0, 1.0), ProbeResult(0, 2.0)], probes_per_sample=1)
    with pytest.raises(ValueError, match="at least one probe"):
        summarise([], probes_per_sample=1)
    with pytest.raises(ValueError, match="probes_per_sample"):
        summarise([ProbeResult(0, 1.0)], probes_per_sample=0)


def test_bandwidth_takes_the_round_trip_out_and_keeps_the_slowest_direction() -> None:
    # 125,000 bytes = 1,000,000 bits in 1,000 ms after a 0 ms round trip -> 1,000 kbit/s
    assert bandwidth_kbps(125_000, 1_000.0, 0.0) == pytest.approx(1_000.0)
    assert bandwidth_kbps(125_000, 1_100.0, 100.0) == pytest.approx(1_000.0)
    # a round trip longer than the transfer cannot make the bandwidth infinite
    assert bandwidth_kbps(125_000, 100.0, 500.0) == pytest.approx(1_000_000 / 25.0)
    # nor can a vanishing elapsed time (found by the API fuzzing: 5e-324 ms divided by 4 is 0)
    assert bandwidth_kbps(1, 5e-324, 0.0) == pytest.approx(8.0 / 0.001)
    # and no clock too coarse for the transfer reports more than a home link can carry
    assert bandwidth_kbps(1_000_000, 5e-324, 0.0) == MAX_BANDWIDTH_KBPS
    summary = summarise(
        [ProbeResult(0, 100.0)],
        probes_per_sample=1,
        bandwidth=[
            BandwidthResult("download", 125_000, 1_100.0),
            BandwidthResult("upload", 12_500, 1_100.0),
        ],
    )
    assert summary.bandwidth_kbps == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("size", "elapsed", "rtt", "match"),
    [
        (0, 1.0, 0.0, "byte"),
        (10, 0.0, 0.0, "time"),
        (10, 1.0, -1.0, "round-trip"),
        (10, math.nan, 0.0, "time"),
        (10, math.inf, 0.0, "time"),
        (10, 1.0, math.nan, "round-trip"),
    ],
)
def test_bandwidth_bad_input(size: int, elapsed: float, rtt: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        bandwidth_kbps(size, elapsed, rtt)


def test_probe_result_refuses_a_negative_round_trip() -> None:
    with pytest.raises(ValueError, match="probe 3"):
        ProbeResult(3, -1.0)


@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=5_000, allow_nan=False)),
        min_size=1,
        max_size=80,
    ),
    st.integers(min_value=1, max_value=20),
)
def test_summary_invariants(rtts: list[float | None], per_sample: int) -> None:
    probes = [ProbeResult(i, r) for i, r in enumerate(rtts)]
    summary = summarise(probes, probes_per_sample=per_sample)
    assert summary.sent == len(rtts)
    assert summary.lost == sum(r is None for r in rtts)
    assert 0.0 <= summary.loss_pct <= 100.0
    assert sum(len(w) for w in [rtts]) == len(rtts)
    assert 1 <= len(summary.samples) <= math.ceil(len(rtts) / per_sample)
    known = [r for r in rtts if r is not None]
    if known:
        assert min(known) - 1e-9 <= summary.rtt_ms <= max(known) + 1e-9
        assert summary.jitter_ms <= max(known) - min(known) + 1e-9
    # every sample is something the verdict accepts
    verdict(summary.samples)


class _EchoServer:
    """The platform's server side over an in-memory channel: answers after ``delay_s``,
    drops the probes in ``drop``."""

    def __init__(self, delay_s: float, drop: set[int]) -> None:
        import time

        self.delay_s = delay_s
        self.drop = drop
        self.inbox: asyncio.Queue[str] = asyncio.Queue()
        self.inbox.put_nowait(hello("run-1", 2.0))
        self.sent: list[dict[str, object]] = []
        self.server = ServerProbe(clock=time.monotonic, max_bytes=1_000_000, timeout_s=2.0)

    async def send(self, text: str) -> None:
        message = json.loads(text)
        self.sent.append(message)
        reply = self.server.reply(text)
        if reply is None or (message.get("type") == "probe" and message["seq"] in self.drop):
            return

        async def later() -> None:
            await asyncio.sleep(self.delay_s)
            await self.inbox.put(reply)

        asyncio.get_running_loop().create_task(later())

    async def receive(self) -> str:
        return await self.inbox.get()


def test_run_probe_measures_round_trips_and_losses() -> None:
    import time

    server = _EchoServer(delay_s=0.02, drop={3, 7})
    plan = ProbePlan(
        count=10,
        interval_s=0.005,
        timeout_s=0.3,
        probes_per_sample=5,
        download_bytes=5_000,
        upload_bytes=5_000,
    )
    run = asyncio.run(run_probe(server, plan, monotonic_s=time.monotonic))
    probes, transfers = run.probes, run.transfers
    assert run.probe_id == "run-1"
    assert [p.seq for p in probes] == list(range(10))
    assert {p.seq for p in probes if p.rtt_ms is None} == {3, 7}
    for p in probes:
        if p.rtt_ms is not None:
            assert 15.0 <= p.rtt_ms <= 300.0
    assert [t.direction for t in transfers] == ["download", "upload"]
    assert all(t.size_bytes == 5_000 for t in transfers)
    summary = summarise(probes, probes_per_sample=5, bandwidth=transfers)
    assert summary.loss_pct == pytest.approx(20.0)
    assert summary.bandwidth_kbps is not None and summary.bandwidth_kbps > 0
    # the server timed the same run: every stamp was acknowledged, the upload sent back
    served = server.server.measurement(probes_per_sample=5)
    assert served.sent == 10 and served.lost == 2
    assert all(s.rtt_ms >= 15.0 for s in served.samples)
    assert served.bandwidth_kbps is not None


def test_late_echoes_count_as_lost() -> None:
    import time

    server = _EchoServer(delay_s=0.2, drop=set())
    plan = ProbePlan(count=3, interval_s=0.0, timeout_s=0.05, download_bytes=0, upload_bytes=0)
    run = asyncio.run(run_probe(server, plan, monotonic_s=time.monotonic))
    assert all(p.rtt_ms is None for p in run.probes)
    assert run.transfers == []


def test_probe_plan_bad_input() -> None:
    with pytest.raises(ValueError, match="count"):
        ProbePlan(count=0)
    with pytest.raises(ValueError, match="timeout"):
        ProbePlan(timeout_s=0)
