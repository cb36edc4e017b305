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
from homeshore.services.platform import Platform
from homeshore.voice.credentials import control_token, new_secret
from homeshore.voice.engines import host_port
from homeshore.voice.ng import NgClient, NgError

log = logging.getLogger("homeshore.voice")


@dataclass(frozen=True, slots=True)
class CallLeg:
    """The customer's side of a call, as the engines name it."""

    call_id: str
    from_tag: str = ""


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

    def _hold_music(self, leg: CallLeg, on: bool) -> None:
        """The caller hears the music instead of the advisor, or the advisor again."""
        if self.rtpengine_ng is None or self.hold_music is None or not leg.from_tag:
            log.warning("voice: no hold music for call %s (not configured)", leg.call_id)
            return
        ng = NgClient(self.rtpengine_ng)
        try:
            if on:
                ng.command(
                    "play media",
                    call_id=leg.call_id,
                    from_tag=leg.from_tag,
                    file=str(self.hold_music),
                    repeat_times=10_000,
                )
            else:
                ng.command("stop media", call_id=leg.call_id, from_tag=leg.from_tag)
        except (NgError, OSError) as exc:
            log.error("voice: hold music of call %s: %s", leg.call_id, exc)
        finally:
            ng.close()

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
