"""The engines' configuration homeshore writes from its settings."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from homeshore.config import Settings
from homeshore.errors import InputError
from homeshore.voice import engines
from tests.voice.conftest import _need


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
    ],
)
def test_bad_settings_are_named(settings: dict[str, object], where: str) -> None:
    with pytest.raises(InputError) as caught:
        _plan(**settings)
    assert caught.value.where == where


def test_kamailio_accepts_the_configuration(tmp_path: Path) -> None:
    _need("Kamailio", not engines.missing())
    module_dir = engines.kamailio_module_dir()
    assert module_dir is not None
    cfg = tmp_path / "kamailio.cfg"
    cfg.write_text(engines.kamailio_config(_plan(voice_trunks=("10.0.0.0/8",)), module_dir))
    check = subprocess.run(
        ["kamailio", "-c", "-f", str(cfg)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr[-3000:]
