from __future__ import annotations

from homeshore.domain import Channel, Queue, RoutingPolicyName, RoutingSettings, WeeklyHours
from homeshore.routing import AgentView
from homeshore.routing.types import AgentState


def make_queue(
    qid: str,
    channel: Channel = Channel.VOICE,
    concurrency: int = 1,
    **routing: object,
) -> Queue:
    return Queue(
        id=qid,
        name=qid,
        channel=channel,
        skill=qid,
        opening_hours=WeeklyHours.always(),
        concurrency=concurrency,
        routing=RoutingSettings(**routing),  # type: ignore[arg-type]
    )


def make_agent(
    aid: str,
    skills: dict[str, int],
    idle_since_s: float = 0.0,
    primary: str | None = None,
    chat_capacity: int = 2,
    state: AgentState = AgentState.AVAILABLE,
) -> AgentView:
    return AgentView(
        id=aid,
        skills=skills,
        capacity={Channel.VOICE: 1, Channel.CHAT: chat_capacity},
        state=state,
        idle_since_s=idle_since_s,
        primary_queue=primary,
    )


BULLSEYE = RoutingPolicyName.BULLSEYE
AGING = RoutingPolicyName.PRIORITY_AGING
