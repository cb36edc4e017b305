"""What each page shows when it opens: a snapshot built from the platform's use cases.

Every snapshot carries ``last_event_id``, read *before* the snapshot, so the page's
websocket resumes from it and replays whatever happened meanwhile (the page scripts apply
events idempotently). Shapes reuse the API's public schemas, so a page sees exactly what the
API would answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any, Final

from homeshore.api.schemas import ContactOut, ConversationOut, MessageOut
from homeshore.db.tables import UserRow
from homeshore.readiness.probe import ProbePlan
from homeshore.readiness.setup import ACCESS_KINDS
from homeshore.services import agents, chat, contacts, events, metrics, readiness
from homeshore.services.errors import Invalid, NotFound
from homeshore.services.live import LiveAgent
from homeshore.services.platform import PlannedSegment, Platform
from homeshore.services.scope import Actor, Role
from homeshore.web.i18n import CATALOGUES, Translator, choose_language
from homeshore.web.reasons import localise
from homeshore.web.refusals import refusal_texts

#: outcomes an advisor picks at wrap-up (stored as the contact's disposition)
DISPOSITIONS: Final = (
    "resolved",
    "information",
    "follow_up",
    "callback",
    "complaint",
    "not_resolved",
)
WS_PATH: Final = "/api/ws"
PROBE_WS_PATH: Final = "/api/readiness/probe/ws"
OPEN_STATES: Final = ("queued", "offered", "active", "wrap_up")
#: how the browser probes (the CLI takes the same defaults)
BROWSER_PROBE: Final = ProbePlan()


# -- users ----------------------------------------------------------------------------------


def stored_language(p: Platform, user_id: int) -> str | None:
    with p.sessions() as session:
        user = session.get(UserRow, user_id)
        return user.language if user is not None else None


def translator_for(
    p: Platform, actor: Actor | None, cookie: str | None, accept_language: str | None
) -> Translator:
    """The user's stored choice, else the cookie's, else the browser's, else French."""
    stored = stored_language(p, actor.user_id) if actor is not None else None
    return Translator(choose_language(stored or cookie, accept_language))


def set_language(p: Platform, actor: Actor, language: str) -> None:
    """Remember the interface language the user chose."""
    if language not in CATALOGUES:
        raise Invalid(f"unsupported language {language!r}", field="language")
    with p.sessions() as session:
        user = session.get(UserRow, actor.user_id)
        if user is None:
            raise NotFound(f"no user {actor.user_id}")
        user.language = language
        session.commit()


def display_name(p: Platform, actor: Actor) -> str:
    agent = p.agents.get(actor.agent_id) if actor.agent_id else None
    return agent.name if agent is not None else actor.username


def nav_items(actor: Actor, current: str) -> list[dict[str, Any]]:
    pages = (
        [("agent", "/agent"), ("readiness", "/readiness")]
        if actor.role is Role.AGENT
        else [("supervisor", "/supervisor")]
    )
    return [
        {"key": f"nav.{name}", "href": href, "current": name == current} for name, href in pages
    ]


# -- shared pieces -------------------------------------------------------------------------


def _common(p: Platform, translator: Translator) -> dict[str, Any]:
    return {
        "texts": translator.script_texts(),
        "refusals": refusal_texts(translator),
        "timezone": p.scenario.timezone,
        "server_now": p.clock.now().isoformat(),
        "heartbeat_s": p.settings.heartbeat_s,
        "ws_path": WS_PATH,
    }


def _segment(s: PlannedSegment) -> dict[str, Any]:
    return {
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "activity": s.activity.value,
        "location": s.location.value,
        "queue": s.queue,
    }


def today_schedule(p: Platform, agent_id: str, now: dt.datetime) -> list[dict[str, Any]]:
    """The agent's segments that touch today (local day of the scenario's time zone)."""
    local = now.astimezone(p.zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + dt.timedelta(days=1)
    return [_segment(s) for s in p.schedule.get(agent_id, []) if s.start < end and s.end > start]


#: how far ahead the desk shows an advisor's published schedule
COMING_DAYS = 28


def coming_days(p: Platform, agent_id: str, now: dt.datetime) -> list[dict[str, Any]]:
    """The agent's published schedule after today, up to COMING_DAYS ahead, day by day
    (local days of the scenario's time zone): each day's date and its segments."""
    local = now.astimezone(p.zone)
    tomorrow = local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    until = tomorrow + dt.timedelta(days=COMING_DAYS)
    days: dict[str, list[dict[str, Any]]] = {}
    for s in p.schedule.get(agent_id, []):
        if s.start >= tomorrow and s.start < until:
            day = s.start.astimezone(p.zone).date().isoformat()
            days.setdefault(day, []).append(_segment(s))
    return [{"date": day, "segments": segments} for day, segments in sorted(days.items())]


def _agent(a: LiveAgent) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "team_id": a.team_id,
        "state": a.state.value,
        "state_since": a.state_since.isoformat() if a.state_since else None,
        "location": a.location.value if a.location else None,
        "readiness": a.readiness,
    }


def _dump(model: Any) -> dict[str, Any]:
    out: dict[str, Any] = model.model_dump(mode="json")
    return out


def _contact_bundle(p: Platform, actor: Actor, contact_id: int) -> dict[str, Any] | None:
    try:
        row = contacts.get_contact(p, actor, contact_id)
    except NotFound:
        return None
    conversations = []
    for conv in chat.conversations(p, actor, contact_id=contact_id):
        conversations.append(
            {
                **_dump(ConversationOut.model_validate(conv)),
                "messages": _messages(p, actor, conv.id),
            }
        )
    return {"contact": _dump(ContactOut.model_validate(row)), "conversations": conversations}


def _messages(p: Platform, actor: Actor, conversation_id: int) -> list[dict[str, Any]]:
    return [_dump(MessageOut.model_validate(m)) for m in chat.messages(p, actor, conversation_id)]


# -- pages ----------------------------------------------------------------------------------


def agent_desk(p: Platform, actor: Actor, translator: Translator) -> dict[str, Any]:
    """The agent desktop: state, today's schedule, contacts in hand with their chats."""
    actor.require(Role.AGENT)
    if actor.agent_id is None:
        raise NotFound("this account is not tied to an advisor")
    last_id = events.last_id(p)
    agent = agents.agent_for(p, actor, actor.agent_id)
    now = p.clock.now()
    held = sorted(agent.offered | agent.active | agent.wrapping)
    bundles = [b for b in (_contact_bundle(p, actor, cid) for cid in held) if b is not None]
    return {
        **_common(p, translator),
        "last_event_id": last_id,
        "agent": {
            **_agent(agent),
            "work_modes": sorted(m.value for m in agent.work_modes),
            "readiness_due": p.readiness_due(agent, now),
        },
        "schedule": today_schedule(p, agent.id, now),
        "coming": coming_days(p, agent.id, now),
        "in_contact_time": p.in_contact_time(agent, now),
        "offer_timeout_s": p.settings.offer_timeout_s,
        "queues": {q.id: q.name for q in p.scenario.queues},
        "contacts": bundles,
        "monitoring_disclosed": list(p.scenario.agreement.monitoring_disclosed),
    }


def supervisor_console(p: Platform, actor: Actor, translator: Translator) -> dict[str, Any]:
    """Queue tiles, the teams' agents, open contacts and the help inbox."""
    actor.require(Role.SUPERVISOR, Role.ADMIN)
    last_id = events.last_id(p)
    now = p.clock.now()
    team_agents = agents.list_agents(p, actor)
    open_contacts = [
        _dump(ContactOut.model_validate(row))
        for state in OPEN_STATES
        for row in contacts.list_contacts(p, actor, state=state, queue_id=None, limit=1000)
    ]
    help_items = []
    for conv in chat.conversations(p, actor):
        if conv.kind == "help" and conv.state == "open":
            help_items.append(
                {
                    "conversation": _dump(ConversationOut.model_validate(conv)),
                    "messages": _messages(p, actor, conv.id),
                }
            )
    kpis = {k.agent_id: k for k in metrics.agent_kpis(p, actor)}
    return {
        **_common(p, translator),
        "last_event_id": last_id,
        "user_id": actor.user_id,
        "queues": {
            q.id: {
                "name": q.name,
                "channel": q.channel.value,
                "targets": {
                    "service_level": q.targets.service_level,
                    "threshold_s": q.targets.threshold_s,
                    "max_asa_s": q.targets.max_asa_s,
                    "max_abandon_rate": q.targets.max_abandon_rate,
                },
            }
            for q in p.scenario.queues
        },
        "queue_kpis": [asdict(k) for k in metrics.queue_kpis(p, actor)],
        "teams": {t.id: t.name for t in p.scenario.teams if actor.sees_team(t.id)},
        "conforming": {
            a.value: sorted(s.value for s in ok) for a, ok in metrics.CONFORMING.items()
        },
        "agents": [
            {
                **_agent(a),
                "adherence_today": kpis[a.id].adherence_today if a.id in kpis else None,
                "schedule": today_schedule(p, a.id, now),
            }
            for a in team_agents
        ],
        "contacts": open_contacts,
        "help": help_items,
    }


def team_names(p: Platform, actor: Actor) -> str:
    names = [t.name for t in p.scenario.teams if actor.sees_team(t.id)]
    return ", ".join(names) if names else "—"


def format_when(p: Platform, when: dt.datetime, language: str) -> str:
    local = when.astimezone(p.zone)
    if language == "fr":
        return local.strftime("%d/%m/%Y %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def check_view(p: Platform, row: Any, language: str) -> dict[str, Any]:
    """A stored readiness check as the page shows it: verdict, reasons, mean figures."""
    samples = row.samples or []

    def mean(name: str) -> float:
        return sum(float(s[name]) for s in samples) / len(samples) if samples else 0.0

    return {
        "verdict": row.verdict,
        "reasons": [localise(r, language) for r in row.reasons],
        "r_factor": f"{row.r_factor:.1f}",
        "mos": f"{row.mos:.2f}",
        "rtt_ms": f"{mean('rtt_ms'):.1f} ms",
        "jitter_ms": f"{mean('jitter_ms'):.1f} ms",
        "loss_pct": f"{mean('loss_pct'):.1f} %",
        "bandwidth_kbps": "—",
        "path": row.path or "",
        "source": row.source or "",
        "reported": _reported_view(row.reported),
        "at_text": format_when(p, row.at, language),
    }


def _reported_view(reported: Any) -> dict[str, Any] | None:
    """The figures the browser reported with a measured check, as the page shows them."""
    if not isinstance(reported, dict):
        return None
    try:
        figures = {k: f"{float(reported[k]):.1f}" for k in ("rtt_ms", "jitter_ms", "loss_pct")}
    except (KeyError, TypeError, ValueError):
        return None
    return {**figures, "judged_on_it": bool(reported.get("judged_on_it"))}


def readiness_view(p: Platform, actor: Actor, translator: Translator) -> dict[str, Any]:
    """The readiness page: the probe plan and the last stored check."""
    actor.require(Role.AGENT)
    if actor.agent_id is None:
        raise NotFound("this account is not tied to an advisor")
    rows = readiness.checks(p, actor, actor.agent_id)
    return {
        "page_data": {
            "texts": translator.script_texts(),
            "refusals": refusal_texts(translator),
            "timezone": p.scenario.timezone,
            "probe_path": PROBE_WS_PATH,
            "probe_plan": asdict(BROWSER_PROBE),
        },
        "last_check": check_view(p, rows[0], translator.language) if rows else None,
        "monitoring_disclosed": list(p.scenario.agreement.monitoring_disclosed),
        "access_kinds": ACCESS_KINDS,
    }
