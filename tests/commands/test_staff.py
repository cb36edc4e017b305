from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import homeshore
from homeshore.cli import main
from homeshore.domain.tables import REQUIREMENT_COLUMNS
from tests.conftest import ROOT

EXCERPT = Path(homeshore.__file__).resolve().parent / "examples_data" / "anonymous_bank_excerpt.txt"
KEYS = ["agents", "p_wait", "p_abandon", "service_level", "mean_wait_s", "asa_s", "occupancy"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


def test_single_interval_erlang_a_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "staff", "--calls", "100", "--interval-min", "30", "--aht-s", "180",
        "--patience-s", "300", "--threshold-s", "20", "--agents", "14", "--json",
    )  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert list(result) == KEYS
    assert result["agents"] == 14
    assert round(result["p_wait"], 5) == 0.14526
    assert round(result["p_abandon"], 6) == 0.013984
    assert round(result["service_level"], 6) == 0.916792
    assert round(result["occupancy"], 6) == 0.704297
    assert round(result["mean_wait_s"], 4) == 4.1951
    assert round(result["asa_s"], 5) == 3.87848  # answered only (brute-force chain: 3.878480)


def test_single_interval_sizing_erlang_c(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "staff", "--calls", "100", "--interval-min", "30", "--aht-s", "180",
        "--threshold-s", "20", "--target-sl", "0.8", "--json",
    )  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert result["agents"] == 14 and result["p_abandon"] == 0.0
    assert round(result["service_level"], 6) == 0.888350
    assert result["asa_s"] == result["mean_wait_s"]


def test_single_interval_with_patience_sizes_below_erlang_c(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys, "staff", "--calls", "100", "--aht-s", "180", "--patience-s", "300",
        "--target-sl", "0.8", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["agents"] == 13


def test_single_interval_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "staff", "--calls", "100", "--aht-s", "180", "--agents", "14")
    assert code == 0 and "Erlang C" in out and "0.17413" in out


def test_unstable_queue_reports_null_waits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "staff", "--calls", "100", "--aht-s", "180", "--agents", "10",
                       "--json")  # fmt: skip
    result = json.loads(out)
    assert code == 0 and result["mean_wait_s"] is None and result["service_level"] == 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--calls", "100", "--aht-s", "180"], "give --agents"),
        (["--calls", "100", "--agents", "3"], "--aht-s is required"),
        (["--calls", "-1", "--aht-s", "180", "--agents", "3"], "--calls must be >= 0"),
        (["--calls", "10", "--aht-s", "180", "--target-sl", "1.5"], "service level target"),
        ([], "give an INTERVALS table"),
    ],
)
def test_single_interval_bad_input(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, "staff", *args)
    assert code == 2 and message in err


def write_intervals(path: Path, rows: list[str]) -> Path:
    path.write_text("queue,start,interval_min,offered,aht_s\n" + "\n".join(rows) + "\n")
    return path


def test_table_mode_with_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_intervals(
        tmp_path / "iv.csv",
        [
            "voice,2026-01-05T09:00:00+01:00,30,100,180",
            "voice,2026-01-05T09:30:00+01:00,30,0,",
            "voice,2026-01-05T10:00:00+01:00,30,100,180",
        ],
    )
    out = tmp_path / "req.csv"
    code, _, err = run(capsys, "staff", str(src), "-o", str(out), "--shrinkage", "0.3")
    assert code == 0, err
    table = pd.read_csv(out)
    assert list(table.columns) == list(REQUIREMENT_COLUMNS)
    assert table["required_agents"].tolist() == [14, 0, 14]
    assert table["scheduled_agents"].tolist() == [20, 0, 20]
    assert table["start"].iloc[0] == "2026-01-05T08:00:00+00:00"
    code, _, err = run(
        capsys, "staff", str(src), "-o", str(tmp_path / "req.parquet"), "--patience-s", "300"
    )
    assert code == 0, err
    assert pd.read_parquet(tmp_path / "req.parquet")["required_agents"].tolist() == [13, 0, 13]


def test_bad_row_names_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_intervals(
        tmp_path / "iv.csv",
        ["voice,2026-01-05T09:00:00+01:00,30,100,180", "voice,2026-01-05T09:30:00+01:00,30,5,-2"],
    )
    out = tmp_path / "req.csv"
    code, _, err = run(capsys, "staff", str(src), "-o", str(out))
    assert code == 2
    assert "iv.csv" in err and "line 3" in err and "column aht_s" in err
    assert not out.exists() and not list(tmp_path.glob(".req.csv*"))


def test_bad_start_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_intervals(tmp_path / "iv.csv", ["voice,yesterday,30,100,180"])
    code, _, err = run(capsys, "staff", str(src), "-o", str(tmp_path / "r.csv"))
    assert code == 2 and "line 2" in err and "column start" in err


def test_missing_file_and_bad_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "staff", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "r.csv"))
    assert code == 2 and "file not found" in err
    src = write_intervals(tmp_path / "iv.csv", ["voice,2026-01-05T09:00:00+01:00,30,100,180"])
    code, _, err = run(capsys, "staff", str(src), "-o", str(tmp_path / "r.xlsx"))
    assert code == 2 and ".csv or .parquet" in err


def test_imported_call_log_through_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """import-calls output (INTERVAL_COLUMNS) sized with the bundled Anonymous Bank scenario."""
    code, _, err = run(capsys, "import-calls", str(EXCERPT), "-o", str(tmp_path / "imp"))
    assert code == 0, err
    out = tmp_path / "req.csv"
    code, _, err = run(
        capsys, "staff", str(tmp_path / "imp" / "intervals.csv"), "-o", str(out),
        "--scenario", str(ROOT / "examples" / "anonymous_bank.yaml"),
    )  # fmt: skip
    assert code == 0, err
    table = pd.read_csv(out)
    intervals = pd.read_csv(tmp_path / "imp" / "intervals.csv")
    assert len(table) == len(intervals)
    busy = table["volume"] > 0
    assert (table.loc[busy, "required_agents"] >= 1).all()
    assert (table.loc[~busy, "required_agents"] == 0).all()


def test_long_tables_show_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from homeshore.commands import staff
    from homeshore.staffing import requirements

    monkeypatch.setattr(staff, "PROGRESS_ROWS", 2)
    monkeypatch.setattr(requirements, "CHUNK_ROWS", 2)
    rows = [f"voice,2026-01-05T{9 + i // 2:02d}:{30 * (i % 2):02d}:00+01:00,30,{50 + 10 * i},180"
            for i in range(7)]  # fmt: skip
    src = write_intervals(tmp_path / "iv.csv", rows)
    out = tmp_path / "req.csv"
    code, _, err = run(capsys, "staff", str(src), "-o", str(out), "--patience-s", "300")
    assert code == 0, err
    table = pd.read_csv(out)
    expected = [
        json.loads(
            run(
                capsys,
                "staff",
                "--calls",
                str(50 + 10 * i),
                "--aht-s",
                "180",
                "--patience-s",
                "300",
                "--target-sl",
                "0.8",
                "--json",
            )[1]
        )["agents"]
        for i in range(7)
    ]
    assert table["required_agents"].tolist() == expected
