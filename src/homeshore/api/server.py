"""Run the live platform under uvicorn (used by `homeshore serve`)."""

from __future__ import annotations

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
    app = create_app(settings, scenario, schedule=schedule)
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
