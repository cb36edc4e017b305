"""homeshore ↔ Kamailio at run time: the calls in progress, and the decisions of the
contact use cases carried out on the engines (continue a held call to the advisor who
accepted it, release a call homeshore gave up on)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from homeshore.config import Settings
from homeshore.realtime.types import Event, EventHub
from homeshore.services import voice as voice_service
from homeshore.services.errors import NotFound, Unavailable
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor
from homeshore.services.voice import Listening
from homeshore.voice.credentials import control_token, new_secret
from homeshore.voice.engines import host_port
from homeshore.voice.ng import NgClient, NgError

log = logging.getLogger("homeshore.voice")

#: a call is over for its listeners once its contact leaves the advisor's conversation
_CALL_OVER = frozenset(
    {"contact.ended", "contact.completed", "contact.abandoned", "contact.requeued",
     "contact.transferred", "contact.taken_over", "call.failed"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CallLeg:
    """The customer's side of a call, as the engines name it."""

    call_id: str
    from_tag: str = ""


#: rtpengine's flags for a browser's leg of a media subscription (WebRTC, as for the softphone)
_TO_BROWSER: dict[str, object] = {
    "ICE": "force",
    "DTLS": "passive",
    "SDES": ["off"],
    "transport_protocol": "UDP/TLS/RTP/SAVPF",
    "rtcp_mux": ["offer", "require"],
    "replace": ["origin", "session-connection"],
}


class VoiceUnavailable(Unavailable):
    """The media relay could not do what was asked (it says why)."""


@dataclass
class VoiceLink:
    """What the live platform knows of voice: the shared secret, the engines' control
    interface, and the call (SIP Call-ID) behind each voice contact still open."""

    secret: str
    domain: str
    ws_url: str
    control_url: str
    ice_servers: tuple[str, ...] = ()
    rtpengine_ng: tuple[str, int] | None = None  # for hold music (None: no music)
    hold_music: Path | None = None  # a WAV file rtpengine can read
    calls: dict[int, CallLeg] = field(default_factory=dict)  # by contact id
    # Call-IDs cancelled before their call.new was handled (reports can cross): refused
    cancelled: OrderedDict[str, None] = field(default_factory=OrderedDict)
    listening: dict[str, Listening] = field(default_factory=dict)  # by session
    _client: httpx.AsyncClient | None = None
    _task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, hold_music: Path | None = None) -> VoiceLink:
        given = settings.voice_secret
        return cls(
            secret=given.get_secret_value() if given is not None else new_secret(),
            domain=settings.voice_sip_domain,
            ws_url=settings.voice_ws_url,
            control_url=settings.voice_control_url.rstrip("/"),
            ice_servers=settings.voice_ice_servers,
            rtpengine_ng=host_port(settings.voice_rtpengine_ng, "HOMESHORE_VOICE_RTPENGINE_NG"),
            hold_music=settings.voice_hold_music or hold_music,
        )

    def remember_cancelled(self, call_id: str) -> None:
        self.cancelled[call_id] = None
        while len(self.cancelled) > 10_000:
            self.cancelled.popitem(last=False)

    @property
    def token(self) -> str:
        return control_token(self.secret)

    async def start(self, platform: Platform, hub: EventHub) -> None:
        for contact in platform.contacts.values():  # calls open before a restart
            external = contact.row.get("external_id") or ""
            if external.startswith(voice_service.CALL_PREFIX):
                call_id = external.removeprefix(voice_service.CALL_PREFIX)
                self.calls[contact.id] = CallLeg(call_id)  # the from-tag is not stored
        self._client = httpx.AsyncClient(
            base_url=self.control_url,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=5.0,
        )
        self._task = asyncio.create_task(self._follow(platform, hub))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._client is not None:
            await self._client.aclose()

    async def _follow(self, platform: Platform, hub: EventHub) -> None:
        while True:  # a subscriber that fell behind is ended: subscribe again
            async with hub.subscribe(None) as events:
                async for event in events:
                    try:
                        await self.on_event(platform, event)
                    except Exception:  # one call's trouble must not stop the others'
                        log.exception("voice: %s of contact %s", event.type, event.contact_id)

    async def on_event(self, platform: Platform, event: Event) -> None:
        contact_id = event.contact_id
        if contact_id is None or contact_id not in self.calls:
            return
        leg = self.calls[contact_id]
        call_id = leg.call_id
        if event.type == "contact.accepted" and event.agent_id is not None:
            agent = event.agent_id
            result = await self._control("/route", call_id, agent=agent, contact_id=contact_id)
            if result in ("agent_offline", "error"):  # the call is still held
                log.warning("voice: call %s not put through to %s: %s", call_id, agent, result)
                voice_service.call_not_connected(platform, contact_id, reason=f"voice_{result}")
            elif result in ("media_relay_down", "relay_failed"):  # Kamailio ended the call
                log.error("voice: call %s lost on its way to %s: %s", call_id, agent, result)
                voice_service.call_lost(platform, contact_id, reason=result)
        elif event.type == "contact.abandoned":
            self.calls.pop(contact_id, None)
            if event.actor_user_id != voice_service.TELEPHONY.user_id:
                await self._control("/release", call_id, code=480)
        elif event.type == "contact.completed":
            self.calls.pop(contact_id, None)
        elif event.type in ("call.held", "call.resumed"):
            await asyncio.to_thread(self._hold_music, leg, event.type == "call.held")
        if event.type in _CALL_OVER:  # nobody listens to a call that is over
            for listening in [x for x in self.listening.values() if x.contact_id == contact_id]:
                await self.stop_listening(platform, listening.session, reason="call ended")

    def _ng(self, command: str, **args: object) -> dict[str, object]:
        """One command to rtpengine (blocking: run it in a thread)."""
        if self.rtpengine_ng is None:
            raise VoiceUnavailable("no media relay configured (HOMESHORE_VOICE_RTPENGINE_NG)")
        ng = NgClient(self.rtpengine_ng)
        try:
            return ng.command(command, **args)
        except (NgError, OSError) as exc:
            raise VoiceUnavailable(str(exc)) from exc
        finally:
            ng.close()

    def _hold_music(self, leg: CallLeg, on: bool) -> None:
        """The caller hears the music instead of the advisor, or the advisor again."""
        if self.hold_music is None or not leg.from_tag:
            log.warning("voice: no hold music for call %s (not configured)", leg.call_id)
            return
        try:
            if on:
                self._ng(
                    "play media",
                    call_id=leg.call_id,
                    from_tag=leg.from_tag,
                    file=str(self.hold_music),
                    repeat_times=10_000,
                )
            else:
                self._ng("stop media", call_id=leg.call_id, from_tag=leg.from_tag)
        except VoiceUnavailable as exc:
            log.error("voice: hold music of call %s: %s", leg.call_id, exc)

    async def start_listening(
        self, platform: Platform, actor: Actor, contact_id: int
    ) -> tuple[str, str]:
        """A manager listens to one of their advisors' calls: rtpengine sends the caller's and
        the advisor's audio to the manager's browser, sending nothing back (the caller and the
        advisor hear no one new). Returns the session and the SDP offer for the browser; the
        advisor is told and the event log keeps who listened to which call, and how long."""
        contact, agent = voice_service.may_listen(platform, actor, contact_id)
        leg = self.calls.get(contact_id)
        if leg is None:
            raise VoiceUnavailable(f"contact {contact_id} has no call through the engines")
        offer = await asyncio.to_thread(
            self._ng, "subscribe request", call_id=leg.call_id, flags=["all"], **_TO_BROWSER
        )
        session, sdp = str(offer.get("to-tag") or ""), str(offer.get("sdp") or "")
        if not session or not sdp:
            raise VoiceUnavailable("rtpengine gave no subscription for this call")
        listening = voice_service.listening_started(platform, actor, contact, agent, session)
        self.listening[session] = listening
        return session, sdp

    def listening_of(self, actor: Actor, contact_id: int, session: str) -> Listening:
        listening = self.listening.get(session)
        if (
            listening is None
            or listening.contact_id != contact_id
            or (listening.user_id != actor.user_id)
        ):
            raise NotFound(f"no listening {session!r} of yours on contact {contact_id}")
        return listening

    async def answer_listening(self, actor: Actor, contact_id: int, session: str, sdp: str) -> None:
        """The manager's browser answers the offer: the audio starts flowing to it."""
        self.listening_of(actor, contact_id, session)
        leg = self.calls[contact_id]
        await asyncio.to_thread(
            self._ng, "subscribe answer", call_id=leg.call_id, to_tag=session, sdp=sdp, flags=[]
        )

    async def stop_listening(self, platform: Platform, session: str, *, reason: str) -> None:
        listening = self.listening.pop(session, None)
        if listening is None:
            return
        leg = self.calls.get(listening.contact_id)
        if leg is not None:
            try:
                await asyncio.to_thread(
                    self._ng, "unsubscribe", call_id=leg.call_id, to_tag=session
                )
            except VoiceUnavailable as exc:  # the call is gone from the relay: so is this
                log.info("voice: unsubscribe %s: %s", session, exc)
        voice_service.listening_ended(platform, listening, reason=reason)

    async def _control(self, path: str, call_id: str, **args: object) -> str:
        assert self._client is not None
        try:
            answer = await self._client.post(path, json={"call_id": call_id, **args})
        except httpx.HTTPError as exc:
            log.error("voice: Kamailio control %s failed: %s", path, exc)
            return "error"
        if answer.status_code == 404:
            return "gone"  # the caller hung up meanwhile: call.cancel says so
        if answer.status_code != 200:
            log.error("voice: Kamailio control %s answered %s", path, answer.status_code)
            return "error"
        result = answer.json().get("result")
        return str(result) if result else "error"
