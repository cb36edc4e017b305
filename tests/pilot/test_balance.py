"""Balance of covariates before the pilot (`homeshore pilot balance`): means, standardized
difference and Welch's p-value per covariate, on person-level tables and on panels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from homeshore.cli import main
from homeshore.errors import InputError
from homeshore.pilot import Continuous, Table
from homeshore.pilot.baseline import balance
from homeshore.pilot.synthetic import staggered_pilot

PEOPLE = pd.DataFrame(
    {
        "person": [f"p{k}" for k in range(8)],
        "group": ["home"] * 4 + ["site"] * 4,
        "tenure": [10.0, 20.0, 30.0, 40.0, 12.0, 18.0, 33.0, 41.0],
        "age": [30.0, 31.0, 29.0, 30.0, 45.0, 50.0, 47.0, 48.0],
    }
)


def test_each_covariate_against_the_textbook() -> None:
    rows = {
        r.covariate: r
        for r in balance(
            Table.of_frame(PEOPLE, "t"), ["tenure", "age"], group="group", treated="home"
        )
    }
    for name, row in rows.items():
        home = PEOPLE.loc[PEOPLE["group"] == "home", name].to_numpy()
        site = PEOPLE.loc[PEOPLE["group"] == "site", name].to_numpy()
        pooled = np.sqrt((home.var(ddof=1) + site.var(ddof=1)) / 2)
        assert row.std_diff == pytest.approx((home.mean() - site.mean()) / pooled)
        welch = stats.ttest_ind(home, site, equal_var=False)
        assert row.p_value == pytest.approx(welch.pvalue)
        assert (row.n_treated, row.n_control) == (4, 4)
    assert not rows["tenure"].imbalanced  # 25 against 26 months, sd about 13
    assert rows["age"].imbalanced and rows["age"].std_diff < -5  # the volunteers are younger


def test_on_a_panel_each_person_counts_once_before_the_pilot() -> None:
    aht = Continuous("aht_s", mean=420.0, sd=30.0, effect=-40.0)
    frame = staggered_pilot(np.random.default_rng(2), aht, person_sd=15.0, selection=-25.0)
    [row] = balance(Table.of_frame(frame, "panel"), ["aht_s"], group="group", treated="home")
    assert (row.n_treated, row.n_control) == (60, 40)
    # periods 1-4 come before the first wave (period 5): the volunteers' head start shows,
    # not the pilot's effect
    before = (
        frame[frame["period"] < 5].groupby("person").agg(g=("group", "first"), y=("aht_s", "mean"))
    )
    gap = (
        before.loc[before["g"] == "home", "y"].mean()
        - before.loc[before["g"] == "site", "y"].mean()
    )
    assert row.treated_mean - row.control_mean == pytest.approx(gap)
    assert -40 < gap < -10 and row.imbalanced


def test_bad_requests_are_named() -> None:
    table = Table.of_frame(PEOPLE, "people.csv")
    with pytest.raises(InputError, match="'height'"):
        balance(table, ["height"], group="group", treated="home")
    with pytest.raises(InputError, match="no row has group = 'telecentre'"):
        balance(table, ["age"], group="group", treated="telecentre")
    lonely = PEOPLE.assign(age=[30.0] + [np.nan] * 3 + [45.0] * 4)
    with pytest.raises(InputError, match="at least 2 persons with a value"):
        balance(Table.of_frame(lonely, "x"), ["age"], group="group", treated="home")


def test_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "people.csv"
    PEOPLE.to_csv(path, index=False)
    argv = ["pilot", "balance", str(path), "--group", "group", "--treated", "home"]
    assert main([*argv, "--covariates", "tenure,age", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [c["covariate"] for c in payload["covariates"]] == ["tenure", "age"]
    assert payload["covariates"][1]["imbalanced"] is True
    assert main([*argv, "--covariates", "age"]) == 0
    out = capsys.readouterr().out
    assert "imbalanced" in out and out.startswith("covariate")
    assert main([*argv, "--covariates", " , "]) == 2
    assert "--covariates" in capsys.readouterr().err
