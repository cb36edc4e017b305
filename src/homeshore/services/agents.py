"""Agent states and presence: ready / not ready, websocket connections, heartbeats, and the
periodic tick that times out offers, detects dropped connections and follows schedules."""

from __future__ import annotations

import datetime as dt

from homeshore.domain import Channel, WorkMode
from homeshore.services import voice
from homeshore.services.contacts import close_in
from homeshore.services.dispatch import fill_agent, route_contact, route_waiting
from homeshore.services.errors import Conflict, Forbidden, Invalid, NotFound
from homeshore.services.live import LiveAgent
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.socket_sessions import ENDINGS, SESSION_EXPIRED, SIGNED_OUT
from homeshore.services.states import SELF_SERVICE, AgentState
from homeshore.services.tx import Tx


def agent_for(p: Platform, actor: Actor, agent_id: str) -> LiveAgent:
    agent = p.agents.get(agent_id)
    if agent is None or not actor.sees_agent(agent.id, agent.team_id):
        raise NotFound(f"no agent {agent_id}")
    return agent


def list_agents(p: Platform, actor: Actor) -> list[LiveAgent]:
    if actor.role is Role.AGENT:
        return [p.agents[actor.agent_id]] if actor.agent_id in p.agents else []
    return [a for a in p.agents.values() if actor.sees_team(a.team_id)]


def change_state(
    p: Platform,
    actor: Actor,
    agent_id: str,
    target: AgentState,
    *,
    location: WorkMode | None = None,
    reason: str = "",
) -> LiveAgent:
    """An agent asks for available, break, training or offline (a supervisor may log its
    agents off). Going available checks the schedule, the location and home readiness."""
    agent = agent_for(p, actor, agent_id)
    if actor.role is Role.SUPERVISOR or actor.is_admin:
        if target is not AgentState.OFFLINE:
            raise Forbidden("a supervisor may only log an agent off")
    elif target not in SELF_SERVICE:
        raise Invalid(
            f"an agent asks for {', '.join(sorted(s.value for s in SELF_SERVICE))}", field="state"
        )
    now = p.clock.now()
    if location is not None:
        if location not in agent.work_modes:
            raise Invalid(f"agent {agent.id} does not work from {location.value}", "location")
        if location is WorkMode.HOME and not p.home_ready(agent):
            raise Conflict(
                "working from home needs a passed readiness check (/api/readiness/probe)"
            )
    if (
        target is AgentState.AVAILABLE
        and agent.state is AgentState.OFFLINE
        and (location or agent.location) is WorkMode.HOME
        and p.readiness_due(agent, now)
    ):
        # a new shift from home: a set-up that expired or degraded is checked again first
        # (never mid-shift: a break or a wrap-up does not come through here)
        raise Conflict(READINESS_DUE)
    rostered: WorkMode | None = None
    if target is AgentState.AVAILABLE:
        where = location or agent.location
        if where is None:
            raise Invalid("say where you work from (site, telecentre or home)", "location")
        segment = p.planned(agent.id, now)
        rostered = segment.location if segment is not None else None
        if (
            where is WorkMode.HOME
            and rostered is not None
            and rostered is not WorkMode.HOME
            and p.settings.home_off_schedule == "refuse"
        ):
            raise Conflict(HOME_OFF_SCHEDULE)
        if agent.connections == 0:
            raise Conflict("open the websocket (/api/ws) before going available")
        if agent.holds():
            raise Conflict("finish the contacts in hand first")
        agent_copy_location = agent.location
        agent.location = where
        in_time = p.in_contact_time(agent, now)
        agent.location = agent_copy_location
        if not in_time:
            raise Conflict("outside your scheduled working time (right to disconnect)")
    elif target is not AgentState.OFFLINE and agent.holds():
        raise Conflict("finish the contacts in hand first")
    elif target is AgentState.OFFLINE and actor.role is Role.AGENT and _on_a_call(p, agent):
        # the caller is on the line with this advisor: the call cannot go back to the queue
        raise Conflict("end your call first: the caller is still on the line")
    p.check_transition(agent, target, reason)
    declared = location is not None and location is not agent.location
    from_offline = agent.state is AgentState.OFFLINE
    with p.transaction(group=True) as tx:
        if location is not None:
            agent.location = location
        where_now = agent.location
        if (
            rostered is not None
            and where_now is not None
            and where_now is not rostered
            and (declared or from_offline)
        ):
            data = {"declared": where_now.value, "rostered": rostered.value}
            tx.emit(
                "agent.location_mismatch",
                data,
                agent_id=agent.id,
                team_id=agent.team_id,
                actor_user_id=actor.user_id,
            )
        if target is AgentState.OFFLINE:
            _drop_contacts(p, tx, agent, reason="agent logged off", actor_user_id=actor.user_id)
        p.set_state(tx, agent, target, reason=reason, actor=actor.user_id)
        if target is AgentState.AVAILABLE:
            fill_agent(p, tx, agent)
    return agent


#: the refusal of home work on a day rostered elsewhere (HOMESHORE_HOME_OFF_SCHEDULE=refuse)
HOME_OFF_SCHEDULE = (
    "the schedule has you on a site or in a telecentre today, not at home (ask your planner)"
)

#: the refusal of a shift from home whose readiness check is due again (the desk says why)
READINESS_DUE = (
    "your home readiness check is due again: run it before working from home (/api/readiness/probe)"
)


def _on_a_call(p: Platform, agent: LiveAgent) -> bool:
    return any(p.contacts[cid].channel is Channel.VOICE for cid in agent.active)


def _drop_contacts(
    p: Platform, tx: Tx, agent: LiveAgent, *, reason: str, actor_user_id: int | None
) -> None:
    """Offered and active contacts go back to the head of their queue, but for a call
    already put through (the caller was answered: the engines tell the caller and end it);
    contacts in wrap-up close with no disposition."""
    for cid in sorted(agent.offered | agent.active):
        contact = p.contacts[cid]
        if cid in agent.active and voice.call_id_of(contact) is not None:
            voice.drop_in(p, tx, contact, agent, reason=reason, actor_user_id=actor_user_id)
        else:
            p.requeue(tx, contact, reason=reason)
    for cid in sorted(agent.wrapping):
        contact = p.contacts[cid]
        close_in(p, tx, contact, agent, disposition="", actor_user_id=actor_user_id)
    for cid in p.waiting.head_ids():
        route_contact(p, tx, p.contacts[cid], exclude=agent.id)


def connected(p: Platform, agent_id: str) -> None:
    """A websocket of this agent opened. A disconnected agent resumes where it was."""
    agent = p.agents[agent_id]
    agent.connections += 1
    agent.last_seen = p.clock.now()
    if agent.state is not AgentState.DISCONNECTED:
        p.refresh(agent)
        return
    with p.transaction(group=True) as tx:
        if agent.active:
            target = AgentState.BUSY
        elif agent.wrapping:
            target = AgentState.WRAP_UP
        elif agent.state_reason in ENDINGS:
            # its session ended: going available is the advisor's choice again
            target = AgentState.OFFLINE
        elif agent.state_reason in (AgentState.BREAK.value, AgentState.TRAINING.value):
            target = AgentState(agent.state_reason)
        elif p.in_contact_time(agent, tx.now):
            target = AgentState.AVAILABLE
        else:
            target = AgentState.BREAK
        reason = agent.state_reason if target is AgentState.OFFLINE else "reconnected"
        p.set_state(tx, agent, target, reason=reason)
        fill_agent(p, tx, agent)


def seen(p: Platform, agent_id: str) -> None:
    """Any message or pong from the agent's client proves the connection is alive."""
    agent = p.agents.get(agent_id)
    if agent is not None:
        agent.last_seen = p.clock.now()


def disconnected(p: Platform, agent_id: str, *, ended: str = "") -> None:
    """A websocket of this agent closed (or went silent): when it was the last one, the agent
    is ``disconnected`` and its offers go back to the head of their queues. ``ended``: the
    socket closed because its session ended (why, socket_sessions.ENDINGS): the agent leaves
    routing instead (:func:`leave_routing`)."""
    agent = p.agents[agent_id]
    agent.connections = max(0, agent.connections - 1)
    if agent.connections > 0:
        return
    with p.transaction(group=True) as tx:
        if ended:
            leave_routing(p, tx, agent, reason=ended)
        else:
            _mark_disconnected(p, tx, agent)


#: the refusal of a logout while the advisor holds a contact
SIGN_OUT_BUSY = "finish the contacts in hand before signing out"


def signing_out(p: Platform, actor: Actor) -> LiveAgent | None:
    """The advisor whose user is logging out, once checked it may: not while a contact is
    active or waits for its disposition (the customer is with the advisor, and only the
    advisor can finish it: a logout is deliberate, so it waits)."""
    agent = p.agents.get(actor.agent_id or "")
    if agent is None:
        return None
    if agent.active or agent.wrapping:
        raise Conflict(SIGN_OUT_BUSY)
    return agent


def sign_out(p: Platform, tx: Tx, agent: LiveAgent, *, actor_user_id: int) -> None:
    """The advisor logs out (checked by :func:`signing_out`): offline."""
    leave_routing(p, tx, agent, reason=SIGNED_OUT, actor_user_id=actor_user_id)


def leave_routing(
    p: Platform, tx: Tx, agent: LiveAgent, *, reason: str, actor_user_id: int | None = None
) -> None:
    """The end of an advisor's session (``reason``) takes it out of routing. Offers go back
    to the head of their queues. With nothing in hand the advisor is offline, the state its
    next login starts in. With a contact in hand (an expired session: time does not wait
    for the customer) it is disconnected as if its connection had dropped: the contacts
    wait for it and its next connection resumes them; with nothing left in hand by then,
    that connection starts offline (:func:`connected`)."""
    if agent.active or agent.wrapping:
        offered = [p.contacts[cid] for cid in sorted(agent.offered)]
        for contact in offered:
            p.requeue(tx, contact, reason=f"agent {reason}")
        p.set_state(tx, agent, AgentState.DISCONNECTED, reason=reason, actor=actor_user_id)
        for contact in offered:
            route_contact(p, tx, contact, exclude=agent.id)
        return
    if agent.state is AgentState.OFFLINE:
        p.refresh(agent, tx.now)
        return
    _drop_contacts(p, tx, agent, reason=f"agent {reason}", actor_user_id=actor_user_id)
    p.set_state(tx, agent, AgentState.OFFLINE, reason=reason, actor=actor_user_id)


def _mark_disconnected(p: Platform, tx: Tx, agent: LiveAgent) -> None:
    if agent.state in (AgentState.OFFLINE, AgentState.DISCONNECTED):
        p.refresh(agent, tx.now)
        return
    previous = agent.state.value
    offered = [p.contacts[cid] for cid in sorted(agent.offered)]
    for contact in offered:
        p.requeue(tx, contact, reason="agent connection dropped")
    p.set_state(tx, agent, AgentState.DISCONNECTED, reason=previous)
    for contact in offered:
        route_contact(p, tx, contact, exclude=agent.id)


def tick(p: Platform) -> int:
    """Housekeeping, run every ``tick_s`` (tests call it with a manual clock):
    offers past their deadline, silent connections, websockets whose session expired (an
    advisor with no other one leaves routing), waits crossing a routing step (the
    recheck timers of homeshore.routing.recheck_delays_s), schedules starting or ending,
    contacts waiting past ``abandon_after_s``.
    Returns how many things it changed."""
    now = p.clock.now()
    p.forget_old_external_ids(now)
    expired = [
        c
        for c in p.contacts.values()
        if c.state == "offered" and c.offer_deadline is not None and c.offer_deadline <= now
    ]
    silent = [
        a
        for a in p.agents.values()
        if a.connections > 0
        and a.last_seen is not None
        and (now - a.last_seen).total_seconds() > p.settings.disconnect_after_s
    ]
    leaving: dict[str, LiveAgent] = {}
    for socket in p.sockets.expire(now):  # each closes with 4401
        if socket.agent_id in p.agents and not p.sockets.streaming(socket.actor.user_id, now):
            leaving[socket.agent_id] = p.agents[socket.agent_id]
    stale: list[int] = []
    if p.settings.abandon_after_s is not None:
        limit = dt.timedelta(seconds=p.settings.abandon_after_s)
        stale = [
            c.id for c in p.contacts.values() if c.state == "queued" and now - c.created_at > limit
        ]
    changed = 0
    if expired or silent or leaving or stale:
        from homeshore.services.contacts import abandon_in

        with p.transaction() as tx:
            for contact in expired:
                agent = p.agents[contact.agent_id] if contact.agent_id else None
                p.requeue(tx, contact, reason="offer timed out")
                if agent is not None:
                    tx.emit(
                        "contact.offer_timeout",
                        {"queue_id": contact.queue_id},
                        agent_id=agent.id,
                        team_id=agent.team_id,
                        queue_id=contact.queue_id,
                        contact_id=contact.id,
                    )
                    if agent.state is AgentState.RESERVED and not agent.offered:
                        p.set_state(tx, agent, AgentState.BREAK, reason="missed offer")
                route_contact(p, tx, contact, exclude=agent.id if agent else None)
                changed += 1
            for agent in silent:
                agent.connections = 0
                _mark_disconnected(p, tx, agent)
                changed += 1
            for agent in leaving.values():
                leave_routing(p, tx, agent, reason=SESSION_EXPIRED)
                changed += 1
            for cid in stale:
                if cid in p.contacts and p.contacts[cid].state == "queued":
                    abandon_in(p, tx, p.contacts[cid], actor_user_id=None)
                    changed += 1
    # schedules begin and end: re-file only the agents whose routability or planned queue
    # changed (re-filing every agent each tick would only grow the index's heaps)
    flips = []
    for agent in p.agents.values():
        if agent.connections and agent.state is not AgentState.OFFLINE:
            segment = p.planned(agent.id, now)
            planned_queue = segment.queue if segment is not None else None
            routable = p.routable(agent, now)
            if routable != (agent.id in p.index) or planned_queue != agent.view.planned_queue:
                p.refresh(agent, now)
                flips.append(agent)
    # the policy is asked again only when it may answer differently: a waiting contact
    # reached a recheck delay of its queue (bullseye step, overflow), or an agent's
    # routability or planned queue changed; otherwise every idle agent was already offered
    # every contact it could take when it or the contact became ready
    due = p.waiting.pop_due(now.timestamp())
    if (due or flips) and len(p.waiting) and len(p.index):
        with p.transaction() as tx:
            changed += route_waiting(p, tx)
    return changed + len(flips)


def next_tick_in_s(p: Platform) -> float:
    """How long the ticker may sleep: ``tick_s``, or less when a recheck falls due sooner."""
    due_s = p.waiting.next_due_s()
    if due_s is None:
        return p.settings.tick_s
    return min(p.settings.tick_s, max(0.0, due_s - p.clock.now().timestamp()))


def set_readiness(p: Platform, tx: Tx, agent: LiveAgent, verdict: str) -> None:
    agent.readiness = verdict
    p.agent_values(tx, agent, readiness=verdict)
    if (
        agent.location is WorkMode.HOME
        and not p.home_ready(agent)
        and agent.state
        in (
            AgentState.AVAILABLE,
            AgentState.RESERVED,
        )
    ):
        _drop_contacts(p, tx, agent, reason="home readiness check failed", actor_user_id=None)
        p.set_state(tx, agent, AgentState.BREAK, reason="readiness check failed")
    p.refresh(agent, tx.now)
