"""Phone calls: what the telephony engines report, turned into the contact use cases.

A call is a contact of channel ``voice`` whose external id is ``sip:<Call-ID>``: the
router offers it exactly as it offers a chat (same waiting line, policies and rules).
Kamailio reports a call's steps (homeshore.voice carries out the decisions):

- ``call.new``: the dialled number designates a voice queue; open, the call queues as a
  contact; closed or unknown, it is refused (Kamailio answers the caller);
- ``call.cancel``: the caller hung up while waiting: the contact is abandoned, with its wait;
- ``call.end``: caller or advisor hung up: the advisor goes to wrap-up;
- ``call.dropped``: the advisor's softphone went away during the call (its WebSocket
  closed): the caller hears the dropped-call message, then the call ends (it cannot go
  back to the queue: the caller was answered); the advisor wraps it up;
- an advisor taken offline by others with a call connected (a manager's log-off, a failed
  readiness check): the same for the caller, and the contact is closed as to be called back;
- a softphone not registered when its advisor accepts: the call, still held, goes back
  to the head of its queue; ``call.failed`` (the softphone did not answer in time): the
  caller got the failure, the record says so and the advisor goes to wrap-up.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from homeshore.db.tables import EventRow
from homeshore.domain import Channel, Queue, WorkMode
from homeshore.readiness.emodel import mos_from_r, r_factor_network
from homeshore.services import audit, callbacks, contacts
from homeshore.services.audit import Origin
from homeshore.services.dispatch import fill_agent, route_contact
from homeshore.services.errors import Conflict, NotFound
from homeshore.services.live import LiveAgent, LiveContact
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.tx import Tx
from homeshore.voice.credentials import SipCredential, sip_credential

#: the telephony engines acting on contacts (user id 0: no account, events name it so)
TELEPHONY = Actor(user_id=0, username="telephony", role=Role.ADMIN)


class Refusal(enum.IntEnum):
    """SIP status the caller gets when no contact is created."""

    UNKNOWN_NUMBER = 404
    CLOSED = 480


@dataclass(frozen=True, slots=True)
class CallDecision:
    contact_id: int | None
    refusal: Refusal | None = None
    reason: str = ""


CALL_PREFIX = "sip:"


def external_id(call_id: str) -> str:
    return CALL_PREFIX + call_id


def call_id_of(contact: LiveContact) -> str | None:
    """The SIP Call-ID of a contact that is a call through the engines (else None)."""
    external = str(contact.row.get("external_id") or "")
    return external.removeprefix(CALL_PREFIX) if external.startswith(CALL_PREFIX) else None


def queue_for(p: Platform, dialled: str) -> Queue | None:
    """The voice queue a dialled number reaches: one of its ``numbers``, or its id."""
    for queue in p.scenario.queues:
        if queue.channel is Channel.VOICE and (dialled in queue.numbers or dialled == queue.id):
            return queue
    return None


def is_open(p: Platform, queue: Queue, when: dt.datetime) -> bool:
    local = when.astimezone(p.zone)
    return queue.opening_hours.is_open(local.weekday(), local.hour * 60 + local.minute)


def call_arrived(p: Platform, *, call_id: str, dialled: str, caller: str) -> CallDecision:
    queue = queue_for(p, dialled)
    if queue is None:
        return CallDecision(None, Refusal.UNKNOWN_NUMBER, f"no voice queue for {dialled!r}")
    if not is_open(p, queue, p.clock.now()):
        return CallDecision(None, Refusal.CLOSED, f"queue {queue.id} is closed now")
    row, _created = contacts.create_contact(
        p,
        TELEPHONY,
        queue_id=queue.id,
        channel=Channel.VOICE,
        priority=0,
        customer_ref=caller[:200] or "anonymous",
        external_id=external_id(call_id),
    )
    return CallDecision(row.id)


def live_call(p: Platform, call_id: str) -> LiveContact | None:
    contact_id = p.external_ids.get(external_id(call_id))
    return p.contacts.get(contact_id) if contact_id is not None else None


def call_cancelled(p: Platform, call_id: str) -> str:
    """The caller hung up before an advisor answered. Returns what became of the call."""
    contact = live_call(p, call_id)
    if contact is None:
        return "unknown"
    if contact.state in ("queued", "offered"):
        contacts.abandon(p, TELEPHONY, contact.id)
        return "abandoned"
    if contact.state == "active":  # accepted, the advisor's browser was still ringing
        contacts.complete(p, TELEPHONY, contact.id)
        return "ended"
    return contact.state


def call_answered(p: Platform, call_id: str) -> str:
    """The advisor's phone answered: caller and advisor are connected (``call.connected``,
    with the time since the advisor accepted)."""
    contact = live_call(p, call_id)
    if contact is None or contact.agent_id is None or contact.state != "active":
        return "unknown" if contact is None else contact.state
    agent = p.agents[contact.agent_id]
    with p.transaction() as tx:
        answered_at = contact.row.get("answered_at")
        data: dict[str, object] = {"record": p.queues[contact.queue_id].record_calls}
        if isinstance(answered_at, dt.datetime):
            data["after_accept_s"] = round((tx.now - answered_at).total_seconds(), 3)
        if callbacks.is_callback(contact):
            data["callback_of"] = contact.row["callback_of"]
            callbacks.called_back(p, tx, contact)
        tx.emit_about("call.connected", contact, agent, actor_user_id=TELEPHONY.user_id, data=data)
    return "connected"


def call_ended(p: Platform, call_id: str, *, by: str = "") -> str:
    """Caller or advisor (``by``, when the engines know) hung up an answered call: the
    advisor goes to wrap-up."""
    contact = live_call(p, call_id)
    if contact is None:
        return "unknown"
    if contact.state == "active" and contact.agent_id is not None:
        judge_home_set_up(p, p.agents[contact.agent_id], contact)
        if callbacks.is_callback(contact):  # the advisor placed the call: the engines'
            by = {"caller": "agent", "agent": "caller"}.get(by, by)  # caller is the advisor
        contacts.complete(p, TELEPHONY, contact.id, ended_by=by or None)
        return "ended"
    return contact.state


def judge_home_set_up(p: Platform, agent: LiveAgent, contact: LiveContact) -> None:
    """An answered call from home ends: ``readiness_bad_calls`` calls in a row with a
    low-quality sample make the readiness check due again before the advisor's next shift
    from home (``readiness.due``: the desk tells them; this shift goes on)."""
    limit = p.settings.readiness_bad_calls
    if not limit or agent.location is not WorkMode.HOME:
        return
    agent.bad_calls = agent.bad_calls + 1 if contact.low_quality else 0
    if agent.bad_calls < limit or agent.readiness_due:
        return
    with p.transaction() as tx:
        agent.readiness_due = "bad_calls"
        p.agent_values(tx, agent, readiness_due="bad_calls")
        low_mos = p.settings.voice_low_mos
        data = {"reason": "bad_calls", "calls": agent.bad_calls, "low_mos": low_mos}
        tx.emit("readiness.due", data, agent_id=agent.id, team_id=agent.team_id)


#: what closes a dropped call an advisor cannot wrap up: the customer is to be called back
DROPPED_DISPOSITION = callbacks.TO_CALL_BACK


def call_dropped(p: Platform, call_id: str, *, reason: str) -> str:
    """Kamailio's report: the softphone of the advisor on this answered call went away. The
    record says so (``call.dropped``), the engines tell the caller and end the call, and the
    advisor goes to wrap-up (``ended_by`` ``dropped``)."""
    contact = live_call(p, call_id)
    if contact is None:
        return "unknown"
    if contact.state != "active" or contact.agent_id is None:
        return contact.state
    agent = p.agents[contact.agent_id]
    with p.transaction() as tx:
        data = {"reason": reason}
        tx.emit_about("call.dropped", contact, agent, actor_user_id=TELEPHONY.user_id, data=data)
    judge_home_set_up(p, agent, contact)
    contacts.complete(p, TELEPHONY, contact.id, ended_by="dropped")
    return "dropped"


def drop_in(
    p: Platform,
    tx: Tx,
    contact: LiveContact,
    agent: LiveAgent,
    *,
    reason: str,
    actor_user_id: int | None,
) -> None:
    """A connected call whose advisor is being taken offline by others: it cannot go back to
    the queue (the caller was answered). ``call.dropped`` has the engines tell the caller
    and end the call; nobody will wrap it up, so it closes as to be called back."""
    data = {"reason": reason}
    tx.emit_about("call.dropped", contact, agent, actor_user_id=actor_user_id, data=data)
    disposition = DROPPED_DISPOSITION
    contacts.close_in(
        p, tx, contact, agent, disposition=disposition, actor_user_id=actor_user_id, ended=True
    )


def call_not_connected(p: Platform, contact_id: int, *, reason: str) -> str:
    """The advisor accepted, but the call could not reach their softphone: the call goes
    back to the head of its queue, for another advisor."""
    contact = p.contacts.get(contact_id)
    if contact is None or contact.state != "active" or contact.agent_id is None:
        return "unknown" if contact is None else contact.state
    agent = p.agents[contact.agent_id]
    with p.transaction() as tx:
        p.requeue(tx, contact, reason=reason)
        p.settle_work_state(tx, agent)
        route_contact(p, tx, contact, exclude=agent.id)
        fill_agent(p, tx, agent, skip=contact.id)
    return "requeued"


def call_lost(p: Platform, contact_id: int, *, reason: str) -> str:
    """The advisor accepted but the call failed on its way to them (softphone not
    answering in time, media relay down): the caller got the failure and is gone. The
    record says so (``call.failed``) and the advisor goes to wrap-up."""
    contact = p.contacts.get(contact_id)
    if contact is None or contact.state != "active" or contact.agent_id is None:
        return "unknown" if contact is None else contact.state
    agent = p.agents[contact.agent_id]
    with p.transaction() as tx:
        data = {"reason": reason}
        tx.emit_about("call.failed", contact, agent, actor_user_id=TELEPHONY.user_id, data=data)
    contacts.complete(p, TELEPHONY, contact.id)
    return "failed"


def call_failed(p: Platform, call_id: str, *, code: int) -> str:
    """Kamailio's report of a call the advisor's softphone did not take (SIP ``code``)."""
    contact = live_call(p, call_id)
    if contact is None:
        return "unknown"
    if callbacks.is_callback(contact):  # busy, no answer: the advisor wraps the attempt up
        return call_lost(p, contact.id, reason=f"customer answered {code}")
    return call_lost(p, contact.id, reason=f"softphone answered {code}")


def hold(p: Platform, actor: Actor, contact_id: int, *, on: bool) -> LiveContact:
    """The advisor puts the caller on hold (the caller hears music) or takes them back."""
    actor.require(Role.AGENT)
    contact, agent = contacts.in_hand(p, actor, contact_id, "active")
    if contact.channel is not Channel.VOICE:
        raise Conflict(f"contact {contact_id} is a {contact.channel.value}, not a call")
    with p.transaction() as tx:
        event = "call.held" if on else "call.resumed"
        tx.emit_about(event, contact, agent, actor_user_id=actor.user_id)
    return contact


def record_quality(
    p: Platform, actor: Actor, contact_id: int, *, rtt_ms: float, jitter_ms: float, loss_pct: float
) -> tuple[float, float]:
    """A sample of the call's quality from the advisor's browser (network leg between the
    advisor and the media relay): its E-model R and MOS, published as ``call.quality``."""
    actor.require(Role.AGENT)
    contact, agent = contacts.in_hand(p, actor, contact_id, "active")
    if contact.channel is not Channel.VOICE:
        raise Conflict(f"contact {contact_id} is a {contact.channel.value}, not a call")
    r = r_factor_network(rtt_ms, jitter_ms, loss_pct)
    mos = mos_from_r(r)
    sample = {"rtt_ms": rtt_ms, "jitter_ms": jitter_ms, "loss_pct": loss_pct}
    with p.transaction() as tx:
        low = mos < p.settings.voice_low_mos  # flagged to the manager
        contact.low_quality = contact.low_quality or low
        data = {**sample, "r": round(r, 1), "mos": round(mos, 2), "low": low, **_where(agent)}
        tx.emit_about("call.quality", contact, agent, actor_user_id=actor.user_id, data=data)
    return r, mos


def _where(agent: LiveAgent) -> dict[str, str]:
    """Where the advisor works for this call, and from home with which set-up: what the
    quality is compared across."""
    location = agent.location.value if agent.location else ""
    return {"location": location, "setup": agent.setup if agent.location is WorkMode.HOME else ""}


def softphone_credential(p: Platform, actor: Actor, *, secret: str) -> SipCredential:
    """The SIP credential of the advisor's own softphone: only for an agent's session,
    only for that agent, valid for ``voice_credential_ttl_s`` (the desk renews it while
    the session lives; after logout it lapses)."""
    actor.require(Role.AGENT)
    agent = p.agents.get(actor.agent_id or "")
    if agent is None:
        raise NotFound("this account is not linked to an agent of the scenario")
    expires_s = int(p.clock.now().timestamp() + p.settings.voice_credential_ttl_s)
    return sip_credential(secret, agent.id, expires_s)


def may_listen(p: Platform, actor: Actor, contact_id: int) -> tuple[LiveContact, LiveAgent]:
    """The call a manager asks to listen to: an answered call of one of their own teams'
    advisors (managers only: monitoring is proportionate, per the telework agreement)."""
    actor.require(Role.SUPERVISOR)
    contact, agent = contacts.in_hand(p, actor, contact_id, "active")
    if contact.channel is not Channel.VOICE:
        raise Conflict(f"contact {contact_id} is a {contact.channel.value}, not a call")
    return contact, agent


@dataclass(frozen=True, slots=True)
class Listening:
    """A manager listening to a call (a media subscription in the relay)."""

    session: str  # the relay's tag of the subscription
    contact_id: int
    user_id: int
    manager: str
    agent_id: str
    team_id: str | None
    queue_id: str
    started_at: dt.datetime
    #: where the manager listens from (whispering and joining the call come from there too)
    origin: Origin | None = None
    advisor_user_id: int | None = None


def listening_started(
    p: Platform,
    actor: Actor,
    contact: LiveContact,
    agent: LiveAgent,
    session: str,
    *,
    origin: Origin | None = None,
) -> Listening:
    """Recorded and shown to the advisor: their manager listens to this call (an event,
    and the audit trail with where the manager listens from)."""
    with p.transaction() as tx:
        data = {"session": session, "manager": actor.username}
        tx.emit_about("call.listen.started", contact, agent, actor_user_id=actor.user_id, data=data)
        listening = Listening(
            session, contact.id, actor.user_id, actor.username, agent.id, agent.team_id,
            contact.queue_id, tx.now, origin, agent.user_id,
        )  # fmt: skip
        _audited(tx, listening, "call.listen.started", {})
        return listening


def listening_ended(p: Platform, listening: Listening, *, reason: str) -> None:
    """The manager stopped listening (or the call ended): how long, in the event log."""
    _monitoring_event(p, listening, "call.listen.ended", since=listening.started_at, reason=reason)


def whisper_started(p: Platform, listening: Listening) -> dt.datetime:
    """The listening manager talks to the advisor (the caller does not hear): the advisor's
    desk is told, and the log keeps it."""
    return _monitoring_event(p, listening, "call.whisper.started")


def whisper_ended(p: Platform, listening: Listening, *, since: dt.datetime, reason: str) -> None:
    _monitoring_event(p, listening, "call.whisper.ended", since=since, reason=reason)


def barge_started(p: Platform, listening: Listening) -> dt.datetime:
    """The manager joins the call: the caller hears the manager too (three-way)."""
    return _monitoring_event(p, listening, "call.barge.started")


def barge_ended(p: Platform, listening: Listening, *, since: dt.datetime, reason: str) -> None:
    _monitoring_event(p, listening, "call.barge.ended", since=since, reason=reason)


def _monitoring_event(
    p: Platform,
    listening: Listening,
    type_: str,
    *,
    since: dt.datetime | None = None,
    reason: str | None = None,
) -> dt.datetime:
    """An event of a manager's monitoring of a call, seen by the advisor and the manager
    (``since``: the start of what ended, for its duration)."""
    with p.transaction() as tx:
        data: dict[str, object] = {
            "queue_id": listening.queue_id,
            "session": listening.session,
            "manager": listening.manager,
        }
        if since is not None:
            data["duration_s"] = round((tx.now - since).total_seconds(), 1)
        if reason is not None:
            data["reason"] = reason
        tx.emit(
            type_,
            data,
            agent_id=listening.agent_id,
            team_id=listening.team_id,
            queue_id=listening.queue_id,
            contact_id=listening.contact_id,
            actor_user_id=listening.user_id,
        )
        _audited(tx, listening, type_, data)
        return tx.now


def _audited(tx: Tx, listening: Listening, type_: str, data: dict[str, object]) -> None:
    """The monitoring step in the audit trail: ``call.whisper.ended`` is
    ``monitoring.whisper.ended``, by the manager, about the advisor."""
    detail = {k: v for k, v in data.items() if k in ("duration_s", "reason")}
    audit.record(
        tx,
        "monitoring." + type_.removeprefix("call."),
        actor_name=listening.manager,
        actor_user_id=listening.user_id,
        origin=listening.origin,
        subject_user_id=listening.advisor_user_id,
        subject_agent_id=listening.agent_id,
        detail={"contact_id": listening.contact_id, "session": listening.session, **detail},
    )


@dataclass(frozen=True, slots=True)
class CallQuality:
    """A call's quality over its samples (the advisor's leg, from the desk)."""

    contact_id: int
    agent_id: str
    samples: int
    mean_mos: float
    min_mos: float
    low_samples: int  # below voice_low_mos
    first_at: dt.datetime
    last_at: dt.datetime
    mos_total: float  # the samples' sum, for means over several calls
    location: str = ""  # where the advisor worked (site, telecentre, home)
    setup: str = ""  # from home: the set-up declared at the last readiness check


def calls_quality(p: Platform, actor: Actor, day: dt.date) -> list[CallQuality]:
    """Each call's quality on a day (the scenario's time zone), from the samples kept in
    the event log: the advisor's own calls, a manager's teams', or all for an admin."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=p.zone)
    query = (
        select(EventRow.contact_id, EventRow.agent_id, EventRow.at, EventRow.data)
        .where(EventRow.type == "call.quality", EventRow.at >= start)
        .where(EventRow.at < start + dt.timedelta(days=1))
        .order_by(EventRow.id)
    )
    if actor.role is Role.AGENT:
        query = query.where(EventRow.agent_id == (actor.agent_id or ""))
    elif actor.role is Role.SUPERVISOR:
        query = query.where(EventRow.team_id.in_(sorted(actor.team_ids)))
    samples: dict[tuple[int, str], list[tuple[dt.datetime, float]]] = {}
    where: dict[tuple[int, str], tuple[str, str]] = {}
    with p.sessions() as session:
        for contact_id, agent_id, at, data in session.execute(query):
            mos = data.get("mos") if isinstance(data, dict) else None
            if contact_id is None or agent_id is None or not isinstance(mos, int | float):
                continue
            samples.setdefault((contact_id, agent_id), []).append((at, float(mos)))
            location, setup = data.get("location") or "", data.get("setup") or ""
            where[contact_id, agent_id] = (str(location), str(setup))
    threshold = p.settings.voice_low_mos
    return [
        CallQuality(
            contact_id=contact_id,
            agent_id=agent_id,
            samples=len(values),
            mean_mos=round(sum(m for _, m in values) / len(values), 2),
            min_mos=round(min(m for _, m in values), 2),
            low_samples=sum(1 for _, m in values if m < threshold),
            first_at=values[0][0],
            last_at=values[-1][0],
            mos_total=sum(m for _, m in values),
            location=where[contact_id, agent_id][0],
            setup=where[contact_id, agent_id][1],
        )
        for (contact_id, agent_id), values in sorted(samples.items())
    ]


@dataclass(frozen=True, slots=True)
class GroupCallQuality:
    """The quality of a group of calls on a day: one advisor's, or one way of working's
    (a location, and from home a set-up)."""

    key: tuple[str, ...]
    advisors: int
    calls: int
    samples: int
    mean_mos: float  # over all samples
    min_mos: float
    low_calls: int  # calls with at least one sample below voice_low_mos


def quality_by(
    calls: list[CallQuality], key: Callable[[CallQuality], tuple[str, ...]]
) -> list[GroupCallQuality]:
    """Calls summed up per ``key`` (per advisor: ``lambda c: (c.agent_id,)``; per way of
    working: ``lambda c: (c.location, c.setup)``)."""
    groups: dict[tuple[str, ...], list[CallQuality]] = {}
    for call in calls:
        groups.setdefault(key(call), []).append(call)
    summary = []
    for group, rows in sorted(groups.items()):
        samples = sum(r.samples for r in rows)
        summary.append(
            GroupCallQuality(
                key=group,
                advisors=len({r.agent_id for r in rows}),
                calls=len(rows),
                samples=samples,
                mean_mos=round(sum(r.mos_total for r in rows) / samples, 2),
                min_mos=min(r.min_mos for r in rows),
                low_calls=sum(1 for r in rows if r.low_samples),
            )
        )
    return summary
