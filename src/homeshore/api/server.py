"""Run the live platform under uvicorn (used by `homeshore serve`)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import uvicorn

from homeshore.api.app import create_app
from homeshore.config import Settings
from homeshore.data.scenario_file import load_scenario
from homeshore.data.schedule_io import read_schedule


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
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "warning",
) -> None:
    settings = Settings()
    scenario = load_scenario(scenario_path)
    schedule = read_schedule(schedule_path, timezone=scenario.timezone) if schedule_path else None
    app = create_app(settings, scenario, schedule=schedule, after_start=tune_interpreter)
    print(
        f"homeshore: serving {scenario.name} on http://{host}:{port} "
        f"(database {redact(settings.database_url)}, events {redact(settings.events_url)})",
        file=sys.stderr,
    )
    # heartbeats are the platform's own; events are small JSON, not worth deflating
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        ws_ping_interval=None,
        ws_per_message_deflate=False,
        access_log=False,
    )
