"""The FastAPI application of the live platform.

``create_app`` wires settings, database (migrated at start-up), scenario and schedule
import, crash recovery, the event hub and the housekeeping tick. The web pages (agent
desktop, supervisor console) live in homeshore.web and are served from ``/static`` with
Jinja2 templates available as ``app.state.templates``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine, select

from homeshore.api import errors, openapi
from homeshore.api.forward import Forward, Upstream
from homeshore.api.intake import ContactIntake
from homeshore.api.limits import BodyLimit
from homeshore.api.routes import (
    agents,
    audit,
    auth,
    callbacks,
    contacts,
    conversations,
    events,
    health,
    intraday,
    metrics,
    pages,
    probe,
    quality,
    readiness,
    recordings,
    schedule_requests,
    voice,
)
from homeshore.api.routes import users as users_routes
from homeshore.api.standby import RouterRole
from homeshore.config import Settings
from homeshore.db.engine import make_engine
from homeshore.db.migrate import upgrade
from homeshore.db.tables import ForecastIntervalRow
from homeshore.domain import Scenario, Schedule
from homeshore.errors import InputError
from homeshore.readiness.emodel import ReadinessThresholds
from homeshore.readiness.probe_server import ProbeRuns
from homeshore.realtime import hub_from_url
from homeshore.realtime.types import EventHub
from homeshore.services import agents as agent_service
from homeshore.services import recordings as recordings_service
from homeshore.services import retention as retention_service
from homeshore.services.auth import Auth
from homeshore.services.clock import Clock, SystemClock
from homeshore.services.importing import import_scenario, import_schedule
from homeshore.services.lease import LeaseLost, RouterLease
from homeshore.services.platform import Platform
from homeshore.voice.link import VoiceLink

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("homeshore.api")
WEB_DIR = Path(str(resources.files("homeshore").joinpath("web")))


def create_app(
    settings: Settings,
    scenario: Scenario,
    *,
    schedule: Schedule | None = None,
    forecast: pd.DataFrame | None = None,
    clock: Clock | None = None,
    hub: EventHub | None = None,
    thresholds: ReadinessThresholds | None = None,
    run_tick: bool = True,
    after_start: Callable[[], None] | None = None,
    voice_link: VoiceLink | None = None,
    node_url: str | None = None,
) -> FastAPI:
    """An app serving ``scenario``; ``schedule`` (optional) replaces the published one,
    ``forecast`` (FORECAST_COLUMNS, optional) the stored forecast of its queues and days;
    ``after_start`` runs once start-up (migrations, import, recovery) is done.
    ``voice_link`` (or, without it, ``settings.voice``) turns phone calls on: the engines
    must run with the same secret (homeshore.voice.engines). ``node_url``: where the
    other processes of a deployment reach this one (settings.node_url first)."""
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

    lease = _lease(settings, engine, node_url)
    role = RouterRole(lease, platform.clock, poll_s=settings.lease_poll_s)
    if lease is not None:
        platform.fence = _fenced(lease, role)
    routing: dict[str, asyncio.Task[None] | None] = {}
    upstream = Upstream()  # a standby's client to the routing process

    def migrate() -> None:
        upgrade(engine)

    async def start_routing() -> None:
        """Scenario and schedule, the router's memory from the database, the tick."""
        with platform.sessions() as session:
            import_scenario(session, scenario, platform.clock.now())
            if schedule is not None:
                import_schedule(session, scenario, schedule, at=platform.clock.now())
            if forecast is not None:
                from homeshore.services.intraday import import_forecast

                import_forecast(session, scenario, forecast)
            first = session.scalar(select(ForecastIntervalRow.start).limit(1))
            platform.intraday_on = first is not None  # a forecast: re-forecast the day
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
        routing["ticker"] = asyncio.create_task(_tick_forever(platform)) if run_tick else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watcher = None
        if lease is None:
            migrate()
            await start_routing()
        else:  # lead if the lease is free, else stand by (forward) and poll for it
            leads = await role.try_lead(migrate, start_routing)
            if not leads and voice_link is not None:
                # the telephony engines report to this process: it must be the one routing
                lease.release()
                engine.dispose()
                raise InputError(
                    "another process routes on this database: a process with voice must "
                    "route (stop the other one, or start this one first)",
                    where="--voice",
                )
            watcher = asyncio.create_task(role.watch(migrate, start_routing))
        try:
            yield
        finally:
            for task in (watcher, routing.get("ticker")):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if "ticker" in routing:  # this process routed
                if voice_link is not None:
                    await voice_link.stop()
                platform.close()
                stop = getattr(the_hub, "stop", None)
                if stop is not None:
                    await stop()
            await upstream.aclose()
            if lease is not None:
                lease.release()
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
    app.state.role = role
    errors.install(app)
    app.add_middleware(ContactIntake)  # the busiest request, without per-route machinery
    app.add_middleware(  # a standby forwards
        Forward, role=role, upstream=upstream, allowed_origins=settings.allowed_origins
    )
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
        health,
        audit,
        intraday,
        schedule_requests,
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


def _lease(settings: Settings, engine: Engine, node_url: str | None) -> RouterLease | None:
    """The router lease this process takes part in, if any (settings.router_lease; a
    process with voice takes part too, and must lead: see the lifespan)."""
    on_postgres = engine.dialect.name == "postgresql"
    wanted = settings.router_lease == "on" or (settings.router_lease == "auto" and on_postgres)
    if not wanted:
        return None
    if not on_postgres:
        raise InputError(
            "the router lease needs PostgreSQL (several processes share one database)",
            where="HOMESHORE_ROUTER_LEASE",
        )
    return RouterLease(engine, settings.node_url or node_url or "http://127.0.0.1:8000")


def _fenced(lease: RouterLease, role: RouterRole) -> Callable[[Connection], None]:
    """The commits' fence: a commit after the lease moved is refused, and the process
    stops routing (homeshore.api.standby)."""

    def fence(conn: Connection) -> None:
        try:
            lease.fence(conn)
        except LeaseLost as exc:
            role.lost(exc.reason)
            raise

    return fence


#: how often the recordings past their retention period are deleted
PURGE_EVERY_S = 300.0


async def _logged(work: Awaitable[object], what: str) -> object:
    """Run a background step; a failure is logged, and the next tick tries again."""
    try:
        return await work
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("%s failed", what)
        return None


async def _intraday(platform: Platform) -> object:
    """Re-forecast the day and post offers (homeshore.services.intraday); its libraries are
    imported off the event loop the first time."""
    module = await asyncio.to_thread(importlib.import_module, "homeshore.services.intraday")
    return await module.refresh(platform)


async def _tick_forever(platform: Platform) -> None:
    loop = asyncio.get_running_loop()
    next_metrics = next_purge = next_retention = next_intraday = loop.time()
    retention: asyncio.Task[object] | None = None
    intraday_task: asyncio.Task[object] | None = None
    while True:
        await asyncio.sleep(agent_service.next_tick_in_s(platform))
        try:
            agent_service.tick(platform)
            if loop.time() >= next_purge:
                next_purge = loop.time() + PURGE_EVERY_S
                recordings_service.purge(platform)  # an indexed query; rarely a deletion
            if loop.time() >= next_retention and (retention is None or retention.done()):
                next_retention = loop.time() + retention_service.EVERY_S
                retention = retention_service.start_purge(platform)  # off the loop
            if (
                platform.intraday_on
                and loop.time() >= next_intraday
                and (intraday_task is None or intraday_task.done())
            ):
                next_intraday = loop.time() + platform.settings.intraday_every_s
                intraday_task = asyncio.create_task(_logged(_intraday(platform), "intraday"))
            if loop.time() >= next_metrics:
                next_metrics = loop.time() + platform.settings.metrics_every_s
                from homeshore.services.metrics import publish_queue_kpis

                await publish_queue_kpis(platform)
        except Exception:  # keep ticking: one bad tick must not stop offers timing out
            log.exception("tick failed")
