"""The FastAPI application of the live platform.

``create_app`` wires settings, database (migrated at start-up), scenario and schedule
import, crash recovery, the event hub and the housekeeping tick. The web pages (agent
desktop, supervisor console) live in homeshore.web and are served from ``/static`` with
Jinja2 templates available as ``app.state.templates``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from homeshore.api import errors, openapi
from homeshore.api.intake import ContactIntake
from homeshore.api.limits import BodyLimit
from homeshore.api.routes import (
    agents,
    auth,
    callbacks,
    contacts,
    conversations,
    events,
    metrics,
    pages,
    probe,
    quality,
    readiness,
    recordings,
    voice,
)
from homeshore.api.routes import users as users_routes
from homeshore.config import Settings
from homeshore.db.engine import make_engine
from homeshore.db.migrate import upgrade
from homeshore.domain import Scenario, Schedule
from homeshore.readiness.emodel import ReadinessThresholds
from homeshore.readiness.probe_server import ProbeRuns
from homeshore.realtime import hub_from_url
from homeshore.realtime.types import EventHub
from homeshore.services import agents as agent_service
from homeshore.services import recordings as recordings_service
from homeshore.services.auth import Auth
from homeshore.services.clock import Clock, SystemClock
from homeshore.services.importing import import_scenario, import_schedule
from homeshore.services.platform import Platform
from homeshore.voice.link import VoiceLink

log = logging.getLogger("homeshore.api")
WEB_DIR = Path(str(resources.files("homeshore").joinpath("web")))


def create_app(
    settings: Settings,
    scenario: Scenario,
    *,
    schedule: Schedule | None = None,
    clock: Clock | None = None,
    hub: EventHub | None = None,
    thresholds: ReadinessThresholds | None = None,
    run_tick: bool = True,
    after_start: Callable[[], None] | None = None,
    voice_link: VoiceLink | None = None,
) -> FastAPI:
    """An app serving ``scenario``; ``schedule`` (optional) replaces the published one;
    ``after_start`` runs once start-up (migrations, import, recovery) is done.
    ``voice_link`` (or, without it, ``settings.voice``) turns phone calls on: the engines
    must run with the same secret (homeshore.voice.engines)."""
    if voice_link is None and settings.voice:
        voice_link = VoiceLink.from_settings(settings)
    engine = make_engine(
        settings.database_url,
        sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pg_synchronous_commit=settings.pg_synchronous_commit,
    )
    the_hub = hub if hub is not None else hub_from_url(settings.events_url)
    platform = Platform(
        engine=engine,
        hub=the_hub,
        clock=clock or SystemClock(),
        settings=settings,
        scenario=scenario,
        thresholds=thresholds,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upgrade(engine)
        with platform.sessions() as session:
            import_scenario(session, scenario, platform.clock.now())
            if schedule is not None:
                import_schedule(session, scenario, schedule)
            session.commit()
            platform.load_supervisors(session)
        start = getattr(the_hub, "start", None)
        if start is not None:
            await start()
        platform.recover()
        if voice_link is not None:
            await voice_link.start(platform, the_hub)
        if after_start is not None:
            after_start()
        ticker = asyncio.create_task(_tick_forever(platform)) if run_tick else None
        try:
            yield
        finally:
            if ticker is not None:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
            if voice_link is not None:
                await voice_link.stop()
            platform.close()
            stop = getattr(the_hub, "stop", None)
            if stop is not None:
                await stop()
            engine.dispose()

    app = FastAPI(
        title="homeshore live platform",
        version="1",
        description="Routing of calls and chats to site, telecentre and home advisors, with "
        "supervision, help chat and readiness checks. See docs/api.md.",
        lifespan=lifespan,
        # no interactive API pages: they load their scripts from a CDN, which the pages of
        # homeshore never do; /openapi.json serves the schema to any local OpenAPI viewer
        docs_url=None,
        redoc_url=None,
        # no OpenTelemetry: it would look up its providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.platform = platform
    app.state.auth = Auth(platform)
    app.state.probe_runs = ProbeRuns()  # the readiness probe runs the server timed
    app.state.voice = voice_link
    errors.install(app)
    app.add_middleware(ContactIntake)  # the busiest request, without per-route machinery
    # added last, so outermost: no body or websocket message over its limit gets further
    app.add_middleware(BodyLimit, default_bytes=settings.max_body_bytes)
    # the busiest routes first: a request is matched against the routes in this order
    for module in (
        contacts,
        agents,
        events,
        auth,
        users_routes,
        conversations,
        readiness,
        metrics,
        voice,
        quality,
        recordings,
        callbacks,
    ):
        app.include_router(module.router)
    for web_module in (pages, probe):  # the web pages and the readiness probe (homeshore.web)
        app.include_router(web_module.router)
    openapi.install(app)  # the refusals of every operation, in one documented shape
    static = WEB_DIR / "static"
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")
    app.state.templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    return app


#: how often the recordings past their retention period are deleted
PURGE_EVERY_S = 300.0


async def _tick_forever(platform: Platform) -> None:
    loop = asyncio.get_running_loop()
    next_metrics = next_purge = loop.time()
    while True:
        await asyncio.sleep(agent_service.next_tick_in_s(platform))
        try:
            agent_service.tick(platform)
            if loop.time() >= next_purge:
                next_purge = loop.time() + PURGE_EVERY_S
                recordings_service.purge(platform)  # an indexed query; rarely a deletion
            if loop.time() >= next_metrics:
                next_metrics = loop.time() + platform.settings.metrics_every_s
                from homeshore.services.metrics import publish_queue_kpis

                await publish_queue_kpis(platform)
        except Exception:  # keep ticking: one bad tick must not stop offers timing out
            log.exception("tick failed")
