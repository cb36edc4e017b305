"""Time to leave (`homeshore pilot survival`): Kaplan-Meier per group and the log-rank
test, from statsmodels, on seeded synthetic pilots whose true curves are known
(exponential: S(t) = exp(-t / mean))."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from homeshore.cli import main
from homeshore.errors import InputError
from homeshore.pilot import Table
from homeshore.pilot.survival import survival
from homeshore.pilot.synthetic import survival_pilot

REPS = 100


def test_the_figures_are_statsmodels_own() -> None:
    frame = survival_pilot(np.random.default_rng(1))
    result = survival(
        Table.of_frame(frame, "t"), group="group", treated="home", time="months", event="left"
    )
    site = frame[frame["group"] == "site"]
    fit = SurvfuncRight(site["months"].to_numpy(), site["left"].to_numpy())
    assert result.control.median == pytest.approx(fit.quantile(0.5))
    low, high = fit.quantile_ci(0.5)
    assert (result.control.median_low, result.control.median_high) == pytest.approx((low, high))
    chi2, p_value = survdiff(
        frame["months"].to_numpy(), frame["left"].to_numpy(), (frame["group"] == "home").astype(int)
    )
    assert (result.logrank_chi2, result.logrank_p) == pytest.approx((chi2, p_value))
    assert result.treated.persons == result.control.persons == 150
    assert result.treated.events == int(frame.loc[frame["group"] == "home", "left"].sum())


def test_the_share_still_there_holds_the_true_curve() -> None:
    held = 0
    for seed in range(REPS):
        result = survival(
            Table.of_frame(survival_pilot(np.random.default_rng([3, seed])), "t"),
            group="group",
            treated="home",
            time="months",
            event="left",
            at=(12.0,),
        )
        [(_t, _share, low, high)] = result.control.at
        held += low <= math.exp(-12 / 18) <= high
    assert held >= 90  # pointwise 95 % intervals; Binomial(100, 0.95) < 90 in 2.8 %


def test_halved_departures_are_found_and_equal_ones_are_not_at_the_nominal_rate() -> None:
    found = flagged = 0
    for seed in range(REPS):
        halved = survival_pilot(np.random.default_rng([4, seed]))
        same = survival_pilot(np.random.default_rng([5, seed]), mean_months_treated=18.0)
        for frame, counter in ((halved, "found"), (same, "flagged")):
            p_value = survival(
                Table.of_frame(frame, "t"),
                group="group",
                treated="home",
                time="months",
                event="left",
            ).logrank_p
            if p_value < 0.05:
                found += counter == "found"
                flagged += counter == "flagged"
    assert found >= 95
    assert 1 <= flagged <= 10  # Binomial(100, 0.05) outside [1, 10] in 1.4 %


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"months": -1.0}, "months is negative"),
        ({"left": 2}, "left must be 1 \\(left\\) or 0"),
        ({"months": None}, "months is empty"),
    ],
)
def test_bad_values_are_named(change: dict[str, object], message: str) -> None:
    frame = survival_pilot(np.random.default_rng(0)).astype({"months": object, "left": object})
    for column, value in change.items():
        frame.loc[3, column] = value
    with pytest.raises(InputError, match=message) as refused:
        survival(
            Table.of_frame(frame, "hr.csv"),
            group="group",
            treated="home",
            time="months",
            event="left",
        )
    assert "hr.csv" in str(refused.value)


def test_a_panel_is_refused() -> None:
    frame = survival_pilot(np.random.default_rng(0)).assign(period=1)
    with pytest.raises(InputError, match="one row per person"):
        survival(
            Table.of_frame(frame, "x"), group="group", treated="home", time="months", event="left"
        )


def test_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hr.csv"
    survival_pilot(np.random.default_rng(1)).to_csv(path, index=False)
    argv = ["pilot", "survival", str(path), "--group", "group", "--treated", "home"]
    argv += ["--time", "months", "--event", "left"]
    assert main([*argv, "--at", "6,12", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [point[0] for point in payload["treated"]["at"]] == [6.0, 12.0]
    assert payload["logrank_p"] < 0.01 and payload["control"]["group"] == "others"
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("time to leave (months") and "log-rank test" in out
    assert main([*argv, "--at", "soon"]) == 2
    assert "--at" in capsys.readouterr().err
