"""Voice end to end: the real engines (Kamailio, rtpengine from Debian's packages) started
by homeshore.voice.engines with the configuration homeshore writes, the real app under
uvicorn, SIPp as the carrier trunk's caller and Debian's Chromium (fake microphone playing
a 1 kHz tone) as the advisor's desk with its softphone. All on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeshore.api.app import create_app
from homeshore.data.scenario_file import load_scenario
from homeshore.services.platform import Platform
from homeshore.voice import engines
from homeshore.voice.link import VoiceLink
from homeshore.voice.music import write_dropped_message, write_hold_music
from homeshore.voice.recorder import Recorder
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, WAIT_S
from tests.services.support import PASSWORD, make_users
from tests.voice import media
from tests.web.live_server import admin_client, free_port, serve, web_settings

HERE = Path(__file__).parent
SIPP = shutil.which("sipp") or "/usr/bin/sipp"
#: the advisor's microphone and the customer's voice
AGENT_HZ, CALLER_HZ = 1000.0, 440.0

#: a page function's first statement: ``dominant(key, stream)`` is the loudest frequency of
#: an audio stream the page plays ({hz, db}; WebAudio analyser, kept per ``key``)
DOMINANT_JS = """
  window.__analysers = window.__analysers || new Map();
  const dominant = (key, stream) => {
    if (!window.__analysers.has(key)) {
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      ctx.createMediaStreamSource(stream).connect(analyser);
      window.__analysers.set(key, { ctx, analyser });
    }
    const { ctx, analyser } = window.__analysers.get(key);
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let best = 1;
    for (let i = 2; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
    return { hz: (best * ctx.sampleRate) / analyser.fftSize, db: bins[best] };
  };
"""


def _need(what: str, present: bool) -> None:
    if present:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {what} is missing (.ci/run installs it)")
    pytest.skip(f"{what} is missing ({engines.INSTALL_HINT} sip-tester chromium)")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def free_udp_range(size: int) -> tuple[int, int]:
    """``size`` consecutive free UDP ports (rtpengine's media ports)."""
    for _ in range(200):
        low = free_udp_port() // 2 * 2
        if low + size >= 65535:
            continue
        try:
            for port in range(low, low + size):
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.bind(("127.0.0.1", port))
            return low, low + size - 1
        except OSError:
            continue
    raise RuntimeError("no free range of UDP ports")


@dataclass
class VoiceSite:
    base_url: str
    platform: Platform
    api: httpx.Client  # admin
    plan: engines.EnginePlan
    engines: engines.Engines
    run_dir: Path
    caller_tone: Path

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def contacts(self, **params: Any) -> list[dict[str, Any]]:
        answer = self.api.get("/api/contacts", params=params)
        assert answer.status_code == 200, answer.text
        result: list[dict[str, Any]] = answer.json()
        return result

    def call(
        self,
        scenario: str,
        dialled: str,
        *,
        source_ip: str = "127.0.0.1",
        replace: dict[str, str] | None = None,
    ) -> Caller:
        """Start SIPp placing one call through the trunk (returns at once)."""
        text = (HERE / "sipp" / scenario).read_text().replace("@TONE@", str(self.caller_tone))
        for key, value in (replace or {}).items():
            text = text.replace(key, value)
        path = self.run_dir / f"{scenario}.{time.monotonic_ns()}.xml"
        path.write_text(text)
        media_port = free_udp_port() // 2 * 2
        sip_host, sip_port = self.plan.sip_listen
        log = self.run_dir / f"{path.stem}.log"
        command = [SIPP, f"{sip_host}:{sip_port}", "-sf", str(path), "-s", dialled,
                   "-i", source_ip, "-p", str(free_udp_port()), "-mi", source_ip,
                   "-mp", str(media_port), "-m", "1", "-l", "1", "-timeout", "300s",
                   "-timeout_error", "-nostdin", "-trace_err",
                   "-error_file", str(log)]  # fmt: skip
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.run_dir
        )
        return Caller(process, media_port, log)


@dataclass
class Caller:
    process: subprocess.Popen[bytes]
    media_port: int
    errors: Path

    def wait(self, timeout_s: float = WAIT_S) -> int:
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def explain(self) -> str:
        stderr = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
        logged = self.errors.read_text(errors="replace") if self.errors.exists() else ""
        return f"sipp exit {self.process.returncode}: {stderr[-1500:]} {logged[-2500:]}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


def wait_until(check: Callable[[], Any], what: str, timeout_s: float = WAIT_S) -> Any:
    """Poll ``check`` until it returns something true; fail naming ``what`` after the
    (generous) ceiling: a busy machine makes it later, not different."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout_s:.0f} s for {what}")
        time.sleep(0.05)


@contextmanager
def recorded_call(site: VoiceSite, dialled: str = "+33900000001") -> Iterator[tuple[Caller, Any]]:
    """A customer's call (answered.xml) whose received audio is recorded (needs root)."""
    if not media.can_record():
        pytest.skip("recording the caller's audio needs a packet socket (run as root)")
    caller = site.call("answered.xml", dialled)
    recorder = media.RtpRecorder(caller.media_port)
    recorder.start()
    try:
        yield caller, recorder
    finally:
        recorder.stop()
        caller.stop()


def answer_on_desk(site: VoiceSite, page: Any) -> tuple[int, Any]:
    """The advisor's desk accepts the call offered: (contact id, its card), once connected."""
    page.locator('.offer [data-action="accept"]').click()
    [contact] = wait_until(lambda: site.contacts(state="active"), "the call accepted")
    card = page.locator(f'.contact[data-contact="{contact["id"]}"]')
    card.locator('[data-field="call-state"][data-state="connected"]').wait_for()
    return int(contact["id"]), card


@contextmanager
def running_site(run_dir: Path, **overrides: Any) -> Iterator[VoiceSite]:
    """The engines and the platform (voice on), all on loopback, with the accounts of
    tests.services.support; ``overrides`` change the settings."""
    port = free_port()
    low, high = free_udp_range(40)
    link = VoiceLink(
        secret="test-secret-" + os.urandom(8).hex(),
        domain="homeshore.test",
        ws_url=f"ws://127.0.0.1:{free_port()}",
        control_url=f"http://127.0.0.1:{free_port()}",
    )
    settings = web_settings(
        run_dir / "live.db",
        voice_sip_domain=link.domain,
        voice_ws_url=link.ws_url,
        voice_control_url=link.control_url,
        voice_sip_listen=f"127.0.0.1:{free_udp_port()}",
        voice_rtpengine_ng=f"127.0.0.1:{free_udp_port()}",
        voice_rtp_ports=f"{low}-{high}",
        voice_trunks=("127.0.0.1",),
        voice_recordings_dir=run_dir / "recordings",
        **overrides,
    )
    plan = engines.EnginePlan.from_settings(settings, link.secret, f"http://127.0.0.1:{port}")
    link.rtpengine_ng = plan.rtpengine_ng
    link.media_silence_s = settings.voice_media_silence_s
    link.hold_music = write_hold_music(run_dir / "hold.wav")
    link.dropped_message = write_dropped_message(run_dir / "dropped.wav")
    link.recorder = Recorder.for_run(link.ng, settings, run_dir)
    tone = media.write_ulaw_wav(run_dir / "caller.wav", media.tone(CALLER_HZ, 30.0, 8000))
    scenario = load_scenario(HERE / "data" / "voice.yaml")
    app = create_app(settings, scenario, voice_link=link)
    with engines.running(plan, run_dir) as running, serve(app, port) as base:
        platform: Platform = app.state.platform
        make_users(platform)
        with admin_client(base, WAIT_S) as api:
            yield VoiceSite(base, platform, api, plan, running, run_dir, tone)


@contextmanager
def running_chromium(mic_dir: Path) -> Iterator[Any]:
    """Debian's Chromium, headless, whose fake microphone plays AGENT_HZ."""
    from playwright.sync_api import sync_playwright

    mic = media.write_pcm16(mic_dir / "mic.wav", media.tone(AGENT_HZ, 60.0, 48000), 48000)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={mic}",
        "--allow-loopback-in-peer-connection",
        "--autoplay-policy=no-user-gesture-required",
    ]
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield chromium
        chromium.close()


def open_desk(
    browser: Any,
    site: VoiceSite,
    username: str,
    path: str = "/agent",
    watch: Callable[[Any], None] | None = None,
) -> Any:
    """A new browser context logged in as ``username`` on ``path`` (the desk: once its
    softphone is registered); ``watch(page)`` runs before the first request."""
    context = browser.new_context(
        locale="en-GB", base_url=site.base_url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(WAIT_S * 1000)
    page = context.new_page()
    if watch is not None:
        watch(page)
    page.goto(f"/login?next={path}")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(site.url(path))  # not "**/path": the login page's ?next= matches that
    if path == "/agent":
        page.locator('#softphone[data-state="open"]').wait_for()
    return page


@pytest.fixture(scope="module")
def voice_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VoiceSite]:
    """One platform with its engines per test module (``SETTINGS = {...}`` changes it)."""
    _need("Kamailio and rtpengine", not engines.missing())
    _need("SIPp (sip-tester)", Path(SIPP).exists())
    with running_site(
        tmp_path_factory.mktemp("voice"), **getattr(request.module, "SETTINGS", {})
    ) as site:
        yield site


@pytest.fixture(scope="module")
def voice_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _need(f"Chromium at {CHROMIUM}", CHROMIUM.exists())
    with running_chromium(tmp_path_factory.mktemp("mic")) as chromium:
        yield chromium


@pytest.fixture
def desk(voice_browser: Any, voice_site: VoiceSite) -> Iterator[Callable[..., Any]]:
    """``desk(agent)``: that advisor's desk, logged in, softphone registered;
    ``desk(manager, "/supervisor")``: a manager's console."""
    pages: list[Any] = []
    errors: list[str] = []
    requested: list[str] = []

    def opener(username: str, path: str = "/agent") -> Any:
        def watch(page: Any) -> None:
            page.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
            page.on("request", lambda request: requested.append(request.url))

        page = open_desk(voice_browser, voice_site, username, path, watch)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.context.close()
    assert not errors, errors
    outside = [u for u in requested if not u.startswith((voice_site.base_url, "data:", "blob:"))]
    assert requested and not outside, outside
