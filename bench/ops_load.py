"""End-to-end load on the live platform: a separate process drives `homeshore serve` over
loopback with simulated customers (POST /api/contacts) and agents (one websocket each:
offers in, accept / complete / wrap-up commands out).

    .venv/bin/python bench/ops_load.py                      # PostgreSQL, 1000 agents, 500/s
    .venv/bin/python bench/ops_load.py --db sqlite --rate 200 --duration 10

It prints contacts created, offered, completed and lost (must be 0), the offer rate, and
the creation->offer latency (client clock: from sending POST /api/contacts to the offer
arriving on the agent's websocket). Setup (accounts with a cheap password hash, a fresh
PostgreSQL schema in the `test` database) is not measured. Ends by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
PG_BASE = os.environ.get(
    "HOMESHORE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "bench password"
ALL_DAY = (
    "{"
    + ", ".join(f'{d}: ["00:00-24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    + "}"
)


def scenario_yaml(agents: int, team_size: int) -> str:
    teams = max(1, (agents + team_size - 1) // team_size)
    lines = [
        "name: ops_load",
        "timezone: Europe/Paris",
        "queues:",
        f"  - {{id: sales, name: Sales, channel: voice, opening_hours: {ALL_DAY}}}",
        "sites:",
        f"  - {{id: hq, name: HQ, kind: contact_center, seats: {agents}}}",
        "teams:",
    ]
    lines += [f"  - {{id: t{t}, name: Team {t}, manager: m{t}, site: hq}}" for t in range(teams)]
    lines.append("agent_groups:")
    for t in range(teams):
        count = min(team_size, agents - t * team_size)
        lines += [
            f"  - prefix: t{t}_a",
            f"    count: {count}",
            "    template: {" + f"team: t{t}, contract_h_per_week: 35, skills: {{sales: 3}}" + "}",
        ]
    return "\n".join(lines) + "\n"


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


class CpuMeter:
    """CPU seconds of a process (and its threads) from /proc, as a percentage of one core."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._mark = (self._cpu_s(), time.perf_counter())

    def _cpu_s(self) -> float:
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def cpu_s(self) -> float:
        return self._cpu_s()

    def cpu_percent(self) -> float:
        cpu, at = self._cpu_s(), time.perf_counter()
        old_cpu, old_at = self._mark
        self._mark = (cpu, at)
        return 100.0 * (cpu - old_cpu) / max(at - old_at, 1e-9)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Http:
    """One kept-alive HTTP/1.1 connection of the load generator. A few lines over asyncio
    streams instead of a general client: the generator shares the two cores with the
    server it measures, so it must spend microseconds, not a millisecond, per request."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: object = None, token: str | None = None
    ) -> tuple[int, Any]:
        """(status, decoded JSON body); reconnects once if the server closed the
        connection (every request the benchmark sends is safe to repeat)."""
        payload = json.dumps(body).encode() if body is not None else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            + (f"Authorization: Bearer {token}\r\n" if token else "")
            + "\r\n"
        ).encode() + payload
        for attempt in range(2):
            try:
                return await self._exchange(head)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, request: bytes) -> tuple[int, Any]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = (await self.reader.readuntil(b"\r\n\r\n")).lower()
        status = int(head[9:12])
        at = head.find(b"content-length:")
        length = int(head[at + 15 : head.index(b"\r\n", at)]) if at >= 0 else 0
        data = await self.reader.readexactly(length)
        if b"connection: close" in head:
            self.close()
        return status, json.loads(data) if data else None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class HttpPool:
    """Connections shared by the agents for their few HTTP requests (login, state)."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.free: asyncio.Queue[Http] = asyncio.Queue()
        for _ in range(size):
            self.free.put_nowait(Http(host, port))

    async def request(
        self, method: str, path: str, body: object = None, token: str | None = None
    ) -> tuple[int, Any]:
        conn = await self.free.get()
        try:
            return await conn.request(method, path, body, token)
        finally:
            self.free.put_nowait(conn)

    def close(self) -> None:
        while not self.free.empty():
            self.free.get_nowait().close()


async def desk_messages(ws: Any) -> AsyncIterator[dict[str, Any]]:
    """What the server sends an advisor's desk, heartbeats answered (until the socket
    closes)."""
    async for raw in ws:
        message = json.loads(raw)
        if message.get("type") == "heartbeat":
            await ws.send('{"type":"pong"}')
        else:
            yield message


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
    _status, body = await pool.request(
        "POST", "/api/auth/login", {"username": name, "password": PASSWORD}
    )
    token = body["token"]
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
) -> float:
    start = time.perf_counter()
    total = int(rate * duration_s)
    queue: asyncio.Queue[int] = asyncio.Queue()

    async def worker() -> None:
        conn = Http(host, port)  # one kept-alive connection per worker
        try:
            while True:
                i = await queue.get()
                ext = f"c{i}"
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


async def drive(args: argparse.Namespace, host: str, port: int, server: CpuMeter) -> Stats:
    stats = Stats()
    rng = random.Random(args.seed)
    ws_base = f"ws://{host}:{port}"
    pool = HttpPool(host, port, args.setup_concurrency)
    _status, body = await pool.request(
        "POST", "/api/auth/login", {"username": "admin", "password": PASSWORD}
    )
    admin_token = body["token"]
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
    me = CpuMeter(os.getpid())
    cpu_start = server.cpu_s()
    elapsed = await customers(
        host, port, admin_token, stats, args.rate, args.duration, args.workers
    )
    cpu = server.cpu_percent()
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


def main() -> None:
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
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ops_load_"))
    scenario = tmp / "scenario.yaml"
    scenario.write_text(scenario_yaml(args.agents, 50))
    schema = None
    if args.db == "postgres":
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin_engine = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp / 'ops.db'}"
    env = {
        **os.environ,
        "HOMESHORE_DATABASE_URL": url,
        "HOMESHORE_PASSWORD_TIME_COST": "1",
        "HOMESHORE_PASSWORD_MEMORY_KIB": "64",
        "HOMESHORE_BENCH_PASSWORD": PASSWORD,
        "HOMESHORE_PG_SYNCHRONOUS_COMMIT": args.sync_commit,
        "HOMESHORE_OFFER_TIMEOUT_S": "30",
    }
    homeshore = [sys.executable, "-m", "homeshore.cli"]
    subprocess.run(
        [
            *homeshore,
            "users",
            "create-all",
            "--scenario",
            str(scenario),
            "--password-env",
            "HOMESHORE_BENCH_PASSWORD",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    # --profile-server F: the server runs under cProfile and writes F when it stops
    profiler = ["-m", "cProfile", "-o", str(args.profile_server)] if args.profile_server else []
    proc = subprocess.Popen(
        [
            sys.executable,
            *profiler,
            "-m",
            "homeshore.api",
            "--scenario",
            str(scenario),
            "--port",
            str(port),
        ],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    if args.pin and len(os.sched_getaffinity(0)) >= 2:
        first, second, *_rest = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(proc.pid, {first})
        os.sched_setaffinity(0, {second})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        stats = asyncio.run(drive(args, "127.0.0.1", port, CpuMeter(proc.pid)))
    finally:
        if args.profile_server:  # SIGINT: the profiler still writes its file on the way out
            proc.send_signal(signal.SIGINT)
        else:
            proc.terminate()
        proc.wait(20)
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, external_id, state FROM contacts")).all()
    engine.dispose()
    if schema is not None:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    report(args, stats, rows)


def report(args: argparse.Namespace, stats: Stats, rows: list) -> None:  # type: ignore[type-arg]
    meta = {e.split()[0]: float(e.split()[1]) for e in stats.errors if e.startswith("__")}
    errors = [e for e in stats.errors if not e.startswith("__")]
    elapsed = meta.get("__elapsed", float("nan"))
    in_db = {r[1]: r[2] for r in rows}
    valid = {"queued", "offered", "active", "wrap_up", "completed", "abandoned"}
    lost = [ext for ext in stats.created.values() if in_db.get(ext) not in valid]
    duplicates = len(rows) - len(in_db)
    latencies = sorted(
        (stats.offered_at[cid] - stats.sent_at[ext]) * 1000
        for cid, ext in stats.created.items()
        if cid in stats.offered_at
    )

    nan = float("nan")

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))]
            if latencies
            else float("nan")
        )

    print(
        f"database {args.db} (synchronous_commit {args.sync_commit}), {args.agents} agents, "
        f"target {args.rate:g} contacts/s for {args.duration:g} s, mean handle {args.handle_s:g} s"
    )
    print(f"agent websockets connected at once: {stats.max_connected}")
    print(
        f"contacts created {len(stats.created)}  offered {len(stats.offered_at)}  "
        f"completed {stats.completed}  lost {len(lost)}  duplicated {duplicates}  "
        f"intake failures {stats.create_failures}"
    )
    print(
        f"intake achieved {len(stats.created) / elapsed:.0f} contacts/s "
        f"(offers {len(latencies) / elapsed:.0f}/s) over {elapsed:.1f} s; "
        f"server CPU {meta.get('__cpu', 0):.0f} % of one core, "
        f"load generator {meta.get('__driver_cpu', 0):.0f} %; "
        f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"creation->offer ms: p50 {pct(0.50):.1f}  p95 {pct(0.95):.1f}  p99 {pct(0.99):.1f}  "
        f"max {latencies[-1] if latencies else nan:.1f}  "
        f"(mean {statistics.fmean(latencies) if latencies else nan:.1f})"
    )
    if stats.completed:
        per = meta.get("__cpu_s", nan) / stats.completed * 1000
        print(
            f"server CPU per contact (create, offer, accept, complete, wrap-up): {per:.1f} ms "
            f"-> at most {1000 / per:.0f} contacts/s per core for the server alone"
        )
    if args.timeline:
        print_timeline(stats)
    states: dict[str, int] = {}
    for r in rows:
        states[r[2]] = states.get(r[2], 0) + 1
    print(f"final states in the database: {dict(sorted(states.items()))}")
    if errors:
        print(f"{len(errors)} errors, first: {errors[:3]}")
    if errors:
        kinds: dict[str, int] = {}
        for e in errors:
            kind = " ".join(e.split()[1:])[:70]
            kinds[kind] = kinds.get(kind, 0) + 1
        common = sorted(kinds.items(), key=lambda kv: -kv[1])[:5]
        print(f"{len(errors)} errors; most common: {common}")


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
