"""Agents: who is there, in which state, and state changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from homeshore.api.deps import ActorDep, CommittedPlatformDep, PlatformDep
from homeshore.api.schemas import AgentOut, EventOut, ReadinessOut, StateIn
from homeshore.services import agents, events, readiness
from homeshore.services.live import LiveAgent
from homeshore.services.platform import Platform
from homeshore.services.states import AgentState

router = APIRouter(prefix="/api/agents", tags=["agents"])
AgentId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00]*$")]


def agent_out(p: Platform, agent: LiveAgent) -> AgentOut:
    segment = p.planned(agent.id, p.clock.now())
    return AgentOut(
        id=agent.id,
        name=agent.name,
        team_id=agent.team_id,
        state=agent.state.value,
        state_since=agent.state_since,
        state_reason=agent.state_reason,
        location=agent.location.value if agent.location else None,
        readiness=agent.readiness,
        connected=agent.connections > 0,
        contacts=sorted(agent.offered | agent.active | agent.wrapping),
        scheduled_activity=segment.activity.value if segment else None,
    )


@router.get("", response_model=list[AgentOut])
async def list_agents(actor: ActorDep, platform: PlatformDep) -> list[AgentOut]:
    """Agents in the caller's scope: a supervisor's teams, an agent itself, all for admin."""
    return [agent_out(platform, a) for a in agents.list_agents(platform, actor)]


@router.get("/{agent_id}", response_model=AgentOut)
async def get_agent(agent_id: AgentId, actor: ActorDep, platform: PlatformDep) -> AgentOut:
    return agent_out(platform, agents.agent_for(platform, actor, agent_id))


@router.post("/{agent_id}/state", response_model=AgentOut)
async def change_state(
    agent_id: AgentId, body: StateIn, actor: ActorDep, platform: PlatformDep
) -> AgentOut:
    """Ready / not ready / training / log off. Going available needs an open websocket, a
    WORK activity in the published schedule now, and from home a passed readiness check."""
    agent = agents.change_state(
        platform,
        actor,
        agent_id,
        AgentState(body.state),
        location=body.location,
        reason=body.reason,
    )
    await platform.durable()  # answer once committed (group commit)
    return agent_out(platform, agent)


@router.get("/{agent_id}/readiness", response_model=list[ReadinessOut])
async def readiness_checks(
    agent_id: AgentId, actor: ActorDep, platform: CommittedPlatformDep
) -> list[ReadinessOut]:
    return [ReadinessOut.model_validate(r) for r in readiness.checks(platform, actor, agent_id)]


@router.get("/{agent_id}/monitoring", response_model=list[EventOut])
async def monitoring(
    agent_id: AgentId, actor: ActorDep, platform: CommittedPlatformDep
) -> list[EventOut]:
    """How the advisor's work was monitored, newest first (listening, whispering, joining
    a call, recordings and who played them, evaluations): the advisor itself, its managers,
    an admin."""
    agents.agent_for(platform, actor, agent_id)
    return [EventOut(**e.to_dict()) for e in events.monitoring(platform, agent_id)]
