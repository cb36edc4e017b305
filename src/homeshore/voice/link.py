"""homeshore ↔ Kamailio at run time: the calls in progress, and the decisions of the
contact use cases carried out on the engines (continue a held call to the advisor who
accepted it, release a call homeshore gave up on, tell the caller of a dropped call why
and end it)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from homeshore.config import Settings
from homeshore.realtime.types import Event, EventHub
from homeshore.services import recordings
from homeshore.services import voice as voice_service
from homeshore.services.audit import Origin
from homeshore.services.errors import Conflict, NotFound, Unavailable
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.voice import Listening
from homeshore.voice.credentials import control_token, new_secret
from homeshore.voice.engines import host_port
from homeshore.voice.media_watch import MEDIA_SILENCE_S, SilenceWatch, received_packets
from homeshore.voice.ng import NgClient, NgError
from homeshore.voice.recorder import Recorder

log = logging.getLogger("homeshore.voice")

#: a call is over for its listeners once its contact leaves the advisor's conversation
_CALL_OVER = frozenset(
    {"contact.ended", "contact.completed", "contact.abandoned", "contact.requeued",
     "contact.transferred", "contact.taken_over", "call.failed", "call.dropped"}
)  # fmt: skip
#: ... and over for good: the relay may forget it
_CALL_ENDED = frozenset(
    {"contact.ended", "contact.completed", "contact.abandoned", "call.failed"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CallLeg:
    """The customer's side of a call, as the engines name it."""

    call_id: str
    # the customer's tag in the engines: the From tag of an incoming call, the To tag of
    # a call back (known once answered)
    customer_tag: str = ""


#: rtpengine's flags for a browser's leg of a media subscription or publication (WebRTC)
_TO_BROWSER: dict[str, object] = {
    "ICE": "force",
    "DTLS": "passive",
    "SDES": ["off"],
    "transport_protocol": "UDP/TLS/RTP/SAVPF",
    "rtcp_mux": ["offer", "require"],
    "replace": ["origin", "session-connection"],
}


@dataclass(frozen=True, slots=True)
class Whisper:
    """A listening manager's voice, published to the relay, and the advisor's
    subscription to it (the caller's leg never receives it)."""

    publisher: str  # the relay's tag of the manager's published voice
    advisor_tag: str  # the advisor's subscription
    advisor_offer: str  # SDP for the advisor's browser
    started_at: dt.datetime


@dataclass(frozen=True, slots=True)
class MediaProbe:
    """A readiness check's audio echoed by the relay back to the advisor's browser."""

    agent_id: str
    call_id: str
    started: float  # time.monotonic()


#: a readiness echo still open after this long is ended (its page went away mid-check)
MEDIA_PROBE_MAX_S = 120.0

#: a readiness echo's far side: plain RTP (G.711) to the discard port, where nothing is sent
_NOWHERE_SDP = (
    "v=0\r\no=homeshore 1 1 IN IP4 127.0.0.1\r\ns=readiness\r\nc=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\nm=audio 9 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
    "a=sendrecv\r\n"
)
#: the browser's answer, towards that far side
_TO_NOWHERE: dict[str, object] = {
    "ICE": "remove",
    "DTLS": "off",
    "SDES": ["off"],
    "transport_protocol": "RTP/AVP",
    "rtcp_mux": ["demux"],
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
    dropped_message: Path | None = None  # played to the caller before a dropped call ends
    answer_timeout_s: float = 20.0  # how long a softphone may ring once its advisor accepted
    recorder: Recorder | None = None  # records the calls of queues that say so
    # an advisor's side sending no packet this long drops the call (0: not watched)
    media_silence_s: float = MEDIA_SILENCE_S
    calls: dict[int, CallLeg] = field(default_factory=dict)  # by contact id
    # Call-IDs cancelled before their call.new was handled (reports can cross): refused
    cancelled: OrderedDict[str, None] = field(default_factory=OrderedDict)
    listening: dict[str, Listening] = field(default_factory=dict)  # by session
    whispers: dict[str, Whisper] = field(default_factory=dict)  # by listening session
    subscriptions: dict[str, dict[str, str]] = field(default_factory=dict)  # party -> tag
    media_probes: dict[str, MediaProbe] = field(default_factory=dict)  # by session
    barges: dict[str, dt.datetime] = field(default_factory=dict)  # listening session -> since
    _client: httpx.AsyncClient | None = None
    _task: asyncio.Task[None] | None = None
    _drops: set[asyncio.Task[None]] = field(default_factory=set)
    _dropping: set[str] = field(default_factory=set)  # Call-IDs whose caller hears why
    _watched: dict[int, CallLeg] = field(default_factory=dict)  # connected calls, by contact
    _silence: SilenceWatch | None = None
    _watch_task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, hold_music: Path | None = None, dropped_message: Path | None = None
    ) -> VoiceLink:
        given = settings.voice_secret
        return cls(
            secret=given.get_secret_value() if given is not None else new_secret(),
            domain=settings.voice_sip_domain,
            ws_url=settings.voice_ws_url,
            control_url=settings.voice_control_url.rstrip("/"),
            ice_servers=settings.voice_ice_servers,
            rtpengine_ng=host_port(settings.voice_rtpengine_ng, "HOMESHORE_VOICE_RTPENGINE_NG"),
            hold_music=settings.voice_hold_music or hold_music,
            dropped_message=settings.voice_dropped_message or dropped_message,
            answer_timeout_s=settings.voice_answer_timeout_s,
            media_silence_s=settings.voice_media_silence_s,
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
            call_id = voice_service.call_id_of(contact)
            if call_id is not None:
                self.calls[contact.id] = CallLeg(call_id)  # the from-tag is not stored
        self._client = httpx.AsyncClient(
            base_url=self.control_url,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=5.0,
        )
        self._task = asyncio.create_task(self._follow(platform, hub))
        if self.media_silence_s > 0 and self.rtpengine_ng is not None:
            self._silence = SilenceWatch(self.media_silence_s)
            self._watch_task = asyncio.create_task(self._watch_media(platform, self._silence))

    async def stop(self) -> None:
        if self.recorder is not None:
            await self.recorder.stop()
        for drop in list(self._drops):  # the engines stop too: they end those calls
            drop.cancel()
        for task in (self._task, self._watch_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
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
        if event.type == "call.connected" and leg.customer_tag:
            self._watched[contact_id] = leg  # its advisor's side must keep sending
        if event.type == "contact.accepted" and event.agent_id is not None:
            agent = event.agent_id
            result = await self._control("/route", call_id, agent=agent, contact_id=contact_id)
            if result in ("agent_offline", "error"):  # the call is still held
                log.warning("voice: call %s not put through to %s: %s", call_id, agent, result)
                voice_service.call_not_connected(platform, contact_id, reason=f"voice_{result}")
            elif result in ("media_relay_down", "relay_failed", "agent_gone"):  # call ended
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
        elif event.type == "call.connected" and self.recorder is not None:
            if event.data.get("record"):
                await self._record(platform, contact_id, leg)
        elif event.type == "call.dropped":
            self._dropping.add(call_id)
            drop = asyncio.create_task(self._drop(leg))
            self._drops.add(drop)
            drop.add_done_callback(self._drops.discard)
        if self.recorder is not None and (
            event.type in _CALL_ENDED or event.type == "call.dropped"
        ):
            self.recorder.finish_soon(platform, contact_id)
        if event.type in _CALL_OVER:  # nobody listens to a call that is over
            self._unwatch(contact_id)
            listened = [x for x in self.listening.values() if x.contact_id == contact_id]
            for listening in listened:
                await self.stop_listening(platform, listening.session, reason="call ended")
            if listened and event.type in _CALL_ENDED and call_id not in self._dropping:
                # the BYE took the call's own legs; the listeners' would keep it in the
                # relay until its media timeout
                await asyncio.to_thread(self._delete_quietly, call_id)

    def _unwatch(self, contact_id: int) -> None:
        self._watched.pop(contact_id, None)
        if self._silence is not None:
            self._silence.forget(contact_id)

    async def _watch_media(self, platform: Platform, silence: SilenceWatch) -> None:
        """Every third of the silence, the packets each connected call's advisor sent: a
        line silent for ``media_silence_s`` is a dropped line (``call.dropped``, reason
        ``media_silent``), noticed within seconds where TCP would take minutes."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(max(0.2, self.media_silence_s / 3))
            for contact_id, leg in list(self._watched.items()):
                if leg.call_id in self._dropping:
                    continue
                try:
                    packets = await asyncio.to_thread(self._advisor_packets, leg)
                except VoiceUnavailable:  # gone from the relay: the call ended
                    self._unwatch(contact_id)
                    continue
                if packets is None or contact_id not in self._watched:
                    continue
                if silence.observe(contact_id, packets, loop.time()):
                    self._unwatch(contact_id)
                    log.warning(
                        "voice: no media from the advisor of call %s for %.0f s: dropped",
                        leg.call_id,
                        self.media_silence_s,
                    )
                    try:
                        voice_service.call_dropped(platform, leg.call_id, reason="media_silent")
                    except Exception:  # one call's trouble must not stop the watch
                        log.exception("voice: dropping silent call %s", leg.call_id)

    def _advisor_packets(self, leg: CallLeg) -> int | None:
        """Packets the relay received from the call's advisor so far (None: the call has
        not its two parties yet)."""
        answer = self.ng("query", call_id=leg.call_id)
        try:
            advisor = _parties_in(answer, leg)["advisor"]
        except VoiceUnavailable:
            return None
        return received_packets(answer, advisor)

    async def _record(self, platform: Platform, contact_id: int, leg: CallLeg) -> None:
        """The call is connected and its queue records: the relay records it from now."""
        assert self.recorder is not None
        recorder = self.recorder

        def start() -> None:
            parties = self._parties(leg)
            recorder.start(contact_id, leg.call_id, parties["caller"], parties["advisor"])

        try:
            await asyncio.to_thread(start)
        except (VoiceUnavailable, LookupError) as exc:
            log.error("voice: call %s not recorded: %s", leg.call_id, exc)
            return
        recordings.recording_started(platform, contact_id)

    async def start_media_probe(self, actor: Actor) -> tuple[str, str]:
        """An advisor's readiness check: the relay offers the browser a call's kind of leg
        (ICE, DTLS-SRTP, UDP) and sends back whatever the browser sends on it. Returns the
        session and the offer (the browser answers with :meth:`answer_media_probe`). One
        echo per advisor at a time."""
        actor.require(Role.AGENT)
        agent_id = actor.agent_id or ""
        now = time.monotonic()
        for session, probe in list(self.media_probes.items()):
            if probe.agent_id == agent_id or now - probe.started > MEDIA_PROBE_MAX_S:
                await self._end_media_probe(session)
        session = secrets.token_hex(12)
        call_id = f"readiness-{session}"
        offer = await asyncio.to_thread(
            self.ng,
            "offer",
            call_id=call_id,
            from_tag="echo",
            sdp=_NOWHERE_SDP,
            media_echo="forward",  # what the browser (this offer's receiver) sends comes back
            **_TO_BROWSER,
        )
        if not offer.get("sdp"):
            await asyncio.to_thread(self._delete_quietly, call_id)
            raise VoiceUnavailable("rtpengine gave no offer for the readiness echo")
        self.media_probes[session] = MediaProbe(agent_id, call_id, now)
        return session, str(offer["sdp"])

    async def answer_media_probe(self, actor: Actor, session: str, sdp: str) -> None:
        probe = self._media_probe_of(actor, session)
        await asyncio.to_thread(
            self.ng,
            "answer",
            call_id=probe.call_id,
            from_tag="echo",
            to_tag="advisor",
            sdp=sdp,
            **_TO_NOWHERE,
        )

    def _media_probe_of(self, actor: Actor, session: str) -> MediaProbe:
        probe = self.media_probes.get(session)
        if probe is None or probe.agent_id != actor.agent_id:
            raise NotFound(f"no readiness echo {session!r} of yours")
        return probe

    async def stop_media_probe(self, actor: Actor, session: str) -> None:
        self._media_probe_of(actor, session)
        await self._end_media_probe(session)

    async def _end_media_probe(self, session: str) -> None:
        probe = self.media_probes.pop(session, None)
        if probe is not None:
            await asyncio.to_thread(self._delete_quietly, probe.call_id)

    def _delete_quietly(self, call_id: str) -> None:
        try:
            self.ng("delete", call_id=call_id)
        except VoiceUnavailable as exc:  # gone already (the relay's own timeout)
            log.info("voice: delete %s: %s", call_id, exc)

    def ng(self, command: str, **args: object) -> dict[str, object]:
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

    async def _drop(self, leg: CallLeg) -> None:
        """The advisor's line dropped during the call: the caller hears why (the dropped-call
        message), then Kamailio ends the call (BYE to both parties) and the relay forgets it.
        A caller hanging up meanwhile ends it first (``gone``)."""
        try:
            played_ms = await asyncio.to_thread(self._play_message, leg)
            await asyncio.sleep(played_ms / 1000)
            result = await self._control("/hangup", leg.call_id)
            # not answered yet (the softphone still ringing): end it once it is, unless it fails
            # or the caller hangs up first (the relay then forgets the call)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.answer_timeout_s + 5
            while result == "gone" and loop.time() < deadline and await self._in_relay(leg):
                await asyncio.sleep(0.5)
                result = await self._control("/hangup", leg.call_id)
            log.info("voice: dropped call %s (message %d ms): %s", leg.call_id, played_ms, result)
            await asyncio.to_thread(self._delete_quietly, leg.call_id)  # gone if the caller hung up
        finally:
            self._dropping.discard(leg.call_id)

    async def _in_relay(self, leg: CallLeg) -> bool:
        try:
            await asyncio.to_thread(self.ng, "query", call_id=leg.call_id)
        except VoiceUnavailable:
            return False
        return True

    def _play_message(self, leg: CallLeg) -> int:
        """Start the dropped-call message for the caller; returns its length in ms (0:
        none played)."""
        if self.dropped_message is None or not leg.customer_tag:
            log.warning("voice: no dropped-call message for call %s", leg.call_id)
            return 0
        with contextlib.suppress(VoiceUnavailable):  # the hold music, if it was playing
            self.ng("stop media", call_id=leg.call_id, from_tag=leg.customer_tag)
        try:
            answer = self.ng(
                "play media",
                call_id=leg.call_id,
                from_tag=leg.customer_tag,
                file=str(self.dropped_message),
            )
        except VoiceUnavailable as exc:
            log.error("voice: dropped-call message of call %s: %s", leg.call_id, exc)
            return 0
        duration = answer.get("duration")
        return duration if isinstance(duration, int) and 0 < duration < 120_000 else 0

    def _hold_music(self, leg: CallLeg, on: bool) -> None:
        """The caller hears the music instead of the advisor, or the advisor again."""
        if self.hold_music is None or not leg.customer_tag:
            log.warning("voice: no hold music for call %s (not configured)", leg.call_id)
            return
        try:
            if on:
                self.ng(
                    "play media",
                    call_id=leg.call_id,
                    from_tag=leg.customer_tag,
                    file=str(self.hold_music),
                    repeat_times=10_000,
                )
            else:
                self.ng("stop media", call_id=leg.call_id, from_tag=leg.customer_tag)
        except VoiceUnavailable as exc:
            log.error("voice: hold music of call %s: %s", leg.call_id, exc)

    async def start_listening(
        self, platform: Platform, actor: Actor, contact_id: int, *, origin: Origin | None = None
    ) -> tuple[str, dict[str, str]]:
        """A manager listens to one of their advisors' calls: rtpengine sends the caller's and
        the advisor's audio to the manager's browser, one subscription each, sending nothing
        back (the caller and the advisor hear no one new). Returns the session and an SDP
        offer per party (``caller``, ``advisor``); the advisor is told and the event log
        keeps who listened to which call, and how long (the audit trail, from where)."""
        contact, agent = voice_service.may_listen(platform, actor, contact_id)
        leg = self.calls.get(contact_id)
        if leg is None:
            raise VoiceUnavailable(f"contact {contact_id} has no call through the engines")
        parties = await asyncio.to_thread(self._parties, leg)
        offers: dict[str, str] = {}
        tags: dict[str, str] = {}
        try:
            for party, tag in parties.items():
                # one party per subscription: a browser given both in one offer (two media
                # sections) received the second only about half the time
                offer = await asyncio.to_thread(
                    self.ng,
                    "subscribe request",
                    call_id=leg.call_id,
                    from_tag=tag,
                    **_TO_BROWSER,
                )
                if not offer.get("to-tag") or not offer.get("sdp"):
                    raise VoiceUnavailable("rtpengine gave no subscription for this call")
                tags[party], offers[party] = str(offer["to-tag"]), str(offer["sdp"])
        except VoiceUnavailable:
            await asyncio.to_thread(self._unsubscribe, leg, tags.values())
            raise
        session = secrets.token_hex(12)
        listening = voice_service.listening_started(
            platform, actor, contact, agent, session, origin=origin
        )
        self.listening[session] = listening
        self.subscriptions[session] = tags
        return session, offers

    def _parties(self, leg: CallLeg) -> dict[str, str]:
        """The call's two parties in the relay, by their tags."""
        return _parties_in(self.ng("query", call_id=leg.call_id), leg)

    def _unsubscribe(self, leg: CallLeg, tags: Iterable[str]) -> None:
        for tag in tags:
            try:
                self.ng("unsubscribe", call_id=leg.call_id, to_tag=tag)
            except VoiceUnavailable as exc:  # the call is gone from the relay: so is this
                log.info("voice: unsubscribe %s: %s", tag, exc)

    def listening_of(self, actor: Actor, contact_id: int, session: str) -> Listening:
        listening = self.listening.get(session)
        if (
            listening is None
            or listening.contact_id != contact_id
            or (listening.user_id != actor.user_id)
        ):
            raise NotFound(f"no listening {session!r} of yours on contact {contact_id}")
        return listening

    async def answer_listening(
        self, actor: Actor, contact_id: int, session: str, party: str, sdp: str
    ) -> None:
        """The manager's browser answers a party's offer: that party's audio flows to it."""
        self.listening_of(actor, contact_id, session)
        tag = self.subscriptions.get(session, {}).get(party)
        if tag is None:
            raise NotFound(f"no {party!r} in listening {session!r}")
        leg = self.calls[contact_id]
        await asyncio.to_thread(
            self.ng, "subscribe answer", call_id=leg.call_id, to_tag=tag, sdp=sdp, flags=[]
        )

    async def start_whisper(
        self, platform: Platform, actor: Actor, contact_id: int, session: str, sdp: str
    ) -> str:
        """The listening manager talks to the advisor: the manager's browser publishes its
        microphone to the relay (``sdp``: its offer; returns the relay's answer) and the
        advisor's desk is offered a subscription to it. The caller's leg is not touched."""
        listening = self.listening_of(actor, contact_id, session)
        if session in self.whispers:
            raise Conflict("already talking to the advisor")
        leg = self.calls[contact_id]
        publisher = f"{session[:24]}-voice"
        answer = await asyncio.to_thread(
            self.ng, "publish", call_id=leg.call_id, from_tag=publisher, sdp=sdp, **_TO_BROWSER
        )
        offer = await asyncio.to_thread(
            self.ng,
            "subscribe request",
            call_id=leg.call_id,
            from_tag=publisher,
            **_TO_BROWSER,
        )
        advisor_tag, advisor_offer = str(offer.get("to-tag") or ""), str(offer.get("sdp") or "")
        if not answer.get("sdp") or not advisor_tag or not advisor_offer:
            raise VoiceUnavailable("rtpengine did not set up the manager's voice")
        self.whispers[session] = Whisper(
            publisher,
            advisor_tag,
            advisor_offer,
            voice_service.whisper_started(platform, listening),
        )
        return str(answer["sdp"])

    def whisper_of(self, actor: Actor, contact_id: int, session: str) -> Whisper:
        """The whisper to the advisor holding the call (their desk fetches and answers it)."""
        listening = self.listening.get(session)
        whisper = self.whispers.get(session)
        if (
            listening is None
            or whisper is None
            or listening.contact_id != contact_id
            or actor.agent_id != listening.agent_id
        ):
            raise NotFound(f"no manager talking to you on contact {contact_id}")
        return whisper

    async def answer_whisper(self, actor: Actor, contact_id: int, session: str, sdp: str) -> None:
        whisper = self.whisper_of(actor, contact_id, session)
        leg = self.calls[contact_id]
        await asyncio.to_thread(
            self.ng,
            "subscribe answer",
            call_id=leg.call_id,
            to_tag=whisper.advisor_tag,
            sdp=sdp,
            flags=[],
        )

    def set_barge(
        self, platform: Platform, actor: Actor, contact_id: int, session: str, *, on: bool
    ) -> None:
        """The manager talking to the advisor joins the call (``on``: the caller hears the
        manager too) or goes back to talking to the advisor only. The advisor's desk mixes
        the manager's voice, which it already receives, into what it sends to the caller."""
        listening = self.listening_of(actor, contact_id, session)
        if session not in self.whispers:
            raise Conflict("talk to the advisor first: the desk carries your voice to the caller")
        if on and session not in self.barges:
            self.barges[session] = voice_service.barge_started(platform, listening)
        elif not on:
            self._end_barge(platform, listening, reason="stopped by the manager")

    def _end_barge(self, platform: Platform, listening: Listening, *, reason: str) -> None:
        since = self.barges.pop(listening.session, None)
        if since is not None:
            voice_service.barge_ended(platform, listening, since=since, reason=reason)

    async def stop_whisper(self, platform: Platform, session: str, *, reason: str) -> None:
        listening_now = self.listening.get(session)
        if listening_now is not None:
            self._end_barge(platform, listening_now, reason=reason)
        whisper = self.whispers.pop(session, None)
        listening = self.listening.get(session)
        if whisper is None or listening is None:
            return
        leg = self.calls.get(listening.contact_id)
        if leg is not None:
            await asyncio.to_thread(self._unsubscribe, leg, [whisper.advisor_tag])
        voice_service.whisper_ended(platform, listening, since=whisper.started_at, reason=reason)

    async def stop_listening(self, platform: Platform, session: str, *, reason: str) -> None:
        await self.stop_whisper(platform, session, reason=reason)
        listening = self.listening.pop(session, None)
        tags = self.subscriptions.pop(session, {})
        if listening is None:
            return
        leg = self.calls.get(listening.contact_id)
        if leg is not None:
            await asyncio.to_thread(self._unsubscribe, leg, tags.values())
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


def _parties_in(answer: dict[str, object], leg: CallLeg) -> dict[str, str]:
    """The call's two parties in rtpengine's ``query`` answer, by their tags (the caller's
    is the From tag of the INVITE; after a restart, the one other than the advisor's, if
    known)."""
    tags = answer.get("tags")
    found = []
    for tag, party in tags.items() if isinstance(tags, dict) else []:
        relations = party.get("subscriptions") or [] if isinstance(party, dict) else []
        if any(isinstance(r, dict) and r.get("type") == "offer/answer" for r in relations):
            found.append(str(tag))
    if len(found) != 2:
        raise VoiceUnavailable(f"the call has {len(found)} parties in the relay, not 2")
    caller = leg.customer_tag if leg.customer_tag in found else found[0]
    return {"caller": caller, "advisor": next(t for t in found if t != caller)}
