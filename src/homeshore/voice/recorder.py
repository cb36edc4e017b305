"""Recording a queue's calls with the media relay: rtpengine records once the call is
connected (the caller hears the notice), and when the call is over homeshore turns the
relay's pcap into a stereo WAV (homeshore.voice.recording) that the platform keeps for its
retention period (homeshore.services.recordings)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from homeshore.config import Settings
from homeshore.services import recordings
from homeshore.services.platform import Platform
from homeshore.voice.engines import RTP_RECORDINGS
from homeshore.voice.music import write_recording_notice
from homeshore.voice.recording import find_pcap, pcap_to_wav

log = logging.getLogger(__name__)

#: one command to the relay (homeshore.voice.link.VoiceLink.ng)
Ng = Callable[..., dict[str, object]]
#: how long the relay may take to close a recording once the call is over
CLOSE_WITHIN_S = 15.0


def _converter_started() -> None:
    """The converting process yields the CPU to everything live (recordings can wait)."""
    os.nice(10)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A call being recorded: the relay's local ports each party sends to."""

    call_id: str
    caller_port: int
    advisor_port: int


def local_port(answer: dict[str, object], tag: str) -> int:
    """The relay's local port for the party ``tag`` of a ``query`` answer (its first
    stream, the RTP one): the port that party's packets are addressed to."""
    tags = answer.get("tags")
    party = tags.get(tag) if isinstance(tags, dict) else None
    medias = party.get("medias") if isinstance(party, dict) else None
    for media in medias if isinstance(medias, list) else []:
        streams = media.get("streams") if isinstance(media, dict) else None
        for stream in streams if isinstance(streams, list) else []:
            port = stream.get("local port") if isinstance(stream, dict) else None
            if isinstance(port, int) and port > 0:
                return port
    raise LookupError(f"the relay shows no local port for party {tag}")


@dataclass
class Recorder:
    ng: Ng
    rtp_recordings: Path  # rtpengine's --recording-dir (readable here)
    store: Path  # where the WAV files are kept
    notice: Path | None = None  # played to the caller when recording starts
    active: dict[int, Recorded] = field(default_factory=dict)  # by contact id
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    # converting a recording is CPU work in Python: in a process of its own, it never holds
    # the live platform's interpreter (measured: in a thread, calls waited seconds for offers)
    _pool: ProcessPoolExecutor | None = None

    @classmethod
    def for_run(cls, ng: Ng, settings: Settings, run_dir: Path) -> Recorder:
        """The recorder of engines started in ``run_dir`` (homeshore.voice.engines)."""
        return cls(
            ng,
            rtp_recordings=settings.voice_rtp_recordings_dir or run_dir / RTP_RECORDINGS,
            store=settings.voice_recordings_dir,
            notice=settings.voice_recording_notice
            or write_recording_notice((run_dir / "recording-notice.wav").resolve()),
        )

    def start(self, contact_id: int, call_id: str, caller: str, advisor: str) -> Recorded:
        """Record the call (blocking: run in a thread); the caller hears the notice."""
        self.ng("start recording", call_id=call_id, from_tag=caller)
        answer = self.ng("query", call_id=call_id)
        recorded = Recorded(call_id, local_port(answer, caller), local_port(answer, advisor))
        self.active[contact_id] = recorded
        if self.notice is not None:
            self.ng("play media", call_id=call_id, from_tag=caller, file=str(self.notice))
        return recorded

    def finish_soon(self, platform: Platform, contact_id: int) -> None:
        """The call is over: store its recording (in the background)."""
        recorded = self.active.pop(contact_id, None)
        if recorded is None:
            return
        task = asyncio.create_task(self._finish(platform, contact_id, recorded))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _finish(self, platform: Platform, contact_id: int, recorded: Recorded) -> None:
        try:
            # closes the files at once if the relay still has the call (a BYE deletes it)
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self.ng, "stop recording", call_id=recorded.call_id)
            pcap = await self._closed(recorded.call_id)
            self.store.mkdir(parents=True, exist_ok=True)
            wav = self.store / f"contact-{contact_id}.wav"
            convert = functools.partial(
                pcap_to_wav,
                pcap,
                wav,
                caller_port=recorded.caller_port,
                advisor_port=recorded.advisor_port,
            )
            audio = await asyncio.get_running_loop().run_in_executor(self._converter(), convert)
            os.chmod(wav, 0o600)
            await platform.caught_up()
            recordings.recording_stored(
                platform, contact_id, path=wav.resolve(), duration_s=audio.duration_s
            )
            for done in (pcap, self._metadata(pcap)):
                done.unlink(missing_ok=True)
            log.info("voice: recording of contact %s stored: %s", contact_id, wav)
        except Exception:
            log.exception("voice: recording of contact %s (call %s)", contact_id, recorded.call_id)

    def _converter(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_converter_started,
            )
        return self._pool

    def _metadata(self, pcap: Path) -> Path:
        return self.rtp_recordings / "metadata" / f"rtpengine-meta-{pcap.stem}.txt"

    async def _closed(self, call_id: str) -> Path:
        """The call's pcap once the relay closed it (its metadata file then appears)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_WITHIN_S
        while True:
            pcap = find_pcap(self.rtp_recordings, call_id)
            if pcap is not None and self._metadata(pcap).is_file():
                return pcap
            if loop.time() > deadline:
                raise TimeoutError(f"the relay did not close the recording of call {call_id}")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        """Let the recordings being stored finish (homeshore stopping)."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=CLOSE_WITHIN_S + 5)
        if self._pool is not None:
            await asyncio.to_thread(self._pool.shutdown, wait=True, cancel_futures=True)
            self._pool = None
