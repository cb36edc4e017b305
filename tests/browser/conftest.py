"""End-to-end harness: the real app under uvicorn on a free loopback port (SQLite in a temp
dir, real clock, housekeeping tick on), Debian's Chromium driven by Playwright, and an
HTTP client acting for the telephony / chat-widget side (the admin integration account).

Screenshots go to test-artifacts/browser/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from homeshore.api.app import create_app
from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.services.platform import Platform
from tests.services.support import PASSWORD, make_users, mini_scenario
from tests.web.live_server import admin_client, serve, web_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
#: how long a browser test waits for a condition before it fails: generous, since a test
#: waits for the condition, not for the time (a busy machine only makes it later)
WAIT_S = 60.0
expect.set_options(timeout=int(WAIT_S * 1000))


def _schedule(now: dt.datetime) -> Schedule:
    """a1 works now (site, legal chats); a2 only from tomorrow (outside hours now)."""
    start = now.replace(second=0, microsecond=0) - dt.timedelta(hours=1)

    def seg(agent: str, begin_h: float, end_h: float, activity: Activity) -> ScheduleSegment:
        return ScheduleSegment(
            agent_id=agent,
            start=start + dt.timedelta(hours=begin_h),
            end=start + dt.timedelta(hours=end_h),
            activity=activity,
            location=WorkMode.SITE,
            site="lyon",
            queue="legal" if activity is Activity.WORK else None,
        )

    return Schedule.of(
        [
            seg("a1", -0.5, 0.0, Activity.TRAINING),
            seg("a1", 0.0, 3.0, Activity.WORK),
            seg("a1", 3.0, 3.25, Activity.BREAK),
            seg("a1", 3.25, 5.0, Activity.WORK),
            seg("a2", 26.0, 30.0, Activity.WORK),
        ]
    )


@dataclass
class Server:
    base_url: str
    platform: Platform
    api: httpx.Client  # the admin integration account (telephony / chat widget side)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def new_chat(self, customer_ref: str) -> dict[str, Any]:
        r = self.api.post("/api/contacts", json={"queue_id": "legal", "customer_ref": customer_ref})
        assert r.status_code == 201, r.text
        contact: dict[str, Any] = r.json()
        return contact

    def customer_conversation(self, contact_id: int) -> int:
        conversations = self.api.get(f"/api/conversations?contact_id={contact_id}").json()
        return int(next(c["id"] for c in conversations if c["kind"] == "customer"))

    def customer_says(self, contact_id: int, body: str) -> None:
        conv = self.customer_conversation(contact_id)
        r = self.api.post(f"/api/conversations/{conv}/messages", json={"body": body})
        assert r.status_code == 201, r.text

    def messages(self, contact_id: int) -> list[dict[str, Any]]:
        conv = self.customer_conversation(contact_id)
        result: list[dict[str, Any]] = self.api.get(f"/api/conversations/{conv}/messages").json()
        return result


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """One platform per test module; a module may set ``SETTINGS = {...}`` to change it,
    and ``SCHEDULE`` (a function of now) to publish another schedule."""
    db = tmp_path_factory.mktemp("browser") / "live.db"
    now = dt.datetime.now(dt.UTC)
    overrides = getattr(request.module, "SETTINGS", {})
    schedule = getattr(request.module, "SCHEDULE", _schedule)(now)
    app = create_app(web_settings(db, **overrides), mini_scenario(), schedule=schedule)
    with serve(app) as base:
        platform: Platform = app.state.platform
        make_users(platform)
        with admin_client(base, WAIT_S) as api:
            yield Server(base, platform, api)


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but no Chromium at {CHROMIUM}")
    pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium; CI=true makes this fail)")


@dataclass
class Requests:
    """Every URL the browser asked for, to prove nothing leaves the platform."""

    urls: list[str] = field(default_factory=list)

    def outside(self, base_url: str) -> list[str]:
        host = urlsplit(base_url).netloc
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != host
        ]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def requests_seen(server: Server) -> Iterator[Requests]:
    seen = Requests()
    yield seen
    assert seen.urls, "the browser asked for nothing"
    assert not seen.outside(server.base_url), seen.outside(server.base_url)


def _console(message: Any, username: str | None, errors: list[str]) -> None:
    """Script errors fail the test; an API refusal the page shows to the user, or a failed
    reconnection while the network is down, does not."""
    if message.type != "error":
        return
    if "/api/" in str(message.location.get("url", "")) or "status of 4" in message.text:
        return
    if "WebSocket connection to" in message.text:  # expected while the network is down
        return
    errors.append(f"{username}: {message.text}")


@pytest.fixture
def open_page(browser: Any, server: Server, requests_seen: Requests) -> Iterator[Any]:
    """``open_page(user, path, locale)``: a fresh browser context logged in through the form."""
    contexts: list[Any] = []
    errors: list[str] = []

    def opener(username: str | None, path: str, locale: str = "fr-FR") -> Any:
        context = browser.new_context(
            locale=locale, viewport={"width": 1280, "height": 900}, base_url=server.base_url
        )
        context.set_default_timeout(WAIT_S * 1000)
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: requests_seen.urls.append(request.url))
        page.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
        page.on("console", lambda msg: _console(msg, username, errors))
        if username is not None:
            page.goto(f"/login?next={path}")
            page.get_by_label("Identifiant").or_(page.get_by_label("User name")).fill(username)
            page.get_by_label("Mot de passe").or_(page.get_by_label("Password")).fill(PASSWORD)
            page.keyboard.press("Enter")
            # the path itself: a "**/path" pattern also matches "/login?next=/path", and the
            # page could then be checked before the form's navigation ran its scripts
            page.wait_for_url(lambda url: urlsplit(url).path == path.split("?")[0])
        else:
            page.goto(path)
        page.wait_for_load_state("networkidle")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not errors, errors
