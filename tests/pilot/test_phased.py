"""A pilot in phases (`--staggered`): advisors move home in waves; the estimate has advisor
and period fixed effects, so volunteers who differ from the start and a change that hits
the whole centre do not read as the pilot's effect.

Coverage over REPS seeded repetitions: a correct method holds the truth in Binomial(REPS,
0.95) of them; P(fewer than 93 % of 200) = 7 %; the false-positive count is
Binomial(200, 0.05): P(outside [2 %, 8 %]) = 3 %. The seeds are fixed: the same result on
every run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from linearmodels.panel import PanelOLS

from homeshore.cli import main
from homeshore.errors import InputError
from homeshore.pilot import Continuous, Question, Table, compare, prepare
from homeshore.pilot.phased import EventStudy, event_study
from homeshore.pilot.synthetic import staggered_pilot

REPS = 200
AHT = Continuous("aht_s", mean=420.0, sd=30.0, effect=-20.0)  # home: 20 s shorter
QUESTION = Question("group", "home", "aht_s", staggered=True)


def _pilot(seed: int, **options: float) -> Table:
    rng = np.random.default_rng([2026, 12, seed])
    # volunteers handle calls 25 s faster from the start; the centre gets 1.5 s slower a week
    frame = staggered_pilot(rng, AHT, person_sd=15.0, selection=-25.0, trend=1.5, **options)
    return Table.of_frame(frame, "synthetic")


def test_the_interval_holds_the_effect_of_a_phased_move() -> None:
    held = 0
    for seed in range(REPS):
        result = compare(prepare(_pilot(seed), QUESTION))
        held += result.ci_low <= AHT.true_effect <= result.ci_high
    assert held / REPS >= 0.93, held


def test_a_pilot_with_no_effect_is_found_with_none_at_the_nominal_rate() -> None:
    none = Continuous("aht_s", mean=420.0, sd=30.0)
    found = 0
    for seed in range(REPS):
        rng = np.random.default_rng([2027, seed])
        frame = staggered_pilot(rng, none, person_sd=15.0, selection=-25.0, trend=1.5)
        result = compare(prepare(Table.of_frame(frame, "synthetic"), QUESTION))
        found += not result.ci_low <= 0.0 <= result.ci_high
    assert 0.02 <= found / REPS <= 0.08, found


def test_volunteers_who_differ_from_the_start_fool_a_plain_comparison_not_this_one() -> None:
    table = _pilot(1)
    phased = compare(prepare(table, QUESTION))
    plain = compare(prepare(table, Question("group", "home", "aht_s")))
    assert phased.ci_low <= AHT.true_effect <= phased.ci_high
    # the volunteers' own head start and the centre's drift read as the pilot's
    assert not plain.ci_low <= AHT.true_effect <= plain.ci_high
    assert abs(plain.estimate - AHT.true_effect) > 3 * abs(phased.estimate - AHT.true_effect)
    assert phased.method.startswith("difference in differences, advisor and period fixed")
    assert (phased.n_treated, phased.n_control, phased.clusters) == (60, 40, 100)


def test_the_estimate_is_the_two_way_fixed_effects_coefficient() -> None:
    frame = staggered_pilot(np.random.default_rng(5), AHT, person_sd=15.0, trend=1.5)
    result = compare(prepare(Table.of_frame(frame, "synthetic"), QUESTION))
    # the same regression written out with dummies: outcome ~ active + advisor + period
    active = (frame["period"] >= frame["treated_from"].fillna(10**6)).astype(float)
    data = frame.assign(active=active).set_index(["person", "period"])
    fit = PanelOLS(data["aht_s"], data[["active"]], entity_effects=True, time_effects=True).fit()
    assert result.estimate == pytest.approx(float(fit.params["active"]), rel=1e-9)
    # dummies by hand, ordinary least squares
    dummies = np.column_stack(
        [
            active.to_numpy(),
            (frame["person"].to_numpy()[:, None] == frame["person"].unique()[None, :]),
            (frame["period"].to_numpy()[:, None] == np.arange(2, 17)[None, :]),
        ]
    ).astype(float)
    beta = np.linalg.lstsq(dummies, frame["aht_s"].to_numpy(), rcond=None)[0]
    assert result.estimate == pytest.approx(beta[0], rel=1e-7)


def _frame_with(treated_from: dict[str, object]) -> Table:
    """The pilot with `treated_from` set for every row of the persons named."""
    frame = staggered_pilot(np.random.default_rng(0), AHT)
    frame["treated_from"] = frame["treated_from"].astype(object)
    for person, value in treated_from.items():
        frame.loc[frame["person"] == person, "treated_from"] = value
    return Table.of_frame(frame, "pilot.csv")


@pytest.mark.parametrize(
    ("treated_from", "message"),
    [
        ({"p0001": None}, r"rows 1, 2, .* treated_from is empty for a person of the 'home'"),
        ({"p0070": 3}, r"treated_from is set for a person outside the 'home' group"),
        ({f"p{k:04d}": 99 for k in range(1, 61)}, r"no row of the 'home' group is at or after"),
    ],
)
def test_bad_timing_is_named(treated_from: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as refused:
        prepare(_frame_with(treated_from), QUESTION)
    refused.match(message)
    assert "pilot.csv" in str(refused.value)


def test_a_person_level_table_or_pre_is_refused() -> None:
    frame = staggered_pilot(np.random.default_rng(0), AHT)
    with pytest.raises(InputError, match="--staggered and --pre are two designs"):
        frame2 = frame.assign(pre=1.0)
        prepare(
            Table.of_frame(frame2, "x"),
            Question("group", "home", "aht_s", pre="pre", staggered=True),
        )
    person = frame.drop_duplicates("person").drop(columns=["period"])
    with pytest.raises(InputError, match="needs a person-period panel"):
        prepare(Table.of_frame(person, "x"), QUESTION)


def test_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "phases.csv"
    staggered_pilot(np.random.default_rng(3), AHT, person_sd=15.0, selection=-25.0).to_csv(
        path, index=False
    )
    argv = ["pilot", "compare", str(path), "--group", "group", "--treated", "home"]
    assert main([*argv, "--outcome", "aht_s", "--staggered", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["staggered"] is True and payload["method"].startswith("difference in diff")
    assert payload["ci_low"] <= AHT.true_effect <= payload["ci_high"]
    assert main([*argv, "--outcome", "aht_s", "--staggered"]) == 0
    assert "advisor and period fixed effects" in capsys.readouterr().out


def _studies(movers_trend: float, seeds: int = 30) -> list[EventStudy]:
    found = []
    for seed in range(seeds):
        rng = np.random.default_rng([9, seed])
        frame = staggered_pilot(
            rng, AHT, person_sd=15.0, selection=-25.0, trend=1.5, movers_trend=movers_trend
        )
        found.append(event_study(prepare(Table.of_frame(frame, "synthetic"), QUESTION)))
    return found


def test_by_period_the_effect_appears_at_the_move_and_trends_before_are_parallel() -> None:
    studies = _studies(0.0)
    assert studies[0].periods_since == (-4, -3, -2, 0, 1, 2, 3, 4, 5, 6, 7, 8)
    after = [b for s in studies for k, b in zip(s.periods_since, s.estimate, strict=True) if k >= 0]
    before = [b for s in studies for k, b in zip(s.periods_since, s.estimate, strict=True) if k < 0]
    assert abs(np.mean(after) - AHT.true_effect) < 2.0
    assert abs(np.mean(before)) < 2.0
    rejected = sum(s.pre_trend_p is not None and s.pre_trend_p < 0.05 for s in studies)
    assert rejected <= 3  # Binomial(30, 0.05): 4 or more in 6 % of seed sets


def test_by_period_movers_on_their_own_trend_fail_the_parallel_trends_test() -> None:
    # the volunteers were improving by 3 s a period already: the move did not cause it all
    studies = _studies(3.0)
    rejected = sum(s.pre_trend_p is not None and s.pre_trend_p < 0.05 for s in studies)
    assert rejected >= 21  # 70 %


def test_by_period_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "phases.csv"
    staggered_pilot(np.random.default_rng(3), AHT, person_sd=15.0).to_csv(path, index=False)
    argv = ["pilot", "compare", str(path), "--group", "group", "--treated", "home"]
    argv += ["--outcome", "aht_s"]
    assert main([*argv, "--staggered", "--by-period", "--json"]) == 0
    study = json.loads(capsys.readouterr().out)["event_study"]
    assert study["periods_since"][:3] == [-4, -3, -2] and 0 < study["pre_trend_p"] <= 1
    assert main([*argv, "--staggered", "--by-period"]) == 0
    text = capsys.readouterr().out
    assert "by periods since the move" in text and "parallel trends before the move" in text
    assert main([*argv, "--by-period"]) == 2
    assert "--by-period goes with --staggered" in capsys.readouterr().err
