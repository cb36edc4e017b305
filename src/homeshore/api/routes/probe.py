"""The readiness probe: an echo websocket to time, and the verdict from raw measurements.

``/api/readiness/probe/ws`` echoes probe messages at once and answers bulk transfers (see
:mod:`homeshore.readiness.probe` for the protocol). ``POST /api/readiness/probe`` takes the
raw round trips a client measured, summarises them (pure maths) and stores the verdict
through the readiness use case, which judges it with the E-model.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field

from homeshore.api.deps import SESSION_COOKIE, ActorDep, PlatformDep
from homeshore.api.schemas import Access, ReadinessOut
from homeshore.readiness.probe import (
    BandwidthResult,
    MediaInterval,
    ProbeResult,
    echo_reply,
    summarise,
    summarise_media,
)
from homeshore.services import readiness
from homeshore.services.auth import Auth
from homeshore.services.errors import Invalid, ServiceError
from homeshore.web import views
from homeshore.web.i18n import LANGUAGE_COOKIE
from homeshore.web.reasons import localise

router = APIRouter(tags=["readiness"])

MAX_TRANSFER_BYTES = 1_000_000
MAX_PROBE_MESSAGES = 5_000
MAX_PROBE_SECONDS = 120.0
CLOSE_UNAUTHORIZED = 4401


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProbeIn(_In):
    seq: Annotated[int, Field(ge=0, le=100_000)]
    rtt_ms: Annotated[float, Field(ge=0, le=60_000)] | None


class TransferIn(_In):
    direction: Literal["download", "upload"]
    size_bytes: Annotated[int, Field(ge=1, le=MAX_TRANSFER_BYTES)]
    elapsed_ms: Annotated[float, Field(gt=0, le=600_000)]


class MediaIntervalIn(_In):
    """About a second of the media echo through the relay (the browser's WebRTC stats)."""

    rtt_ms: Annotated[float, Field(ge=0, le=60_000)] | None
    jitter_ms: Annotated[float, Field(ge=0, le=60_000)]
    received: Annotated[int, Field(ge=0, le=100_000)]
    lost: Annotated[int, Field(ge=0, le=100_000)]


class ProbeRunIn(_In):
    probes: list[ProbeIn] = Field(min_length=1, max_length=1_000)
    # the media echo through the relay (voice on): judged instead of the websocket probes,
    # which then serve only for the bandwidth
    media: list[MediaIntervalIn] | None = Field(default=None, min_length=1, max_length=120)
    transfers: list[TransferIn] = Field(default_factory=list, max_length=4)
    probes_per_sample: Annotated[int, Field(ge=1, le=100)] = 10
    wired: bool | None = None
    usb_headset: bool | None = None
    quiet_room: bool | None = None
    access: Access | None = None
    vpn: bool | None = None


class SummaryOut(BaseModel):
    samples: list[dict[str, float]]
    rtt_ms: float
    jitter_ms: float
    loss_pct: float
    sent: int
    lost: int
    bandwidth_kbps: float | None


class ProbeRunOut(BaseModel):
    check: ReadinessOut
    summary: SummaryOut
    reasons: list[str] = Field(description="the verdict's reasons in the user's language")
    checked_at_text: str


@router.websocket("/api/readiness/probe/ws")
async def probe_socket(websocket: WebSocket, token: str | None = None) -> None:
    """Echo timed probes; answer download and upload requests. Needs a session."""
    auth: Auth = websocket.app.state.auth
    try:
        auth.resolve(token or websocket.cookies.get(SESSION_COOKIE))
    except ServiceError as exc:
        await websocket.close(code=CLOSE_UNAUTHORIZED, reason=exc.reason)
        return
    await websocket.accept()
    with contextlib.suppress(WebSocketDisconnect, TimeoutError, RuntimeError):
        async with asyncio.timeout(MAX_PROBE_SECONDS):
            for _ in range(MAX_PROBE_MESSAGES):
                text = await websocket.receive_text()
                reply = echo_reply(text, max_bytes=MAX_TRANSFER_BYTES)
                if reply is not None:
                    await websocket.send_text(reply)
    with contextlib.suppress(RuntimeError):
        await websocket.close()


@router.post("/api/readiness/probe", response_model=ProbeRunOut, status_code=201)
async def record_probe(
    body: ProbeRunIn, request: Request, actor: ActorDep, platform: PlatformDep
) -> ProbeRunOut:
    """Summarise a probe run into samples, judge and store it for the calling agent: the
    media echo when the browser sent one (the path a call takes), else the websocket
    probes (the fallback: TCP turns loss into delay). The check says which."""
    bandwidth = [BandwidthResult(t.direction, t.size_bytes, t.elapsed_ms) for t in body.transfers]
    try:
        if body.media is not None:
            intervals = [
                MediaInterval(m.rtt_ms, m.jitter_ms, m.received, m.lost) for m in body.media
            ]
            summary = summarise_media(intervals, bandwidth=bandwidth)
        else:
            summary = summarise(
                [ProbeResult(p.seq, p.rtt_ms) for p in body.probes],
                probes_per_sample=body.probes_per_sample,
                bandwidth=bandwidth,
            )
    except ValueError as exc:
        raise Invalid(str(exc), field="media" if body.media is not None else "probes") from exc
    row = readiness.record_check(
        platform,
        actor,
        samples=list(summary.samples),
        bandwidth_kbps=summary.bandwidth_kbps,
        wired=body.wired,
        usb_headset=body.usb_headset,
        quiet_room=body.quiet_room,
        path="websocket" if body.media is None else "media",
        access=body.access,
        vpn=body.vpn,
    )
    t = views.translator_for(
        platform,
        actor,
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
    )
    language = t.language
    summary_out: dict[str, Any] = summary.to_dict()
    return ProbeRunOut(
        check=ReadinessOut.model_validate(row),
        summary=SummaryOut(**summary_out),
        reasons=[localise(r, language) for r in row.reasons],
        checked_at_text=t("readiness.checked_at", at=views.format_when(platform, row.at, language)),
    )
