"""`homeshore pilot power`: persons per arm from a table's variance, checked against the
textbook formula, statsmodels' own solve and a synthetic panel with a known ICC."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

from homeshore.cli import main
from homeshore.pilot import Continuous, panel_pilot, person_pilot
from homeshore.pilot.power import PERIODS_SHOWN, icc_anova


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(["pilot", "power", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    payload: dict[str, Any] = json.loads(out)
    return payload


@pytest.fixture
def persons(tmp_path: Path) -> Path:
    frame = person_pilot(
        np.random.default_rng(7), [Continuous("aht_s", 330.0, 60.0)], n_treated=50, n_control=70
    )
    frame["quit"] = (np.arange(len(frame)) % 4 == 0).astype(int)  # 25 % in each group
    path = tmp_path / "persons.csv"
    frame.to_csv(path, index=False)
    return path


def test_large_n_matches_the_textbook_formula(
    persons: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sd = float(pd.read_csv(persons)["aht_s"].std(ddof=1))
    delta = 0.08 * sd  # d = 0.08: about 2,450 persons per arm
    payload = run([str(persons), "--outcome", "aht_s", "--effect", str(delta)], capsys)
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    textbook = 2 * z**2 * sd**2 / delta**2
    assert payload["sd"] == pytest.approx(sd, rel=1e-12)
    assert payload["n_per_arm_control"] > 2000
    assert abs(payload["n_per_arm_control"] - math.ceil(textbook)) <= 1
    assert payload["icc"] is None and payload["design_effect"] is None


def test_the_command_gives_statsmodels_solve(
    persons: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pd.read_csv(persons)
    site = frame.loc[frame["group"] == "site", "aht_s"]
    argv = [str(persons), "--outcome", "aht_s", "--effect-pct", "-5", "--group", "group"]
    payload = run([*argv, "--control", "site", "--ratio", "2", "--alpha", "0.1"], capsys)
    effect = -0.05 * site.mean()
    nobs = TTestIndPower().solve_power(
        effect_size=effect / site.std(ddof=1), alpha=0.1, power=0.8, ratio=2.0
    )
    assert payload["effect"] == pytest.approx(effect, rel=1e-12)
    assert payload["n_per_arm_control"] == math.ceil(nobs)
    assert payload["n_per_arm_treated"] == math.ceil(2 * nobs)
    assert main(["pilot", "power", *argv, "--control", "site"]) == 0
    line = capsys.readouterr().out
    assert line.startswith(f"to detect −5 % of aht_s (−{0.05 * site.mean():.1f} s)")
    assert "with 80 % power at α = 5 %" in line


def test_proportions(persons: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = run([str(persons), "--outcome", "quit", "--effect", "-0.10"], capsys)
    size = proportion_effectsize(0.15, 0.25)
    nobs = NormalIndPower().solve_power(effect_size=size, alpha=0.05, power=0.8, ratio=1.0)
    assert payload["baseline"] == pytest.approx(0.25)
    assert payload["sd"] == pytest.approx(math.sqrt(0.25 * 0.75))
    assert payload["n_per_arm_control"] == payload["n_per_arm_treated"] == math.ceil(nobs)
    assert "proportions" in payload["method"]


def test_panel_recovers_the_icc_and_applies_the_design_effect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # person s.d. 20, noise s.d. 30: ICC = 400 / 1300 = 0.31
    outcome = Continuous("aht_s", 330.0, 30.0)
    frame = panel_pilot(
        np.random.default_rng(3), outcome, n_treated=60, n_control=60, periods=6, person_sd=20.0
    )
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    argv = [str(path), "--outcome", "aht_s", "--effect-pct", "-3", "--group", "group"]
    payload = run([*argv, "--control", "site"], capsys)
    assert payload["icc"] == pytest.approx(400 / 1300, abs=0.1)
    assert payload["periods"] == 6  # the data's median
    n, icc = payload["n_individual_control"], payload["icc"]
    assert payload["design_effect"] == pytest.approx(1 + 5 * icc, rel=1e-12)
    assert payload["n_per_arm_control"] == math.ceil(n * (1 + 5 * icc) / 6)
    rows = {r["periods"]: r["n_per_arm_control"] for r in payload["by_periods"]}
    assert list(rows) == list(PERIODS_SHOWN)
    assert rows == {m: max(2, math.ceil(n * (1 + (m - 1) * icc) / m)) for m in PERIODS_SHOWN}
    assert rows[1] == n
    eight = run([*argv, "--control", "site", "--periods", "8"], capsys)
    assert eight["periods"] == 8 and eight["n_per_arm_control"] == rows[8]


def test_icc_anova_balanced_by_hand() -> None:
    values = np.array([0.0, 2.0, 2.0, 4.0])
    person = np.array([0, 0, 1, 1])
    # MSB = 2·((1−2)² + (3−2)²) / 1 = 4; MSW = (1 + 1 + 1 + 1) / 2 = 2; n0 = 2
    assert icc_anova(values, person) == pytest.approx((4 - 2) / (4 + 2))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--outcome", "aht_s", "--effect", "0"], "--effect: the change to detect"),
        (["--outcome", "aht_s", "--effect-pct", "5", "--alpha", "1.5"], "--alpha: 1.5 is not"),
        (["--outcome", "aht_s", "--effect-pct", "5", "--power", "0"], "--power: 0 is not"),
        (["--outcome", "nope", "--effect-pct", "5"], "column 'nope': no column 'nope'"),
        (["--outcome", "aht_s"], "give exactly one of --effect and --effect-pct"),
        (["--outcome", "quit", "--effect", "0.9"], "leaves (0, 1)"),
        (["--outcome", "aht_s", "--effect", "5", "--group", "group", "--control", "x"], "= 'x'"),
    ],
)
def test_bad_input_exits_2(
    persons: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(["pilot", "power", str(persons), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in " ".join(captured.err.split())
