"""The estimators on cases with a known answer, the clustered one against the sandwich
formula written out here."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from homeshore.pilot import (
    Comparison,
    Continuous,
    Question,
    Table,
    compare,
    panel_pilot,
    prepare,
    verdict,
)


def cr1(y: np.ndarray, treated: np.ndarray, cluster: np.ndarray) -> float:
    """Cluster-robust (CR1) standard error of the treated coefficient, by hand."""
    x = np.column_stack([np.ones(len(y)), treated.astype(float)])
    bread = np.linalg.inv(x.T @ x)
    residual = y - x @ (bread @ x.T @ y)
    meat = np.zeros((2, 2))
    for g in np.unique(cluster):
        score = x[cluster == g].T @ residual[cluster == g]
        meat += np.outer(score, score)
    n, k, groups = len(y), 2, len(np.unique(cluster))
    scale = groups / (groups - 1) * (n - 1) / (n - k)
    return float(np.sqrt(scale * (bread @ meat @ bread)[1, 1]))


def test_a_panel_is_clustered_by_person() -> None:
    rng = np.random.default_rng(7)
    frame = panel_pilot(rng, Continuous("aht_s", 400, 60, -20), person_sd=40, periods=4)
    result = compare(prepare(Table.of_frame(frame), Question("group", "home", "aht_s")))
    y = frame["aht_s"].to_numpy()
    treated = (frame["group"] == "home").to_numpy()
    assert result.estimate == pytest.approx(y[treated].mean() - y[~treated].mean())
    assert result.se == pytest.approx(cr1(y, treated, frame["person"].to_numpy()), rel=1e-10)
    half = stats.t.ppf(0.975, 60 - 1) * result.se
    assert (result.ci_low, result.ci_high) == pytest.approx(
        (result.estimate - half, result.estimate + half)
    )
    assert (result.n_treated, result.n_control, result.rows_treated) == (30, 30, 120)
    assert result.standard_errors == "cluster-robust standard errors by person, 60 clusters"


def test_difference_in_differences_on_a_known_case() -> None:
    # every treated advisor gains 5 more than the control advisors: the DiD is 5 whatever
    # the levels, and the outcome alone mixes in the groups' different starting points
    pre = np.array([80.0, 90, 100, 110, 120, 110, 111, 109, 112, 108])
    gain = np.array([6.0, 4, 5, 7, 3, 1, -1, 0, 2, -2])
    frame = pd.DataFrame(
        {
            "person": [f"p{i}" for i in range(10)],
            "group": ["home"] * 5 + ["site"] * 5,
            "pre": pre,
            "post": pre + gain,
        }
    )
    table = Table.of_frame(frame)
    did = compare(prepare(table, Question("group", "home", "post", pre="pre")))
    assert did.estimate == pytest.approx(5.0)
    assert did.method == "difference in differences"
    check = stats.ttest_ind(gain[:5], gain[5:], equal_var=False).confidence_interval(0.95)
    assert (did.ci_low, did.ci_high) == pytest.approx((check.low, check.high))
    means = compare(prepare(table, Question("group", "home", "post")))
    assert means.estimate == pytest.approx(105.0 - 110.0)


def test_relative_effect_only_against_a_nonzero_control_mean() -> None:
    frame = pd.DataFrame(
        {"person": list("abcd"), "group": ["home", "home", "site", "site"], "d": [1, 3, -1, 1]}
    )
    result = compare(prepare(Table.of_frame(frame), Question("group", "home", "d")))
    assert result.control_mean == 0 and result.relative_pct is None
    assert "% of the control mean" not in verdict(result)


def test_verdict_rounds_to_the_precision_of_the_interval() -> None:
    base = Comparison(
        estimate=-4.123,
        ci_low=-7.04,
        ci_high=-1.21,
        confidence=0.95,
        se=1.46,
        p_value=0.006,
        n_treated=60,
        n_control=58,
        rows_treated=60,
        rows_control=58,
        method="difference of means",
        standard_errors="Welch standard errors (unequal variances)",
        clusters=None,
        treated_mean=95.9,
        control_mean=100.0,
        relative_pct=-4.123,
        dropped_rows=0,
    )
    assert verdict(base) == (
        "treated − control: −4.1 (95 % CI −7.0 to −1.2), n = 60 vs 58; difference of means, "
        "Welch standard errors (unequal variances); −4.1 % of the control mean"
    )
    small = dataclasses.replace(
        base, estimate=-0.1264, ci_low=-0.2797, ci_high=0.0268, se=0.077, relative_pct=None
    )
    assert "−0.126 (95 % CI −0.280 to 0.027)" in verdict(small)
