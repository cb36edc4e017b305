"""The engines' configuration homeshore writes from its settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from homeshore.config import Settings
from homeshore.errors import InputError
from homeshore.voice import engines
from tests.voice.conftest import _need, wait_until


def _plan(**settings: object) -> engines.EnginePlan:
    return engines.EnginePlan.from_settings(
        Settings(**settings),
        "s3cret",
        "http://127.0.0.1:8000",  # type: ignore[arg-type]
    )


def test_the_plan_reads_the_settings() -> None:
    plan = _plan(voice_trunks=("192.0.2.10", "198.51.100.0/24"), voice_rtp_ports="40000-40999")
    assert plan.events_url == "http://127.0.0.1:8000/api/voice/events"
    assert plan.ws_listen == ("127.0.0.1", 5066) and plan.sip_listen == ("127.0.0.1", 5060)
    assert plan.rtp_ports == (40000, 40999)
    text = engines.kamailio_config(plan, "/modules")
    assert 'is_in_subnet("$si", "192.0.2.10/32,198.51.100.0/24")' in text
    assert '"auth_ephemeral", "secret", "s3cret"' in text
    assert "{{" not in text and "}}" not in text


@pytest.mark.parametrize(
    ("settings", "where"),
    [
        ({"voice_rtp_ports": "40000"}, "HOMESHORE_VOICE_RTP_PORTS"),
        ({"voice_rtp_ports": "50000-40000"}, "HOMESHORE_VOICE_RTP_PORTS"),
        ({"voice_trunks": ()}, "HOMESHORE_VOICE_TRUNKS"),
        ({"voice_sip_listen": "127.0.0.1"}, "HOMESHORE_VOICE_SIP_LISTEN"),
        ({"voice_ws_url": "ws://127.0.0.1:99999"}, "HOMESHORE_VOICE_WS_URL"),
        ({"voice_trunks": ("carrier.example",)}, "HOMESHORE_VOICE_TRUNKS"),
        ({"voice_phone_networks": ("10.0.0.0/33",)}, "HOMESHORE_VOICE_PHONE_NETWORKS"),
    ],
)
def test_bad_settings_are_named(settings: dict[str, object], where: str) -> None:
    with pytest.raises(InputError) as caught:
        _plan(**settings)
    assert caught.value.where == where


def test_desk_phones_register_only_from_their_networks() -> None:
    closed = engines.kamailio_config(_plan(), "/modules")
    assert "(WebSocket only)" in closed and "phone network" not in closed
    opened = engines.kamailio_config(_plan(voice_phone_networks=("10.20.0.0/16",)), "/modules")
    assert 'proto == UDP && is_in_subnet("$si", "10.20.0.0/16")' in opened


@pytest.mark.parametrize("phones", [(), ("10.20.0.0/16", "192.0.2.7")])
def test_kamailio_accepts_the_configuration(tmp_path: Path, phones: tuple[str, ...]) -> None:
    _need("Kamailio", not engines.missing())
    module_dir = engines.kamailio_module_dir()
    assert module_dir is not None
    cfg = tmp_path / "kamailio.cfg"
    plan = _plan(voice_trunks=("10.0.0.0/8",), voice_phone_networks=phones)
    cfg.write_text(engines.kamailio_config(plan, module_dir))
    check = subprocess.run(
        ["kamailio", "-c", "-f", str(cfg)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr[-3000:]


RUN_ENGINES = """
import sys, time
from pathlib import Path
from homeshore.config import Settings
from homeshore.voice import engines
from tests.voice.conftest import free_udp_port, free_udp_range
from tests.web.live_server import free_port

low, high = free_udp_range(20)
settings = Settings(
    voice_sip_listen=f"127.0.0.1:{free_udp_port()}",
    voice_ws_url=f"ws://127.0.0.1:{free_port()}",
    voice_control_url=f"http://127.0.0.1:{free_port()}",
    voice_rtpengine_ng=f"127.0.0.1:{free_udp_port()}",
    voice_rtp_ports=f"{low}-{high}",
)
plan = engines.EnginePlan.from_settings(settings, "s3cret", "http://127.0.0.1:9")
with engines.running(plan, Path(sys.argv[1])):
    print("ready", flush=True)
    time.sleep(3600)
"""


def _engine_processes(run_dir: Path) -> list[int]:
    """Live (not zombie) processes whose command line names ``run_dir``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and str(run_dir) in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def test_the_engines_stop_when_homeshore_is_killed(tmp_path: Path) -> None:
    _need("Kamailio and rtpengine", not engines.missing())
    run_dir = (tmp_path / "voice").resolve()
    homeshore = subprocess.Popen(
        [sys.executable, "-c", RUN_ENGINES, str(run_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert homeshore.stdout is not None
        assert homeshore.stdout.readline() == b"ready\n", homeshore.stderr
        started = _engine_processes(run_dir)
        assert len(started) >= 2  # rtpengine, Kamailio and its workers
        homeshore.kill()  # SIGKILL: homeshore cannot stop them itself
        homeshore.wait()
        wait_until(lambda: not _engine_processes(run_dir), "the engines to stop")
    finally:
        if homeshore.poll() is None:
            homeshore.kill()
            homeshore.wait()
        for stream in (homeshore.stdout, homeshore.stderr):
            if stream is not None:
                stream.close()
