"""Readiness checks sent by an agent's desktop."""

from __future__ import annotations

from fastapi import APIRouter

from homeshore.api.deps import ActorDep, PlatformDep
from homeshore.api.schemas import ReadinessIn, ReadinessOut
from homeshore.readiness.emodel import NetworkSample
from homeshore.services import readiness

router = APIRouter(prefix="/api/readiness", tags=["readiness"])


@router.post("", response_model=ReadinessOut, status_code=201)
async def record_check(body: ReadinessIn, actor: ActorDep, platform: PlatformDep) -> ReadinessOut:
    """Judge the agent's home connection (E-model, vendor thresholds) and store the result;
    only a pass (or a warn, if the settings allow it) lets the agent work from home."""
    row = readiness.record_check(
        platform,
        actor,
        samples=[NetworkSample(s.rtt_ms, s.jitter_ms, s.loss_pct) for s in body.samples],
        bandwidth_kbps=body.bandwidth_kbps,
        wired=body.wired,
        usb_headset=body.usb_headset,
        access=body.access,
        vpn=body.vpn,
    )
    return ReadinessOut.model_validate(row)
