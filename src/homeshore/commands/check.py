"""`homeshore check --server URL --user U`: the home readiness check from a terminal.

Logs in, times probes over the platform's probe websocket (round trip, jitter, loss), moves
one bulk message each way (bandwidth), acknowledging each stamped message at once so that the
platform times the same run on its own clock. Then it posts the run's probe id with its own
round trips (reported: they can only make the verdict worse); the platform judges its own
measurement (E-model, DOMAIN.md section 4) and stores the verdict for the agent.
Exit status: 0 when home work is allowed (pass or warn), 1 when the check fails, 2 when the
check could not run (bad address, wrong password, not an agent account).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import typer
from rich.console import Console
from rich.table import Table

from homeshore.errors import HomeshoreError, InputError
from homeshore.readiness.setup import ACCESS_KINDS

if TYPE_CHECKING:  # the network clients are imported when the check runs, not at start-up
    import httpx
    from websockets.asyncio.client import ClientConnection

    from homeshore.readiness.probe import ClientRun, ProbePlan

PROBE_WS_PATH = "/api/readiness/probe/ws"


def register(app: typer.Typer) -> None:
    app.command("check")(check)


class _Socket:
    """The probe transport over a websockets client connection."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, text: str) -> None:
        await self.connection.send(text)

    async def receive(self) -> str:
        message = await self.connection.recv()
        return message if isinstance(message, str) else message.decode()


def _base_url(server: str) -> str:
    parts = urlsplit(server.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            "give the platform's address as http://host:port or https://host",
            where=f"--server {server!r}",
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _ws_url(base: str, token: str) -> str:
    parts = urlsplit(base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urlunsplit((scheme, parts.netloc, parts.path + PROBE_WS_PATH, f"token={token}", ""))


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or f"status {response.status_code}"
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return str(body["detail"])
    return f"status {response.status_code}: {str(body)[:200]}"


def _login(client: httpx.Client, user: str, password: str) -> str:
    import httpx

    try:
        response = client.post("/api/auth/login", json={"username": user, "password": password})
    except httpx.HTTPError as exc:
        raise HomeshoreError(f"cannot reach the platform at {client.base_url}: {exc}") from exc
    if response.status_code != 200:
        raise HomeshoreError(f"login as {user!r} refused: {_detail(response)}")
    token: str = response.json()["token"]
    return token


async def _measure(ws_url: str, plan: ProbePlan) -> ClientRun:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus, WebSocketException

    from homeshore.readiness.probe import run_probe

    try:
        async with connect(ws_url, max_size=4 * 1024 * 1024, open_timeout=10) as connection:
            return await run_probe(_Socket(connection), plan, monotonic_s=time.monotonic)
    except InvalidStatus as exc:
        raise HomeshoreError(
            f"the probe connection was refused (HTTP {exc.response.status_code})"
        ) from exc
    except (OSError, WebSocketException, TimeoutError) as exc:
        raise HomeshoreError(f"the probe connection failed: {exc}") from exc


def check(
    server: str = typer.Option(..., "--server", help="Platform address, e.g. http://host:8000."),
    user: str = typer.Option(..., "--user", help="Your advisor account."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        envvar="HOMESHORE_PASSWORD",
        help="Asked when not given (or set HOMESHORE_PASSWORD).",
    ),
    wired: bool | None = typer.Option(
        None, "--wired/--wifi", help="Is the computer on a wired connection?"
    ),
    usb_headset: bool | None = typer.Option(
        None, "--usb-headset/--no-usb-headset", help="Do you use a USB headset?"
    ),
    quiet_room: bool | None = typer.Option(
        None, "--quiet-room/--noisy-room", help="Do you work in a quiet room?"
    ),
    access: str | None = typer.Option(
        None, "--access", help=f"Your internet access: {', '.join(ACCESS_KINDS)}."
    ),
    vpn: bool | None = typer.Option(None, "--vpn/--no-vpn", help="Do you work through a VPN?"),
    count: int = typer.Option(50, min=5, max=1000, help="Number of timed probes."),
    interval_ms: float = typer.Option(100.0, min=0.0, max=5000.0, help="Time between probes."),
    language: str | None = typer.Option(
        None, "--language", help="fr or en for the reasons (default: your account's choice)."
    ),
) -> None:
    """Check a home workstation's connection to the platform and store the verdict."""
    import httpx

    from homeshore.readiness.probe import ProbePlan

    if language is not None and language not in ("fr", "en"):
        raise InputError("use fr or en", where=f"--language {language!r}")
    if access is not None and access not in ACCESS_KINDS:
        raise InputError(f"use one of {', '.join(ACCESS_KINDS)}", where=f"--access {access!r}")
    base = _base_url(server)
    plan = dataclasses.replace(ProbePlan(), count=count, interval_s=interval_ms / 1000.0)
    console = Console()
    headers = {"Accept-Language": language} if language else {}
    with httpx.Client(base_url=base, timeout=30.0, headers=headers) as client:
        token = _login(client, user, password)
        console.print(f"Measuring the connection to {base} ({plan.count} probes)…")
        run = asyncio.run(_measure(_ws_url(base, token), plan))
        if run.probe_id is None:
            raise HomeshoreError("the platform did not name the probe run: is it up to date?")
        body = {
            "probe_id": run.probe_id,
            "probes": [{"seq": p.seq, "rtt_ms": p.rtt_ms} for p in run.probes],
            "probes_per_sample": plan.probes_per_sample,
            "wired": wired,
            "usb_headset": usb_headset,
            "quiet_room": quiet_room,
            "access": access,
            "vpn": vpn,
        }
        response = client.post(
            "/api/readiness/probe", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if response.status_code != 201:
            raise HomeshoreError(f"the platform did not store the check: {_detail(response)}")
        result = response.json()
    _report(console, result)
    if result["check"]["verdict"] == "fail":
        raise typer.Exit(1)


def _report(console: Console, result: dict[str, Any]) -> None:
    summary, stored = result["summary"], result["check"]
    table = Table("measure", "value", title="Home readiness check (measured by the platform)")
    table.add_row("round-trip time", f"{summary['rtt_ms']:.1f} ms")
    table.add_row("jitter", f"{summary['jitter_ms']:.1f} ms")
    table.add_row("loss", f"{summary['loss_pct']:.1f} % ({summary['lost']} of {summary['sent']})")
    kbps = summary["bandwidth_kbps"]
    table.add_row("bandwidth", "not measured" if kbps is None else f"{kbps:,.0f} kbit/s")
    reported = result.get("reported")
    if reported:
        table.add_row("round trip timed here", f"{reported['rtt_ms']:.1f} ms (reported)")
    table.add_row("R factor", f"{stored['r_factor']:.1f}")
    table.add_row("MOS", f"{stored['mos']:.2f}")
    console.print(table)
    colour = {"pass": "green", "warn": "yellow", "fail": "red"}[stored["verdict"]]
    console.print(
        f"verdict: [bold {colour}]{stored['verdict']}[/] (stored for {stored['agent_id']})"
    )
    if result.get("judged_on") == "reported":
        console.print("  (this computer's own figures were worse: the verdict rests on them)")
    for reason in result["reasons"]:
        console.print(f"  - {reason}")
