"""The live platform under hostile input: what a 200 MB body, spoofed X-Forwarded-For
headers and a login storm do to a `homeshore serve` process (SQLite, loopback).

    .venv/bin/python bench/hostile_input.py                    # this checkout
    .venv/bin/python bench/hostile_input.py --before 034615d   # and an older commit, same run

For each server: the largest resident memory while a 200 MB body is sent to
POST /api/auth/login (declared in Content-Length, sent in 1 MB chunks), the answer, how much
of the body went out before it, and the slowest small request answered meanwhile; then 30
wrong passwords for one account, each from a new X-Forwarded-For address, and whether the
right password still gets in afterwards; then 40 logins at once for unknown names (each costs
a full argon2 check): how they were answered, in how long, and the server's CPU seconds.
`--before REF` runs the same against the server of commit REF (checked out in a temporary
git worktree), so old and new are compared within one run.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "telecom_fr.yaml"
PASSWORD = "bench password"
BODY_MB = 200
PASSWORD_ENV = ("--password-env", "HOMESHORE_BENCH_PASSWORD")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, src: Path, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        db = workdir / "bench.db"
        env = {
            **os.environ,
            "PYTHONPATH": str(src),
            "HOMESHORE_DATABASE_URL": f"sqlite:///{db}",
            "HOMESHORE_BENCH_PASSWORD": PASSWORD,
        }
        cheap = {"HOMESHORE_PASSWORD_TIME_COST": "1", "HOMESHORE_PASSWORD_MEMORY_KIB": "64"}
        cli = [sys.executable, "-m", "homeshore.cli"]
        subprocess.run(
            [*cli, "db", "upgrade", "--scenario", str(SCENARIO)],
            env={**env, **cheap},
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*cli, "users", "create-all", "--scenario", str(SCENARIO), *PASSWORD_ENV],
            env={**env, **cheap},
            check=True,
            capture_output=True,
        )
        cmd = [sys.executable, "-m", "homeshore.api", "--scenario", str(SCENARIO)]
        self.proc = subprocess.Popen(
            [*cmd, "--port", str(self.port)], env=env, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{self.base}/login", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


def big_body(server: Server) -> dict[str, object]:
    """A 200 MB JSON body to the login route, sent while a small request runs every 50 ms."""
    peak = rss_mb(server.proc.pid)
    start_rss = peak
    slowest = 0.0
    sent = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak, slowest
        with httpx.Client(base_url=server.base, timeout=30) as client:
            while not done.is_set():
                peak = max(peak, rss_mb(server.proc.pid))
                t0 = time.perf_counter()
                client.get("/login")
                slowest = max(slowest, time.perf_counter() - t0)
                time.sleep(0.05)

    def chunks() -> object:
        nonlocal sent
        head = b'{"username": "admin", "password": "'
        yield head
        sent += len(head)
        chunk = b"x" * (1 << 20)
        for _ in range(BODY_MB):
            yield chunk
            sent += len(chunk)
        yield b'"}'

    watcher = threading.Thread(target=watch)
    watcher.start()
    t0 = time.perf_counter()
    size = len(b'{"username": "admin", "password": "') + BODY_MB * (1 << 20) + 2
    try:
        r = httpx.post(
            f"{server.base}/api/auth/login",
            content=chunks(),  # type: ignore[arg-type]
            headers={"content-type": "application/json", "content-length": str(size)},
            timeout=120,
        )
        answer = f"{r.status_code}, {len(r.content):,} bytes"
    except httpx.HTTPError as exc:  # the server closed the connection after answering
        answer = f"connection closed ({type(exc).__name__})"
    elapsed = time.perf_counter() - t0
    time.sleep(0.3)
    done.set()
    watcher.join()
    return {
        "answer": answer,
        "answered in s": round(elapsed, 2),
        "body sent MB": round(sent / (1 << 20), 1),
        "server RSS MB before -> peak": f"{start_rss:.0f} -> {peak:.0f}",
        "slowest small request meanwhile ms": round(slowest * 1000),
    }


def spoofed_addresses(server: Server) -> dict[str, object]:
    statuses = Counter()
    with httpx.Client(base_url=server.base, timeout=30) as client:
        for i in range(30):
            r = client.post(
                "/api/auth/login",
                json={"username": "m.laurent", "password": "wrong password"},
                headers={"X-Forwarded-For": f"203.0.113.{i + 1}"},
            )
            statuses[r.status_code] += 1
        right = client.post(
            "/api/auth/login",
            json={"username": "m.laurent", "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.200"},
        )
    return {
        "30 wrong passwords, new XFF each": dict(sorted(statuses.items())),
        "then the right password": right.status_code,
    }


def storm(server: Server) -> dict[str, object]:
    statuses: Counter[int] = Counter()
    cpu0 = cpu_s(server.proc.pid)
    t0 = time.perf_counter()

    def one(i: int) -> None:
        r = httpx.post(
            f"{server.base}/api/auth/login",
            json={"username": f"nobody{i}", "password": "whatever it is"},
            timeout=120,
        )
        statuses[r.status_code] += 1

    threads = [threading.Thread(target=one, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "40 logins at once, unknown names": dict(sorted(statuses.items())),
        "all answered in s": round(time.perf_counter() - t0, 2),
        "server CPU s": round(cpu_s(server.proc.pid) - cpu0, 2),
    }


def measure(src: Path, label: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="hostile_") as tmp:
        server = Server(src, Path(tmp))
        try:
            results: dict[str, object] = {"server": label}
            results.update(big_body(server))
            results.update(spoofed_addresses(server))
            results.update(storm(server))
            return results
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="also measure the server of this git commit")
    args = parser.parse_args()
    runs = []
    worktree = None
    try:
        if args.before:
            worktree = Path(tempfile.mkdtemp(prefix="hostile_before_")) / "tree"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), args.before],
                check=True,
                capture_output=True,
            )
            runs.append(measure(worktree / "src", f"commit {args.before}"))
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        runs.append(measure(ROOT / "src", f"this checkout ({head or 'no git'})"))
    finally:
        if worktree is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],
                check=False,
                capture_output=True,
            )
    keys = list(runs[-1])
    width = max(len(k) for k in keys)
    for key in keys:
        print(f"{key:<{width}}  " + "  |  ".join(str(r.get(key, "")) for r in runs))


if __name__ == "__main__":
    main()
