"""How many advisors, and for how many periods, a pilot needs to detect a given change in a
KPI, from the variance a baseline table shows (docs/pilot.md, "Power").

- A number: persons per arm of a two-sided two-sample t-test (statsmodels `TTestIndPower`)
  with Cohen's d = effect / sd, sd the outcome's standard deviation over the rows.
- A 0/1 outcome: a two-sample z-test of proportions (statsmodels `NormalIndPower`) with
  Cohen's h = `proportion_effectsize(p + effect, p)`, p the baseline proportion.
- A panel: m periods per person count as 1 + (m − 1)·ICC / m persons' worth (the design
  effect of repeated measures, ICC the intra-person correlation, one-way ANOVA estimator);
  persons per arm = ceil(n × (1 + (m − 1)·ICC) / m), n the persons needed with one period.

Pure: arrays in, a `Plan` out; the command reads the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

PERIODS_SHOWN: tuple[int, ...] = (1, 2, 4, 8, 12)
MEANS = "two-sample t-test (statsmodels TTestIndPower, Cohen's d = effect / sd)"
PROPORTIONS = "two-sample z-test of proportions (statsmodels NormalIndPower, Cohen's h)"


@dataclass(frozen=True, slots=True)
class Plan:
    effect: float  # to detect, treated − control, in the outcome's unit (a proportion for 0/1)
    baseline: float  # mean (the proportion for 0/1) of the rows the variance comes from
    sd: float  # of the outcome over rows; sqrt(p(1 − p)) for 0/1
    binary: bool
    alpha: float  # two-sided
    power: float
    ratio: float  # treated / control persons
    n_individual_treated: int  # persons per arm with one measure each
    n_individual_control: int
    icc: float | None  # intra-person correlation (a panel), else None
    periods: int | None  # periods per person the answer is for (a panel), else None
    design_effect: float | None  # 1 + (periods − 1)·icc
    n_per_arm_treated: int  # the answer: persons per arm (with `periods` each on a panel)
    n_per_arm_control: int
    by_periods: tuple[tuple[int, int, int], ...]  # (periods, treated, control) for a panel
    method: str


def icc_anova(values: np.ndarray, person: np.ndarray) -> float:
    """One-way ANOVA estimator of the intra-person correlation, clipped to [0, 1]:
    (MSB − MSW) / (MSB + (n0 − 1)·MSW), n0 = (N − Σ n_i² / N) / (k − 1) for unequal sizes."""
    frame = pd.DataFrame({"y": values, "person": person})
    by = frame.groupby("person")["y"]
    sizes = by.size().to_numpy(dtype=float)
    means = by.mean().to_numpy(dtype=float)
    k, n = sizes.size, float(sizes.sum())
    if k < 2 or n <= k:
        raise ValueError("the ICC needs at least 2 persons and one with 2 periods")
    grand = float(values.mean())
    msb = float((sizes * (means - grand) ** 2).sum()) / (k - 1)
    within = values - by.transform("mean").to_numpy(dtype=float)
    msw = float((within**2).sum()) / (n - k)
    n0 = (n - float((sizes**2).sum()) / n) / (k - 1)
    denominator = msb + (n0 - 1.0) * msw
    if denominator <= 0:
        return 0.0
    return min(1.0, max(0.0, (msb - msw) / denominator))


def design_effect(icc: float, periods: int) -> float:
    return 1.0 + (periods - 1) * icc


def persons(n_individual: int, icc: float, periods: int) -> int:
    """Persons with `periods` measures each worth `n_individual` persons with one; at least 2."""
    needed = n_individual * design_effect(icc, periods) / periods
    return max(2, math.ceil(round(needed, 9)))


def individual(
    *,
    effect: float,
    baseline: float,
    sd: float,
    binary: bool,
    alpha: float,
    power: float,
    ratio: float,
) -> tuple[float, str]:
    """Control-arm persons (unrounded) with one measure each, and the method."""
    if binary:
        after = baseline + effect
        size = float(proportion_effectsize(after, baseline))
        nobs = NormalIndPower().solve_power(
            effect_size=size, alpha=alpha, power=power, ratio=ratio, alternative="two-sided"
        )
        return float(nobs), PROPORTIONS
    nobs = TTestIndPower().solve_power(
        effect_size=effect / sd, alpha=alpha, power=power, ratio=ratio, alternative="two-sided"
    )
    return float(nobs), MEANS


def plan(
    values: np.ndarray,
    *,
    effect: float,
    binary: bool,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    person: np.ndarray | None = None,
    periods: int | None = None,
) -> Plan:
    """Persons per arm to detect `effect` in `values` (baseline rows); with `person` codes
    (a panel), also for `periods` per person (default: the median periods per person)."""
    if effect == 0 or not math.isfinite(effect):
        raise ValueError("the effect to detect must be a non-zero number")
    if not (0 < alpha < 1 and 0 < power < 1 and ratio > 0):
        raise ValueError("alpha and power must be in (0, 1) and ratio positive")
    mean = float(values.mean())
    if binary:
        if not 0 < mean + effect < 1:
            raise ValueError(f"a proportion of {mean:g} changed by {effect:g} is not in (0, 1)")
        sd = math.sqrt(mean * (1.0 - mean))
    else:
        sd = float(values.std(ddof=1))
    nobs, method = individual(
        effect=effect, baseline=mean, sd=sd, binary=binary, alpha=alpha, power=power, ratio=ratio
    )
    control = math.ceil(round(nobs, 9))
    treated = math.ceil(round(nobs * ratio, 9))
    icc: float | None = None
    m: int | None = None
    deff: float | None = None
    table: tuple[tuple[int, int, int], ...] = ()
    n_treated, n_control = treated, control
    if person is not None:
        icc = icc_anova(values, person)
        if periods is None:
            counts = np.bincount(pd.factorize(person)[0])
            periods = max(1, round(float(np.median(counts))))
        m = periods
        deff = design_effect(icc, m)
        n_treated, n_control = persons(treated, icc, m), persons(control, icc, m)
        table = tuple(
            (k, persons(treated, icc, k), persons(control, icc, k)) for k in PERIODS_SHOWN
        )
        method += "; design effect 1 + (m − 1)·ICC, ICC by one-way ANOVA over persons"
    return Plan(
        effect=effect,
        baseline=mean,
        sd=sd,
        binary=binary,
        alpha=alpha,
        power=power,
        ratio=ratio,
        n_individual_treated=treated,
        n_individual_control=control,
        icc=icc,
        periods=m,
        design_effect=deff,
        n_per_arm_treated=n_treated,
        n_per_arm_control=n_control,
        by_periods=table,
        method=method,
    )


def sentence(p: Plan, outcome: str, effect_pct: float | None = None) -> str:
    """'to detect −5 % of aht_s (−16.2 s) with 80 % power at α = 5 %: 63 advisors per group
    (126 in all); with 8 weeks each: 14 per group (ICC 0.12)'."""
    unit = _unit(outcome)
    amount = _signed(p.effect * 100, 1) + " points" if p.binary else _signed(p.effect, 3) + unit
    what = (
        f"{_signed(effect_pct, 3)} % of {outcome} ({amount})"
        if effect_pct is not None
        else (f"{amount} in {outcome}")
    )
    head = f"to detect {what} with {100 * p.power:g} % power at α = {100 * p.alpha:g} %: "
    head += _arms(p.n_individual_treated, p.n_individual_control, "advisors per group")
    if p.periods is None or p.icc is None:
        return head
    tail = _arms(p.n_per_arm_treated, p.n_per_arm_control, "per group", total=False)
    return f"{head}; with {p.periods} periods each: {tail} (ICC {p.icc:.2f})"


def _arms(treated: int, control: int, word: str, *, total: bool = True) -> str:
    if treated == control:
        text = f"{control} {word}"
        return f"{text} ({2 * control} in all)" if total else text
    return f"{treated} treated and {control} control advisors ({treated + control} in all)"


def _unit(outcome: str) -> str:
    for suffix, unit in (("_s", " s"), ("_min", " min"), ("_h", " h"), ("_pct", " %")):
        if outcome.endswith(suffix):
            return unit
    return ""


def _signed(value: float, digits: int) -> str:
    text = f"{value:+.{digits}g}"
    return text.replace("-", "−")
