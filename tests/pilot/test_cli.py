"""The scriptable contract: `homeshore pilot compare FILE --group COLUMN --treated VALUE
--outcome COLUMN [--pre COLUMN] [--cluster COLUMN] --json` prints one JSON object whose
numbers are checked here against scipy's Welch test on the same columns."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from homeshore.cli import main

# 10 home advisors, 9 on site (and 3 in a telecentre, left out with --control site)
CSV = """person,group,team,quit,perf_pre,perf
h01,home,t1,0,96,104
h02,home,t1,1,88,97
h03,home,t2,0,101,112
h04,home,t2,0,110,115
h05,home,t3,0,93,106
h06,home,t3,0,99,103
h07,home,t4,1,85,90
h08,home,t4,0,104,113
h09,home,t5,0,97,109
h10,home,t5,0,102,108
s01,site,t6,1,95,96
s02,site,t6,0,99,101
s03,site,t7,1,90,88
s04,site,t7,0,107,109
s05,site,t8,1,94,97
s06,site,t8,0,100,99
s07,site,t9,0,89,93
s08,site,t9,1,103,104
s09,site,t9,0,98,97
c01,telecentre,t10,0,100,102
c02,telecentre,t10,0,95,99
c03,telecentre,t10,1,97,96
"""
KEYS = {"estimate", "ci_low", "ci_high", "n_treated", "n_control", "method"}


@pytest.fixture
def pilot(tmp_path: Path) -> Path:
    path = tmp_path / "pilot.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    payload: dict[str, Any] = json.loads(lines[0])
    assert payload.keys() >= KEYS
    return payload


def welch(treated: np.ndarray, control: np.ndarray) -> tuple[float, float, float]:
    result = stats.ttest_ind(treated, control, equal_var=False)
    ci = result.confidence_interval(0.95)
    return float(treated.mean() - control.mean()), float(ci.low), float(ci.high)


def arms(column: str, control: str = "site") -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(io.StringIO(CSV))
    values = frame[column] if column in frame else frame["perf"] - frame["perf_pre"]
    return (
        values[frame["group"] == "home"].to_numpy(float),
        values[frame["group"] == control].to_numpy(float),
    )


def test_difference_of_means(pilot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["pilot", "compare", str(pilot), "--group", "group", "--treated", "home"]
    payload = run([*argv, "--outcome", "perf", "--control", "site", "--json"], capsys)
    estimate, low, high = welch(*arms("perf"))
    assert payload["estimate"] == pytest.approx(estimate, abs=1e-9)
    assert (payload["ci_low"], payload["ci_high"]) == pytest.approx((low, high), abs=1e-9)
    assert (payload["n_treated"], payload["n_control"]) == (10, 9)
    assert payload["method"] == "difference of means"
    assert payload["relative_pct"] == pytest.approx(100 * estimate / arms("perf")[1].mean())
    # without --control, the telecentre joins the control group
    pooled = run([*argv, "--outcome", "perf", "--json"], capsys)
    assert pooled["n_control"] == 12 and pooled["control"] == ["site", "telecentre"]


def test_difference_of_proportions(pilot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["pilot", "compare", str(pilot), "--group", "group", "--treated", "home"]
    payload = run([*argv, "--outcome", "quit", "--control", "site", "--json"], capsys)
    treated, control = arms("quit")
    p1, p0 = treated.mean(), control.mean()  # 2/10 and 4/9
    assert payload["estimate"] == pytest.approx(0.2 - 4 / 9, abs=1e-12)
    se = np.sqrt(p1 * (1 - p1) / (len(treated) - 1) + p0 * (1 - p0) / (len(control) - 1))
    assert payload["se"] == pytest.approx(se, rel=1e-12)
    _, low, high = welch(treated, control)
    assert (payload["ci_low"], payload["ci_high"]) == pytest.approx((low, high), abs=1e-9)
    assert payload["method"] == "difference of proportions"


def test_difference_in_differences(pilot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["pilot", "compare", str(pilot), "--group", "group", "--treated", "home"]
    argv += ["--outcome", "perf", "--pre", "perf_pre", "--control", "site", "--json"]
    payload = run(argv, capsys)
    # changes: home +8 +9 +11 +5 +13 +4 +5 +9 +12 +6 (mean 8.2), site +1 +2 -2 +2 +3 -1 +4 +1 -1
    assert payload["estimate"] == pytest.approx(8.2 - 9 / 9, abs=1e-9)
    _, low, high = welch(*arms("change"))
    assert (payload["ci_low"], payload["ci_high"]) == pytest.approx((low, high), abs=1e-9)
    assert payload["method"] == "difference in differences"
    assert payload["pre"] == "perf_pre"


def test_cluster_column_and_parquet(
    pilot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parquet = tmp_path / "pilot.parquet"
    pd.read_csv(pilot).to_parquet(parquet)
    argv = ["pilot", "compare", "--group", "group", "--treated", "home", "--outcome", "perf"]
    argv += ["--control", "site", "--cluster", "team", "--json"]
    from_csv = run([*argv[:2], str(pilot), *argv[2:]], capsys)
    from_parquet = run([*argv[:2], str(parquet), *argv[2:]], capsys)
    assert from_csv == {**from_parquet, "file": str(pilot)}
    assert from_csv["clusters"] == 9 and from_csv["cluster_by"] == "team"
    assert "cluster-robust" in from_csv["standard_errors"]
    estimate, _, _ = welch(*arms("perf"))
    assert from_csv["estimate"] == pytest.approx(estimate, abs=1e-9)


def test_verdict_in_words(pilot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["pilot", "compare", str(pilot), "--group", "group", "--treated", "home"]
    assert main([*argv, "--outcome", "perf", "--control", "site"]) == 0
    estimate, low, high = welch(*arms("perf"))
    assert capsys.readouterr().out == (
        f"treated − control: {estimate:.1f} (95 % CI {low:.1f} to {high:.1f}), n = 10 vs 9; "
        "difference of means, Welch standard errors (unequal variances); "
        f"+{100 * estimate / arms('perf')[1].mean():.1f} % of the control mean\n"
    )


def test_bad_input_exits_2_with_the_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pilot.csv"
    text = "person,group,perf\na,home,1\nb,home,2\nc,site,3\nd,site,\ne,site,6\n"
    path.write_text(text, encoding="utf-8")
    argv = ["pilot", "compare", str(path), "--group", "group", "--treated", "home"]
    assert main([*argv, "--outcome", "perf", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{path}, line 5 (the header is line 1), column 'perf'" in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pilot.csv"]
    payload = run([*argv, "--outcome", "perf", "--drop-missing", "--json"], capsys)
    assert payload["dropped_rows"] == 1 and payload["n_control"] == 2
    assert payload["estimate"] == pytest.approx(1.5 - 4.5)


def test_a_usage_error_exits_2_without_a_traceback(
    pilot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pilot", "compare", str(pilot), "--group", "group", "--outcome", "perf"]) == 2
    assert "Missing option '--treated'" in capsys.readouterr().err


def test_figures_that_cannot_be_computed_are_null_in_json() -> None:
    from homeshore.commands.pilot import _json

    text = _json({"p": float("nan"), "ci": [1.5, float("inf")], "by": {"d": 2.0, "e": None}})
    assert json.loads(text) == {"p": None, "ci": [1.5, None], "by": {"d": 2.0, "e": None}}
