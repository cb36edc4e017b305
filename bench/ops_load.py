"""End-to-end load on the live platform: a separate process drives `homeshore serve` over
loopback with simulated customers (POST /api/contacts) and agents (one websocket each:
offers in, accept / complete / wrap-up commands out).

    .venv/bin/python bench/ops_load.py                      # PostgreSQL, 1000 agents, 500/s
    .venv/bin/python bench/ops_load.py --db sqlite --rate 200 --duration 10
    .venv/bin/python bench/ops_load.py --standby --agents 300 --rate 200 --duration 10
    .venv/bin/python bench/ops_load.py --compare-lease

It prints contacts created, offered, completed and lost (must be 0), the offer rate, and
the creation->offer latency (client clock: from sending POST /api/contacts to the offer
arriving on the agent's websocket). Setup (accounts with a cheap password hash, a fresh
PostgreSQL schema in the `test` database) is not measured. Ends by itself.

Several processes (PostgreSQL, homeshore.services.lease): `--standby` starts a second
process that stands by and runs the load twice, first with every agent and the intake
talking to the routing process, then through the standby (every request and websocket
forwarded); `--compare-lease` runs it with the router lease off, then on (one process each,
the fencing check in every commit). Both print the two runs side by side with their ratio:
compare the ratios of one invocation, not figures of runs made at other moments.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets

from live_harness import (
    CpuMeter,
    Database,
    Http,
    HttpPool,
    desk_messages,
    fast_event_loop,
    health,
    login,
    start_server,
    stop_server,
    wait_for_role,
    wait_until_up,
)


@dataclass
class Stats:
    sent_at: dict[str, float] = field(default_factory=dict)  # external id -> send time
    created: dict[int, str] = field(default_factory=dict)  # contact id -> external id
    offered_at: dict[int, float] = field(default_factory=dict)  # first offer time
    accepted: int = 0
    completed: int = 0
    errors: list[str] = field(default_factory=list)
    connected: int = 0
    max_connected: int = 0
    create_failures: int = 0
    connect_s: float = float("nan")  # all agent websockets connected in
    cpu_parts: list[float] = field(default_factory=list)  # each server process, % of a core


async def run_agent(
    name: str,
    pool: HttpPool,
    ws_base: str,
    stats: Stats,
    rng: random.Random,
    handle_s: float,
    sockets: list[Any],
    ready: asyncio.Event,
    go: asyncio.Event,
) -> None:
    token = await login(pool, name)
    async with websockets.connect(f"{ws_base}/api/ws?token={token}", max_queue=None) as ws:
        sockets.append(ws)
        stats.connected += 1
        stats.max_connected = max(stats.max_connected, stats.connected)
        ready.set()

        async def become_available() -> None:
            await go.wait()
            status, answer = await pool.request(
                "POST",
                f"/api/agents/{name}/state",
                {"state": "available", "location": "site"},
                token,
            )
            if status != 200:
                stats.errors.append(f"{name} available: {status} {str(answer)[:100]}")

        # answer heartbeats from the start, while the other agents connect
        starting = asyncio.create_task(become_available())
        pending: dict[int, asyncio.Task[None]] = {}

        async def handle(cid: int) -> None:
            await asyncio.sleep(rng.expovariate(1.0 / handle_s))
            await ws.send(
                json.dumps({"type": "command", "action": "complete", "contact_id": cid, "ref": "c"})
            )

        try:
            async for message in desk_messages(ws):
                kind = message.get("type")
                if kind == "contact.offered":
                    cid = message["contact_id"]
                    stats.offered_at.setdefault(cid, time.perf_counter())
                    await ws.send(
                        json.dumps(
                            {"type": "command", "action": "accept", "contact_id": cid, "ref": "a"}
                        )
                    )
                elif kind == "result":
                    if not message["ok"]:
                        stats.errors.append(f"{name} {message.get('ref')}: {message.get('detail')}")
                        continue
                    cid = message["contact"]["id"]
                    if message["ref"] == "a":
                        stats.accepted += 1
                        pending[cid] = asyncio.create_task(handle(cid))
                    elif message["ref"] == "c":
                        await ws.send(
                            json.dumps(
                                {
                                    "type": "command",
                                    "action": "wrap_up",
                                    "contact_id": cid,
                                    "disposition": "done",
                                    "ref": "w",
                                }
                            )
                        )
                    elif message["ref"] == "w":
                        pending.pop(cid, None)
                        stats.completed += 1
        except websockets.ConnectionClosed:
            pass
        stats.connected -= 1
        await starting


async def customers(
    host: str,
    port: int,
    admin_token: str,
    stats: Stats,
    rate: float,
    duration_s: float,
    workers: int,
    prefix: str = "c",
) -> float:
    start = time.perf_counter()
    total = int(rate * duration_s)
    queue: asyncio.Queue[int] = asyncio.Queue()

    async def worker() -> None:
        conn = Http(host, port)  # one kept-alive connection per worker
        try:
            while True:
                i = await queue.get()
                ext = f"{prefix}{i}"
                stats.sent_at[ext] = time.perf_counter()
                try:
                    status, body = await conn.request(
                        "POST",
                        "/api/contacts",
                        {"queue_id": "sales", "customer_ref": f"cust{i}", "external_id": ext},
                        admin_token,
                    )
                    if status in (200, 201):
                        stats.created[body["id"]] = ext
                    else:
                        stats.create_failures += 1
                        stats.errors.append(f"create {status} {str(body)[:100]}")
                except (OSError, asyncio.IncompleteReadError) as exc:
                    stats.create_failures += 1
                    stats.errors.append(f"create {exc!r}")
                queue.task_done()
        finally:
            conn.close()

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(i)
    await queue.join()
    for t in tasks:
        t.cancel()
    return time.perf_counter() - start


async def drive(
    args: argparse.Namespace,
    host: str,
    port: int,
    server: CpuMeter,
    prefix: str = "c",
    parts: tuple[CpuMeter, ...] = (),
) -> Stats:
    """One load: agents connect to `port`, then the intake (external ids `prefix`N); the
    server's CPU is `server` (all its processes), `parts` each process of it."""
    stats = Stats()
    rng = random.Random(args.seed)
    ws_base = f"ws://{host}:{port}"
    pool = HttpPool(host, port, args.setup_concurrency)
    admin_token = await login(pool, "admin")
    go = asyncio.Event()
    names = [f"t{t}_a{i:03d}" for t in range((args.agents + 49) // 50) for i in range(1, 51)][
        : args.agents
    ]
    sem = asyncio.Semaphore(args.setup_concurrency)
    readies = [asyncio.Event() for _ in names]
    sockets: list[Any] = []

    async def one(name: str, ready: asyncio.Event) -> None:
        # at most `setup_concurrency` agents log in and connect at once
        await sem.acquire()
        released = False
        try:
            task = asyncio.create_task(
                run_agent(
                    name,
                    pool,
                    ws_base,
                    stats,
                    random.Random(rng.random()),
                    args.handle_s,
                    sockets,
                    ready,
                    go,
                )
            )
            waiter = asyncio.create_task(ready.wait())
            await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
            sem.release()
            released = True
            await task
        except Exception as exc:
            stats.errors.append(f"agent {name}: {exc!r}")
            ready.set()
        finally:
            if not released:
                sem.release()

    t0 = time.perf_counter()
    agents = [asyncio.create_task(one(n, e)) for n, e in zip(names, readies, strict=True)]
    for e in readies:
        await e.wait()
    stats.connect_s = time.perf_counter() - t0
    print(
        f"{stats.connected} agent websockets connected in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    if stats.errors:
        print(f"errors: {stats.errors[:3]}", flush=True)
    go.set()
    await asyncio.sleep(2.0)  # agents go available
    # the load generator's own collector pauses (up to 150 ms with 1,000 sockets and the
    # growing timing tables) would be read as server latency: what setup built is frozen
    # out of its scans and young collections run less often (the server does the same)
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 1_000)
    server.cpu_percent()
    for part in parts:
        part.cpu_percent()
    me = CpuMeter(os.getpid())
    cpu_start = server.cpu_s()
    elapsed = await customers(
        host, port, admin_token, stats, args.rate, args.duration, args.workers, prefix
    )
    cpu = server.cpu_percent()
    stats.cpu_parts = [part.cpu_percent() for part in parts]
    stats.errors.append(f"__driver_cpu {me.cpu_percent()}")
    stats.errors.append(f"__elapsed {elapsed}")
    stats.errors.append(f"__cpu {cpu}")
    deadline = time.perf_counter() + args.drain_s
    while stats.completed < len(stats.created) and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    stats.errors.append(f"__cpu_s {server.cpu_s() - cpu_start}")
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    await asyncio.gather(*agents, return_exceptions=True)
    pool.close()
    return stats


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=500.0, help="contacts created per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of intake")
    parser.add_argument("--handle-s", type=float, default=1.0, help="mean handle time")
    parser.add_argument("--workers", type=int, default=64, help="concurrent intake requests")
    parser.add_argument("--drain-s", type=float, default=30.0)
    parser.add_argument("--setup-concurrency", type=int, default=20)
    parser.add_argument("--sync-commit", choices=("on", "off"), default="on")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument(
        "--pin",
        action="store_true",
        help="server on the first core, load generator on the second (PostgreSQL floats)",
    )
    parser.add_argument("--profile-server", type=Path, help="write the server's cProfile here")
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="also print creation->offer p50/p99/max for each second of intake",
    )
    parser.add_argument(
        "--lease",
        choices=("on", "off"),
        help="HOMESHORE_ROUTER_LEASE of the server (default auto: on with PostgreSQL)",
    )
    several = parser.add_mutually_exclusive_group()
    several.add_argument(
        "--standby",
        action="store_true",
        help="a second process stands by: the load once to the router, once through it",
    )
    several.add_argument(
        "--compare-lease",
        action="store_true",
        help="the load once with the router lease off, once on (one process each)",
    )
    args = parser.parse_args()
    if args.db != "postgres" and (args.standby or args.compare_lease or args.lease == "on"):
        parser.error("the router lease needs PostgreSQL (--db postgres)")
    if args.standby and args.lease == "off":
        parser.error("--standby needs the router lease: without it both processes would route")
    if args.compare_lease and args.lease:
        parser.error("--compare-lease sets the lease itself (off, then on)")
    if args.profile_server and (args.standby or args.compare_lease):
        parser.error("--profile-server profiles a single run")
    return args


def pin(args: argparse.Namespace, servers: list[subprocess.Popen[bytes]]) -> None:
    if args.pin and len(os.sched_getaffinity(0)) >= 2:
        first, second, *_rest = sorted(os.sched_getaffinity(0))
        for proc in servers:
            os.sched_setaffinity(proc.pid, {first})
        os.sched_setaffinity(0, {second})


def main() -> None:
    args = parse_args()
    settings = {
        "HOMESHORE_PG_SYNCHRONOUS_COMMIT": args.sync_commit,
        "HOMESHORE_OFFER_TIMEOUT_S": "30",
    }
    if args.lease:
        settings["HOMESHORE_ROUTER_LEASE"] = args.lease
    db = Database.prepare(args.agents, args.db, settings)
    if args.standby:
        run_with_standby(args, db)
        return
    if args.compare_lease:
        run_lease_off_and_on(args, db)
        return
    proc, port = start_server(db, profile=args.profile_server)
    pin(args, [proc])
    try:
        wait_until_up(port)
        lease = health(port) if args.lease else None
        fast_event_loop()
        stats = asyncio.run(drive(args, "127.0.0.1", port, CpuMeter(proc.pid)))
    finally:
        stop_server(proc, sigint=bool(args.profile_server))
    rows = db.rows()
    db.drop()
    report(args, stats, rows)
    if lease is not None:
        print(f"router lease: {lease_text(lease)}")


def lease_text(answer: dict[str, Any] | None) -> str:
    """What GET /api/health said of the routing process."""
    if answer is None:
        return "unknown (no answer from /api/health)"
    if answer.get("token") is None:
        return "off (the process routes alone, no fencing check in its commits)"
    return f"on (fencing token {answer['token']}, checked in every commit)"


def run_with_standby(args: argparse.Namespace, db: Database) -> None:
    """The load once to the routing process, once through a standby (forwarded)."""
    leader = standby = None
    try:
        leader, leader_port = start_server(db)
        routing = wait_for_role(leader_port, leader, "leader")
        standby, standby_port = start_server(db)
        wait_for_role(standby_port, standby, "standby")
        pin(args, [leader, standby])
        print(
            f"router lease: {lease_text(routing)}; the second process stands by",
            flush=True,
        )
        fast_event_loop()
        both = CpuMeter(leader.pid, standby.pid)
        parts = (CpuMeter(leader.pid), CpuMeter(standby.pid))
        runs = []
        for label, port in (("direct", leader_port), ("forwarded", standby_port)):
            print(f"-- {label}: agents and intake to port {port}", flush=True)
            stats = asyncio.run(drive(args, "127.0.0.1", port, both, f"{label}-", parts))
            runs.append((label, stats))
    finally:
        stop_server(standby)
        stop_server(leader)
    rows = db.rows()
    db.drop()
    side_by_side(
        args,
        [(label, figures(stats, rows, f"{label}-")) for label, stats in runs],
        f"router lease: {lease_text(routing)}",
        ("leader", "standby"),
        "one after the other, on one database, with the same two processes",
    )


def run_lease_off_and_on(args: argparse.Namespace, db: Database) -> None:
    """The load on one process with the router lease off, then on another with it on."""
    runs = []
    answers = []
    fast_event_loop()
    for lease in ("off", "on"):
        proc, port = start_server(db, {"HOMESHORE_ROUTER_LEASE": lease})
        try:
            answers.append(wait_for_role(port, proc, "leader"))
            pin(args, [proc])
            print(f"-- lease {lease}: router lease {lease_text(answers[-1])}", flush=True)
            stats = asyncio.run(
                drive(args, "127.0.0.1", port, CpuMeter(proc.pid), f"lease-{lease}-")
            )
            runs.append((f"lease {lease}", stats))
        finally:
            stop_server(proc)
    rows = db.rows()
    db.drop()
    side_by_side(
        args,
        [(label, figures(stats, rows, label.replace(" ", "-") + "-")) for label, stats in runs],
        f"router lease: {lease_text(answers[0])}, then {lease_text(answers[1])}",
        (),
        "one after the other, on one database, one process each",
    )


@dataclass
class Figures:
    """What one load measured, with the contacts it made as the database holds them."""

    created: int
    offered: int
    completed: int
    lost: int
    duplicated: int
    failures: int
    elapsed_s: float
    latencies_ms: list[float]  # creation->offer, sorted
    server_cpu_pct: float
    driver_cpu_pct: float
    server_cpu_s: float
    connected_at_once: int
    connect_s: float
    cpu_parts: list[float]
    states: dict[str, int]
    errors: list[str]

    def pct(self, p: float) -> float:
        values = self.latencies_ms
        return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")

    @property
    def max_ms(self) -> float:
        return self.latencies_ms[-1] if self.latencies_ms else float("nan")

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def achieved_per_s(self) -> float:
        return self.created / self.elapsed_s

    @property
    def offers_per_s(self) -> float:
        return len(self.latencies_ms) / self.elapsed_s

    @property
    def cpu_ms_per_contact(self) -> float:
        return self.server_cpu_s / self.completed * 1000 if self.completed else float("nan")


def figures(stats: Stats, rows: list[Any], prefix: str = "") -> Figures:
    """`rows`: (id, external id, state) of the contacts in the database, those whose
    external id starts with `prefix` being this load's."""
    rows = [r for r in rows if str(r[1]).startswith(prefix)]
    meta = {e.split()[0]: float(e.split()[1]) for e in stats.errors if e.startswith("__")}
    in_db = {r[1]: r[2] for r in rows}
    valid = {"queued", "offered", "active", "wrap_up", "completed", "abandoned"}
    lost = [ext for ext in stats.created.values() if in_db.get(ext) not in valid]
    states: dict[str, int] = {}
    for r in rows:
        states[r[2]] = states.get(r[2], 0) + 1
    return Figures(
        created=len(stats.created),
        offered=len(stats.offered_at),
        completed=stats.completed,
        lost=len(lost),
        duplicated=len(rows) - len(in_db),
        failures=stats.create_failures,
        elapsed_s=meta.get("__elapsed", float("nan")),
        latencies_ms=sorted(
            (stats.offered_at[cid] - stats.sent_at[ext]) * 1000
            for cid, ext in stats.created.items()
            if cid in stats.offered_at
        ),
        server_cpu_pct=meta.get("__cpu", 0),
        driver_cpu_pct=meta.get("__driver_cpu", 0),
        server_cpu_s=meta.get("__cpu_s", float("nan")),
        connected_at_once=stats.max_connected,
        connect_s=stats.connect_s,
        cpu_parts=stats.cpu_parts,
        states=dict(sorted(states.items())),
        errors=[e for e in stats.errors if not e.startswith("__")],
    )


def report(args: argparse.Namespace, stats: Stats, rows: list[Any]) -> None:
    f = figures(stats, rows)
    print(
        f"database {args.db} (synchronous_commit {args.sync_commit}), {args.agents} agents, "
        f"target {args.rate:g} contacts/s for {args.duration:g} s, mean handle {args.handle_s:g} s"
    )
    print(f"agent websockets connected at once: {f.connected_at_once}")
    print(
        f"contacts created {f.created}  offered {f.offered}  "
        f"completed {f.completed}  lost {f.lost}  duplicated {f.duplicated}  "
        f"intake failures {f.failures}"
    )
    print(
        f"intake achieved {f.achieved_per_s:.0f} contacts/s "
        f"(offers {f.offers_per_s:.0f}/s) over {f.elapsed_s:.1f} s; "
        f"server CPU {f.server_cpu_pct:.0f} % of one core, "
        f"load generator {f.driver_cpu_pct:.0f} %; "
        f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"creation->offer ms: p50 {f.pct(0.50):.1f}  p95 {f.pct(0.95):.1f}  "
        f"p99 {f.pct(0.99):.1f}  max {f.max_ms:.1f}  "
        f"(mean {f.mean_ms:.1f})"
    )
    if f.completed:
        per = f.cpu_ms_per_contact
        print(
            f"server CPU per contact (create, offer, accept, complete, wrap-up): {per:.1f} ms "
            f"-> at most {1000 / per:.0f} contacts/s per core for the server alone"
        )
    if args.timeline:
        print_timeline(stats)
    print(f"final states in the database: {f.states}")
    print_errors(f.errors)


def print_errors(errors: list[str], label: str = "") -> None:
    if errors:
        print(f"{label}{len(errors)} errors, first: {errors[:3]}")
        kinds: dict[str, int] = {}
        for e in errors:
            kind = " ".join(e.split()[1:])[:70]
            kinds[kind] = kinds.get(kind, 0) + 1
        common = sorted(kinds.items(), key=lambda kv: -kv[1])[:5]
        print(f"{label}{len(errors)} errors; most common: {common}")


def side_by_side(
    args: argparse.Namespace,
    runs: list[tuple[str, Figures]],
    lease: str,
    part_names: tuple[str, ...],
    how: str,
) -> None:
    """Two loads of one invocation in columns, and the second's figures over the first's."""
    (first, a), (second, b) = runs
    print(
        f"database {args.db} (synchronous_commit {args.sync_commit}), {args.agents} agents, "
        f"target {args.rate:g} contacts/s for {args.duration:g} s, mean handle {args.handle_s:g} s"
        f"; machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(lease)
    print(f"{first}, then {second}: {how}")
    rows: list[tuple[str, str, float, float]] = [
        ("intake achieved, contacts/s", ".0f", a.achieved_per_s, b.achieved_per_s),
        ("offers/s", ".0f", a.offers_per_s, b.offers_per_s),
        ("creation->offer p50, ms", ".1f", a.pct(0.50), b.pct(0.50)),
        ("creation->offer p95, ms", ".1f", a.pct(0.95), b.pct(0.95)),
        ("creation->offer p99, ms", ".1f", a.pct(0.99), b.pct(0.99)),
        ("creation->offer max, ms", ".1f", a.max_ms, b.max_ms),
        ("creation->offer mean, ms", ".1f", a.mean_ms, b.mean_ms),
        ("server CPU, % of one core", ".0f", a.server_cpu_pct, b.server_cpu_pct),
    ]
    rows += [
        (f"  of which the {name}", ".0f", a.cpu_parts[i], b.cpu_parts[i])
        for i, name in enumerate(part_names)
    ]
    rows += [
        ("server CPU per contact, ms", ".2f", a.cpu_ms_per_contact, b.cpu_ms_per_contact),
        ("load generator CPU, % of one core", ".0f", a.driver_cpu_pct, b.driver_cpu_pct),
        ("agent websockets connected in, s", ".1f", a.connect_s, b.connect_s),
    ]
    ratio = f"{second}/{first}"
    print(f"{'':36} {first:>18} {second:>18} {ratio:>20}")
    for name, fmt, x, y in rows:
        # no ratio for a process's share: the standby's is about nothing in the direct run
        quotient = f"{y / x:.2f}" if x and not name.startswith(" ") else "-"
        print(f"{name:36} {x:>18{fmt}} {y:>18{fmt}} {quotient:>20}")
    for name, x_text, y_text in (
        ("websockets connected at once", f"{a.connected_at_once}", f"{b.connected_at_once}"),
        (
            "created / offered / completed",
            f"{a.created}/{a.offered}/{a.completed}",
            f"{b.created}/{b.offered}/{b.completed}",
        ),
        (
            "lost / duplicated / intake failures",
            f"{a.lost}/{a.duplicated}/{a.failures}",
            f"{b.lost}/{b.duplicated}/{b.failures}",
        ),
    ):
        print(f"{name:36} {x_text:>18} {y_text:>18}")
    for label, f in runs:
        print(f"{label}: final states in the database: {f.states}")
        print_errors(f.errors, f"{label}: ")


def print_timeline(stats: Stats) -> None:
    """creation->offer by second of intake: tells steady queueing from periodic stalls."""
    if not stats.sent_at:
        return
    start = min(stats.sent_at.values())
    seconds: dict[int, list[float]] = {}
    for cid, ext in stats.created.items():
        if cid in stats.offered_at:
            sent = stats.sent_at[ext]
            seconds.setdefault(int(sent - start), []).append((stats.offered_at[cid] - sent) * 1000)
    wall = time.time() - time.perf_counter() + start
    print(f"second  contacts  p50 ms  p99 ms  max ms   (second 0 began at unix time {wall:.1f})")
    for second, values in sorted(seconds.items()):
        values.sort()
        p50 = values[len(values) // 2]
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        print(f"{second:6d}  {len(values):8d}  {p50:6.1f}  {p99:6.1f}  {values[-1]:6.1f}")


if __name__ == "__main__":
    main()
