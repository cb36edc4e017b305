"""Live KPIs for the supervisor console."""

from __future__ import annotations

from fastapi import APIRouter

from homeshore.api.deps import ActorDep, CommittedPlatformDep
from homeshore.api.schemas import AgentKpisOut, QueueKpisOut
from homeshore.services import metrics

router = APIRouter(prefix="/api/metrics", tags=["metrics"])


@router.get("/queues", response_model=list[QueueKpisOut])
async def queue_kpis(actor: ActorDep, platform: CommittedPlatformDep) -> list[QueueKpisOut]:
    """Per queue: waiting, oldest wait, and today's SL, ASA and abandon rate."""
    return [QueueKpisOut.model_validate(k) for k in metrics.queue_kpis(platform, actor)]


@router.get("/agents", response_model=list[AgentKpisOut])
async def agent_kpis(actor: ActorDep, platform: CommittedPlatformDep) -> list[AgentKpisOut]:
    """Per agent in scope: state, time in state, occupancy today, schedule adherence."""
    return [AgentKpisOut.model_validate(k) for k in metrics.agent_kpis(platform, actor)]
