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


def test_users_disable_enable_and_set_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from homeshore.config import Settings
    from homeshore.db.engine import make_engine, make_sessionmaker
    from homeshore.services.auth import hasher_for, list_users

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HOMESHORE_DATABASE_URL", url)
    monkeypatch.setenv("HOMESHORE_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("HOMESHORE_PASSWORD_MEMORY_KIB", "64")
    monkeypatch.setenv("PW", "long enough password")
    monkeypatch.setenv("NEW", "another long password")
    assert main(["users", "add", "ops", "--role", "admin", "--password-env", "PW"]) == 0
    assert main(["users", "add", "OPS", "--role", "admin", "--password-env", "PW"]) == 2
    assert "'ops' exists already" in capsys.readouterr().err
    sessions = make_sessionmaker(make_engine(url))

    def ops() -> tuple[bool, str]:
        (row,) = list_users(sessions)
        return row.active, row.password_hash

    assert main(["users", "disable", "Ops"]) == 0, "names match whatever their case"
    assert ops()[0] is False
    assert main(["users", "enable", "ops"]) == 0
    assert ops()[0] is True
    assert main(["users", "set-password", "ops", "--password-env", "NEW"]) == 0
    assert hasher_for(Settings()).verify(ops()[1], "another long password")
    monkeypatch.setenv("SHORT", "short")
    assert main(["users", "set-password", "ops", "--password-env", "SHORT"]) == 2
    assert "8 characters" in capsys.readouterr().err
    assert main(["users", "disable", "nobody"]) == 2
    assert "no user 'nobody'" in capsys.readouterr().err
