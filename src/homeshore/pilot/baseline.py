"""What the groups look like without the pilot: the outcome's baseline a power calculation
estimates its variance from (`pilot power`), and the balance of covariates between the
groups before the pilot (`pilot balance`). Both validate the table as `prepare` does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from homeshore.pilot.tables import (
    PERIOD,
    PERSON,
    TREATED_FROM,
    Table,
    _labels,
    _numbers,
    _one_group_per_person,
    _one_row_per_person,
    _period_values,
    _periods,
    _periods_in_order,
    _require,
)


@dataclass(frozen=True, slots=True)
class Baseline:
    """One outcome's rows a power calculation estimates its variance from (`pilot power`)."""

    values: np.ndarray  # the outcome per kept row
    person: np.ndarray  # int codes of the rows' persons
    kind: Literal["person", "panel"]
    binary: bool  # the outcome only takes 0 and 1
    dropped_rows: int  # rows of the chosen group without a value, left out


def baseline(
    table: Table, outcome: str, *, group: str | None = None, control: str | None = None
) -> Baseline:
    """Validate `table` as `prepare` does and return the `outcome` of the rows whose `group`
    equals `control` (every row when no group is given); missing values are left out."""
    panel = table.kind == "panel"
    columns = [PERSON, *([PERIOD] if panel else []), *([group] if group else []), outcome]
    _require(table, columns)
    if len(table.frame) == 0:
        raise table.error("the table has no data rows")
    person = _labels(table, PERSON)
    if panel:
        _periods_in_order(table, person, _periods(table, PERIOD))
    else:
        _one_row_per_person(table, person)
    used = np.ones(len(person), dtype=bool)
    if group is not None and control is not None:
        labels = _labels(table, group)
        _one_group_per_person(table, person, labels, group)
        groups = sorted(set(labels.tolist()))
        if control not in groups:
            raise table.error(
                f"no row has {group} = {control!r} (groups: {', '.join(groups)})", column=group
            )
        used = labels == control
    values = _numbers(table, outcome)
    keep = used & ~np.isnan(values)
    codes = pd.factorize(person[keep])[0]
    where = f" with {group} = {control!r}" if group is not None else ""
    if codes.size == 0 or codes.max() + 1 < 2:
        raise table.error(f"fewer than 2 persons{where} have a value for {outcome}", column=outcome)
    kept = values[keep]
    if np.ptp(kept) == 0:
        raise table.error(
            f"{outcome} does not vary{where}: its variance, hence the sample size, cannot be "
            "estimated",
            column=outcome,
        )
    return Baseline(
        values=kept.astype(float),
        person=codes,
        kind=table.kind,
        binary=bool(np.isin(np.unique(kept), (0.0, 1.0)).all()),
        dropped_rows=int((used & np.isnan(values)).sum()),
    )


#: a standardized difference beyond this is commonly read as an imbalance (Austin 2009,
#: Statistics in Medicine 28:3083)
IMBALANCE = 0.1


@dataclass(frozen=True, slots=True)
class Balance:
    """One covariate before the pilot, treated against control, one value per person."""

    covariate: str
    treated_mean: float
    control_mean: float
    treated_sd: float
    control_sd: float
    std_diff: float  # (treated - control) / sqrt((sd_t^2 + sd_c^2) / 2); 0 when both sds are 0
    p_value: float  # Welch's t test of equal means (nan when it cannot be computed)
    n_treated: int  # persons with a value
    n_control: int

    @property
    def imbalanced(self) -> bool:
        return abs(self.std_diff) > IMBALANCE


def balance(
    table: Table,
    covariates: Sequence[str],
    *,
    group: str,
    treated: str,
    control: str | None = None,
) -> list[Balance]:
    """Each covariate's mean per group before the pilot, with the standardized difference
    and Welch's p-value. A person-level table gives one value per person; on a panel, each
    person's mean over the periods before the pilot (before the first `treated_from` of the
    treated group when the panel has one, else every period)."""
    if not covariates:
        raise table.error("name at least one covariate")
    panel = table.kind == "panel"
    _require(table, [PERSON, group, *([PERIOD] if panel else []), *covariates])
    if len(table.frame) == 0:
        raise table.error("the table has no data rows")
    person = _labels(table, PERSON)
    labels = _labels(table, group)
    _one_group_per_person(table, person, labels, group)
    before = np.ones(len(person), dtype=bool)
    if panel:
        period = _periods(table, PERIOD)
        _periods_in_order(table, person, period)
        if TREATED_FROM in table.frame.columns:
            start = _period_values(table, TREATED_FROM, allow_empty=True)[0]
            if (~np.isnan(start)).any():
                before = period < np.nanmin(start)
                if not before.any():
                    raise table.error(
                        f"no period before the first {TREATED_FROM}: nothing is before the pilot",
                        column=TREATED_FROM,
                    )
    else:
        _one_row_per_person(table, person)
    groups = sorted(set(labels.tolist()))
    for value in (treated, *([control] if control is not None else [])):
        if value not in groups:
            raise table.error(
                f"no row has {group} = {value!r} (groups: {', '.join(groups)})", column=group
            )
    group_of = pd.Series(labels, index=person).groupby(level=0).first()  # one per person
    out = []
    for name in covariates:
        values = _numbers(table, name)
        frame = pd.DataFrame({"person": person, "value": values})[before & ~np.isnan(values)]
        means = frame.groupby("person", sort=False)["value"].mean()
        arm = group_of.reindex(means.index).to_numpy()
        in_control = arm == control if control is not None else arm != treated
        t_values = means.to_numpy(float)[arm == treated]
        c_values = means.to_numpy(float)[in_control]
        if len(t_values) < 2 or len(c_values) < 2:
            raise table.error(
                f"{name}: each group needs at least 2 persons with a value before the pilot",
                column=name,
            )
        sd_t, sd_c = float(t_values.std(ddof=1)), float(c_values.std(ddof=1))
        spread = float(np.sqrt((sd_t**2 + sd_c**2) / 2))
        diff = float(t_values.mean() - c_values.mean())
        p_value = float("nan")
        if spread > 0:
            welch = CompareMeans(DescrStatsW(t_values), DescrStatsW(c_values))
            p_value = float(welch.ttest_ind(usevar="unequal")[1])
        out.append(
            Balance(
                covariate=name,
                treated_mean=float(t_values.mean()),
                control_mean=float(c_values.mean()),
                treated_sd=sd_t,
                control_sd=sd_c,
                std_diff=diff / spread if spread > 0 else 0.0,
                p_value=p_value,
                n_treated=len(t_values),
                n_control=len(c_values),
            )
        )
    return out


def balance_lines(rows: Sequence[Balance]) -> list[str]:
    """The table in words, one line per covariate, imbalances marked."""
    cells = [
        (
            r.covariate,
            f"{r.treated_mean:.4g} (sd {r.treated_sd:.3g})",
            f"{r.control_mean:.4g} (sd {r.control_sd:.3g})",
            f"{r.std_diff:+.2f}",
            f"{r.p_value:.2g}" if np.isfinite(r.p_value) else "-",
            "imbalanced" if r.imbalanced else "",
        )
        for r in rows
    ]
    head = ("covariate", "treated", "control", "std diff", "p", "")
    widths = [max(len(row[k]) for row in [head, *cells]) for k in range(len(head))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [head, *cells]
    ]
    lines.append(
        f"a standardized difference beyond ±{IMBALANCE:g} means the groups differed before the "
        "pilot: compare with --pre or --staggered rather than as they are"
    )
    return lines
