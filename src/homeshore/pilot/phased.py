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
"""

from __future__ import annotations

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
