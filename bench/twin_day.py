"""A digital-twin day on the live platform (bench/intraday_peak.py): the platform runs
in-process on a manual clock, as the API tests run it (create_app, TestClient, SQLite in a
temporary folder), and a discrete-event loop plays the centre's day against its API.

- Customers: each drawn contact is posted at its arrival time (``POST /api/contacts``)
  and abandons at its drawn patience if still waiting (``POST /api/contacts/{id}/abandon``).
- Advisors: each opens the event websocket (going available needs one), reads its day on
  the desk (``GET /api/pages/agent``), goes available where the schedule has it working
  and on break or offline otherwise (``POST /api/agents/{id}/state``), accepts every
  contact the router offers it at once, ends it after its drawn handle time and wraps up.
  The router's offers are read from the platform's memory, where the desk learns of
  them through the websocket.
- The platform's housekeeping tick (routing rechecks, schedules starting and ending),
  which a server runs every ``tick_s``, runs when a recheck falls due and at every edge
  of a shift.
- Offers on (``intraday_offers=auto``): ``POST /api/intraday/refresh`` every
  ``refresh_min`` minutes; each recipient of an offer accepts with probability
  ``p_accept`` at a uniform time before its deadline, then reads its new day on the desk.
  Offers off (``manual``, nobody posts): no refresh, which would only compute the
  console's view.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import re
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from homeshore.api.app import create_app
from homeshore.config import Settings
from homeshore.domain import Scenario, Schedule
from homeshore.services.agents import tick
from homeshore.services.auth import create_user
from homeshore.services.clock import ManualClock
from homeshore.services.schedule_changes import stored_schedule
from homeshore.services.scope import Role

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's test client says once that it uses httpx
    from starlette.testclient import TestClient

PASSWORD = "digital twin password"
ADMIN = "admin"
#: event kinds, in the order they run at the same instant
SHIFT, END, REPLY, ARRIVE, ABANDON, TICK, REFRESH = range(7)


@dataclass(frozen=True)
class Calls:
    """The day's contacts, by arrival: epoch seconds, queue, handle time and patience."""

    at_s: np.ndarray
    queue: np.ndarray
    handle_s: np.ndarray
    patience_s: np.ndarray


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float
    activity: str
    location: str


@dataclass(frozen=True)
class View:
    """What one refresh showed: the day's level per queue, the advisor-hours short in the
    intervals ahead (the gap's positive part) and the extra-time places it proposed."""

    at: dt.datetime
    levels: dict[str, float]
    short_h: float
    places: int


@dataclass
class DayResult:
    kpis: list[dict[str, Any]]  # GET /api/metrics/queues at the end of the day
    offers: list[dict[str, Any]]  # GET /api/intraday/offers?all=true
    schedule: Schedule  # the published schedule at the end of the day, from the database
    posted: int  # contacts posted
    refusals: Counter[str] = field(default_factory=Counter)  # state changes answered 409
    replies: Counter[str] = field(default_factory=Counter)  # offer replies: status and who
    views: list[View] = field(default_factory=list)  # offers on: each refresh's
    posted_at: dict[int, dt.datetime] = field(default_factory=dict)  # offer id -> when
    refresh_s: list[float] = field(default_factory=list)  # wall time of each refresh
    wall_s: float = 0.0


def twin_settings(db: Path, *, offers: bool, **overrides: Any) -> Settings:
    """The platform's settings for a day on a manual clock: sessions and websockets that
    outlive the day (nothing sends heartbeats), cheap password hashing."""
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db}",
        "events_url": "memory://",
        "session_ttl_s": 2 * 86_400.0,
        "heartbeat_s": 3_600.0,
        "disconnect_after_s": 2 * 86_400.0,
        "password_time_cost": 1,
        "password_memory_kib": 64,
        "router_lease": "off",
        "intraday_offers": "auto" if offers else "manual",
    }
    values.update(overrides)
    return Settings(**values)


class Twin:
    """One day of one arm: the platform, its advisors and customers, and the event heap."""

    def __init__(
        self,
        client: TestClient,
        clock: ManualClock,
        calls: Calls,
        *,
        offers: bool,
        p_accept: float,
        rng: np.random.Generator,
    ) -> None:
        self.client, self.clock, self.calls = client, clock, calls
        self.p = client.app.state.platform  # type: ignore[attr-defined]
        self.offers, self.p_accept, self.rng = offers, p_accept, rng
        self.tokens: dict[str, dict[str, str]] = {}
        self.heap: list[tuple[float, int, int, Any]] = []
        self.seq = 0
        self.ticks: set[float] = set()
        self.day: dict[str, list[Segment]] = {}
        self.version: dict[str, int] = {}
        self.call_of: dict[int, int] = {}  # contact id -> index in calls
        self.accepted: set[int] = set()
        self.posted_at: dict[int, dt.datetime] = {}  # offer id -> the refresh that posted it
        self.refusals: Counter[str] = Counter()
        self.replies: Counter[str] = Counter()
        self.views: list[View] = []
        self.refresh_s: list[float] = []

    # -- the API, as each user ---------------------------------------------------------

    def login(self, user: str) -> str:
        r = self.client.post("/api/auth/login", json={"username": user, "password": PASSWORD})
        _ok(r, "login")
        token: str = r.json()["token"]
        self.tokens[user] = {"Authorization": f"Bearer {token}"}
        return token

    def post(self, user: str, path: str, body: Any = None) -> Any:
        return self.client.post(path, json=body, headers=self.tokens[user])

    def get(self, user: str, path: str) -> Any:
        r = self.client.get(path, headers=self.tokens[user])
        _ok(r, path)
        return r.json()

    # -- the event heap ----------------------------------------------------------------

    def at(self, t_s: float, kind: int, data: Any = None) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t_s, kind, self.seq, data))

    def tick_at(self, t_s: float) -> None:
        if t_s not in self.ticks:
            self.ticks.add(t_s)
            self.at(t_s, TICK)

    def run(self, opening: tuple[float, float], refresh_min: float) -> None:
        for i, t_s in enumerate(self.calls.at_s):
            self.at(float(t_s), ARRIVE, i)
        t_s = opening[0]
        while self.offers and t_s < opening[1]:
            self.at(t_s, REFRESH)
            t_s += refresh_min * 60
        handlers: dict[int, Callable[[Any], None]] = {
            SHIFT: self.shift,
            END: self.end,
            REPLY: self.reply,
            ARRIVE: self.arrive,
            ABANDON: self.abandon,
            TICK: lambda _: self.client.portal.call(tick, self.p),  # type: ignore[union-attr]
            REFRESH: self.refresh,
        }
        while self.heap:
            t_s, kind, _, data = heapq.heappop(self.heap)
            self.clock.set(dt.datetime.fromtimestamp(t_s, dt.UTC))
            if kind == TICK:
                self.ticks.discard(t_s)
            handlers[kind](data)
            self.take_offered()
            due = self.p.waiting.next_due_s()
            if due is not None:
                self.tick_at(max(due, t_s))

    # -- customers -------------------------------------------------------------------

    def arrive(self, i: int) -> None:
        r = self.post(
            ADMIN, "/api/contacts", {"queue_id": self.calls.queue[i], "customer_ref": "twin"}
        )
        _ok(r, "contact")
        cid = int(r.json()["id"])
        self.call_of[cid] = i
        self.at(float(self.calls.at_s[i] + self.calls.patience_s[i]), ABANDON, cid)

    def abandon(self, cid: int) -> None:
        contact = self.p.contacts.get(cid)
        if contact is not None and contact.state == "queued":
            _ok(self.post(ADMIN, f"/api/contacts/{cid}/abandon"), "abandon")

    # -- advisors --------------------------------------------------------------------

    def start(self, agents: list[str]) -> contextlib.ExitStack:
        """Log every advisor in, open its websocket and read its day on the desk."""
        stack = contextlib.ExitStack()
        for agent in agents:
            token = self.login(agent)
            stack.enter_context(self.client.websocket_connect(f"/api/ws?token={token}"))
            self.read_day(agent)
        return stack

    def read_day(self, agent: str) -> None:
        """The advisor's day as its desk shows it; its shift edges to come go on the heap."""
        desk = self.get(agent, "/api/pages/agent")
        self.day[agent] = [
            Segment(
                dt.datetime.fromisoformat(s["start"]).timestamp(),
                dt.datetime.fromisoformat(s["end"]).timestamp(),
                s["activity"],
                s["location"],
            )
            for s in desk["schedule"]
        ]
        self.version[agent] = self.version.get(agent, 0) + 1
        now_s = self.clock.now().timestamp()
        for t_s in sorted({t for s in self.day[agent] for t in (s.start_s, s.end_s)}):
            if t_s >= now_s:
                self.at(t_s, SHIFT, (agent, self.version[agent]))
                self.tick_at(t_s)

    def wanted(self, agent: str) -> tuple[str, str | None]:
        """Available where the schedule has the advisor working now; on break between two
        parts of its day; offline before and after."""
        now_s = self.clock.now().timestamp()
        segments = self.day.get(agent, [])
        for s in segments:
            if s.start_s <= now_s < s.end_s and s.activity == "work":
                return "available", s.location
        work = [s for s in segments if s.activity == "work"]
        if any(s.end_s <= now_s for s in work) and any(s.start_s > now_s for s in work):
            return "break", None
        return "offline", None

    def shift(self, data: tuple[str, int]) -> None:
        agent, version = data
        if version == self.version[agent]:
            self.follow(agent)

    def follow(self, agent: str) -> None:
        """Go where the schedule says, unless a contact is in hand (the wrap-up decides)."""
        live = self.p.agents[agent]
        if live.holds() or live.offered:
            return
        state, where = self.wanted(agent)
        location = live.location.value if live.location else None
        if live.state.value == state and (state != "available" or location == where):
            return
        body = {"state": state} | ({"location": where} if where else {})
        r = self.post(agent, f"/api/agents/{agent}/state", body)
        if r.status_code == 409:
            self.refusals[r.json().get("detail", r.text)[:80]] += 1
        else:
            _ok(r, "state")

    def take_offered(self) -> None:
        """Every advisor accepts at once the contacts the router offers it."""
        for agent, live in self.p.agents.items():
            for cid in sorted(live.offered - self.accepted):
                _ok(self.post(agent, f"/api/contacts/{cid}/accept"), "accept")
                self.accepted.add(cid)
                end_s = self.clock.now().timestamp() + float(self.calls.handle_s[self.call_of[cid]])
                self.at(end_s, END, (agent, cid))

    def end(self, data: tuple[str, int]) -> None:
        agent, cid = data
        _ok(self.post(agent, f"/api/contacts/{cid}/complete"), "complete")
        state, _ = self.wanted(agent)
        body = {"disposition": "done", "next_state": state}
        _ok(self.post(agent, f"/api/contacts/{cid}/wrap-up", body), "wrap-up")
        self.follow(agent)

    # -- the day itself --------------------------------------------------------------

    def refresh(self, _: Any) -> None:
        t0 = time.perf_counter()
        r = self.post(ADMIN, "/api/intraday/refresh")
        _ok(r, "refresh")
        self.refresh_s.append(time.perf_counter() - t0)
        view = r.json()
        now = self.clock.now()
        ahead = [g for g in view["gap"] if dt.datetime.fromisoformat(g["start"]) > now]
        self.views.append(
            View(
                now,
                {q["queue_id"]: q["level"] for q in view["queues"]},
                sum(max(0.0, g["gap"]) * g["interval_min"] / 60 for g in ahead),
                sum(x["places"] for x in view["proposals"] if x["kind"] == "extra"),
            )
        )
        for offer in self.get(ADMIN, "/api/intraday/offers"):
            if offer["offer_id"] in self.posted_at:
                continue
            self.posted_at[offer["offer_id"]] = now
            deadline_s = dt.datetime.fromisoformat(offer["deadline"]).timestamp()
            for who in offer["recipients"]:
                if self.rng.random() < self.p_accept:
                    when = self.rng.uniform(now.timestamp(), deadline_s)
                    self.at(when, REPLY, (offer["offer_id"], who["agent_id"], offer["kind"]))

    def reply(self, data: tuple[int, str, str]) -> None:
        offer_id, agent, kind = data
        live = self.p.agents[agent]
        at_work = "not logged in" if live.state.value == "offline" else "logged in"
        r = self.post(agent, f"/api/intraday/offers/{offer_id}/reply", {"accept": True})
        if r.status_code == 409:
            why = re.sub(r"offer \d+ ", "", str(r.json().get("detail", "")))
            self.replies[f"{kind} 409 {why[:60]}"] += 1
            return
        _ok(r, "reply")
        self.replies[f"{kind} accepted ({at_work})"] += 1
        self.read_day(agent)
        self.follow(agent)


def _ok(r: Any, what: str) -> None:
    if r.status_code >= 300:
        raise RuntimeError(f"{what}: HTTP {r.status_code} {r.text[:300]}")


def run_day(
    scenario: Scenario,
    roster: Schedule,
    forecast: pd.DataFrame,
    calls: Calls,
    *,
    day: dt.date,
    offers: bool,
    p_accept: float,
    rng: np.random.Generator,
    refresh_min: float,
) -> DayResult:
    """Play one day on a fresh platform (SQLite in a temporary folder, in memory when the
    machine has /dev/shm) and read back the platform's KPIs, offers and schedule."""
    t0 = time.perf_counter()
    zone = scenario.timezone
    midnight = pd.Timestamp(day).tz_localize(zone).to_pydatetime()
    opening = _opening(scenario, day, midnight.timestamp())
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        clock = ManualClock(midnight + dt.timedelta(hours=6))
        settings = twin_settings(Path(tmp) / "twin.db", offers=offers)
        app = create_app(
            settings, scenario, schedule=roster, forecast=forecast, clock=clock, run_tick=False
        )
        with TestClient(app) as client:
            platform = client.app.state.platform  # type: ignore[attr-defined]
            agents = [a.id for a in scenario.agents]
            create_user(platform, username=ADMIN, password=PASSWORD, role=Role.ADMIN)
            for agent in agents:
                create_user(
                    platform, username=agent, password=PASSWORD, role=Role.AGENT, agent_id=agent
                )
            twin = Twin(client, clock, calls, offers=offers, p_accept=p_accept, rng=rng)
            twin.login(ADMIN)
            with twin.start(agents):
                twin.run(opening, refresh_min)
                kpis = twin.get(ADMIN, "/api/metrics/queues")
                offered = twin.get(ADMIN, "/api/intraday/offers?all=true")
            with platform.sessions() as session:
                final = stored_schedule(session)
    return DayResult(
        kpis,
        offered,
        final,
        len(calls.at_s),
        twin.refusals,
        twin.replies,
        twin.views,
        twin.posted_at,
        twin.refresh_s,
        time.perf_counter() - t0,
    )


def _opening(scenario: Scenario, day: dt.date, midnight_s: float) -> tuple[float, float]:
    """The first opening and last closing of the day's queues, epoch seconds."""
    minutes = [
        m
        for q in scenario.queues
        for m in range(0, 24 * 60, 15)
        if q.opening_hours.is_open(day.weekday(), m)
    ]
    return midnight_s + min(minutes) * 60, midnight_s + (max(minutes) + 15) * 60
