"""`homeshore check` against a real platform on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from homeshore.api.app import create_app
from homeshore.cli import main
from homeshore.services.platform import Platform
from tests.services.support import PASSWORD, make_users, mini_scenario
from tests.web.live_server import serve, web_settings


@pytest.fixture(scope="module")
def platform_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Platform]]:
    app = create_app(web_settings(tmp_path_factory.mktemp("check") / "live.db"), mini_scenario())
    with serve(app) as base:
        platform: Platform = app.state.platform
        make_users(platform)
        yield base, platform


def _check(base: str, *extra: str, user: str = "h1", password: str = PASSWORD) -> int:
    args = ["check", "--server", base, "--user", user, "--password", password]
    return main([*args, "--count", "20", "--interval-ms", "5", *extra])


def test_check_measures_judges_and_stores(platform_url: tuple[str, Platform], capsys: Any) -> None:
    base, platform = platform_url
    code = _check(base, "--wired", "--usb-headset", "--quiet-room", "--language", "en")
    out = capsys.readouterr().out
    assert code == 0, out
    assert "verdict: pass" in out and "round-trip time" in out and "kbit/s" in out
    assert platform.agents["h1"].readiness == "pass"


def test_a_wifi_noisy_setup_warns_in_french(
    platform_url: tuple[str, Platform], capsys: Any
) -> None:
    base, platform = platform_url
    code = _check(base, "--wifi", "--noisy-room", "--language", "fr")
    out = capsys.readouterr().out
    assert code == 0, out
    assert "verdict: warn" in out
    assert "relié par câble" in out and "pièce n'est pas calme" in out
    assert platform.agents["h1"].readiness == "warn"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"password": "wrong"}, "login as 'h1' refused"),
        ({"user": "m.red"}, "did not store the check"),
    ],
)
def test_refusals_are_reported_plainly(
    platform_url: tuple[str, Platform], capsys: Any, args: dict[str, str], message: str
) -> None:
    base, _ = platform_url
    assert _check(base, **args) == 2
    assert message in capsys.readouterr().err


def test_bad_addresses_are_reported_plainly(tmp_path: Path, capsys: Any) -> None:
    assert main(["check", "--server", "ftp://x", "--user", "h1", "--password", "p"]) == 2
    assert "http://host:port" in capsys.readouterr().err
    closed = "http://127.0.0.1:9"  # discard port: nothing listens
    assert main(["check", "--server", closed, "--user", "h1", "--password", "p"]) == 2
    assert "cannot reach the platform" in capsys.readouterr().err
    assert _check("http://127.0.0.1:9", "--language", "de") == 2
    assert "use fr or en" in capsys.readouterr().err


def test_a_failed_check_exits_with_1(tmp_path: Path, capsys: Any) -> None:
    from homeshore.readiness.emodel import ReadinessThresholds

    demanding = ReadinessThresholds(min_bandwidth_kbps=1e12)  # no link is that fast
    app = create_app(web_settings(tmp_path / "live.db"), mini_scenario(), thresholds=demanding)
    with serve(app) as base:
        make_users(app.state.platform)
        assert _check(base, "--language", "en") == 1
        assert app.state.platform.agents["h1"].readiness == "fail"
    out = capsys.readouterr().out
    assert "verdict: fail" in out and "Bandwidth" in out
