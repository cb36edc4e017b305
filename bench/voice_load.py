"""Phone calls under load through the real engines: `homeshore serve --voice` (Kamailio and
rtpengine started by homeshore from its settings), SIPp as the carrier trunk placing calls
at a steady rate, SIPp as the advisors' desk phones (registered over UDP with each
advisor's own credential, answering the call homeshore puts through), and one websocket
per advisor accepting each offer and wrapping up each ended call, as the desk does.

Every call carries media both ways (a tone each side, G.711 PCMU, relayed by rtpengine):
browsers cannot run by the hundred on two cores, so the advisors' side is the desk-phone
path (plain RTP) rather than WebRTC; signalling, routing and the relay are the same.

    .venv/bin/python bench/voice_load.py                 # 10 calls/s, 20 s talk: ~200 at once
    .venv/bin/python bench/voice_load.py --rate 5 --calls 100 --talk-s 10

It prints calls placed, answered, lost (must be 0); the most calls up at once (rtpengine's
list); the time from the caller's INVITE leaving SIPp to the advisor's offer on the
websocket (and, inside it, contact creation -> offer: the router's own time); from the
advisor's accept to media flowing both ways through the relay (rtpengine's per-call
packet counters, polled every 20 ms); CPU seconds per call of homeshore, Kamailio,
rtpengine, the two SIPp and the load generator itself. Needs the voice packages and
sip-tester; no root.

`--listen-share 0.25`: a manager listens to that share of the answered calls (every 4th
contact), the way the platform sets listening up: one rtpengine media subscription per
party (`subscribe request` / `subscribe answer`), here answered with plain RTP to a UDP
socket of the load generator that counts what arrives (a browser's listening leg adds
SRTP encryption to this). Comparing the relay's CPU with and without gives the cost of
monitoring per listened call.

`--record`: the queue records every call (`record: true`): rtpengine writes each call's
pcap once connected, homeshore turns it into a WAV when the call ends. The run waits until
every answered call's recording is stored; comparing with a run without gives the cost of
recording per call (rtpengine's writing, homeshore's conversion).

`--media-silence-s 0` turns off the watch for silent lines (one rtpengine `query` per
connected call every third of HOMESHORE_VOICE_MEDIA_SILENCE_S); comparing with a run with
the default gives its cost, and a run with it on must lose no call (no line is silent here).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import websockets
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.live_harness import (  # noqa: E402
    PASSWORD,
    HttpPool,
    desk_messages,
    free_port,
    login,
    scenario_yaml,
)
from tests.voice import media  # noqa: E402
from tests.voice.conftest import SIPP, free_udp_port  # noqa: E402

from homeshore.voice.credentials import new_secret, sip_credential  # noqa: E402
from homeshore.voice.ng import NgClient, NgError  # noqa: E402

SCENARIOS = ROOT / "tests" / "voice" / "sipp"
DOMAIN = "homeshore.bench"


@dataclass
class Stats:
    offered_at: dict[int, float] = field(default_factory=dict)  # contact id -> wall time
    accepted_at: dict[int, float] = field(default_factory=dict)  # accept sent, wall time
    call_ids: dict[int, str] = field(default_factory=dict)  # contact id -> SIP Call-ID
    two_way_at: dict[int, float] = field(default_factory=dict)  # media both ways seen
    media_checked: dict[int, dict[str, int]] = field(default_factory=dict)  # packets per tag
    ended: int = 0
    wrapped: int = 0
    errors: list[str] = field(default_factory=list)
    most_calls: int = 0
    listened: set[int] = field(default_factory=set)  # contact ids a manager listens to
    ended_ids: list[int] = field(default_factory=list)  # contact ids, as their calls end
    listen_packets: int = 0  # what the listeners' sockets received


def cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by these processes."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def python_children(pid: int) -> list[int]:
    """A process's children started by Python's multiprocessing (not the engines)."""
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = []
    for child in listed:
        with contextlib.suppress(OSError):
            if b"multiprocessing" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(int(child))
    return found


def pids_running(marker: str) -> list[int]:
    """Processes whose command line mentions ``marker`` (an engine's run directory)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            found.append(int(entry.name))
    return found


async def run_agent(
    name: str, pool: HttpPool, ws_base: str, stats: Stats, ready: asyncio.Event
) -> None:
    """One advisor's desk: accept every offer, wrap up every ended call."""
    token = await login(pool, name)  # tried again while the server is busy checking others
    async with websockets.connect(f"{ws_base}/api/ws?token={token}", max_queue=None) as ws:
        status, answer = await pool.request(
            "POST", f"/api/agents/{name}/state", {"state": "available", "location": "site"}, token
        )
        if status != 200:
            stats.errors.append(f"{name} available: {status} {str(answer)[:100]}")
        ready.set()

        async def send(**command: Any) -> None:
            await ws.send(json.dumps({"type": "command", **command}))

        try:
            async for message in desk_messages(ws):
                kind = message.get("type")
                if kind == "contact.offered":
                    cid = message["contact_id"]
                    stats.offered_at.setdefault(cid, time.time())
                    stats.accepted_at[cid] = time.time()
                    await send(action="accept", contact_id=cid, ref="a")
                elif kind == "contact.ended" and message.get("agent_id") == name:
                    stats.ended += 1
                    stats.ended_ids.append(message["contact_id"])
                    await send(
                        action="wrap_up",
                        contact_id=message["contact_id"],
                        disposition="done",
                        ref="w",
                    )
                elif kind == "result":
                    if not message["ok"]:
                        stats.errors.append(f"{name} {message.get('ref')}: {message.get('detail')}")
                    elif message["ref"] == "a":
                        contact = message["contact"]
                        external = contact.get("external_id") or ""
                        stats.call_ids[contact["id"]] = external.removeprefix("sip:")
                    elif message["ref"] == "w":
                        stats.wrapped += 1
        except websockets.ConnectionClosed as closed:  # the driver cancels, never closes
            stats.errors.append(f"{name}'s websocket closed by the server: {closed}")


def _packets_by_tag(answer: dict[str, Any]) -> dict[str, int]:
    """Packets rtpengine received from each party of a call (its ``query`` answer)."""
    counts: dict[str, int] = {}
    for tag, party in (answer.get("tags") or {}).items():
        total = 0
        for medium in party.get("medias") or []:
            for stream in medium.get("streams") or []:
                total += int((stream.get("stats") or {}).get("packets") or 0)
        counts[tag] = total
    return counts


class ListenerSink(asyncio.DatagramProtocol):
    """A listening manager's ear: counts the RTP packets the relay forks to it."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.stats.listen_packets += 1


def _listener_sdp(port: int) -> str:
    return (
        "v=0\r\no=manager 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        f"m=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=recvonly\r\n"
    )


async def listen(
    ng: NgClient, call_id: str, parties: list[str], stats: Stats, sinks: list[Any]
) -> None:
    """A manager listens to a call: one subscription per party, as the platform does
    (homeshore.voice.link), delivered as plain RTP to a counting socket."""
    loop = asyncio.get_running_loop()
    for tag in parties:
        transport, _ = await loop.create_datagram_endpoint(
            lambda: ListenerSink(stats), local_addr=("127.0.0.1", 0)
        )
        sinks.append(transport)
        port = transport.get_extra_info("sockname")[1]
        offer = await loop.run_in_executor(
            None,
            lambda t=tag: ng.command(  # type: ignore[misc]
                "subscribe request", call_id=call_id, from_tag=t, ICE="remove", DTLS="off",
                SDES=["off"], transport_protocol="RTP/AVP",
                replace=["origin", "session-connection"],
            ),
        )  # fmt: skip
        await loop.run_in_executor(
            None,
            lambda o=offer, p=port: ng.command(  # type: ignore[misc]
                "subscribe answer", call_id=call_id, to_tag=o["to-tag"], sdp=_listener_sdp(p),
                flags=[],
            ),
        )  # fmt: skip


def _forget(ng: NgClient, call_id: str) -> None:
    with contextlib.suppress(NgError):  # gone already
        ng.command("delete", call_id=call_id)


async def watch_media(
    ng: NgClient, stats: Stats, stop: asyncio.Event, listen_every: int, sinks: list[Any]
) -> None:
    """For each accepted call: when media first flows both ways (both parties' packets
    counted by the relay), then a manager listens to every ``listen_every``-th (0: none);
    and, every second, how many calls the relay carries."""
    loop = asyncio.get_running_loop()
    last_list = 0.0
    seen_ended = 0
    while not stop.is_set():
        # a listened call is over: the relay forgets it with its listeners' legs, as the
        # platform has it do (homeshore.voice.link)
        for cid in stats.ended_ids[seen_ended:]:
            if cid in stats.listened:
                await loop.run_in_executor(None, _forget, ng, stats.call_ids[cid])
        seen_ended = len(stats.ended_ids)
        now = time.time()
        if now - last_list >= 1.0:
            last_list = now
            try:
                listed = await loop.run_in_executor(None, lambda: ng.command("list", limit=100000))
                stats.most_calls = max(stats.most_calls, len(listed.get("calls") or []))
            except NgError as exc:
                stats.errors.append(f"rtpengine list: {exc}")
        for cid, call_id in list(stats.call_ids.items()):
            if cid in stats.two_way_at or not call_id:
                continue
            try:
                answer = await loop.run_in_executor(
                    None,
                    lambda c=call_id: ng.command("query", call_id=c),  # type: ignore[misc]
                )
            except NgError:
                continue  # not relayed yet
            counts = _packets_by_tag(answer)
            if len(counts) >= 2 and all(counts.values()):
                stats.two_way_at[cid] = time.time()
                stats.media_checked[cid] = counts
                if listen_every and cid % listen_every == 0:
                    try:
                        await listen(ng, call_id, sorted(counts), stats, sinks)
                        stats.listened.add(cid)
                    except (NgError, KeyError) as exc:
                        stats.errors.append(f"listening to {call_id}: {exc!r}")
        await asyncio.sleep(0.02)


async def drive(args: argparse.Namespace, site: Site) -> tuple[Stats, dict[str, float], float]:
    stats = Stats()
    host, port = "127.0.0.1", site.port
    pool = HttpPool(host, port, 20)
    names = [f"t{t}_a{i:03d}" for t in range((args.agents + 49) // 50) for i in range(1, 51)][
        : args.agents
    ]
    readies = [asyncio.Event() for _ in names]
    sem = asyncio.Semaphore(20)

    async def one(name: str, ready: asyncio.Event) -> None:
        async with sem:
            task = asyncio.create_task(run_agent(name, pool, f"ws://{host}:{port}", stats, ready))
            await asyncio.wait(
                [task, asyncio.create_task(ready.wait())], return_when=asyncio.FIRST_COMPLETED
            )
        try:
            await task
        except Exception as exc:
            stats.errors.append(f"agent {name}: {exc!r}")
            ready.set()

    agents = [asyncio.create_task(one(n, r)) for n, r in zip(names, readies, strict=True)]
    for ready in readies:
        await ready.wait()
    print(f"{len(names)} advisors available (websocket + desk phone)", flush=True)

    ng = NgClient(site.rtpengine_ng)
    stop = asyncio.Event()
    listen_every = round(1 / args.listen_share) if args.listen_share > 0 else 0
    sinks: list[Any] = []
    watcher = asyncio.create_task(watch_media(ng, stats, stop, listen_every, sinks))
    groups = site.process_groups()
    before = {name: cpu_s(pids) for name, pids in groups.items()}
    started = time.time()
    me_before = resource.getrusage(resource.RUSAGE_SELF)
    waited_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    caller = await asyncio.create_subprocess_exec(*site.caller_command(args), cwd=site.tmp)
    rc = await caller.wait()
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)  # the callers' SIPp, once ended
    callers_cpu = (waited.ru_utime + waited.ru_stime) - (
        waited_before.ru_utime + waited_before.ru_stime
    )
    if rc != 0:
        stats.errors.append(f"callers' SIPp exit {rc} (see {site.tmp}/caller_errors.log)")
    # every answered call ended by its caller: wait for the last wrap-ups (and recordings)
    deadline = time.monotonic() + 60
    while (
        stats.wrapped < stats.ended
        or stats.ended < len(stats.call_ids)
        or (args.record and recordings_stored(site) < len(stats.call_ids))
    ):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    elapsed = time.time() - started
    groups = site.process_groups()  # the same processes, read again
    cpu = {name: cpu_s(pids) - before[name] for name, pids in groups.items()}
    cpu["SIPp callers"] = callers_cpu
    me = resource.getrusage(resource.RUSAGE_SELF)  # the advisors' websockets, the watcher
    cpu["load generator"] = (me.ru_utime + me.ru_stime) - (me_before.ru_utime + me_before.ru_stime)
    stop.set()
    await watcher
    ng.close()
    for sink in sinks:
        sink.close()
    for task in agents:
        task.cancel()
    await asyncio.gather(*agents, return_exceptions=True)
    pool.close()
    return stats, cpu, elapsed


def recordings_stored(site: Site) -> int:
    """The recordings homeshore has stored (WAV files in HOMESHORE_VOICE_RECORDINGS_DIR)."""
    folder = site.tmp / "recordings"
    return sum(1 for _ in folder.glob("*.wav")) if folder.is_dir() else 0


@dataclass
class Site:
    tmp: Path
    port: int
    server: subprocess.Popen[bytes]
    phones: subprocess.Popen[bytes]
    sip_listen: str
    rtpengine_ng: tuple[str, int]
    tone: Path
    caller_rtp: tuple[int, int]

    def process_groups(self) -> dict[str, list[int]]:
        voice_dir = str(self.tmp / "voice")
        return {
            "homeshore": [self.server.pid],
            # the process converting recordings (--record), a child of the server
            "homeshore rec.": python_children(self.server.pid),
            "Kamailio": pids_running(voice_dir + "/kamailio.cfg"),
            "rtpengine": pids_running(voice_dir + "/rtpengine.pid"),
            "SIPp phones": [self.phones.pid],
        }

    def caller_command(self, args: argparse.Namespace) -> list[str]:
        low, _high = self.caller_rtp
        return [SIPP, self.sip_listen, "-sf", str(self.tmp / "caller.xml"), "-s", "sales",
                "-i", "127.0.0.1", "-p", str(free_udp_port()), "-mi", "127.0.0.1",
                "-mp", str(low),
                "-r", f"{args.rate:g}", "-m", str(args.calls), "-l", str(args.agents * 2),
                "-timeout", f"{args.calls / args.rate + args.talk_s + 120:.0f}s",
                "-timeout_error", "-nostdin", "-trace_logs", "-trace_err",
                "-log_file", str(self.tmp / "caller_log.log"),
                "-error_file", str(self.tmp / "caller_errors.log"),
                "-trace_stat", "-stf", str(self.tmp / "caller_stat.csv"),
                "-fd", "3600"]  # fmt: skip


def free_ports_from(start: int, size: int) -> int:
    """The first of ``size`` consecutive free UDP ports at or above ``start``."""
    base = start
    while base + size < 65536:
        try:
            for port in range(base, base + size):
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            base = port + 1
    raise SystemExit(f"no {size} consecutive free UDP ports")


def _fill(template: str, path: Path, **values: str) -> Path:
    body = (SCENARIOS / template).read_text()
    for key, value in values.items():
        body = body.replace(f"@{key}@", value)
    path.write_text(body)
    return path


def start_site(args: argparse.Namespace, tmp: Path, started: list[subprocess.Popen[bytes]]) -> Site:
    """Accounts, `homeshore serve --voice`, the desk phones' SIPp, their registrations
    (long-running processes go to ``started``, for the caller to stop)."""
    scenario = tmp / "scenario.yaml"
    text_yaml = scenario_yaml(args.agents, 50)
    if args.record:
        text_yaml = text_yaml.replace("channel: voice,", "channel: voice, record: true,")
        assert "record: true" in text_yaml
    scenario.write_text(text_yaml)
    secret = new_secret()
    # one free range of UDP ports, in three parts: rtpengine, the phones, the callers
    size = max(400, 8 * args.agents)
    base = free_ports_from(10000, 3 * size)
    rtp_low, rtp_high = base, base + size - 1
    sip_listen = f"127.0.0.1:{free_udp_port()}"
    ng_port = free_udp_port()
    env = {
        **os.environ,
        "HOMESHORE_DATABASE_URL": f"sqlite:///{tmp / 'live.db'}",
        "HOMESHORE_PASSWORD_TIME_COST": "1",
        "HOMESHORE_PASSWORD_MEMORY_KIB": "64",
        "HOMESHORE_BENCH_PASSWORD": PASSWORD,
        "HOMESHORE_OFFER_TIMEOUT_S": "30",
        "HOMESHORE_VOICE_SECRET": secret,
        "HOMESHORE_VOICE_SIP_DOMAIN": DOMAIN,
        "HOMESHORE_VOICE_SIP_LISTEN": sip_listen,
        "HOMESHORE_VOICE_WS_URL": f"ws://127.0.0.1:{free_port()}",
        "HOMESHORE_VOICE_CONTROL_URL": f"http://127.0.0.1:{free_port()}",
        "HOMESHORE_VOICE_RTPENGINE_NG": f"127.0.0.1:{ng_port}",
        "HOMESHORE_VOICE_RTP_PORTS": f"{rtp_low}-{rtp_high}",
        "HOMESHORE_VOICE_TRUNKS": '["127.0.0.1"]',
        "HOMESHORE_VOICE_PHONE_NETWORKS": '["127.0.0.1"]',
        "HOMESHORE_VOICE_RECORDINGS_DIR": str(tmp / "recordings"),
    }
    if args.media_silence_s is not None:
        env["HOMESHORE_VOICE_MEDIA_SILENCE_S"] = str(args.media_silence_s)
    homeshore = [sys.executable, "-m", "homeshore.cli"]
    subprocess.run(
        [*homeshore, "users", "create-all", "--scenario", str(scenario),
         "--password-env", "HOMESHORE_BENCH_PASSWORD"],
        env=env, check=True, capture_output=True, cwd=tmp,
    )  # fmt: skip
    port = free_port()
    server_log = (tmp / "server.log").open("wb")
    server = subprocess.Popen(
        [*homeshore, "serve", "--scenario", str(scenario), "--port", str(port),
         "--voice", "--voice-dir", str(tmp / "voice")],
        env=env, stdout=server_log, stderr=subprocess.STDOUT, cwd=tmp,
    )  # fmt: skip
    server_log.close()
    started.append(server)
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"homeshore serve --voice did not start: {tmp / 'server.log'}")
        time.sleep(0.2)

    tone_agent = media.write_ulaw_wav(tmp / "agent.wav", media.tone(1000.0, 30.0, 8000))
    tone_caller = media.write_ulaw_wav(tmp / "caller.wav", media.tone(440.0, 30.0, 8000))
    phones_port = free_udp_port()
    low = (base + size, base + 2 * size - 1)
    phones = subprocess.Popen(
        [SIPP, "-sf", str(_fill("phones.xml", tmp / "phones.xml", TONE=str(tone_agent))),
         "-i", "127.0.0.1", "-p", str(phones_port), "-mi", "127.0.0.1",
         "-mp", str(low[0]), "-nostdin",
         "-trace_err", "-error_file", str(tmp / "phones_errors.log"), "-fd", "3600"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp,
    )  # fmt: skip
    started.append(phones)
    expires = int(time.time()) + 6 * 3600
    names = [f"t{t}_a{i:03d}" for t in range((args.agents + 49) // 50) for i in range(1, 51)][
        : args.agents
    ]
    registration = _fill(
        "register.xml",
        tmp / "register.xml",
        DOMAIN=DOMAIN,
        ANSWER="200",
        PHONES=f"127.0.0.1:{phones_port}",
    )
    # one SIPp per advisor (each has its own credential), 20 at a time
    for start in range(0, len(names), 20):
        batch = []
        for name in names[start : start + 20]:
            credential = sip_credential(secret, name, expires)
            batch.append((name, subprocess.Popen(
                [SIPP, sip_listen, "-sf", str(registration), "-s", name,
                 "-au", credential.username, "-ap", credential.password,
                 "-i", "127.0.0.1", "-m", "1", "-nostdin",  # SIPp picks a free port
                 "-timeout", "30s", "-timeout_error", "-trace_err",
                 "-error_file", str(tmp / f"register_{name}.log")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp,
            )))  # fmt: skip
        for name, process in batch:
            if process.wait() != 0:
                raise SystemExit(
                    f"{name}'s desk phone did not register (SIPp exit {process.returncode}): "
                    f"{tmp / f'register_{name}.log'}"
                )
    _fill("caller.xml", tmp / "caller.xml", TONE=str(tone_caller), TALK_MS=str(args.talk_s * 1000))
    ng_host, _, ng = env["HOMESHORE_VOICE_RTPENGINE_NG"].partition(":")
    return Site(
        tmp, port, server, phones, sip_listen, (ng_host, int(ng)), tone_caller,
        (base + 2 * size, base + 3 * size - 1),
    )  # fmt: skip


def invites_sent(log: Path) -> dict[str, float]:
    """Call-ID -> when its INVITE left the callers' SIPp (its log lines)."""
    sent = {}
    for line in log.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "invite":
            sent[parts[1]] = float(parts[-1])
    return sent


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    p50, p99 = np.percentile(values, [50, 99])
    return f"p50 {p50:6.1f}  p99 {p99:6.1f}  max {max(values):6.1f}  (n={len(values)})"


def report(
    args: argparse.Namespace, site: Site, stats: Stats, cpu: dict[str, float], elapsed: float
) -> None:
    engine = create_engine(f"sqlite:///{site.tmp / 'live.db'}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, external_id, state, created_at FROM contacts")).all()
    engine.dispose()
    states: dict[str, int] = {}
    for row in rows:
        states[row[2]] = states.get(row[2], 0) + 1
    call_of = {int(row[0]): str(row[1]).removeprefix("sip:") for row in rows}
    created = {
        int(row[0]): dt.datetime.fromisoformat(str(row[3])).replace(tzinfo=dt.UTC).timestamp()
        if dt.datetime.fromisoformat(str(row[3])).tzinfo is None
        else dt.datetime.fromisoformat(str(row[3])).timestamp()
        for row in rows
    }
    sent = invites_sent(site.tmp / "caller_log.log")
    invite_to_offer = [
        (offered - sent[call_of[cid]]) * 1000
        for cid, offered in stats.offered_at.items()
        if call_of.get(cid) in sent
    ]
    created_to_offer = [
        (offered - created[cid]) * 1000
        for cid, offered in stats.offered_at.items()
        if cid in created
    ]
    accept_to_media = [
        (stats.two_way_at[cid] - stats.accepted_at[cid]) * 1000
        for cid in stats.two_way_at
        if cid in stats.accepted_at
    ]
    answered = len(stats.call_ids)
    completed = states.get("completed", 0)
    # a call is lost when its contact is neither completed nor still in an advisor's hands
    lost = len(sent) - completed - states.get("wrap_up", 0) - states.get("active", 0)
    print(
        f"\n{len(sent)} calls placed at {args.rate:g}/s, {args.talk_s:g} s of talk each, "
        f"{args.agents} advisors; {elapsed:.0f} s in all"
    )
    print(
        f"answered {answered}  media both ways {len(stats.two_way_at)}  ended {stats.ended}  "
        f"wrapped up {stats.wrapped}  completed {completed}  lost {lost}"
    )
    print(f"contacts by state: {dict(sorted(states.items()))}")
    print(f"most calls up at once (rtpengine): {stats.most_calls}")
    print(f"INVITE -> offer on the websocket ms   {percentiles(invite_to_offer)}")
    print(f"  of which contact created -> offer  {percentiles(created_to_offer)}")
    print(f"accept -> media both ways ms         {percentiles(accept_to_media)}")
    if stats.listened:
        per_call = stats.listen_packets / len(stats.listened)
        print(f"listened to {len(stats.listened)} calls (both parties): {stats.listen_packets} "
              f"packets reached the listeners, {per_call:.0f} per call "
              f"({2 * 50 * args.talk_s} sent per call)")  # fmt: skip
    if args.record:
        wavs = sorted((site.tmp / "recordings").glob("*.wav"))
        size = sum(w.stat().st_size for w in wavs)
        seconds = (size - 44 * len(wavs)) / (8000 * 2 * 2)  # 8 kHz, 16 bits, two channels
        print(f"recordings stored: {len(wavs)} for {answered} answered calls, "
              f"{seconds:.0f} s of stereo audio, {size / 1e6:.0f} MB")  # fmt: skip
    calls = max(completed, 1)
    print(f"CPU per completed call (ms), over {elapsed:.0f} s; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores:")  # fmt: skip
    for name, seconds in cpu.items():
        print(f"  {name:14s} {seconds / calls * 1000:7.1f}   ({seconds:6.1f} s, "
              f"{100 * seconds / elapsed:5.1f} % of one core)")  # fmt: skip
    if stats.errors:
        print(f"{len(stats.errors)} errors, first: {stats.errors[:5]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=230)
    parser.add_argument("--rate", type=float, default=10.0, help="new calls per second")
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--talk-s", type=int, default=20, help="seconds each call lasts")
    parser.add_argument(
        "--listen-share", type=float, default=0.0, help="share of calls a manager listens to"
    )
    parser.add_argument("--record", action="store_true", help="the queue records every call")
    parser.add_argument("--keep", action="store_true", help="keep the run's files and logs")
    parser.add_argument(
        "--media-silence-s",
        type=float,
        default=None,
        help="HOMESHORE_VOICE_MEDIA_SILENCE_S (0: no watch for silent lines; default: the "
        "platform's)",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="voice_load_"))
    started: list[subprocess.Popen[bytes]] = []
    try:
        site = start_site(args, tmp, started)
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        stats, cpu, elapsed = asyncio.run(drive(args, site))
    finally:
        for process in reversed(started):  # the server stops its engines
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    report(args, site, stats, cpu, elapsed)
    print(f"files and logs: {tmp}" if args.keep else "")
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
