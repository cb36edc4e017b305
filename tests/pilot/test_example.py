"""The shipped example pilot is what its seeded script writes, and the README shows what the
command prints on it."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from homeshore.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "pilot" / "advisors.csv"


def test_the_example_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "advisors.csv"
    script = ROOT / "bench" / "make_pilot_example.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(out)], check=True, capture_output=True
    )
    assert out.read_bytes() == EXAMPLE.read_bytes()


def test_the_readme_shows_the_commands_output(capsys: pytest.CaptureFixture[str]) -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "homeshore pilot compare examples/" in line)
    argv = shlex.split(lines[at])[1:]
    argv[argv.index("examples/pilot/advisors.csv")] = str(EXAMPLE)
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == lines[at + 1]
