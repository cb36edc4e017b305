"""`homeshore voice phone-credential`: a desk phone's SIP account for one advisor."""

from __future__ import annotations

import time

import pytest

from homeshore.cli import main
from homeshore.voice.credentials import sip_credential


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


def test_the_credential_is_the_advisors_own_and_expires(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOMESHORE_VOICE_SECRET", "phones-secret")
    monkeypatch.setenv("HOMESHORE_VOICE_PHONE_NETWORKS", '["10.20.0.0/16"]')
    before = int(time.time())
    code, out, err = run(capsys, "voice", "phone-credential", "h1", "--days", "7")
    assert code == 0, err
    fields = dict(
        line.split(None, 1) for line in out.replace("auth user", "auth_user").splitlines()
    )
    expires_s, _, agent = fields["auth_user"].partition(":")
    assert agent == "h1" and fields["user"] == "h1"
    assert before + 7 * 86400 <= int(expires_s) <= int(time.time()) + 7 * 86400
    assert fields["password"] == sip_credential("phones-secret", "h1", int(expires_s)).password


@pytest.mark.parametrize(
    ("env", "args", "named"),
    [
        ({}, ["a1"], "HOMESHORE_VOICE_SECRET"),
        ({"HOMESHORE_VOICE_SECRET": "s"}, ["a1"], "HOMESHORE_VOICE_PHONE_NETWORKS"),
        (
            {"HOMESHORE_VOICE_SECRET": "s", "HOMESHORE_VOICE_PHONE_NETWORKS": '["10.0.0.0/8"]'},
            ["a1;evil"],
            "AGENT",
        ),
    ],
)
def test_what_is_missing_is_named(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    named: str,
) -> None:
    for key in ("HOMESHORE_VOICE_SECRET", "HOMESHORE_VOICE_PHONE_NETWORKS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, out, err = run(capsys, "voice", "phone-credential", *args)
    assert code == 2 and out == ""
    assert named in err
