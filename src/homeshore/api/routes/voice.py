"""Voice: Kamailio's reports of calls, and the advisor's softphone credential."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from homeshore.api.deps import ActorDep, CommittedPlatformDep, OriginDep, PlatformDep, token_of
from homeshore.api.schemas import (
    AdvisorQuality,
    CallQualityIn,
    CallQualityOut,
    CallQualityRow,
    EchoOut,
    ListenOut,
    OnOffIn,
    QualityReportOut,
    SdpIn,
    SdpOut,
    SetUpQuality,
    SoftphoneOut,
    VoiceEventIn,
    VoiceEventOut,
)
from homeshore.services import callbacks, voice
from homeshore.services.errors import NotFound, Unauthorized
from homeshore.voice.link import CallLeg, VoiceLink

router = APIRouter(prefix="/api/voice", tags=["voice"])


async def voice_link(request: Request) -> VoiceLink:
    link: VoiceLink | None = request.app.state.voice
    if link is None:
        raise NotFound("voice is off on this server (start it with `homeshore serve --voice`)")
    return link


async def engines_link(request: Request) -> VoiceLink:
    """The voice link, for a request bearing the engines' token (not a user's session)."""
    link: VoiceLink | None = request.app.state.voice
    given = (token_of(request) or "").encode()
    if link is None or not hmac.compare_digest(given, link.token.encode()):
        raise Unauthorized("voice events need the telephony engines' token (and voice on)")
    return link


LinkDep = Annotated[VoiceLink, Depends(voice_link)]
EnginesDep = Annotated[VoiceLink, Depends(engines_link)]


@router.post("/events", response_model=VoiceEventOut)
async def call_event(link: EnginesDep, body: VoiceEventIn, platform: PlatformDep) -> VoiceEventOut:
    """A step of a call, from Kamailio (bearer: the voice control token, not a session)."""
    if body.event == "call.new":
        if body.call_id in link.cancelled:
            return VoiceEventOut(action="refuse", code=487, reason="the caller hung up")
        decision = voice.call_arrived(
            platform, call_id=body.call_id, dialled=body.dialled, caller=body.caller
        )
        if decision.refusal is not None:
            return VoiceEventOut(
                action="refuse", code=int(decision.refusal), reason=decision.reason
            )
        assert decision.contact_id is not None
        link.calls[decision.contact_id] = CallLeg(body.call_id, body.from_tag)
        await platform.durable()
        return VoiceEventOut(action="queue", contact_id=decision.contact_id)
    if body.event == "call.outbound":
        dial = callbacks.call_outbound(
            platform, external_id=voice.external_id(body.call_id), agent_id=body.caller,
            dialled=body.dialled,
        )  # fmt: skip
        if dial.number is None:
            return VoiceEventOut(action="refuse", code=dial.refusal, reason=dial.reason)
        assert dial.contact_id is not None
        link.calls[dial.contact_id] = CallLeg(body.call_id)  # the customer's tag: once answered
        await platform.durable()
        return VoiceEventOut(action="dial", number=dial.number, contact_id=dial.contact_id)
    if body.event == "call.answered":
        contact = voice.live_call(platform, body.call_id)
        if contact is not None and callbacks.is_callback(contact) and body.to_tag:
            link.calls[contact.id] = CallLeg(body.call_id, body.to_tag)  # the customer's side
    if body.event == "call.cancel":
        result = voice.call_cancelled(platform, body.call_id)
        if result == "unknown":
            link.remember_cancelled(body.call_id)
    elif body.event == "call.answered":
        result = voice.call_answered(platform, body.call_id)
    elif body.event == "call.end":
        result = voice.call_ended(platform, body.call_id, by=body.by)
    elif body.event == "call.dropped":
        reason = body.reason or "softphone_closed"
        result = voice.call_dropped(platform, body.call_id, reason=reason)
    else:
        result = voice.call_failed(platform, body.call_id, code=body.code)
    await platform.durable()
    return VoiceEventOut(result=result)


@router.post("/contacts/{contact_id}/hold", status_code=204)
async def hold(
    contact_id: Annotated[int, Path(ge=1, le=2**62)],
    body: OnOffIn,
    actor: ActorDep,
    platform: PlatformDep,
    link: LinkDep,
) -> None:
    """The advisor puts their caller on hold (``on``: the caller hears music) or back."""
    voice.hold(platform, actor, contact_id, on=body.on)


@router.post("/contacts/{contact_id}/quality", response_model=CallQualityOut)
async def call_quality(
    contact_id: Annotated[int, Path(ge=1, le=2**62)],
    body: CallQualityIn,
    actor: ActorDep,
    platform: PlatformDep,
    link: LinkDep,
) -> CallQualityOut:
    """A quality sample of the call from the advisor's browser; its E-model R and MOS."""
    r, mos = voice.record_quality(
        platform,
        actor,
        contact_id,
        rtt_ms=body.rtt_ms,
        jitter_ms=body.jitter_ms,
        loss_pct=body.loss_pct,
    )
    return CallQualityOut(r=round(r, 1), mos=round(mos, 2))


ContactId = Annotated[int, Path(ge=1, le=2**62)]
Session = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.-]+$")]


@router.post("/contacts/{contact_id}/listen", response_model=ListenOut, status_code=201)
async def listen(
    contact_id: ContactId, actor: ActorDep, platform: PlatformDep, link: LinkDep, origin: OriginDep
) -> ListenOut:
    """The advisor's manager listens to the call (silent monitoring); the advisor is told,
    and the audit trail keeps it with where the manager listens from."""
    session, offers = await link.start_listening(platform, actor, contact_id, origin=origin)
    return ListenOut(session=session, offers=offers, ice_servers=list(link.ice_servers))


@router.put("/contacts/{contact_id}/listen/{session}/barge", status_code=204)
async def barge(
    contact_id: ContactId,
    session: Session,
    body: OnOffIn,
    actor: ActorDep,
    platform: PlatformDep,
    link: LinkDep,
) -> None:
    """The manager talking to the advisor joins the call (``on``: the caller hears the
    manager too; the advisor's desk mixes it in) or leaves it (back to the advisor only).
    Declared before the listening answers' route, whose ``{party}`` would take "barge"."""
    link.set_barge(platform, actor, contact_id, session, on=body.on)


@router.put("/contacts/{contact_id}/listen/{session}/{party}", status_code=204)
async def listen_answer(
    contact_id: ContactId,
    session: Session,
    party: Annotated[str, Path(pattern=r"^(caller|advisor)$")],
    body: SdpIn,
    actor: ActorDep,
    link: LinkDep,
) -> None:
    """The manager's browser answers a party's offer; that party's audio starts."""
    await link.answer_listening(actor, contact_id, session, party, body.sdp)


@router.delete("/contacts/{contact_id}/listen/{session}", status_code=204)
async def listen_stop(
    contact_id: ContactId, session: Session, actor: ActorDep, platform: PlatformDep, link: LinkDep
) -> None:
    """The manager stops listening."""
    link.listening_of(actor, contact_id, session)
    await link.stop_listening(platform, session, reason="stopped by the manager")


@router.post("/contacts/{contact_id}/listen/{session}/whisper", response_model=SdpOut)
async def whisper(
    contact_id: ContactId,
    session: Session,
    body: SdpIn,
    actor: ActorDep,
    platform: PlatformDep,
    link: LinkDep,
) -> SdpOut:
    """The listening manager talks to the advisor (``sdp``: the browser's offer, its
    microphone); returns the relay's answer. The caller does not hear; the advisor is told."""
    answer = await link.start_whisper(platform, actor, contact_id, session, body.sdp)
    return SdpOut(sdp=answer, ice_servers=list(link.ice_servers))


@router.delete("/contacts/{contact_id}/listen/{session}/whisper", status_code=204)
async def whisper_stop(
    contact_id: ContactId, session: Session, actor: ActorDep, platform: PlatformDep, link: LinkDep
) -> None:
    link.listening_of(actor, contact_id, session)
    await link.stop_whisper(platform, session, reason="stopped by the manager")


@router.get("/contacts/{contact_id}/whisper/{session}", response_model=SdpOut)
async def whisper_offer(
    contact_id: ContactId, session: Session, actor: ActorDep, link: LinkDep
) -> SdpOut:
    """The advisor's desk fetches the offer of its manager's voice."""
    whisper_to_me = link.whisper_of(actor, contact_id, session)
    return SdpOut(sdp=whisper_to_me.advisor_offer, ice_servers=list(link.ice_servers))


@router.put("/contacts/{contact_id}/whisper/{session}", status_code=204)
async def whisper_answer(
    contact_id: ContactId, session: Session, body: SdpIn, actor: ActorDep, link: LinkDep
) -> None:
    """The advisor's desk answers: the manager's voice plays on the desk."""
    await link.answer_whisper(actor, contact_id, session, body.sdp)


@router.get("/quality", response_model=QualityReportOut)
async def quality(
    actor: ActorDep,
    platform: CommittedPlatformDep,
    day: Annotated[dt.date | None, Query(description="YYYY-MM-DD; default today")] = None,
) -> QualityReportOut:
    """Calls' network quality on a day, per call and per advisor, within the caller's scope
    (an advisor: their own calls; a manager: their teams'). Works with voice off too: the
    samples are in the event log."""
    when = day or platform.clock.now().astimezone(platform.zone).date()
    calls = await asyncio.to_thread(voice.calls_quality, platform, actor, when)
    advisors = voice.quality_by(calls, lambda c: (c.agent_id,))
    setups = voice.quality_by(calls, lambda c: (c.location, c.setup))
    return QualityReportOut(
        day=when,
        low_mos=platform.settings.voice_low_mos,
        calls=[CallQualityRow.model_validate(c, from_attributes=True) for c in calls],
        advisors=[
            AdvisorQuality(agent_id=a.key[0], **_figures(a, with_advisors=False)) for a in advisors
        ],
        setups=[SetUpQuality(location=s.key[0], setup=s.key[1], **_figures(s)) for s in setups],
    )


def _figures(group: voice.GroupCallQuality, *, with_advisors: bool = True) -> dict[str, Any]:
    figures = {
        "calls": group.calls,
        "samples": group.samples,
        "mean_mos": group.mean_mos,
        "min_mos": group.min_mos,
        "low_calls": group.low_calls,
    }
    return {**figures, "advisors": group.advisors} if with_advisors else figures


@router.get("/softphone", response_model=SoftphoneOut)
async def softphone(actor: ActorDep, link: LinkDep, platform: PlatformDep) -> SoftphoneOut:
    """The advisor's SIP credential, for their own softphone only (see docs/voice.md)."""
    credential = voice.softphone_credential(platform, actor, secret=link.secret)
    return SoftphoneOut(
        ws_url=link.ws_url,
        uri=f"sip:{actor.agent_id}@{link.domain}",
        username=credential.username,
        password=credential.password,
        expires_at=dt.datetime.fromtimestamp(credential.expires_s, dt.UTC),
        ice_servers=list(link.ice_servers),
    )


@router.post("/readiness", response_model=EchoOut, status_code=201)
async def readiness_echo(actor: ActorDep, link: LinkDep) -> EchoOut:
    """An advisor's readiness check: the media relay's offer (``sdp``) of a call's kind of
    leg (UDP, ICE, DTLS-SRTP) on which it sends back whatever the browser sends, so the
    check measures the path a call takes."""
    session, sdp = await link.start_media_probe(actor)
    return EchoOut(session=session, sdp=sdp, ice_servers=list(link.ice_servers))


@router.put("/readiness/{session}", status_code=204)
async def readiness_echo_answer(
    session: Session, body: SdpIn, actor: ActorDep, link: LinkDep
) -> None:
    """The browser's answer: the echo starts."""
    await link.answer_media_probe(actor, session, body.sdp)


@router.delete("/readiness/{session}", status_code=204)
async def readiness_echo_stop(session: Session, actor: ActorDep, link: LinkDep) -> None:
    """The check is over: the relay forgets the echo."""
    await link.stop_media_probe(actor, session)
