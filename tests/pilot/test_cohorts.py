"""Cohorts in one run (`pilot compare --by COLUMN`): the comparison for each set-up, job or
phase, where the pilot works and where it does not."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from homeshore.cli import main
from homeshore.errors import InputError
from homeshore.pilot import Question, Table
from homeshore.pilot.cohorts import by_cohort

QUESTION = Question("group", "home", "aht_s")


def _pilot(seed: int = 0) -> pd.DataFrame:
    """Home advisors on a wired line handle calls 30 s faster than site advisors; on
    Wi-Fi, no faster; site advisors have no set-up. Every advisor has a job."""
    rng = np.random.default_rng(seed)
    setups = ["wired"] * 80 + ["wifi"] * 80 + [None] * 160
    home = np.arange(320) < 160
    effect = np.where(np.array(setups, dtype=object) == "wired", -30.0, 0.0)
    return pd.DataFrame(
        {
            "person": [f"p{k}" for k in range(320)],
            "group": np.where(home, "home", "site"),
            "setup": setups,
            "job": np.where(np.arange(320) % 2 == 0, "sales", "support"),
            "aht_s": 420.0 + effect + rng.normal(0.0, 40.0, 320),
        }
    )


def test_each_set_up_against_every_site_advisor() -> None:
    cohorts = {c.value: c for c in by_cohort(Table.of_frame(_pilot()), QUESTION, "setup")}
    assert sorted(cohorts) == ["wifi", "wired"]
    wired, wifi = cohorts["wired"].comparison, cohorts["wifi"].comparison
    assert wired is not None and wifi is not None
    assert wired.ci_low <= -30.0 <= wired.ci_high and wired.ci_high < 0
    assert wifi.ci_low <= 0.0 <= wifi.ci_high
    assert (wired.n_treated, wired.n_control) == (80, 160)  # site advisors have no set-up


def test_each_job_against_the_site_advisors_of_that_job() -> None:
    cohorts = by_cohort(Table.of_frame(_pilot()), QUESTION, "job")
    assert [c.value for c in cohorts] == ["sales", "support"]
    for cohort in cohorts:
        assert cohort.comparison is not None
        assert (cohort.comparison.n_treated, cohort.comparison.n_control) == (80, 80)


def test_a_cohort_too_small_is_reported_not_dropped() -> None:
    frame = _pilot()
    frame.loc[0, "setup"] = "4g"  # one home advisor on a mobile connection
    cohorts = {c.value: c for c in by_cohort(Table.of_frame(frame), QUESTION, "setup")}
    assert cohorts["4g"].comparison is None
    assert "at least 2 persons" in cohorts["4g"].reason
    with pytest.raises(InputError, match="no person of the 'home' group has a phase"):
        by_cohort(Table.of_frame(frame.assign(phase=None)), QUESTION, "phase")


def test_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pilot.csv"
    _pilot().to_csv(path, index=False)
    argv = ["pilot", "compare", str(path), "--group", "group", "--treated", "home"]
    assert main([*argv, "--outcome", "aht_s", "--by", "setup", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [c["value"] for c in payload["cohorts"]] == ["wifi", "wired"]
    assert payload["cohorts"][1]["comparison"]["estimate"] < -15
    assert main([*argv, "--outcome", "aht_s", "--by", "setup"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("  setup = wifi: treated − control")
