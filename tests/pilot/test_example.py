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


def test_the_examples_are_regenerated_byte_for_byte(tmp_path: Path) -> None:
    script = ROOT / "bench" / "make_pilot_example.py"
    names = {"--out": "advisors.csv", "--phases": "phases.csv", "--stay": "stay.csv"}
    argv = [part for option, name in names.items() for part in (option, str(tmp_path / name))]
    subprocess.run([sys.executable, str(script), *argv], check=True, capture_output=True)
    for name in names.values():
        assert (tmp_path / name).read_bytes() == (EXAMPLE.parent / name).read_bytes(), name


def test_the_readme_shows_the_commands_output(capsys: pytest.CaptureFixture[str]) -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "homeshore pilot compare examples/" in line)
    argv = shlex.split(lines[at])[1:]
    argv[argv.index("examples/pilot/advisors.csv")] = str(EXAMPLE)
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == lines[at + 1]


def test_the_readme_shows_the_reports_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "homeshore pilot report examples/" in line)
    argv = shlex.split(lines[at])[1:]
    for name in ("phases.csv", "stay.csv"):
        argv[argv.index(f"examples/pilot/{name}")] = str(EXAMPLE.parent / name)
    argv[argv.index("out/pilot")] = str(tmp_path / "pilot")
    assert main(argv) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == lines[at + 1 : at + 3]
    assert (tmp_path / "pilot" / "report.html").exists()
