"""Treated minus control on one outcome, with a confidence interval (docs/pilot.md).

The estimate is the difference of the arms' means of the compared quantity:

- the outcome itself: a difference of means, or of proportions for a 0/1 outcome (then an
  unpooled Wald-type interval, each arm's variance p(1 - p) n / (n - 1));
- `outcome - pre` (`--pre`): a difference in differences of each person's change.

Its interval, from statsmodels: when each person has one row and no `--cluster` is given,
Welch's t (unequal variances, Welch-Satterthwaite degrees of freedom; `CompareMeans`);
otherwise ordinary least squares of the quantity on a treated indicator (its slope is the
same difference) with cluster-robust standard errors (CR1, t with G - 1 degrees of freedom)
by person on a panel, or by the `--cluster` column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from homeshore.pilot.tables import Sample

_METHODS = {
    (False, False): "difference of means",
    (False, True): "difference of proportions",
    (True, False): "difference in differences",
    (True, True): "difference in differences",
}


@dataclass(frozen=True, slots=True)
class Comparison:
    estimate: float  # treated minus control, in the outcome's unit (a proportion for 0/1)
    ci_low: float
    ci_high: float
    confidence: float
    se: float
    p_value: float  # two-sided, no difference
    n_treated: int  # persons
    n_control: int
    rows_treated: int
    rows_control: int
    method: str
    standard_errors: (
        str  # e.g. "Welch standard errors ..." or "cluster-robust by person, 58 clusters"
    )
    clusters: int | None
    treated_mean: float  # of the outcome (not of outcome - pre)
    control_mean: float
    relative_pct: float | None  # estimate in % of the control mean; None when that is ~0
    dropped_rows: int


def compare(sample: Sample, *, confidence: float = 0.95) -> Comparison:
    """Difference treated minus control of `sample.y`, with its `confidence` interval."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), not {confidence}")
    if sample.active is not None:  # a pilot in phases
        from homeshore.pilot.phased import phased_did

        return phased_did(sample, confidence=confidence)
    alpha = 1.0 - confidence
    clusters: int | None = None
    if sample.cluster is None:
        welch = CompareMeans(
            DescrStatsW(sample.y[sample.treated]), DescrStatsW(sample.y[~sample.treated])
        )
        estimate = float(welch.d1.mean - welch.d2.mean)
        low, high = (float(v) for v in welch.tconfint_diff(alpha=alpha, usevar="unequal"))
        se = float(welch.std_meandiff_separatevar)
        p_value = float(welch.ttest_ind(usevar="unequal")[1])
        described = "Welch standard errors (unequal variances)"
    else:
        treated = sample.treated.astype(float)
        design = np.column_stack([np.ones_like(treated), treated])
        fit = sm.OLS(sample.y, design).fit(
            cov_type="cluster", cov_kwds={"groups": sample.cluster}, use_t=True
        )
        clusters = int(np.unique(sample.cluster).size)
        described = f"cluster-robust standard errors by {sample.cluster_by}, {clusters} clusters"
        low, high = (float(v) for v in np.asarray(fit.conf_int(alpha=alpha))[1])
        estimate = float(np.asarray(fit.params)[1])
        se = float(np.asarray(fit.bse)[1])
        p_value = float(np.asarray(fit.pvalues)[1])
    treated_mean = float(sample.outcome[sample.treated].mean())
    control_mean = float(sample.outcome[~sample.treated].mean())
    return Comparison(
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        confidence=confidence,
        se=se,
        p_value=p_value,
        n_treated=sample.n_treated,
        n_control=sample.n_control,
        rows_treated=int(sample.treated.sum()),
        rows_control=int((~sample.treated).sum()),
        method=_METHODS[(sample.did, sample.binary)],
        standard_errors=described,
        clusters=clusters,
        treated_mean=treated_mean,
        control_mean=control_mean,
        relative_pct=relative_to(estimate, control_mean, sample.outcome),
        dropped_rows=sample.dropped_rows,
    )


def relative_to(estimate: float, control_mean: float, outcome: np.ndarray) -> float | None:
    """The estimate in % of the control mean; None when that mean is ~0 for the outcome's
    scale."""
    scale = max(1.0, float(np.abs(outcome).max()))
    return 100.0 * estimate / control_mean if abs(control_mean) > 1e-9 * scale else None


def verdict(c: Comparison) -> str:
    """One line in words: 'treated − control: −4.1 (95 % CI −7.0 to −1.2), n = 60 vs 58; ...'."""
    digits = max(0, 1 - math.floor(math.log10(c.se))) if c.se > 0 else 2
    level = f"{100 * c.confidence:g} %"
    line = (
        f"treated − control: {_number(c.estimate, digits)} ({level} CI "
        f"{_number(c.ci_low, digits)} to {_number(c.ci_high, digits)}), "
        f"n = {c.n_treated} vs {c.n_control}; {c.method}, {c.standard_errors}"
    )
    if c.relative_pct is not None:
        line += f"; {_number(c.relative_pct, 1, signed=True)} % of the control mean"
    if c.dropped_rows:
        line += f"; {c.dropped_rows} row(s) without a value left out"
    return line


def _number(value: float, digits: int, *, signed: bool = False) -> str:
    """Rounded, with a true minus sign (and a plus sign if `signed`)."""
    text = f"{value:{'+' if signed else ''}.{digits}f}"
    if float(text) == 0:
        text = f"{0:.{digits}f}"
    return text.replace("-", "−")
