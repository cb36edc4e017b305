"""A pilot in phases: advisors move to the new way of working at different periods.

The estimate is the coefficient of "in the pilot's way of working" (a treated advisor, from
their `treated_from` period on) in a regression of the outcome on it with an advisor fixed
effect and a period fixed effect (two-way fixed effects; linearmodels' PanelOLS, which
absorbs both): what the move changed, net of how the advisors differed from the start
(volunteers are not a random draw) and of what changed for everyone over the periods
(a new product, the season). Standard errors are cluster-robust by advisor, with the
small-sample correction, and the interval uses Student's t with G - 1 degrees of freedom
(G advisors). It assumes the effect is the same whenever an advisor moved; with effects
that grow over time and several waves the estimate weighs waves unevenly (docs/pilot.md).

`event_study` breaks the effect down by periods since the move (the period before it is
the reference): the periods after show how the effect builds up, the periods before test
the assumption the estimate rests on, parallel trends (movers and stayers changing alike
before the move), with a joint Wald test that they are all zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from linearmodels.panel import PanelOLS
from scipy import stats

from homeshore.pilot.compare import Comparison, relative_to
from homeshore.pilot.tables import Sample

METHOD = "difference in differences, advisor and period fixed effects (phased pilot)"


def phased_did(sample: Sample, *, confidence: float = 0.95) -> Comparison:
    """Two-way fixed-effects estimate of the pilot's effect on `sample.y` (see module doc)."""
    if sample.person is None or sample.period is None or sample.active is None:
        raise ValueError("the sample was not prepared for a phased pilot (Question.staggered)")
    index = pd.MultiIndex.from_arrays([sample.person, sample.period], names=["person", "period"])
    frame = pd.DataFrame({"y": sample.y, "active": sample.active.astype(float)}, index=index)
    model = PanelOLS(frame["y"], frame[["active"]], entity_effects=True, time_effects=True)
    fit = model.fit(cov_type="clustered", cluster_entity=True, debiased=True)
    estimate = float(fit.params["active"])
    se = float(fit.std_errors["active"])
    clusters = int(np.unique(sample.person).size)
    t = stats.t(df=clusters - 1)
    half = float(t.ppf(0.5 + confidence / 2)) * se
    p_value = float(2 * t.sf(abs(estimate / se))) if se > 0 else float("nan")
    active = sample.active
    control = ~sample.treated
    treated_mean = float(sample.outcome[active].mean())
    control_mean = float(sample.outcome[control].mean())
    return Comparison(
        estimate=estimate,
        ci_low=estimate - half,
        ci_high=estimate + half,
        confidence=confidence,
        se=se,
        p_value=p_value,
        n_treated=sample.n_treated,
        n_control=sample.n_control,
        rows_treated=int(sample.treated.sum()),
        rows_control=int(control.sum()),
        method=METHOD,
        standard_errors=f"cluster-robust standard errors by person, {clusters} clusters",
        clusters=clusters,
        treated_mean=treated_mean,
        control_mean=control_mean,
        relative_pct=relative_to(estimate, control_mean, sample.outcome),
        dropped_rows=sample.dropped_rows,
    )


@dataclass(frozen=True, slots=True)
class EventStudy:
    """The effect by periods since the move; the period just before it is the reference
    (0 by construction) and periods beyond the window are binned into its ends."""

    periods_since: tuple[int, ...]  # -before .. -2, 0 .. after
    estimate: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    confidence: float
    pre_trend_p: float | None  # joint test that every period before the move is 0
    pre_trend_stat: float | None  # its Wald statistic (chi-squared, one df per period)


def event_study(
    sample: Sample, *, confidence: float = 0.95, before: int = 4, after: int = 8
) -> EventStudy:
    """Coefficients of "k periods since the move" (k = -before .. after, -1 left out) in the
    same two-way fixed-effects regression, cluster-robust by advisor."""
    if sample.person is None or sample.period is None or sample.moved is None:
        raise ValueError("the sample was not prepared for a phased pilot (Question.staggered)")
    if before < 2 or after < 0:
        raise ValueError("the window needs before >= 2 and after >= 0")
    movers = sample.moved >= 0
    since = np.clip(sample.period - sample.moved, -before, after)
    window = [k for k in range(-before, after + 1) if k != -1]
    shown = [k for k in window if (movers & (since == k)).any()]
    columns = {_name(k): (movers & (since == k)).astype(float) for k in shown}
    index = pd.MultiIndex.from_arrays([sample.person, sample.period], names=["person", "period"])
    frame = pd.DataFrame({"y": sample.y, **columns}, index=index)
    regressors = list(columns)
    model = PanelOLS(frame["y"], frame[regressors], entity_effects=True, time_effects=True)
    fit = model.fit(cov_type="clustered", cluster_entity=True, debiased=True)
    clusters = int(np.unique(sample.person).size)
    quantile = float(stats.t(df=clusters - 1).ppf(0.5 + confidence / 2))
    params = [float(fit.params[c]) for c in regressors]
    errors = [float(fit.std_errors[c]) for c in regressors]
    leads = [c for k, c in zip(shown, regressors, strict=True) if k < -1]
    stat: float | None = None
    p_value: float | None = None
    if leads:
        test = fit.wald_test(formula=[f"{c} = 0" for c in leads])
        stat, p_value = float(test.stat), float(test.pval)
    return EventStudy(
        periods_since=tuple(shown),
        estimate=tuple(params),
        ci_low=tuple(b - quantile * e for b, e in zip(params, errors, strict=True)),
        ci_high=tuple(b + quantile * e for b, e in zip(params, errors, strict=True)),
        confidence=confidence,
        pre_trend_p=p_value,
        pre_trend_stat=stat,
    )


def _name(k: int) -> str:
    """A regressor's name a constraint formula can read ("before_3", "after_0")."""
    return f"before_{-k}" if k < 0 else f"after_{k}"


def event_study_lines(study: EventStudy) -> list[str]:
    """The breakdown in words: one line per period since the move, then the pre-trend test."""
    level = f"{100 * study.confidence:g} %"
    lines = [f"by periods since the move (the period before it = 0; {level} CI):"]
    rows = zip(study.periods_since, study.estimate, study.ci_low, study.ci_high, strict=True)
    for k, b, low, high in rows:
        lines.append(f"  {k:+d}: {b:.3g} ({low:.3g} to {high:.3g})")
    if study.pre_trend_p is None:
        lines.append("parallel trends: no period before the move to test them on")
    else:
        verdict = "not rejected" if study.pre_trend_p >= 0.05 else "REJECTED"
        lines.append(
            f"parallel trends before the move: {verdict} (joint Wald test of the periods "
            f"before, p = {study.pre_trend_p:.3g})"
        )
    return lines
