"""What the benchmarks of the live platform share: a database with the scenario's accounts,
`homeshore serve` processes, and a thin client of their HTTP API and websockets.

Used by bench/ops_load.py, bench/failover.py, bench/voice_load.py and bench/router_load.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

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


class CpuMeter:
    """CPU seconds of processes (and their threads) from /proc, summed, as a percentage of
    one core."""

    def __init__(self, *pids: int) -> None:
        self.pids = pids
        self._mark = (self._cpu_s(), time.perf_counter())

    def _cpu_s(self) -> float:
        total = 0.0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

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


async def login(pool: HttpPool, name: str) -> str:
    """A session token for `name`; a login refused for the moment (503: the server checks
    many passwords at once, 429) is tried again, as a desk would."""
    for _attempt in range(200):
        status, body = await pool.request(
            "POST", "/api/auth/login", {"username": name, "password": PASSWORD}
        )
        if status == 200:
            return str(body["token"])
        if status not in (429, 503):
            break
        await asyncio.sleep(0.05)
    raise RuntimeError(f"login {name}: {status} {str(body)[:100]}")


async def desk_messages(ws: Any) -> AsyncIterator[dict[str, Any]]:
    """What the server sends an advisor's desk, heartbeats answered (until the socket
    closes)."""
    async for raw in ws:
        message = json.loads(raw)
        if message.get("type") == "heartbeat":
            await ws.send('{"type":"pong"}')
        else:
            yield message


@dataclass
class Database:
    """The database of an invocation, its accounts made, and the servers' environment."""

    url: str
    schema: str | None
    env: dict[str, str]
    scenario: Path
    tmp: Path  # the scenario, the SQLite file, the servers' logs

    @classmethod
    def prepare(
        cls, agents: int, kind: str = "postgres", settings: dict[str, str] | None = None
    ) -> Database:
        """A scenario of `agents` advisors in teams of 50, a fresh PostgreSQL schema (or a
        SQLite file), their accounts; `settings`: HOMESHORE_* variables of the servers."""
        tmp = Path(tempfile.mkdtemp(prefix="homeshore_bench_"))
        scenario = tmp / "scenario.yaml"
        scenario.write_text(scenario_yaml(agents, 50))
        schema = None
        if kind == "postgres":
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with admin_engine().connect() as conn:
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
            **(settings or {}),
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
        return cls(url, schema, env, scenario, tmp)

    def rows(self) -> list[Any]:
        """(id, external id, state) of every contact."""
        engine = create_engine(self.url)
        with engine.connect() as conn:
            rows = list(conn.execute(text("SELECT id, external_id, state FROM contacts")).all())
        engine.dispose()
        return rows

    def drop(self) -> None:
        if self.schema is not None:
            with admin_engine().connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))


def admin_engine() -> Any:
    return create_engine(PG_BASE, isolation_level="AUTOCOMMIT")


def start_server(
    db: Database,
    env: dict[str, str] | None = None,
    profile: Path | None = None,
    log: Path | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """A `homeshore serve` process on a free port (`env`: settings of its own; `log`: where
    its standard error goes, else nowhere)."""
    port = free_port()
    # --profile-server F: the server runs under cProfile and writes F when it stops
    profiler = ["-m", "cProfile", "-o", str(profile)] if profile else []
    out = log.open("wb") if log else None
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                *profiler,
                "-m",
                "homeshore.api",
                "--scenario",
                str(db.scenario),
                "--port",
                str(port),
            ],
            env={**db.env, **(env or {})},
            stderr=out if out is not None else subprocess.DEVNULL,
        )
    finally:
        if out is not None:
            out.close()  # the server has its own copy
    return proc, port


def wait_until_up(port: int) -> None:
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)


def health(port: int) -> dict[str, Any] | None:
    """GET /api/health of one process: {"role": leader|standby|starting, "token"}."""
    try:
        r = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
    except httpx.HTTPError:
        return None
    return dict(r.json()) if r.status_code == 200 else None


def wait_for_role(port: int, proc: subprocess.Popen[bytes], role: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        answer = health(port)
        if answer is not None and answer["role"] == role:
            return answer
        time.sleep(0.05)
    raise RuntimeError(f"the server on port {port} is not {role}: {health(port)}")


def stop_server(proc: subprocess.Popen[bytes] | None, sigint: bool = False) -> None:
    if proc is None or proc.poll() is not None:
        return
    if sigint:  # SIGINT: the profiler still writes its file on the way out
        proc.send_signal(signal.SIGINT)
    else:
        proc.terminate()
    proc.wait(20)


def fast_event_loop() -> None:
    """uvloop when installed: the load generator spends less per message."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
