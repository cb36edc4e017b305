"""The live platform's shared state: database, event hub, clock, scenario and router memory.

Use cases (the other modules of this package) run inside :meth:`Platform.transaction`
(group commit, ``commit.py``): rows and router memory change together, events are appended
to the log in the same commit and published to the hub after it. If a commit fails,
memory is rebuilt from the database, so the database stays the one source of truth (and a
restart recovers it).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from homeshore.config import Settings
from homeshore.db.engine import make_sessionmaker
from homeshore.db.tables import (
    AgentRow,
    ContactRow,
    ConversationRow,
    EventRow,
    QueueRow,
    ReadinessCheckRow,
    ScheduleSegmentRow,
    TeamRow,
    UserRow,
)
from homeshore.domain import Activity, Channel, Queue, Scenario, WorkMode
from homeshore.readiness.emodel import ReadinessThresholds
from homeshore.readiness.setup import SetUp
from homeshore.realtime.types import Event, EventHub
from homeshore.routing import AgentState as RouteState
from homeshore.routing import AgentView, IdleIndex, Router, build_policy, recheck_delays_s
from homeshore.services.clock import Clock
from homeshore.services.commit import GroupCommit
from homeshore.services.live import LiveAgent, LiveContact, WaitingLine
from homeshore.services.socket_sessions import SocketSessions
from homeshore.services.states import ROUTABLE, AgentState
from homeshore.services.tx import (
    CONTACT_COLUMNS,
    UPDATE_AGENT,
    UPDATE_CONTACT,
    Tx,
)

if TYPE_CHECKING:
    from homeshore.services.intraday import View as IntradayView

log = logging.getLogger(__name__)
OPEN_CONTACT_STATES = ("queued", "offered", "active", "wrap_up")
#: contact ids taken from the PostgreSQL sequence in one round trip
ID_BLOCK = 1000
_RESERVE_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('contacts', 'id')) FROM generate_series(1, :n)"
)
_MAX_ID = select(func.max(ContactRow.id))


@dataclass(frozen=True, slots=True)
class PlannedSegment:
    start: dt.datetime
    end: dt.datetime
    activity: Activity
    location: WorkMode
    queue: str | None


def event_from_row(row: EventRow) -> Event:
    return Event(
        id=row.id,
        at=row.at,
        type=row.type,
        data=dict(row.data),
        agent_id=row.agent_id,
        team_id=row.team_id,
        queue_id=row.queue_id,
        contact_id=row.contact_id,
        user_id=row.user_id,
        actor_user_id=row.actor_user_id,
    )


class Platform(GroupCommit):
    def __init__(
        self,
        *,
        engine: Engine,
        hub: EventHub,
        clock: Clock,
        settings: Settings,
        scenario: Scenario,
        thresholds: ReadinessThresholds | None = None,
    ) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = make_sessionmaker(engine)
        self.hub = hub
        self.clock = clock
        self.settings = settings
        self.scenario = scenario
        self.zone = ZoneInfo(scenario.timezone)
        self.thresholds = thresholds or ReadinessThresholds()
        self.queues: dict[str, Queue] = {q.id: q for q in scenario.queues}
        self.policy: Router = build_policy(scenario.queues)
        self.index = IdleIndex(scenario.queues)
        self.recheck_delays_s = {q.id: recheck_delays_s(q.routing) for q in scenario.queues}
        self.waiting = WaitingLine(self.recheck_delays_s)
        self.agents: dict[str, LiveAgent] = {}
        self.contacts: dict[int, LiveContact] = {}
        self.schedule: dict[str, list[PlannedSegment]] = {}
        self.supervisors_of_team: dict[str, set[int]] = {}
        self.last_kpis: list[dict[str, object]] = []
        #: the last intraday computation (homeshore.services.intraday), None before one
        self.intraday: IntradayView | None = None
        #: a forecast is stored: the tick re-forecasts the day every intraday_every_s
        self.intraday_on = False
        #: the sessions behind this process's open websockets (ended by logout and expiry)
        self.sockets = SocketSessions()
        #: external id -> contact id, for the contacts created within the retry window
        self.external_ids: dict[str, int] = {}
        # oldest first, in step: times and ids in two deques of plain values (a deque of
        # tuples would add one object a contact for the garbage collector to scan all day)
        self._external_id_times: deque[float] = deque()
        self._external_id_order: deque[str] = deque()
        self._free_ids: list[int] = []  # contact ids reserved, not yet used (reversed)
        self._last_id = 0
        self.init_commits()

    # -- loading and recovery ----------------------------------------------------------

    def reload(self) -> None:
        """Rebuild router memory from the database (start-up, or after a failed commit)."""
        presence = {a.id: (a.connections, a.last_seen) for a in self.agents.values()}
        self.index = IdleIndex(self.scenario.queues)
        self.waiting = WaitingLine(self.recheck_delays_s)
        self.agents = {}
        self.contacts = {}
        self._free_ids = []  # SQLite: reserved from the largest stored id, so ask again
        with self.sessions() as session:
            since = self.clock.now() - dt.timedelta(hours=self.settings.contact_retry_window_h)
            self.external_ids = {}
            self._external_id_times, self._external_id_order = deque(), deque()
            for cid, ext, created_at in session.execute(
                select(ContactRow.id, ContactRow.external_id, ContactRow.created_at)
                .where(ContactRow.created_at >= since, ContactRow.external_id.is_not(None))
                .order_by(ContactRow.created_at)
            ):
                if ext is not None:
                    self.remember_external_id(ext, cid, created_at.timestamp())
            users = {
                u.agent_id: u.id
                for u in session.scalars(select(UserRow).where(UserRow.agent_id.is_not(None)))
            }
            last = (  # the last check that may decide home work: not a reported one
                select(func.max(ReadinessCheckRow.id).label("id"))
                .where(ReadinessCheckRow.source.is_distinct_from("reported"))
                .group_by(ReadinessCheckRow.agent_id)
                .subquery()
            )
            checked: dict[str, tuple[dt.datetime, str]] = {
                agent_id: (at, SetUp.from_dict(setup).key)
                for agent_id, at, setup in session.execute(
                    select(
                        ReadinessCheckRow.agent_id, ReadinessCheckRow.at, ReadinessCheckRow.setup
                    ).join(last, ReadinessCheckRow.id == last.c.id)
                )
            }
            for row in session.scalars(select(AgentRow)):
                agent = self._live_agent(row)
                if row.id in checked:
                    agent.readiness_at, agent.setup = checked[row.id]
                agent.user_id = users.get(row.id)
                agent.connections, agent.last_seen = presence.get(row.id, (0, None))
                self.agents[row.id] = agent
            rows = session.scalars(
                select(ContactRow)
                .where(ContactRow.state.in_(OPEN_CONTACT_STATES))
                .order_by(ContactRow.queue_key)
            )
            for c in rows:
                live = LiveContact(
                    id=c.id,
                    queue_id=c.queue_id,
                    channel=Channel(c.channel),
                    priority=c.priority,
                    state=c.state,
                    enqueued_at=c.enqueued_at,
                    queue_key=c.queue_key,
                    created_at=c.created_at,
                    agent_id=c.agent_id,
                    offer_deadline=c.offer_deadline,
                    handler_user_id=c.handler_user_id,
                    offers=c.offers,
                    transfers=c.transfers,
                    row={column: getattr(c, column) for column in CONTACT_COLUMNS},
                )
                self.contacts[c.id] = live
                if c.state == "queued":
                    self.waiting.add(live)
                elif c.agent_id is not None and c.agent_id in self.agents:
                    holder = self.agents[c.agent_id]
                    {"offered": holder.offered, "active": holder.active}.get(
                        c.state, holder.wrapping
                    ).add(c.id)
                    if c.state in ("offered", "active"):
                        ch = live.channel
                        holder.view.in_use[ch] = holder.view.in_use.get(ch, 0) + 1
            for conv in session.scalars(
                select(ConversationRow).where(
                    ConversationRow.kind == "help", ConversationRow.state == "open"
                )
            ):
                open_contact = self.contacts.get(conv.contact_id)
                if open_contact is not None and conv.agent_id and conv.team_id:
                    open_contact.help_chat = (conv.id, conv.agent_id, conv.team_id)
            self.schedule = {}
            for s in session.scalars(select(ScheduleSegmentRow).order_by(ScheduleSegmentRow.start)):
                self.schedule.setdefault(s.agent_id, []).append(
                    PlannedSegment(
                        s.start, s.end, Activity(s.activity), WorkMode(s.location), s.queue
                    )
                )
        for agent in self.agents.values():
            self.refresh(agent)

    def recover(self) -> None:
        """At start-up: nobody is connected yet. Logged-in agents become ``disconnected``,
        offers in flight go back to the head of their queue. Contacts in hand stay."""
        self.reload()
        now = self.clock.now()
        with self.transaction() as tx:
            for contact in list(self.contacts.values()):
                if contact.state == "offered":
                    self.requeue(tx, contact, reason="server restarted")
            for agent in self.agents.values():
                if agent.state not in (AgentState.OFFLINE, AgentState.DISCONNECTED):
                    self.set_state(tx, agent, AgentState.DISCONNECTED, reason=agent.state.value)
                agent.last_seen = now

    def _live_agent(self, row: AgentRow) -> LiveAgent:
        modes = frozenset(WorkMode(m) for m in row.work_modes.split(",") if m)
        capacity: dict[Channel, int] = {}
        for q in self.queues.values():
            if q.skill in row.skills:
                capacity[q.channel] = max(capacity.get(q.channel, 1), q.concurrency)
        primary_queue = next(
            (q.id for q in self.queues.values() if q.skill == row.primary_skill), None
        )
        view = AgentView(
            id=row.id,
            skills=dict(row.skills),
            capacity=capacity,
            state=RouteState.OFFLINE,
            idle_since_s=(row.idle_since or row.state_since).timestamp(),
            location=WorkMode(row.location) if row.location else WorkMode.SITE,
            primary_queue=primary_queue,
        )
        return LiveAgent(
            id=row.id,
            name=row.name,
            team_id=row.team_id,
            skills=dict(row.skills),
            work_modes=modes,
            view=view,
            state=AgentState(row.state),
            state_since=row.state_since,
            state_reason=row.state_reason,
            location=WorkMode(row.location) if row.location else None,
            readiness=row.readiness,
            readiness_due=row.readiness_due or "",
        )

    def load_supervisors(self, session: Session) -> None:
        from homeshore.db.tables import SupervisorTeamRow

        self.supervisors_of_team = {}
        for st in session.scalars(select(SupervisorTeamRow)):
            self.supervisors_of_team.setdefault(st.team_id, set()).add(st.user_id)

    def team_exists(self, team_id: str) -> bool:
        with self.sessions() as session:
            return session.get(TeamRow, team_id) is not None

    def queue_exists(self, queue_id: str) -> bool:
        with self.sessions() as session:
            return session.get(QueueRow, queue_id) is not None

    # -- schedule, right to disconnect and routability ---------------------------------

    def planned(self, agent_id: str, when: dt.datetime) -> PlannedSegment | None:
        segments = self.schedule.get(agent_id)
        if not segments:
            return None
        i = bisect.bisect_right([s.start for s in segments], when) - 1
        if i >= 0 and segments[i].start <= when < segments[i].end:
            return segments[i]
        return None

    def in_contact_time(self, agent: LiveAgent, when: dt.datetime) -> bool:
        """May the agent be offered contacts or be pushed to now (right to disconnect)?"""
        if agent.id not in self.schedule:
            allowed = self.settings.unscheduled_agents == "allow"
        else:
            segment = self.planned(agent.id, when)
            allowed = segment is not None and segment.activity is Activity.WORK
        if allowed and agent.location is WorkMode.HOME:
            local = when.astimezone(self.zone)
            hours = self.scenario.agreement.contact_hours
            allowed = hours.is_open(local.weekday(), local.hour * 60 + local.minute)
        return allowed

    def home_ready(self, agent: LiveAgent) -> bool:
        accepted = ("pass", "warn") if self.settings.readiness_accept_warn else ("pass",)
        return agent.readiness in accepted or not self.scenario.agreement.readiness_check_required

    def readiness_due(self, agent: LiveAgent, now: dt.datetime) -> str:
        """Why the advisor's home set-up must be checked again before their next shift from
        home ("" when it need not): ``expired`` (older than ``readiness_valid_days``) or
        ``bad_calls`` (``readiness_bad_calls`` calls in a row with a low quality)."""
        if not self.scenario.agreement.readiness_check_required:
            return ""
        if agent.readiness_due:
            return agent.readiness_due
        days = self.settings.readiness_valid_days
        checked = agent.readiness_at
        if days and checked is not None and (now - checked).total_seconds() > days * 86_400:
            return "expired"
        return ""

    def routable(self, agent: LiveAgent, now: dt.datetime) -> bool:
        return (
            agent.state in ROUTABLE
            and agent.connections > 0
            and self.in_contact_time(agent, now)
            and (agent.location is not WorkMode.HOME or self.home_ready(agent))
        )

    def refresh(self, agent: LiveAgent, now: dt.datetime | None = None) -> None:
        """Re-file the agent in the routing index after any change."""
        now = now or self.clock.now()
        view = agent.view
        view.state = RouteState.AVAILABLE if self.routable(agent, now) else RouteState.AWAY
        if agent.location is not None:
            view.location = agent.location
        segment = self.planned(agent.id, now)
        view.planned_queue = segment.queue if segment is not None else None
        if view.state is RouteState.AVAILABLE:
            self.index.update(view)
        else:
            self.index.remove(agent.id)

    # -- state changes shared by the use cases -----------------------------------------

    @staticmethod
    def check_transition(agent: LiveAgent, target: AgentState, reason: str = "") -> None:
        """Raise Conflict unless the agent may go to ``target`` now (what set_state checks;
        use cases call it before their transaction, so a refusal changes nothing)."""
        from homeshore.services.states import allowed

        if agent.state == target and agent.state_reason == reason:
            return
        if not allowed(agent.state, target):
            from homeshore.services.errors import Conflict

            raise Conflict(f"an agent cannot go from {agent.state.value} to {target.value}")

    def set_state(
        self,
        tx: Tx,
        agent: LiveAgent,
        target: AgentState,
        *,
        reason: str = "",
        actor: int | None = None,
    ) -> None:
        if agent.state == target and agent.state_reason == reason:
            return
        self.check_transition(agent, target, reason)
        previous = agent.state
        agent.state = target
        agent.state_since = tx.now
        agent.state_reason = reason
        values: dict[str, Any] = {
            "state": target.value,
            "state_since": tx.now,
            "state_reason": reason,
        }
        if target is AgentState.AVAILABLE:
            agent.view.idle_since_s = tx.now.timestamp()
            values["idle_since"] = tx.now
        values["location"] = agent.location.value if agent.location else None
        self.agent_values(tx, agent, **values)
        tx.emit(
            "agent.state",
            {
                "state": target.value,
                "previous": previous.value,
                "reason": reason,
                "location": agent.location.value if agent.location else None,
            },
            agent_id=agent.id,
            team_id=agent.team_id,
            actor_user_id=actor,
        )
        self.refresh(agent, tx.now)

    def settle_work_state(self, tx: Tx, agent: LiveAgent, *, actor: int | None = None) -> None:
        """Derive busy / wrap-up / reserved / available from the contacts in hand."""
        if agent.state not in (
            AgentState.AVAILABLE,
            AgentState.RESERVED,
            AgentState.BUSY,
            AgentState.WRAP_UP,
        ):
            self.refresh(agent, tx.now)
            return
        if agent.active:
            target = AgentState.BUSY
        elif agent.wrapping:
            target = AgentState.WRAP_UP
        elif agent.offered:
            target = AgentState.RESERVED
        else:
            target = AgentState.AVAILABLE
        if target is not agent.state:
            self.set_state(tx, agent, target, actor=actor)
        else:
            self.refresh(agent, tx.now)

    def remember_external_id(self, external_id: str, contact_id: int, created_s: float) -> None:
        self.external_ids[external_id] = contact_id
        self._external_id_times.append(created_s)
        self._external_id_order.append(external_id)

    def forget_old_external_ids(self, now: dt.datetime) -> None:
        """Keep the external ids of the retry window only (older ones are checked against
        the database at commit time)."""
        cutoff = now.timestamp() - self.settings.contact_retry_window_h * 3600
        times, order = self._external_id_times, self._external_id_order
        while times and times[0] < cutoff:
            times.popleft()
            self.external_ids.pop(order.popleft(), None)

    def new_contact_id(self) -> int:
        """An id for a new contact, before its row is written (the router is the only
        writer of new contacts). PostgreSQL: from the table's sequence, a block at a time;
        SQLite: above the largest id stored or given."""
        if not self._free_ids:
            with self.engine.connect() as conn:
                if self.engine.dialect.name == "postgresql":
                    ids = list(conn.execute(_RESERVE_IDS, {"n": ID_BLOCK}).scalars())
                else:
                    top = max(conn.execute(_MAX_ID).scalar() or 0, self._last_id)
                    ids = list(range(top + 1, top + 1 + ID_BLOCK))
            self._free_ids = sorted(ids, reverse=True)
        self._last_id = self._free_ids.pop()
        return self._last_id

    def contact_values(self, tx: Tx, contact: LiveContact, **values: Any) -> None:
        """Change columns of one contact row: the router's image of the row at once, the
        row itself at the group commit, or now outside one."""
        contact.row.update(values)
        tx.contact_rows[contact.id] = contact.row
        if tx.writes is not None:
            if contact.id not in tx.writes.new_contacts:
                tx.writes.contact_updates.setdefault(contact.id, {}).update(values)
            return
        tx.session.connection().execute(UPDATE_CONTACT, {"_id": contact.id, **values})

    def agent_values(self, tx: Tx, agent: LiveAgent, **values: Any) -> None:
        """UPDATE one agent row now, or at the group commit (nothing reads it before)."""
        tx.wrote = True
        if tx.writes is not None:
            tx.writes.agent_updates.setdefault(agent.id, {}).update(values)
            return
        tx.session.connection().execute(UPDATE_AGENT, {"_id": agent.id, **values})

    def release(self, agent: LiveAgent, contact: LiveContact) -> None:
        """Forget that the agent holds this contact (memory only)."""
        if contact.id in agent.offered or contact.id in agent.active:
            n = agent.view.in_use.get(contact.channel, 0)
            agent.view.in_use[contact.channel] = max(0, n - 1)
        agent.offered.discard(contact.id)
        agent.active.discard(contact.id)
        agent.wrapping.discard(contact.id)

    def requeue(self, tx: Tx, contact: LiveContact, *, reason: str) -> None:
        """Put an offered contact back at the head of its queue (it keeps its queue key)."""
        if contact.agent_id is not None and contact.agent_id in self.agents:
            self.release(self.agents[contact.agent_id], contact)
        contact.state = "queued"
        contact.agent_id = None
        contact.offer_deadline = None
        self.contact_values(tx, contact, state="queued", agent_id=None, offer_deadline=None)
        self.waiting.add(contact)
        tx.emit(
            "contact.requeued",
            {"reason": reason, "queue_id": contact.queue_id},
            queue_id=contact.queue_id,
            contact_id=contact.id,
        )
