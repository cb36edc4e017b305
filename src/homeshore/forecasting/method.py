"""The contract every volume method meets: a context in, a (days x slots) mean forecast out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.forecasting.calendar import SAME_SHAPE_KINDS
from homeshore.forecasting.history import FloatArray, QueueHistory
from homeshore.forecasting.kind_effects import KindEffect


@dataclass(frozen=True, slots=True)
class Context:
    """What a method may see: the history before the first forecast date and the day kinds.

    `history_kinds[i]` is the kind of history day i, `horizon_kinds[j]` of forecast day j
    (calendar.NORMAL, HOLIDAY, EVE, REDUCED, AFTER or an event name); `prior_effects` holds
    the calendar's typical effect of each of its kinds, used only when `use_priors` (the user
    asked for them: kind_effects.py); user-declared event effects are final: `given_effects`.
    """

    history: QueueHistory
    history_kinds: tuple[str, ...]
    horizon_start: dt.date
    horizon_kinds: tuple[str, ...]
    given_effects: Mapping[str, float] = field(default_factory=dict)
    prior_effects: Mapping[str, float] = field(default_factory=dict)
    use_priors: bool = False

    @property
    def horizon_days(self) -> int:
        return len(self.horizon_kinds)

    def horizon_weekdays(self) -> npt.NDArray[np.int64]:
        first = self.horizon_start.weekday()
        return (first + np.arange(self.horizon_days)) % DAYS_PER_WEEK

    def normal_days(self) -> npt.NDArray[np.bool_]:
        """History days that are valid and of no special kind."""
        kinds = np.array(self.history_kinds)
        return np.asarray(self.history.valid_days() & (kinds == "normal"), dtype=bool)

    def same_shape_days(self) -> npt.NDArray[np.bool_]:
        """History days that are valid and shaped like their weekday (calendar.SAME_SHAPE_KINDS)."""
        same = np.array([k in SAME_SHAPE_KINDS for k in self.history_kinds], dtype=bool)
        return np.asarray(self.history.valid_days() & same, dtype=bool)

    def age_weeks(self) -> FloatArray:
        """Age of each history day in weeks, counted back from the forecast start."""
        gap = (self.horizon_start - self.history.first_date).days
        return (gap - np.arange(self.history.n_days)) / DAYS_PER_WEEK


class VolumeMethod(Protocol):
    """A volume forecasting method: mean contacts per horizon day and slot."""

    @property
    def name(self) -> str: ...

    def predict(self, context: Context) -> FloatArray: ...


@runtime_checkable
class ModelsSpecialDays(Protocol):
    """A method that scales special days: the effect it applies to each horizon kind."""

    def special_effects(self, context: Context) -> Mapping[str, KindEffect]: ...


def decay(age_weeks: FloatArray, half_life_weeks: float) -> FloatArray:
    """Exponential weights halving every `half_life_weeks`."""
    return np.asarray(0.5 ** (age_weeks / half_life_weeks), dtype=np.float64)
