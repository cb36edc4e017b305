"""`homeshore users` and `homeshore db` against a fresh SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeshore.cli import main
from tests.services.support import DATA


def test_users_create_all_add_and_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOMESHORE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("HOMESHORE_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("HOMESHORE_PASSWORD_MEMORY_KIB", "64")
    monkeypatch.setenv("PW", "long enough password")
    scenario = str(DATA / "mini.yaml")
    assert main(["db", "upgrade", "--scenario", scenario]) == 0
    assert main(["users", "create-all", "--scenario", scenario, "--password-env", "PW"]) == 0
    assert "created 8 accounts" in capsys.readouterr().out  # admin, 2 managers, 5 agents
    assert main(["users", "create-all", "--scenario", scenario, "--password-env", "PW"]) == 0
    assert "created 0 accounts (8 existed)" in capsys.readouterr().out
    args = ["users", "add", "ops", "--role", "supervisor", "--team", "red", "--password-env", "PW"]
    assert main(args) == 0
    assert main(["users", "list"]) == 0
    assert "ops" in capsys.readouterr().out
    # bad input: a clear error, exit status 2
    assert main(["users", "add", "x", "--role", "boss", "--password-env", "PW"]) == 2
    assert "unknown role" in capsys.readouterr().err
    assert (
        main(["users", "add", "y", "--role", "agent", "--agent", "zz", "--password-env", "PW"]) == 2
    )
    assert "no agent 'zz'" in capsys.readouterr().err
    monkeypatch.setenv("SHORT", "short")
    assert main(["users", "add", "z", "--role", "admin", "--password-env", "SHORT"]) == 2
    assert "8 characters" in capsys.readouterr().err
