"""The special days of a forecast: what each one is, what the history said of its kind, and what
the forecast assumed for it.

One row per queue and horizon day that the calendar (or a user event) marks as special and on
whose weekday the queue is open (open hours, and some volume in the history). A day whose kind
the history never saw on an open day has no precedent: its forecast rests on an assumption, not
on the centre's data, and the row is `flagged`, its `note` naming the assumption (no effect, or
the share of the calendar's typical effect the centre's past special days followed, or all of
it when the user asked for priors).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.forecasting.calendar import NORMAL
from homeshore.forecasting.kind_effects import (
    FOLLOWED,
    GIVEN,
    LEARNED,
    NO_PRECEDENT,
    KindEffect,
)
from homeshore.forecasting.method import Context, ModelsSpecialDays, VolumeMethod
from homeshore.forecasting.pipeline import QueueSetup

SPECIAL_DAY_COLUMNS = (
    "queue",
    "date",
    "kind",
    "name",
    "effect",
    "precedent_days",
    "basis",
    "flagged",
    "note",
)
#: Basis of a day whose method does not scale special days (seasonal naive).
IGNORED = "ignored"


def note(effect: KindEffect | None, method: str, precedent_days: int) -> str:
    """What the forecast assumed for a day of this kind, in words."""
    if effect is None:
        seen = "no precedent in the history; " if precedent_days == 0 else ""
        return f"{seen}not modelled by {method}: forecast like an ordinary day of its weekday"
    if effect.basis == LEARNED:
        return (
            f"learned from {effect.days} past day(s): x{effect.effect:.2f} "
            f"(measured x{effect.raw:.2f}, weight {effect.weight:.2f})"
        )
    if effect.basis == GIVEN:
        return f"effect x{effect.effect:.2f} given"
    if effect.basis == NO_PRECEDENT:
        typical = (
            f" (the calendar's typical x{effect.prior:.2f} only with --calendar-priors)"
            if effect.prior is not None and effect.prior != 1.0
            else ""
        )
        return f"no precedent in the history: no effect assumed{typical}"
    if effect.basis == FOLLOWED:
        return (
            f"no precedent in the history: x{effect.effect:.2f} assumed, {effect.weight:.0%} "
            f"of the calendar's typical x{effect.prior:.2f} (the share of the calendar's "
            "effects this centre's past special days showed)"
        )
    return (
        f"no precedent in the history: the calendar's typical x{effect.effect:.2f} assumed "
        "(--calendar-priors)"
    )


def special_day_table(setup: QueueSetup, context: Context, method: VolumeMethod) -> pd.DataFrame:
    """SPECIAL_DAY_COLUMNS for the horizon of `context` forecast by `method`."""
    effects = method.special_effects(context) if isinstance(method, ModelsSpecialDays) else None
    history = context.history
    totals = np.nan_to_num(history.volume.sum(axis=1))
    busy = np.bincount(history.weekdays(), weights=totals, minlength=DAYS_PER_WEEK) > 0
    open_weekday = np.asarray(setup.open_by_weekday.any(axis=1) & busy, dtype=bool)
    kinds = np.array(context.history_kinds)
    seen_open = history.valid_days() & open_weekday[history.weekdays()]
    rows: list[dict[str, object]] = []
    for j, (kind, weekday) in enumerate(
        zip(context.horizon_kinds, context.horizon_weekdays(), strict=True)
    ):
        if kind == NORMAL or not open_weekday[weekday]:
            continue
        day = context.horizon_start + dt.timedelta(days=j)
        effect = effects[kind] if effects is not None else None
        days = effect.days if effect is not None else int((seen_open & (kinds == kind)).sum())
        flagged = not effect.has_precedent if effect is not None else days == 0
        rows.append(
            {
                "queue": history.queue,
                "date": day,
                "kind": kind,
                "name": setup.calendar.name_of(day, kind),
                "effect": effect.effect if effect is not None else 1.0,
                "precedent_days": days,
                "basis": effect.basis if effect is not None else IGNORED,
                "flagged": flagged,
                "note": note(effect, method.name, days),
            }
        )
    return pd.DataFrame(rows, columns=list(SPECIAL_DAY_COLUMNS))
