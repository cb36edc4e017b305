"""Run the live platform under uvicorn (used by `homeshore serve`)."""

from __future__ import annotations

import contextlib
import gc
import sys
from pathlib import Path
from typing import Any

import uvicorn

from homeshore.api.app import create_app
from homeshore.api.limits import largest_message_bytes
from homeshore.config import Settings
from homeshore.data.scenario_file import load_scenario
from homeshore.data.schedule_io import read_schedule
from homeshore.errors import InputError
from homeshore.voice import engines
from homeshore.voice.link import VoiceLink
from homeshore.voice.music import write_dropped_message, write_hold_music
from homeshore.voice.recorder import Recorder


def redact(url: str) -> str:
    """A database or hub URL without its credentials, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def tune_interpreter() -> None:
    """Keep the interpreter from pausing a busy server (called once start-up is done).

    The cyclic garbage collector's default thresholds (a young collection every 700 net
    allocations, an older one every 10) make it scan the long-lived objects (websockets,
    router memory) many times a second; with bench/ops_load.py at 500 contacts/s that
    meant p99 creation->offer of about 400 ms instead of about 55 ms. What start-up built
    is frozen out of the scans; young collections run every 50,000 allocations and full
    ones rarely. Memory freed by reference counting (nearly all of it) is unaffected."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    # the commit thread needs the interpreter lock for a moment between its round trips to
    # the database; by default a busy event loop keeps it up to 5 ms each time, which made
    # a commit take 13-15 ms instead of 5-7 ms at 500 contacts/s (bench/ops_load.py)
    sys.setswitchinterval(0.001)


def run(
    scenario_path: Path,
    schedule_path: Path | None,
    *,
    forecast_path: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "warning",
    voice: bool = False,
    voice_dir: Path = Path("out/voice"),
) -> None:
    settings = Settings()
    scenario = load_scenario(scenario_path)
    schedule = read_schedule(schedule_path, timezone=scenario.timezone) if schedule_path else None
    forecast = None
    if forecast_path is not None:
        from homeshore.commands.staff import read_table

        forecast = read_table(forecast_path, scenario.timezone)
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    with contextlib.ExitStack() as stack:
        link = None
        if voice or settings.voice:
            link = _start_voice(stack, settings, voice_dir, f"http://{local}:{port}")
        else:
            print(VOICE_OFF, file=sys.stderr)
        app = create_app(
            settings,
            scenario,
            schedule=schedule,
            forecast=forecast,
            after_start=tune_interpreter,
            voice_link=link,
            node_url=f"http://{local}:{port}",
        )
        print(
            f"homeshore: serving {scenario.name} on http://{host}:{port} "
            f"(database {redact(settings.database_url)}, events {redact(settings.events_url)})",
            file=sys.stderr,
        )
        _serve(
            app,
            host,
            port,
            log_level,
            largest_message_bytes(settings.max_body_bytes),
            **proxy_options(settings),
        )


VOICE_OFF = (
    "homeshore: voice is off (calls are records only). To answer phone calls in the "
    "browser: `homeshore serve --voice` with Kamailio and rtpengine installed "
    f"({engines.INSTALL_HINT}); see docs/voice.md"
)


def _start_voice(
    stack: contextlib.ExitStack, settings: Settings, run_dir: Path, homeshore_url: str
) -> VoiceLink:
    """Kamailio and rtpengine for a local run, configured from the settings."""
    lacks = engines.missing()
    if lacks:
        raise InputError(
            f"voice needs {', '.join(lacks)}; install: {engines.INSTALL_HINT}", where="--voice"
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    link = VoiceLink.from_settings(
        settings,
        hold_music=write_hold_music((run_dir / "hold.wav").resolve()),
        dropped_message=write_dropped_message((run_dir / "dropped.wav").resolve()),
    )
    link.recorder = Recorder.for_run(link.ng, settings, run_dir)
    plan = engines.EnginePlan.from_settings(settings, link.secret, homeshore_url)
    running = stack.enter_context(engines.running(plan, run_dir))
    print(
        f"homeshore: voice on: trunk SIP udp:{plan.sip_listen[0]}:{plan.sip_listen[1]} "
        f"(from {', '.join(plan.trunks)}), advisors {link.ws_url}, "
        f"engines' logs in {running.run_dir}",
        file=sys.stderr,
    )
    return link


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for X-Forwarded-For/-Proto: believed only from the trusted proxies
    (uvicorn's own default believes any loopback peer, so a client on the machine, or a
    proxy that passes the header on, could pose as any address)."""
    trusted = list(settings.trusted_proxies)
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted}


def _serve(
    app: object,
    host: str,
    port: int,
    log_level: str,
    ws_max_size: int,
    *,
    proxy_headers: bool,
    forwarded_allow_ips: list[str],
) -> None:
    # heartbeats are the platform's own; events are small JSON, not worth deflating
    uvicorn.run(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        ws_ping_interval=None,
        ws_per_message_deflate=False,
        # no frame larger than the largest message a route takes (the app checks each
        # route's own limit, homeshore.api.limits); a larger one is closed with 1009
        ws_max_size=ws_max_size,
        access_log=False,
        # stopping (SIGTERM) waits this long for open connections, then closes them: the
        # engines and the database are released in bounded time
        timeout_graceful_shutdown=10,
    )
