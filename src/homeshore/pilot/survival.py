"""Time to leave: how long advisors stay, per group, with the advisors still there counted
as censored (Kaplan-Meier, statsmodels `SurvfuncRight`), and whether the groups differ
(log-rank test, statsmodels `survdiff`). The seeds' question: do home advisors stay longer?

Input: a person-level table with a duration column (months, days: the unit is the column's)
and an event column (1: left at that time; 0: still there, observed that long).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from homeshore.pilot.tables import (
    PERSON,
    Table,
    _labels,
    _numbers,
    _one_row_per_person,
    _require,
)

_Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class GroupSurvival:
    group: str
    persons: int
    events: int  # persons who left
    median: float | None  # time by which half have left (None: not reached)
    median_low: float | None  # its 95 % interval (cloglog); None where unbounded
    median_high: float | None
    # survival at the requested times: (time, share still there, 95 % low, 95 % high)
    at: tuple[tuple[float, float, float, float], ...]


@dataclass(frozen=True, slots=True)
class Survival:
    time: str
    event: str
    treated: GroupSurvival
    control: GroupSurvival
    logrank_chi2: float
    logrank_p: float


def survival(
    table: Table,
    *,
    group: str,
    treated: str,
    time: str,
    event: str,
    control: str | None = None,
    at: Sequence[float] = (),
) -> Survival:
    """Kaplan-Meier curves of `treated` and the control group, and the log-rank test."""
    if table.kind == "panel":
        raise table.error(
            "time to leave needs one row per person (a person-level table: how long each "
            "advisor was observed, and whether they left)"
        )
    _require(table, [PERSON, group, time, event])
    if len(table.frame) == 0:
        raise table.error("the table has no data rows")
    person = _labels(table, PERSON)
    _one_row_per_person(table, person)
    labels = _labels(table, group)
    durations = _numbers(table, time)
    events = _numbers(table, event)
    for name, values in ((time, durations), (event, events)):
        holes = np.flatnonzero(np.isnan(values))
        if len(holes):
            raise table.error(f"{name} is empty", holes, name)
    negative = np.flatnonzero(durations < 0)
    if len(negative):
        raise table.error(f"{time} is negative: a duration is 0 or more", negative, time)
    not_flag = np.flatnonzero(~np.isin(events, (0.0, 1.0)))
    if len(not_flag):
        raise table.error(f"{event} must be 1 (left) or 0 (still there)", not_flag, event)
    groups = sorted(set(labels.tolist()))
    for value in (treated, *([control] if control is not None else [])):
        if value not in groups:
            raise table.error(
                f"no row has {group} = {value!r} (groups: {', '.join(groups)})", column=group
            )
    is_treated = labels == treated
    is_control = labels == control if control is not None else ~is_treated
    arms = []
    for name, rows in ((treated, is_treated), (control or "others", is_control)):
        if rows.sum() < 2:
            raise table.error(f"group {name!r} has fewer than 2 persons", column=group)
        arms.append(_curve(name, durations[rows], events[rows], at))
    used = is_treated | is_control
    chi2, p_value = survdiff(durations[used], events[used], is_treated[used].astype(int))
    return Survival(time, event, arms[0], arms[1], float(chi2), float(p_value))


def _curve(
    name: str, durations: np.ndarray, events: np.ndarray, at: Sequence[float]
) -> GroupSurvival:
    fit = SurvfuncRight(durations, events)
    median: float | None = None
    low: float | None = None
    high: float | None = None
    if events.sum() > 0:
        value = float(fit.quantile(0.5))
        median = value if math.isfinite(value) else None
        with np.errstate(divide="ignore", invalid="ignore"):  # an unbounded end: inf or nan
            bounds = [float(b) for b in fit.quantile_ci(0.5)]
        low, high = (b if math.isfinite(b) else None for b in bounds)
    points = []
    times = np.asarray(fit.surv_times, dtype=float)
    probs = np.asarray(fit.surv_prob, dtype=float)
    errors = np.asarray(fit.surv_prob_se, dtype=float)
    for t in at:
        k = int(np.searchsorted(times, t, side="right")) - 1  # the step in force at t
        share, se = (1.0, 0.0) if k < 0 else (float(probs[k]), float(errors[k]))
        points.append((float(t), share, max(0.0, share - _Z95 * se), min(1.0, share + _Z95 * se)))
    return GroupSurvival(
        group=name,
        persons=len(durations),
        events=int(events.sum()),
        median=median,
        median_low=low,
        median_high=high,
        at=tuple(points),
    )


def survival_lines(result: Survival) -> list[str]:
    """The curves in words: per group, who left, the median time and the shares still
    there; then the log-rank test."""
    lines = [f"time to leave ({result.time}; {result.event} = 1: left):"]
    for arm in (result.treated, result.control):
        if arm.median is None:
            median = "median not reached"
        else:
            low = "?" if arm.median_low is None else f"{arm.median_low:.3g}"
            high = "?" if arm.median_high is None else f"{arm.median_high:.3g}"
            median = f"median {arm.median:.3g} (95 % CI {low} to {high})"
        still = "; ".join(
            f"at {t:g}: {100 * s:.0f} % still there ({100 * lo:.0f}-{100 * hi:.0f} %)"
            for t, s, lo, hi in arm.at
        )
        lines.append(
            f"  {arm.group}: {arm.persons} persons, {arm.events} left; {median}"
            + (f"; {still}" if still else "")
        )
    lines.append(f"log-rank test: chi2 = {result.logrank_chi2:.3g}, p = {result.logrank_p:.3g}")
    return lines
