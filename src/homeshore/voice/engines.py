"""The telephony engines of a local run: Kamailio (SIP) and rtpengine (media).

homeshore writes their configuration from its settings and starts them as child processes
(``homeshore serve --voice``); in production an operator runs them as services with the
same configuration (docs/voice.md). Nothing here decides anything about a call.
"""

from __future__ import annotations

import ctypes
import glob
import ipaddress
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import httpx
import jinja2

from homeshore.config import Settings
from homeshore.errors import HomeshoreError, InputError
from homeshore.voice.credentials import control_token
from homeshore.voice.ng import NgClient, NgError

#: the Debian packages a voice run needs (docs/voice.md)
PACKAGES = (
    "kamailio",
    "kamailio-websocket-modules",
    "kamailio-json-modules",
    "kamailio-extra-modules",  # jansson
    "kamailio-autheph-modules",
    "kamailio-utils-modules",
    "rtpengine-daemon",
)
_MODULES = ("tm.so", "websocket.so", "jansson.so", "auth_ephemeral.so", "http_client.so")
_BINARIES = {"kamailio": ("/usr/sbin/kamailio",), "rtpengine": ("/usr/bin/rtpengine",)}
INSTALL_HINT = "apt-get install " + " ".join(PACKAGES)


class EngineError(HomeshoreError):
    """A telephony engine did not start (its log says why)."""


def host_port(value: str, where: str) -> tuple[str, int]:
    """``host:port`` (or a URL's) as a pair, with a clear error naming the setting."""
    netloc = urllib.parse.urlsplit(value).netloc if "//" in value else value
    host, sep, port = netloc.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"{value!r} is not host:port", where=where)
    return host, int(port)


@dataclass(frozen=True, slots=True)
class EnginePlan:
    """Everything the engines' configuration says, from homeshore's settings."""

    secret: str
    domain: str
    events_url: str  # homeshore's POST /api/voice/events
    sip_listen: tuple[str, int]  # trunk side, UDP
    ws_listen: tuple[str, int]  # advisors' browsers, SIP over WebSocket
    control_listen: tuple[str, int]  # homeshore -> Kamailio
    rtpengine_ng: tuple[str, int]
    media_address: str
    rtp_ports: tuple[int, int]
    trunks: tuple[str, ...]
    answer_timeout_s: float
    max_hold_s: float
    phone_networks: tuple[str, ...] = ()
    trunk_gateway: tuple[str, int] | None = None  # advisors' calls to customers go there
    caller_id: str = ""
    children: int = 4

    @classmethod
    def from_settings(cls, settings: Settings, secret: str, homeshore_url: str) -> EnginePlan:
        low, _, high = settings.voice_rtp_ports.partition("-")
        if not (low.isdigit() and high.isdigit() and 1024 <= int(low) < int(high) < 65536):
            raise InputError(
                f"{settings.voice_rtp_ports!r} is not a port range like 30000-30999",
                where="HOMESHORE_VOICE_RTP_PORTS",
            )
        if not settings.voice_trunks:
            raise InputError(
                "no trunk address: calls would be refused", where="HOMESHORE_VOICE_TRUNKS"
            )
        return cls(
            secret=secret,
            domain=settings.voice_sip_domain,
            events_url=homeshore_url.rstrip("/") + "/api/voice/events",
            sip_listen=host_port(settings.voice_sip_listen, "HOMESHORE_VOICE_SIP_LISTEN"),
            ws_listen=host_port(settings.voice_ws_url, "HOMESHORE_VOICE_WS_URL"),
            control_listen=host_port(settings.voice_control_url, "HOMESHORE_VOICE_CONTROL_URL"),
            rtpengine_ng=host_port(settings.voice_rtpengine_ng, "HOMESHORE_VOICE_RTPENGINE_NG"),
            media_address=settings.voice_media_address,
            rtp_ports=(int(low), int(high)),
            trunks=_checked_networks(settings.voice_trunks, "HOMESHORE_VOICE_TRUNKS"),
            answer_timeout_s=settings.voice_answer_timeout_s,
            max_hold_s=settings.voice_max_hold_s,
            phone_networks=_checked_networks(
                settings.voice_phone_networks, "HOMESHORE_VOICE_PHONE_NETWORKS"
            ),
            trunk_gateway=host_port(settings.voice_trunk_gateway, "HOMESHORE_VOICE_TRUNK_GATEWAY")
            if settings.voice_trunk_gateway
            else None,
            caller_id=settings.voice_caller_id,
        )


def _checked_networks(values: tuple[str, ...], where: str) -> tuple[str, ...]:
    for value in values:
        try:
            ipaddress.IPv4Network(value, strict=False)
        except ValueError as exc:
            raise InputError(
                f"{value!r} is not an IPv4 address or network (a.b.c.d or a.b.c.d/n)", where=where
            ) from exc
    return tuple(values)


def _endpoint(pair: tuple[str, int]) -> str:
    return f"{pair[0]}:{pair[1]}"


def _networks(addresses: tuple[str, ...]) -> str:
    """Kamailio's ``is_in_subnet`` list: every entry as a network."""
    return ",".join(a if "/" in a else f"{a}/32" for a in addresses)


def kamailio_config(plan: EnginePlan, module_dir: str) -> str:
    template = resources.files("homeshore.voice").joinpath("kamailio.cfg.j2").read_text()
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.from_string(template).render(
        secret=plan.secret,
        token=control_token(plan.secret),
        domain=plan.domain,
        events_url=plan.events_url,
        sip_listen=_endpoint(plan.sip_listen),
        ws_listen=_endpoint(plan.ws_listen),
        ws_port=plan.ws_listen[1],
        control_listen=_endpoint(plan.control_listen),
        control_port=plan.control_listen[1],
        rtpengine_ng=_endpoint(plan.rtpengine_ng),
        trunks=_networks(plan.trunks),
        phone_networks=_networks(plan.phone_networks),
        trunk_gateway=_endpoint(plan.trunk_gateway) if plan.trunk_gateway else "",
        caller_id=plan.caller_id,
        answer_timeout_ms=int(plan.answer_timeout_s * 1000),
        max_hold_ms=int(plan.max_hold_s * 1000),
        module_dir=module_dir,
        children=plan.children,
        debug=2,
    )


#: rtpengine's recording directory in a local run's directory
RTP_RECORDINGS = "rtp-recordings"


def rtpengine_args(plan: EnginePlan, binary: str, run_dir: Path) -> list[str]:
    low, high = plan.rtp_ports
    return [
        binary,
        "--config-file=none",
        "--foreground",
        "--log-stderr",
        "--log-level=5",
        "--table=-1",  # userspace forwarding: no kernel module needed
        f"--interface={plan.media_address}",
        f"--listen-ng={_endpoint(plan.rtpengine_ng)}",
        f"--port-min={low}",
        f"--port-max={high}",
        "--num-threads=2",
        "--delete-delay=0",
        "--timeout=60",
        "--silent-timeout=3600",
        f"--pidfile={run_dir / 'rtpengine.pid'}",
        # calls are recorded only when homeshore asks (a queue that records): one pcap per
        # call, written in user space (the other methods need the kernel module)
        f"--recording-dir={run_dir / RTP_RECORDINGS}",
        "--recording-method=pcap",
        "--recording-format=raw",
    ]


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    return next((p for p in _BINARIES[name] if Path(p).is_file()), None)


def kamailio_module_dir() -> str | None:
    for directory in [
        *sorted(glob.glob("/usr/lib/*/kamailio/modules")),
        "/usr/lib/kamailio/modules",
    ]:
        if all(Path(directory, m).is_file() for m in _MODULES):
            return directory
    return None


def missing() -> list[str]:
    """What this machine lacks for voice (empty: voice can run)."""
    lacks = [name for name in _BINARIES if _binary(name) is None]
    if "kamailio" not in lacks and kamailio_module_dir() is None:
        lacks.append("Kamailio modules (" + ", ".join(_MODULES) + ")")
    return lacks


@dataclass
class Engines:
    """The running engines of a local run."""

    plan: EnginePlan
    run_dir: Path
    processes: dict[str, subprocess.Popen[bytes]]

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.processes.values())

    def log(self, name: str) -> str:
        path = self.run_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def running(plan: EnginePlan, run_dir: Path, *, ready_within_s: float = 60.0) -> Iterator[Engines]:
    """Kamailio and rtpengine, started with ``plan``'s configuration in ``run_dir`` (logs
    there too), ready when the block starts and stopped when it ends."""
    lacks = missing()
    if lacks:
        raise InputError(f"voice needs {', '.join(lacks)}: {INSTALL_HINT}", where="--voice")
    run_dir = run_dir.resolve()  # Kamailio works from "/"
    kamailio, rtpengine = _binary("kamailio"), _binary("rtpengine")
    module_dir = kamailio_module_dir()
    assert kamailio and rtpengine and module_dir  # checked by missing()
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / RTP_RECORDINGS).mkdir(exist_ok=True)
    cfg = run_dir / "kamailio.cfg"
    cfg.touch(mode=0o600)
    cfg.chmod(0o600)  # it holds the secret
    cfg.write_text(kamailio_config(plan, module_dir))
    check = subprocess.run(
        [kamailio, "-c", "-f", str(cfg)], capture_output=True, text=True, check=False
    )
    if check.returncode != 0:
        raise InputError(
            f"Kamailio refuses the configuration: {check.stderr[-2000:]}", where=str(cfg)
        )
    commands = {
        "rtpengine": rtpengine_args(plan, rtpengine, run_dir),
        "kamailio": [
            kamailio,
            "-DD",
            "-E",
            "-f",
            str(cfg),
            "-m",
            "64",
            "-M",
            "8",
            "-P",
            str(run_dir / "kamailio.pid"),
            "-Y",
            str(run_dir),
        ],
    }
    engines = Engines(plan, run_dir, {})
    deadline = time.monotonic() + ready_within_s
    try:
        # rtpengine first: Kamailio pings it at start and would leave it unused for a minute
        for name, command in commands.items():
            log = (run_dir / f"{name}.log").open("wb")
            engines.processes[name] = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
            )
            log.close()
            _wait_ready(engines, name, deadline)
        yield engines
    finally:
        engines.stop()


def _stop_with_parent() -> None:
    """Run in an engine's process before it starts: Linux sends it SIGTERM when the thread
    that started it ends, however homeshore ends (even SIGKILL), so no engine outlives the
    run holding its ports. (Engines are started from homeshore's main thread.)"""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _ready(plan: EnginePlan, name: str) -> bool:
    if name == "rtpengine":
        ng = NgClient(plan.rtpengine_ng, timeout_s=0.5)
        try:
            ng.ping()
            return True
        except (NgError, OSError):
            return False
        finally:
            ng.close()
    control = f"http://{_endpoint(plan.control_listen)}/health"
    headers = {"Authorization": f"Bearer {control_token(plan.secret)}"}
    try:
        return httpx.get(control, headers=headers, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_ready(engines: Engines, name: str, deadline: float) -> None:
    """Until ``name`` answers (or stops, or the deadline passes: a clear error)."""
    process = engines.processes[name]
    while not _ready(engines.plan, name):
        if process.poll() is not None:
            raise EngineError(
                f"{name} stopped at start (exit {process.returncode}): {engines.log(name)[-2000:]}"
            )
        if time.monotonic() > deadline:
            raise EngineError(f"{name} did not answer in time; its log: {engines.run_dir}")
        time.sleep(0.05)
