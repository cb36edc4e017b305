"""Readiness checks an agent's own software reported (the server did not measure them)."""

from __future__ import annotations

from fastapi import APIRouter

from homeshore.api.deps import ActorDep, OriginDep, PlatformDep
from homeshore.api.schemas import ReadinessIn, ReadinessOut
from homeshore.readiness.emodel import NetworkSample
from homeshore.services import readiness

router = APIRouter(prefix="/api/readiness", tags=["readiness"])


@router.post("", response_model=ReadinessOut, status_code=201)
async def record_check(
    body: ReadinessIn, actor: ActorDep, platform: PlatformDep, origin: OriginDep
) -> ReadinessOut:
    """Judge samples the agent's own software reported (E-model, vendor thresholds) and
    store the result as reported: it never lets the agent work from home (only a check the
    server measured does: ``POST /api/readiness/probe``), but a worse verdict lowers the
    agent's readiness (a fail takes a home agent off the line)."""
    row = readiness.record_reported(
        platform,
        actor,
        samples=[NetworkSample(s.rtt_ms, s.jitter_ms, s.loss_pct) for s in body.samples],
        bandwidth_kbps=body.bandwidth_kbps,
        wired=body.wired,
        usb_headset=body.usb_headset,
        access=body.access,
        vpn=body.vpn,
        origin=origin,
    )
    return ReadinessOut.model_validate(row)
