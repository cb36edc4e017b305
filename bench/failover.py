"""Failover under load: two `homeshore serve` processes on one PostgreSQL database, A routes
(it holds the router lease), B stands by and forwards to it. Agents' desks are connected
through B (websockets: available, accepting, completing and wrapping up their offers; on a
closed socket they reconnect to B with their last event id and go on); telephony announces
contacts to A and B in turn, retrying the same external id on 503 or a lost connection.
After `--kill-at` seconds A is killed (SIGKILL); the load goes on for `--after` seconds.

    .venv/bin/python bench/failover.py                  # 50 agents, 50 contacts/s, 10 s + 10 s
    .venv/bin/python bench/failover.py --agents 200 --rate 100 --kill-at 15 --after 15

It prints the takeover time (from the kill to B's GET /api/health saying "leader", polled
every 50 ms), the intake's answers by status, the longest wait of a contact to be accepted
(its retries included), the contacts accepted, lost (accepted but not in the database),
duplicated (one external id stored twice) and left waiting at the end, and the agents'
reconnections. Setup (accounts with a cheap password hash, a fresh schema in the `test`
database, dropped at the end) is not measured. Ends by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets

from live_harness import (
    Database,
    Http,
    HttpPool,
    desk_messages,
    fast_event_loop,
    login,
    start_server,
    stop_server,
    wait_for_role,
)

HOST = "127.0.0.1"
REQUEST_TIMEOUT_S = 10.0
HEALTH_EVERY_S = 0.05


@dataclass
class Tally:
    """What the customers and the agents saw; times are time.perf_counter() values."""

    killed_at: float = float("nan")
    answers: Counter[str] = field(default_factory=Counter)  # intake attempts by outcome
    answers_after_kill: Counter[str] = field(default_factory=Counter)
    accepted: dict[str, float] = field(default_factory=dict)  # external id -> accepted at
    waits_s: dict[str, float] = field(default_factory=dict)  # external id -> first try->accept
    announced: int = 0
    retried: int = 0  # contacts needing more than one attempt
    gave_up: list[str] = field(default_factory=list)
    offers_at: list[float] = field(default_factory=list)
    completed: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # agents' commands refused
    closes: Counter[str] = field(default_factory=Counter)  # close codes of agents' sockets
    attempts: int = 0  # agents' connections that got no hello
    reconnected: list[float] = field(default_factory=list)
    connected: int = 0
    errors: list[str] = field(default_factory=list)


class Desk:
    """One advisor's desk through the standby: one websocket, commands on it."""

    def __init__(
        self, name: str, port: int, pool: HttpPool, tally: Tally, rng: random.Random, args: Any
    ) -> None:
        self.name, self.port, self.pool, self.tally, self.rng = name, port, pool, tally, rng
        self.handle_s: float = args.handle_s
        self.token = ""
        self.last_id: int | None = None
        self.ws: Any = None
        # contact id -> (its offer's number, the command awaiting its result or "handling")
        self.flows: dict[int, tuple[int, str]] = {}
        self.offers = 0
        self.ready = asyncio.Event()
        self.handling: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        try:
            self.token = await login(self.pool, self.name)
        except (RuntimeError, OSError) as exc:
            self.tally.errors.append(f"{self.name}: {exc}")
            self.ready.set()
            return
        first = True
        while True:
            query = f"token={self.token}"
            if self.last_id is not None:
                query += f"&last_event_id={self.last_id}"
            try:
                async with websockets.connect(
                    f"ws://{HOST}:{self.port}/api/ws?{query}", max_queue=None, open_timeout=5
                ) as ws:
                    greeted = await self._session(ws, first)
                    first = first and not greeted
                self.tally.closes[str(ws.close_code)] += 1
            except (OSError, TimeoutError, websockets.WebSocketException) as exc:
                self.tally.closes[type(exc).__name__] += 1
                greeted = False
            self.ws = None
            if not greeted:
                self.tally.attempts += 1
            if first:  # never greeted yet: setup failed
                self.ready.set()
            await asyncio.sleep(0.2 + 0.2 * self.rng.random())

    async def _session(self, ws: Any, first: bool) -> bool:
        """Until the socket closes; whether the server said hello."""
        greeted = False
        try:
            async for message in desk_messages(ws):
                if isinstance(message.get("id"), int):
                    self.last_id = max(self.last_id or 0, message["id"])
                kind = message.get("type")
                if kind == "hello":
                    greeted = True
                    self.last_id = max(self.last_id or 0, int(message["last_id"]))
                    self.ws = ws
                    if first:
                        await self._available()
                        self.tally.connected += 1
                        self.ready.set()
                    else:
                        self.tally.reconnected.append(time.perf_counter())
                        for cid, (flow, action) in list(self.flows.items()):
                            if action != "handling":  # its result may have been lost
                                await self._send(cid, flow, action)
                elif kind == "contact.offered":
                    self.tally.offers_at.append(time.perf_counter())
                    self.offers += 1
                    await self._send(int(message["contact_id"]), self.offers, "accept")
                elif kind == "result":
                    await self._result(message)
        except websockets.ConnectionClosed:
            pass
        return greeted

    async def _available(self) -> None:
        status, answer = await self.pool.request(
            "POST",
            f"/api/agents/{self.name}/state",
            {"state": "available", "location": "site"},
            self.token,
        )
        if status != 200:
            self.tally.errors.append(f"{self.name} available: {status} {str(answer)[:100]}")

    async def _send(self, cid: int, flow: int, action: str) -> None:
        """Send a command (again after a reconnection if its socket closes first)."""
        self.flows[cid] = (flow, action)
        if self.ws is None:
            return
        command = {"type": "command", "action": action.rstrip("?"), "contact_id": cid}
        if action == "wrap_up":
            command["disposition"] = "done"
        command["ref"] = f"{cid}:{flow}:{action}"
        with contextlib.suppress(websockets.ConnectionClosed):
            await self.ws.send(json.dumps(command))

    async def _handle(self, cid: int, flow: int) -> None:
        await asyncio.sleep(self.rng.expovariate(1.0 / self.handle_s))
        if self.flows.get(cid) == (flow, "handling"):
            await self._send(cid, flow, "complete")

    async def _result(self, message: dict[str, Any]) -> None:
        cid_text, flow_text, action = str(message["ref"]).split(":")
        cid, flow = int(cid_text), int(flow_text)
        if self.flows.get(cid, (None, ""))[0] != flow:
            return  # an older offer of this contact: a newer one took over
        if not message["ok"]:
            self.tally.refused[f"{action} {message.get('status')}"] += 1
            if action == "accept":
                # its first accept may have been saved with the answer lost: still ours?
                await self._send(cid, flow, "complete?")
            elif action == "complete":
                await self._send(cid, flow, "wrap_up")
            else:
                del self.flows[cid]
        elif action == "accept":
            self.flows[cid] = (flow, "handling")
            task = asyncio.create_task(self._handle(cid, flow))
            self.handling.add(task)
            task.add_done_callback(self.handling.discard)
        elif action in ("complete", "complete?"):
            await self._send(cid, flow, "wrap_up")
        else:
            del self.flows[cid]
            self.tally.completed += 1


async def post(pool: HttpPool, path: str, body: object, token: str) -> tuple[int, Any]:
    """One request on a connection of the pool, dropped (not reused) if it fails."""
    conn: Http = await pool.free.get()
    try:
        return await asyncio.wait_for(conn.request("POST", path, body, token), REQUEST_TIMEOUT_S)
    except BaseException:
        conn.close()
        raise
    finally:
        pool.free.put_nowait(conn)


async def announce(
    i: int, pools: tuple[HttpPool, HttpPool], token: str, tally: Tally, args: Any
) -> None:
    """Telephony announcing one contact to A or B in turn until one accepts it (the same
    external id each time)."""
    ext = f"call-{i}"
    body = {"queue_id": "sales", "customer_ref": f"cust{i}", "external_id": ext}
    first = time.perf_counter()
    for attempt in range(10_000):
        try:
            status, _answer = await post(pools[(i + attempt) % 2], "/api/contacts", body, token)
            outcome = str(status)
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            status, outcome = 0, "connection error"
        now = time.perf_counter()
        tally.answers[outcome] += 1
        if now >= tally.killed_at:
            tally.answers_after_kill[outcome] += 1
        if status in (200, 201):
            tally.accepted[ext] = now
            tally.waits_s[ext] = now - first
            tally.retried += int(attempt > 0)
            return
        if now - first > args.give_up_s:
            break
        await asyncio.sleep(args.retry_s)
    tally.gave_up.append(ext)


async def watch_takeover(port: int, tally: Tally) -> dict[str, float]:
    """From the kill: B's /api/health every 50 ms until it leads."""
    seen: dict[str, float] = {}
    conn = Http(HOST, port)
    try:
        while True:
            try:
                status, answer = await asyncio.wait_for(conn.request("GET", "/api/health"), 2)
            except (OSError, TimeoutError, asyncio.IncompleteReadError):
                conn.close()
                status, answer = 0, None
            now = time.perf_counter() - tally.killed_at
            if status == 200:
                seen.setdefault(str(answer["role"]), now)
                if answer["role"] == "leader":
                    seen["token"] = float(answer["token"])
                    return seen
            await asyncio.sleep(HEALTH_EVERY_S)
    finally:
        conn.close()


async def drive(
    args: Any, pa: int, pb: int, a: subprocess.Popen[bytes]
) -> tuple[Tally, dict[str, float]]:
    tally = Tally()
    pools = (HttpPool(HOST, pa, 64), HttpPool(HOST, pb, 64))
    admin = await login(pools[0], "admin")
    rng = random.Random(args.seed)
    desk_pool = HttpPool(HOST, pb, 10)
    names = [f"t{t}_a{i:03d}" for t in range((args.agents + 49) // 50) for i in range(1, 51)]
    desks = [
        Desk(n, pb, desk_pool, tally, random.Random(rng.random()), args)
        for n in names[: args.agents]
    ]
    t0 = time.perf_counter()
    agents = [asyncio.create_task(d.run()) for d in desks]
    await asyncio.gather(*(d.ready.wait() for d in desks))
    print(
        f"{tally.connected} agents connected through B in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    await asyncio.sleep(1.0)  # they go available
    start = time.perf_counter()
    kill_at, stop_at = start + args.kill_at, start + args.kill_at + args.after
    tally.killed_at = float("inf")
    contacts: list[asyncio.Task[None]] = []
    takeover: asyncio.Task[dict[str, float]] | None = None
    i = 0
    while (due := start + i / args.rate) < stop_at:
        if takeover is None and due >= kill_at:
            await asyncio.sleep(max(0.0, kill_at - time.perf_counter()))
            a.send_signal(signal.SIGKILL)
            tally.killed_at = time.perf_counter()
            takeover = asyncio.create_task(watch_takeover(pb, tally))
            print(f"A killed at {tally.killed_at - start:.1f} s", flush=True)
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        contacts.append(asyncio.create_task(announce(i, pools, admin, tally, args)))
        i += 1
    tally.announced = i
    await asyncio.gather(*contacts)
    seen = await takeover if takeover is not None else {}
    deadline = time.perf_counter() + args.drain_s
    while tally.completed < len(tally.accepted) and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    for task in agents:
        task.cancel()
    await asyncio.gather(*agents, return_exceptions=True)
    for pool in (*pools, desk_pool):
        pool.close()
    return tally, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--rate", type=float, default=50.0, help="contacts announced per second")
    parser.add_argument("--kill-at", type=float, default=10.0, help="seconds of load before")
    parser.add_argument("--after", type=float, default=10.0, help="seconds of load after")
    parser.add_argument("--handle-s", type=float, default=0.5, help="mean handle time")
    parser.add_argument("--retry-s", type=float, default=0.05, help="pause before a retry")
    parser.add_argument("--give-up-s", type=float, default=20.0, help="a contact's retries")
    parser.add_argument("--drain-s", type=float, default=5.0, help="for the last contacts")
    parser.add_argument("--poll-s", type=float, help="HOMESHORE_LEASE_POLL_S (default 1)")
    parser.add_argument("--seed", type=int, default=20261208)
    args = parser.parse_args()

    settings = {"HOMESHORE_ROUTER_LEASE": "on"}
    if args.poll_s is not None:
        settings["HOMESHORE_LEASE_POLL_S"] = str(args.poll_s)
    db = Database.prepare(args.agents, "postgres", settings)
    a = b = None
    try:
        a, pa = start_server(db, log=db.tmp / "a.log")
        wait_for_role(pa, a, "leader")
        b, pb = start_server(db, log=db.tmp / "b.log")
        wait_for_role(pb, b, "standby")
        fast_event_loop()
        tally, seen = asyncio.run(drive(args, pa, pb, a))
    finally:
        stop_server(b)
        stop_server(a)
        try:
            rows = db.rows()
        finally:
            db.drop()
    report(args, tally, seen, rows, db.tmp)


def report(args: Any, tally: Tally, seen: dict[str, float], rows: list[Any], logs: Path) -> None:
    stored = Counter(str(r[1]) for r in rows)
    states = Counter(str(r[2]) for r in rows)
    lost = sorted(set(tally.accepted) - set(stored))
    duplicated = sorted(ext for ext, n in stored.items() if n > 1)
    unanswered = sorted(set(stored) - set(tally.accepted))
    waits = sorted(tally.waits_s.values())
    slowest = max(tally.waits_s, key=lambda e: tally.waits_s[e]) if waits else "-"
    killed = tally.killed_at

    def after_kill(times: list[float]) -> str:
        later = [t - killed for t in times if t >= killed]
        return f"+{min(later):.2f} s" if later else "none"

    def longest_gap(times: list[float]) -> str:
        ordered = sorted([killed, *times])
        gap, at = max((b - a, a) for a, b in itertools.pairwise(ordered))
        return f"{gap:.2f} s (from {at - killed:+.2f} s after the kill)"

    print(
        f"failover: 2 processes on PostgreSQL, {args.agents} agents through B, "
        f"{args.rate:g} contacts/s over A and B, A killed (SIGKILL) after {args.kill_at:g} s, "
        f"{args.after:g} s more; machine load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    if "leader" in seen:
        starting = f"{seen['starting']:.2f} s" if "starting" in seen else "not seen"
        print(
            f"takeover: B's /api/health said leader {seen['leader']:.2f} s after the kill "
            f'("starting" from {starting}; fencing token {seen["token"]:.0f})'
        )
    else:
        print("takeover: B never said leader")
    print(
        f"first contact accepted after the kill: {after_kill(list(tally.accepted.values()))}; "
        f"longest time with no contact accepted: {longest_gap(list(tally.accepted.values()))}"
    )
    print(
        f"first offer reaching an agent after the kill: {after_kill(tally.offers_at)}; "
        f"longest time with no offer: {longest_gap(tally.offers_at)}"
    )
    print(
        f"intake answers: {dict(tally.answers.most_common())} "
        f"(after the kill: {dict(tally.answers_after_kill.most_common())})"
    )
    if waits:
        print(
            f"wait to be accepted (retries included): p50 {waits[len(waits) // 2] * 1000:.0f} ms"
            f", p99 {waits[min(len(waits) - 1, int(0.99 * len(waits)))] * 1000:.0f} ms, "
            f"longest {waits[-1]:.2f} s ({slowest}); {tally.retried} contacts needed a retry"
        )
    print(
        f"contacts announced {tally.announced}, accepted {len(tally.accepted)}, given up "
        f"{len(tally.gave_up)}; lost {len(lost)} {lost[:5]}, duplicated {len(duplicated)} "
        f"{duplicated[:5]}, stored without an accepted answer {len(unanswered)}"
    )
    left = states.get("offered", 0) + states.get("queued", 0)
    print(
        f"contacts at the end: {dict(sorted(states.items()))}; left offered or queued {left}"
        f" ({args.drain_s:g} s after the last intake); completed by the agents "
        f"{tally.completed}"
    )
    print(
        f"agents: {tally.connected} connected through B; reconnections {len(tally.reconnected)}"
        f" (first {after_kill(tally.reconnected)}, last {after_kill(tally.reconnected[-1:])} "
        "after the kill), connections refused "
        f"or closed before hello {tally.attempts}; socket closes {dict(tally.closes)}"
    )
    if tally.refused:
        print(f"agents' commands refused: {dict(tally.refused.most_common())}")
    if tally.errors:
        print(f"{len(tally.errors)} errors, first: {tally.errors[:3]}")
    print(f"server logs: {logs}/a.log, {logs}/b.log")


if __name__ == "__main__":
    main()
