"""How well the readiness probe measures a connection whose delay, jitter and loss are known.

A loopback websocket server answers the probe protocol with the platform's own server side
(homeshore.readiness.probe_server.ServerProbe), but holds each probe echo for a known
delay (base + uniform jitter, seeded) and drops a known share of them. The client is the
probe `homeshore check` runs (run_probe + summarise). For each condition the script prints
what was injected, what the client measured, what the server measured on its own clock
(the figures the verdict rests on), and the R factor / MOS of the server's figures.

Expected: round trip = base + jitter/2 (+ loopback overhead); jitter (mean absolute
difference of consecutive round trips) = J/3 for uniform(0, J) delays; loss = exactly the
share of probes the server dropped.

Run: .venv/bin/python bench/readiness_probe.py
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

import numpy as np
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from homeshore.readiness.emodel import mos_from_r, r_factor_network
from homeshore.readiness.probe import HELLO, ProbePlan, run_probe, summarise
from homeshore.readiness.probe_server import ServerProbe


@dataclass(frozen=True)
class Condition:
    name: str
    base_ms: float
    jitter_ms: float  # echo delay = base + uniform(0, jitter)
    loss: float


CONDITIONS = (
    Condition("fibre", 10.0, 2.0, 0.0),
    Condition("good DSL", 40.0, 10.0, 0.005),
    Condition("busy Wi-Fi", 120.0, 40.0, 0.03),
    Condition("poor 4G", 250.0, 80.0, 0.08),
)
PLAN = ProbePlan(count=300, interval_s=0.02, timeout_s=2.0, probes_per_sample=10)


async def measure(condition: Condition, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    dropped: set[int] = set()
    delays: dict[int, float] = {}
    platform_side = ServerProbe(clock=time.monotonic, max_bytes=1_000_000, timeout_s=PLAN.timeout_s)

    async def handler(connection: ServerConnection) -> None:
        pending: set[asyncio.Task[None]] = set()

        async def later(reply: str, delay_s: float) -> None:
            await asyncio.sleep(delay_s)
            await connection.send(reply)

        await connection.send(json.dumps({"type": HELLO, "probe_id": "bench"}))
        async for raw in connection:
            text = raw if isinstance(raw, str) else raw.decode()
            reply = platform_side.reply(text)
            message = json.loads(text)
            if reply is None:
                continue
            if message.get("type") != "probe":
                await connection.send(reply)
                continue
            seq = int(message["seq"])
            if rng.random() < condition.loss:
                dropped.add(seq)
                continue
            delay_ms = condition.base_ms + rng.uniform(0.0, condition.jitter_ms)
            delays[seq] = delay_ms
            task = asyncio.create_task(later(reply, delay_ms / 1000.0))
            pending.add(task)
            task.add_done_callback(pending.discard)

    async with serve(handler, "127.0.0.1", 0, max_size=4 * 1024 * 1024) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}", max_size=4 * 1024 * 1024) as client:

            class Transport:
                async def send(self, text: str) -> None:
                    await client.send(text)

                async def receive(self) -> str:
                    message = await client.recv()
                    return message if isinstance(message, str) else message.decode()

            run = await run_probe(Transport(), PLAN, monotonic_s=time.monotonic)
    probes = run.probes
    summary = summarise(probes, probes_per_sample=PLAN.probes_per_sample, bandwidth=run.transfers)
    served = platform_side.measurement(probes_per_sample=PLAN.probes_per_sample)
    injected = [delays[p.seq] for p in probes if p.rtt_ms is not None]
    measured = [p.rtt_ms for p in probes if p.rtt_ms is not None]
    overhead = float(np.mean(np.array(measured) - np.array(injected)))
    r = sum(r_factor_network(s.rtt_ms, s.jitter_ms, s.loss_pct) for s in served.samples) / len(
        served.samples
    )
    return {
        "rtt_expected": condition.base_ms + condition.jitter_ms / 2,
        "rtt_measured": summary.rtt_ms,
        "overhead_ms": overhead,
        "jitter_expected": condition.jitter_ms / 3,
        "jitter_measured": summary.jitter_ms,
        "loss_dropped": 100.0 * len(dropped) / PLAN.count,
        "loss_measured": summary.loss_pct,
        "rtt_server": served.rtt_ms,
        "jitter_server": served.jitter_ms,
        "loss_server": served.loss_pct,
        "r": r,
        "mos": mos_from_r(r),
        "kbps": summary.bandwidth_kbps or 0.0,
    }


def main() -> None:
    print(f"{PLAN.count} probes every {PLAN.interval_s * 1000:.0f} ms per condition (seeded)\n")
    header = (
        f"{'condition':<11} {'rtt exp':>8} {'rtt meas':>8} {'overhd':>6} "
        f"{'jit exp':>7} {'jit meas':>8} {'loss drop':>9} {'loss meas':>9} "
        f"{'rtt srv':>7} {'jit srv':>7} {'loss srv':>8} {'R':>6} {'MOS':>5}"
    )
    print(header)
    print("-" * len(header))
    for i, condition in enumerate(CONDITIONS):
        m = asyncio.run(measure(condition, seed=20261124 + i))
        print(
            f"{condition.name:<11} {m['rtt_expected']:8.1f} {m['rtt_measured']:8.1f} "
            f"{m['overhead_ms']:6.2f} {m['jitter_expected']:7.1f} {m['jitter_measured']:8.1f} "
            f"{m['loss_dropped']:8.1f}% {m['loss_measured']:8.1f}% {m['rtt_server']:7.1f} "
            f"{m['jitter_server']:7.1f} {m['loss_server']:7.1f}% {m['r']:6.1f} {m['mos']:5.2f}"
        )
    print(
        "\nrtt/jitter in ms; overhd = measured minus injected round trip (loopback and "
        "scheduling);\njitter expected = J/3 for uniform(0, J) echo delays; loss measured "
        "counts exactly the probes dropped;\nsrv = the server's own timing of the same run "
        "(what the verdict rests on; R and MOS are its)."
    )


if __name__ == "__main__":
    main()
