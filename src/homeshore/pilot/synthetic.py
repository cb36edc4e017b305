"""Synthetic pilots with known effects, to check that the analysis finds them.

`person_pilot` draws a person-level table (docs/pilot.md): `person`, `group`, `phase`,
`tenure_months` (a covariate with no effect) and one column per outcome, plus `NAME_pre` for
a continuous outcome with a `pre_correlation`. `panel_pilot` draws a person-period panel
whose rows of one person share a person effect (repeated measures). Each outcome knows its
`true_effect`, treated minus control, in the unit the comparison reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True, slots=True)
class Continuous:
    """Normal outcome with mean `mean` and s.d. `sd` in the control group; the treated
    group's mean is shifted by `effect` (in the outcome's unit, or a fraction of `mean`
    when `relative`: 0.10 is +10 %). With `pre_correlation`, a `NAME_pre` column holds the
    same person's value before the pilot (no effect on it), correlated with the outcome."""

    name: str
    mean: float
    sd: float
    effect: float = 0.0
    relative: bool = False
    pre_correlation: float | None = None

    @property
    def true_effect(self) -> float:
        return self.effect * self.mean if self.relative else self.effect


@dataclass(frozen=True, slots=True)
class Binary:
    """0/1 outcome (e.g. quit) with probability `rate_control` or `rate_treated`."""

    name: str
    rate_control: float
    rate_treated: float

    @property
    def true_effect(self) -> float:
        return self.rate_treated - self.rate_control


Outcome = Continuous | Binary


def person_pilot(
    rng: np.random.Generator,
    outcomes: Sequence[Outcome],
    *,
    n_treated: int = 60,
    n_control: int = 60,
    treated: str = "home",
    control: str = "site",
    phases: int = 1,
) -> pd.DataFrame:
    """One row per advisor; treated advisors join in `phases` waves (phase 1..phases, the
    control group's phase is 0)."""
    n = n_treated + n_control
    is_treated = np.arange(n) < n_treated
    frame = pd.DataFrame(
        {
            "person": [f"p{i + 1:04d}" for i in range(n)],
            "group": np.where(is_treated, treated, control),
            "phase": np.where(is_treated, np.arange(n) % max(phases, 1) + 1, 0),
            "tenure_months": rng.integers(1, 120, size=n),
        }
    )
    for outcome in outcomes:
        if isinstance(outcome, Binary):
            rate = np.where(is_treated, outcome.rate_treated, outcome.rate_control)
            frame[outcome.name] = (rng.random(n) < rate).astype(np.int64)
            continue
        now = rng.standard_normal(n)
        if outcome.pre_correlation is not None:
            rho = outcome.pre_correlation
            before = rng.standard_normal(n)
            frame[f"{outcome.name}_pre"] = outcome.mean + outcome.sd * before
            now = rho * before + math.sqrt(1.0 - rho * rho) * now
        frame[outcome.name] = outcome.mean + outcome.sd * now + outcome.true_effect * is_treated
    return frame


def panel_pilot(
    rng: np.random.Generator,
    outcome: Continuous,
    *,
    n_treated: int = 30,
    n_control: int = 30,
    periods: int = 6,
    person_sd: float = 0.0,
    treated: str = "home",
    control: str = "site",
) -> pd.DataFrame:
    """`periods` rows per advisor: outcome = mean + person effect (s.d. `person_sd`) + noise
    (s.d. `outcome.sd`) + the effect for treated advisors in every period; `treated_from`
    is 1 for treated advisors, empty for the others (a pilot in one phase from the start)."""
    return staggered_pilot(
        rng,
        outcome,
        n_treated=n_treated,
        n_control=n_control,
        periods=periods,
        starts=(1,),
        person_sd=person_sd,
        treated=treated,
        control=control,
    )


def staggered_pilot(
    rng: np.random.Generator,
    outcome: Continuous,
    *,
    n_treated: int = 60,
    n_control: int = 40,
    periods: int = 16,
    starts: Sequence[int] = (5, 9, 13),
    person_sd: float = 1.0,
    trend: float = 0.0,
    selection: float = 0.0,
    movers_trend: float = 0.0,
    treated: str = "home",
    control: str = "site",
) -> pd.DataFrame:
    """A pilot in phases: treated advisors move in waves, wave k from period `starts[k]`
    (`treated_from`), and the effect applies from then on; the others stay. Every advisor
    has a person effect (s.d. `person_sd`, plus `selection` for the treated: volunteers who
    differ from the start), every period a common shift of `trend` per period (the whole
    centre changes), and each row noise of s.d. `outcome.sd`. `movers_trend` adds a shift
    per period for the treated advisors only, all along: trends that are not parallel."""
    n = n_treated + n_control
    is_treated = np.arange(n) < n_treated
    start = np.where(is_treated, np.asarray(starts)[np.arange(n) % len(starts)], 0)
    person_effect = person_sd * rng.standard_normal(n) + selection * is_treated
    rows = np.repeat(np.arange(n), periods)
    period = np.tile(np.arange(1, periods + 1), n)
    active = is_treated[rows] & (period >= start[rows])
    values = (
        outcome.mean
        + person_effect[rows]
        + trend * period
        + movers_trend * period * is_treated[rows]
        + outcome.sd * rng.standard_normal(n * periods)
        + outcome.true_effect * active
    )
    return pd.DataFrame(
        {
            "person": [f"p{i + 1:04d}" for i in rows],
            "period": period,
            "group": np.where(is_treated[rows], treated, control),
            "treated_from": pd.Series(start[rows], dtype="Int64").where(is_treated[rows]),
            outcome.name: values,
        }
    )


def survival_pilot(
    rng: np.random.Generator,
    *,
    n_treated: int = 150,
    n_control: int = 150,
    mean_months_treated: float = 36.0,
    mean_months_control: float = 18.0,
    follow_up_months: float = 24.0,
    treated: str = "home",
    control: str = "site",
) -> pd.DataFrame:
    """Time to leave, one row per advisor: the time until an advisor would leave is
    exponential with the group's mean (median = mean x ln 2); each advisor is observed for
    a time drawn uniformly between a quarter of `follow_up_months` and all of it (hired at
    different dates); `months` is the shorter of the two and `left` says which it was."""
    n = n_treated + n_control
    is_treated = np.arange(n) < n_treated
    mean = np.where(is_treated, mean_months_treated, mean_months_control)
    leave = rng.exponential(mean)
    observed = rng.uniform(follow_up_months / 4, follow_up_months, size=n)
    return pd.DataFrame(
        {
            "person": [f"p{i + 1:04d}" for i in range(n)],
            "group": np.where(is_treated, treated, control),
            "months": np.minimum(leave, observed),
            "left": (leave <= observed).astype(np.int64),
        }
    )
