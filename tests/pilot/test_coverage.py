"""Coverage: on seeded synthetic pilots with known effects, the 95 % interval holds the true
effect in at least 93 % of REPS repetitions, and a zero effect is declared at the nominal
rate. Each repetition goes through the CLI's path: a frame, `prepare`, `compare`.

Binomial tolerance, for a method whose true coverage is 95 %: with REPS = 400 the count of
intervals holding the truth is Binomial(400, 0.95); P(fewer than 372 = 93 %) = 3.1 %. The
false-positive count is Binomial(400, 0.05); P(outside [8, 32] = [2 %, 8 %]) = 0.4 %. The
seeds are fixed, so the result is the same on every run; these are the odds that a correct
method would have failed the check on the seeds chosen.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from homeshore.pilot import (
    Binary,
    Comparison,
    Continuous,
    Question,
    Table,
    compare,
    panel_pilot,
    person_pilot,
    prepare,
)

REPS = 400
PERFORMANCE = Continuous("perf", mean=100.0, sd=15.0, effect=0.10, relative=True)
PERFORMANCE_PRE = dataclasses.replace(PERFORMANCE, name="perf2", pre_correlation=0.6)
ATTRITION = Binary("quit", rate_control=0.30, rate_treated=0.15)  # halved
AHT = Continuous("aht_s", mean=420.0, sd=90.0)  # no effect
QUESTIONS: dict[str, tuple[Continuous | Binary, Question]] = {
    "performance +10 %": (PERFORMANCE, Question("group", "home", "perf")),
    "performance +10 %, DiD": (
        PERFORMANCE_PRE,
        Question("group", "home", "perf2", pre="perf2_pre"),
    ),
    "attrition halved": (ATTRITION, Question("group", "home", "quit")),
    "no effect on AHT": (AHT, Question("group", "home", "aht_s")),
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[Comparison]]:
    found: dict[str, list[Comparison]] = {name: [] for name in QUESTIONS}
    outcomes = [outcome for outcome, _ in QUESTIONS.values()]
    for seed in range(REPS):
        rng = np.random.default_rng([2026, seed])
        frame = person_pilot(rng, outcomes, n_treated=90, n_control=110)
        table = Table.of_frame(frame, "synthetic")
        for name, (_, question) in QUESTIONS.items():
            found[name].append(compare(prepare(table, question)))
    return found


def coverage(comparisons: list[Comparison], truth: float) -> float:
    held = [c.ci_low <= truth <= c.ci_high for c in comparisons]
    return sum(held) / len(held)


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_the_interval_holds_the_true_effect(
    name: str, results: dict[str, list[Comparison]]
) -> None:
    outcome, _ = QUESTIONS[name]
    assert coverage(results[name], outcome.true_effect) >= 0.93


def test_the_effects_are_the_ones_asked_for() -> None:
    assert PERFORMANCE.true_effect == pytest.approx(10.0)
    assert ATTRITION.true_effect == pytest.approx(-0.15)
    assert AHT.true_effect == 0.0


def test_no_effect_is_found_at_the_nominal_rate(results: dict[str, list[Comparison]]) -> None:
    false_positives = sum(c.ci_low > 0 or c.ci_high < 0 for c in results["no effect on AHT"])
    assert 0.02 <= false_positives / REPS <= 0.08
    # and the p-value agrees with the interval
    assert all(
        (c.p_value < 0.05) == (c.ci_low > 0 or c.ci_high < 0) for c in results["no effect on AHT"]
    )


def test_the_effects_are_found(results: dict[str, list[Comparison]]) -> None:
    # power, for the record: 90 vs 110 advisors detect +10 % performance nearly always and
    # the pre-pilot value (correlation 0.6) narrows the interval
    found = {
        name: sum(c.ci_high < 0 or c.ci_low > 0 for c in results[name]) / REPS for name in QUESTIONS
    }
    assert found["performance +10 %"] > 0.95 and found["performance +10 %, DiD"] > 0.95
    width = {n: np.mean([c.ci_high - c.ci_low for c in results[n]]) for n in QUESTIONS}
    assert width["performance +10 %, DiD"] < width["performance +10 %"]
    assert found["attrition halved"] > 0.6


def test_repeated_measures_need_the_clustered_interval() -> None:
    """A panel of 6 periods with a person effect: clustered by person (the default on a
    panel) the interval covers; treating the rows as independent it would not."""
    aht = Continuous("aht_s", mean=420.0, sd=60.0, effect=-20.0)
    clustered, naive = [], []
    for seed in range(REPS):
        frame = panel_pilot(np.random.default_rng([7, seed]), aht, person_sd=40.0)
        sample = prepare(Table.of_frame(frame, "synthetic"), Question("group", "home", "aht_s"))
        clustered.append(compare(sample))
        naive.append(compare(dataclasses.replace(sample, cluster=None)))
    assert coverage(clustered, -20.0) >= 0.93
    assert coverage(naive, -20.0) < 0.85
