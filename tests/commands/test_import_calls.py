from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import homeshore
from homeshore.cli import main
from homeshore.data.intervals import read_intervals
from homeshore.domain.tables import INTERVAL_COLUMNS, WAIT_COLUMNS

EXCERPT = Path(homeshore.__file__).resolve().parent / "examples_data" / "anonymous_bank_excerpt.txt"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


def test_import_the_bundled_excerpt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    code, out, _ = run(
        capsys, "import-calls", str(EXCERPT), "-o", str(out_dir), "--interval-min", "15"
    )
    assert code == 0
    assert {p.name for p in out_dir.iterdir()} == {
        "intervals.parquet",
        "intervals.csv",
        "waits.parquet",
    }
    iv = read_intervals(out_dir / "intervals.parquet")
    assert list(iv.columns) == list(INTERVAL_COLUMNS) and (iv["interval_min"] == 15).all()
    assert list(pd.read_parquet(out_dir / "waits.parquet").columns) == list(WAIT_COLUMNS)
    records = len(EXCERPT.read_text().splitlines()) - 1
    assert f"{records} records read" in out
    assert "phantom" in out and "0 malformed" in out
    assert f"{int(iv['offered'].sum())} offered" in out
    for queue in sorted(set(iv["queue"])):
        assert f" {queue} " in out  # the per-queue totals table


def test_malformed_lines_are_listed_and_strict_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = EXCERPT.read_text().splitlines()
    lines[5] = lines[5].replace("HANG", "MAYBE")
    lines[9] = "\t".join(lines[9].split()[:10])
    log = tmp_path / "bad.txt"
    log.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "import-calls", str(log), "-o", str(tmp_path / "out"))
    assert code == 0
    assert "2 malformed" in out
    assert (
        "bad.txt, line 6, column outcome" in out and "bad.txt, line 10: expected 17 fields" in out
    )
    code, _, err = run(capsys, "import-calls", str(log), "-o", str(tmp_path / "strict"), "--strict")
    assert code == 2
    assert "bad.txt, line 6, column outcome: outcome is not AGENT, HANG or PHANTOM" in err
    assert not (tmp_path / "strict").exists()


def test_generic_csv_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "queue,arrival,wait_s,outcome,handle_s,agent\n"
        "billing,2026-03-02T08:00:05,12,answered,184,alice\n"
        "billing,2026-03-02T08:01:10,41,abandoned,,\n"
    )
    code, out, _ = run(
        capsys,
        "import-calls",
        str(path),
        "--format",
        "csv",
        "--timezone",
        "Europe/Paris",
        "-o",
        str(tmp_path / "o"),
    )
    assert code == 0 and "2 offered" in out
    iv = read_intervals(tmp_path / "o" / "intervals.csv", "Europe/Paris")
    assert iv["offered"].sum() == 2 and iv["answered_within_t"].sum() == 1


def test_bad_options_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "import-calls", str(EXCERPT), "-o", str(tmp_path), "--interval-min", "20"
    )
    assert code == 2 and "--interval-min" in err
    code, _, err = run(
        capsys, "import-calls", str(EXCERPT), "-o", str(tmp_path), "--timezone", "Mars/Olympus"
    )
    assert code == 2 and "Mars/Olympus" in err
    code, _, err = run(capsys, "import-calls", str(tmp_path / "none.txt"), "-o", str(tmp_path))
    assert code == 2 and "none.txt" in err
