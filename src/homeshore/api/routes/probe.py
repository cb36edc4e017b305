"""The readiness probe: a websocket the server times itself, and the verdict.

``/api/readiness/probe/ws`` answers probe messages at once and times the run on the
server's clock (round trips, download, upload: :mod:`homeshore.readiness.probe_server`),
kept under the probe id it sends first. ``POST /api/readiness/probe`` names that probe id:
the verdict rests on the server's measurement; the figures the client measured itself (its
round trips, the browser's media echo) are summarised as reported and can only make it
worse (the readiness use case judges both with the E-model).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from homeshore.api import sockets
from homeshore.api.deps import ActorDep, PlatformDep, origin_of
from homeshore.api.schemas import Access, ReadinessOut
from homeshore.readiness.probe import (
    BandwidthResult,
    MediaInterval,
    ProbePlan,
    ProbeResult,
    ProbeSummary,
    summarise,
    summarise_media,
)
from homeshore.readiness.probe_server import ProbeRuns, ServerProbe, hello
from homeshore.services import readiness
from homeshore.services.auth import Auth
from homeshore.services.errors import Invalid
from homeshore.web import views
from homeshore.web.i18n import LANGUAGE_COOKIE
from homeshore.web.reasons import localise

router = APIRouter(tags=["readiness"])

MAX_TRANSFER_BYTES = 1_000_000
MAX_PROBE_MESSAGES = 5_000
MAX_PROBE_SECONDS = 120.0
CLOSE_UNAUTHORIZED = sockets.CLOSE_UNAUTHORIZED
#: no home connection is faster: a reported transfer that would be is refused (kbit/s)
MAX_REPORTED_KBPS = 10_000_000
#: an echo not acknowledged within this time is lost (the clients' own timeout)
PROBE_TIMEOUT_S = ProbePlan().timeout_s


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)  # as schemas.IN_CONFIG


class ProbeIn(_In):
    seq: Annotated[int, Field(ge=0, le=100_000)]
    rtt_ms: Annotated[float, Field(ge=0, le=60_000)] | None


class TransferIn(_In):
    direction: Literal["download", "upload"]
    size_bytes: Annotated[int, Field(ge=1, le=MAX_TRANSFER_BYTES)]
    elapsed_ms: Annotated[float, Field(gt=0, le=600_000)]

    @field_validator("elapsed_ms")
    @classmethod
    def _physical(cls, elapsed_ms: float, info: ValidationInfo) -> float:
        size = info.data.get("size_bytes")
        if isinstance(size, int) and size * 8.0 / elapsed_ms > MAX_REPORTED_KBPS:
            rate = size * 8.0 / elapsed_ms / 1e6
            raise ValueError(
                f"{size:,} bytes in {elapsed_ms:g} ms would be {rate:,.0f} Gbit/s: no home "
                f"connection is faster than {MAX_REPORTED_KBPS / 1e6:g} Gbit/s"
            )
        return elapsed_ms


class MediaIntervalIn(_In):
    """About a second of the media echo through the relay (the browser's WebRTC stats)."""

    rtt_ms: Annotated[float, Field(ge=0, le=60_000)] | None
    jitter_ms: Annotated[float, Field(ge=0, le=60_000)]
    received: Annotated[int, Field(ge=0, le=100_000)]
    lost: Annotated[int, Field(ge=0, le=100_000)]


class ProbeRunIn(_In):
    # the run the server timed on the probe websocket (its "hello"): what the verdict rests on
    probe_id: Annotated[
        str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    ]
    # reported by the client (its own timings): stored as such, may only make it worse
    probes: list[ProbeIn] = Field(default_factory=list, max_length=1_000)
    # the media echo through the relay (voice on), from the browser's WebRTC statistics:
    # reported too, judged instead of the client's own probes
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
    summary: SummaryOut = Field(description="what the server measured")
    reported: SummaryOut | None = Field(description="what the client reported, if anything")
    judged_on: Literal["measured", "reported"] = Field(
        description="the figures the verdict rests on: the worse of the two"
    )
    reasons: list[str] = Field(description="the verdict's reasons in the user's language")
    checked_at_text: str


@router.websocket("/api/readiness/probe/ws")
async def probe_socket(websocket: WebSocket, token: str | None = None) -> None:
    """Answer probes at once and time them, and the transfers, on the server's clock; the
    run is kept for the session's user under the probe id sent first. Needs a session."""
    auth: Auth = websocket.app.state.auth
    session = await sockets.admit(websocket, auth, token, stream=False)  # origin, session
    if session is None:
        return
    actor = session.actor
    await websocket.accept()
    run = ServerProbe(clock=time.monotonic, max_bytes=MAX_TRANSFER_BYTES, timeout_s=PROBE_TIMEOUT_S)
    runs: ProbeRuns = websocket.app.state.probe_runs
    probe_id = runs.start(actor.user_id, run, time.monotonic())
    with contextlib.suppress(WebSocketDisconnect, TimeoutError, RuntimeError):
        # ended with the session (4401), as the event stream
        async with sockets.ending_with(websocket, auth, session):
            await websocket.send_text(hello(probe_id, PROBE_TIMEOUT_S))
            async with asyncio.timeout(MAX_PROBE_SECONDS):
                for _ in range(MAX_PROBE_MESSAGES):
                    text = await websocket.receive_text()
                    reply = run.reply(text)
                    if reply is not None:
                        await websocket.send_text(reply)
    run.finish()
    with contextlib.suppress(RuntimeError):
        await websocket.close()


def _reported(body: ProbeRunIn) -> ProbeSummary | None:
    """The client's own figures, summarised like the server's (``None``: it sent none)."""
    bandwidth = [BandwidthResult(t.direction, t.size_bytes, t.elapsed_ms) for t in body.transfers]
    try:
        if body.media is not None:
            intervals = [
                MediaInterval(m.rtt_ms, m.jitter_ms, m.received, m.lost) for m in body.media
            ]
            return summarise_media(intervals, bandwidth=bandwidth)
        if body.probes:
            return summarise(
                [ProbeResult(p.seq, p.rtt_ms) for p in body.probes],
                probes_per_sample=body.probes_per_sample,
                bandwidth=bandwidth,
            )
    except ValueError as exc:
        raise Invalid(str(exc), field="media" if body.media is not None else "probes") from exc
    if bandwidth:
        raise Invalid("reported transfers need the probes they were timed with", "transfers")
    return None


@router.post("/api/readiness/probe", response_model=ProbeRunOut, status_code=201)
async def record_probe(
    body: ProbeRunIn, request: Request, actor: ActorDep, platform: PlatformDep
) -> ProbeRunOut:
    """Judge and store, for the calling agent, the run the server timed under
    ``probe_id`` and the figures the client reported: the media echo when the browser sent
    one (a call's path), else its own probes. The worse of the two is stored; the check says
    which path was measured and where its figures came from."""
    check = readiness.record_probe(
        platform,
        actor,
        request.app.state.probe_runs,
        body.probe_id,
        now_s=time.monotonic(),
        reported=_reported(body),
        path="websocket" if body.media is None else "media",
        wired=body.wired,
        usb_headset=body.usb_headset,
        quiet_room=body.quiet_room,
        access=body.access,
        vpn=body.vpn,
        origin=origin_of(request),
    )
    row = check.row
    t = views.translator_for(
        platform,
        actor,
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
    )
    language = t.language
    measured: dict[str, Any] = check.measured.to_dict()
    reported: dict[str, Any] | None = check.reported.to_dict() if check.reported else None
    return ProbeRunOut(
        check=ReadinessOut.model_validate(row),
        summary=SummaryOut(**measured),
        reported=None if reported is None else SummaryOut(**reported),
        judged_on=check.judged_on,
        reasons=[localise(r, language) for r in row.reasons],
        checked_at_text=t("readiness.checked_at", at=views.format_when(platform, row.at, language)),
    )
