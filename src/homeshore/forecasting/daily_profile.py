"""The WFM standard: a daily-total model times an intraday profile per day type.

Daily totals (statsmodels Poisson GLM, log link): `log E[total] = week_level + weekday`,
fitted on the ordinary days of the history with week-of-history and weekday dummies. Weekday
effects are weighted toward recent weeks (half-life `weekday_half_life_weeks`); the week
levels are a clean, holiday-free level series. The forecast level is the mean of exponentially
weighted means of the week levels with half-lives `level_half_lives_weeks` (0.5, 1, 2 weeks):
a combination that follows level shifts and smooths noise.

Before fitting, ordinary days that no calendar explains and whose total is off by more than a
factor two beyond the queue's usual day-to-day spread (an outage, a strike) are marked unusual
and left out of every fit (unusual_days.py), so one such day drags neither the level of its week
nor its weekday's profile.

Special days that keep their weekday's shape (first working days of a month, the day after a
holiday, reduced days) multiply the day by their effect; holidays, eves and events estimated
from the history multiply each interval by their own curve (special_days.interval_effects):
an eve that closes at noon halves a Tuesday and leaves a Friday that closes at 14:00 nearly
untouched. Effects are learned from the queue's own past days of each kind, shrunk toward no
effect (kind_effects.py): a calendar whose holidays do not move the traffic changes nothing.

Intraday profile: per weekday, the volume-weighted share of each slot over recent days of the
same shape, smoothed across the time of day by a kernel whose width is chosen per queue on the
last weeks of history, shrunk toward the shape of the other weekdays that look alike, with a
short or a long memory per weekday (`weekday_profiles`). A forecast interval is the ordinary
day's total times its share (times its special-day curve); the daily forecast is the sum of its
intervals.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.forecasting.history import FloatArray
from homeshore.forecasting.kind_effects import KindEffect
from homeshore.forecasting.method import Context, decay
from homeshore.forecasting.special_days import context_effects, interval_effects
from homeshore.forecasting.unusual_days import mark_unusual


@dataclass(frozen=True, slots=True)
class DailyFit:
    """The daily model of one queue at one origin."""

    weekday_factor: FloatArray  # (7,), 0 for weekdays with no volume
    week_level: FloatArray  # per history day: the level of its week (NaN if unknown)
    level: float  # forecast level
    effects: dict[str, KindEffect]


def _week_blocks(n_days: int) -> np.ndarray:
    """Week index of each history day counted back from the last day (0 = last 7 days)."""
    return np.asarray((n_days - 1 - np.arange(n_days)) // DAYS_PER_WEEK, dtype=np.int64)


def _ewma_level(levels: FloatArray, half_life: float) -> float:
    weights = 0.5 ** (np.arange(len(levels))[::-1] / half_life)
    return float((weights * levels).sum() / weights.sum())


def level_forecast(levels: FloatArray, half_lives: tuple[float, ...]) -> float:
    """Next week's level: the mean of the EWMA forecasts over `half_lives` (weeks).

    Averaging short and long memories is a forecast combination: it follows a level shift
    within a couple of weeks yet does not chase one noisy week, and is steadier than picking
    one half-life from a dozen noisy past errors.
    """
    levels = levels[~np.isnan(levels)]
    if len(levels) == 0:
        return 0.0
    return float(np.mean([_ewma_level(levels, h) for h in half_lives]))


def _fit_glm(
    totals: FloatArray, rows: np.ndarray, blocks: np.ndarray, weekdays: np.ndarray, w: FloatArray
) -> tuple[dict[int, float], dict[int, float]]:
    """Poisson GLM on the chosen rows: log mean = block effect + weekday effect."""
    used_blocks = np.unique(blocks[rows])
    used_days = np.unique(weekdays[rows])
    day_totals = {d: totals[rows & (weekdays == d)].sum() for d in used_days}
    reference = max(used_days, key=lambda d: day_totals[d])
    others = [d for d in used_days if d != reference]
    x = np.zeros((int(rows.sum()), len(used_blocks) + len(others)))
    b_col = {b: i for i, b in enumerate(used_blocks)}
    d_col = {d: len(used_blocks) + i for i, d in enumerate(others)}
    for r, i in enumerate(np.flatnonzero(rows)):
        x[r, b_col[blocks[i]]] = 1.0
        if weekdays[i] != reference:
            x[r, d_col[weekdays[i]]] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sm.GLM(totals[rows], x, family=sm.families.Poisson(), var_weights=w[rows]).fit()
    params = np.asarray(result.params, dtype=float)
    block_level = {int(b): float(np.exp(params[b_col[b]])) for b in used_blocks}
    factor = {int(reference): 1.0}
    factor.update({int(d): float(np.exp(params[d_col[d]])) for d in others})
    return block_level, factor


def fit_daily(
    context: Context,
    *,
    weekday_half_life_weeks: float,
    level_half_lives_weeks: tuple[float, ...],
) -> DailyFit:
    history = context.history
    totals = history.volume.sum(axis=1)
    weekdays = history.weekdays()
    blocks = _week_blocks(history.n_days)
    normal = context.normal_days()
    open_days = [d for d in range(DAYS_PER_WEEK) if totals[normal & (weekdays == d)].sum() > 0]
    rows = normal & np.isin(weekdays, open_days)
    block_sums = {b: totals[rows & (blocks == b)].sum() for b in np.unique(blocks[rows])}
    rows &= np.isin(blocks, [b for b, s in block_sums.items() if s > 0])
    n_blocks = int(blocks.max()) + 1
    levels = np.full(n_blocks, np.nan)
    factor = np.zeros(DAYS_PER_WEEK)
    if rows.any():
        w = decay(context.age_weeks(), weekday_half_life_weeks)
        block_level, day_factor = _fit_glm(totals, rows, blocks, weekdays, w)
        for b, value in block_level.items():
            levels[b] = value
        for d, value in day_factor.items():
            factor[d] = value
    for b, s in block_sums.items():
        if s == 0:
            levels[b] = 0.0
    chronological = levels[::-1]
    level = level_forecast(chronological, level_half_lives_weeks)
    known = np.flatnonzero(~np.isnan(levels))
    week_level = np.full(history.n_days, np.nan)
    if len(known):
        nearest = known[np.abs(known[None, :] - np.arange(n_blocks)[:, None]).argmin(axis=1)]
        week_level = levels[nearest][blocks]
    expected = week_level * factor[weekdays]
    effects = context_effects(context, expected)
    return DailyFit(factor, week_level, level, effects)


def weekday_profiles(
    context: Context,
    half_lives_weeks: tuple[float, ...],
    pool_strength: float,
    test_weeks: int,
    bandwidths_slots: tuple[float, ...] = (0.0,),
) -> FloatArray:
    """Per weekday, the profile of the half-life whose profiles had the least error on the
    last `test_weeks` weeks of history (each week's profile built from the days before it);
    the smoothing bandwidth across the time of day is chosen the same way, once per queue
    (the error of all weekdays added up, each with its best half-life).

    A weekday whose shape drifts (a Saturday opening at sunset, a changing mix of calls)
    gets a short memory; a stable one a long memory and less noise. A queue with few calls
    per interval gets a wide smoothing; a busy one, whose counts already show the shape, little.
    """
    candidates = [(h, b) for b in bandwidths_slots for h in half_lives_weeks]

    def profiles(ctx: Context) -> dict[tuple[float, float], FloatArray]:
        counts = {h: weighted_counts(ctx, h) for h in half_lives_weeks}
        return {(h, b): shapes_from_counts(*counts[h], pool_strength, b) for h, b in candidates}

    final = profiles(context)
    if len(candidates) == 1:
        return final[candidates[0]]
    history = context.history
    weekdays = history.weekdays()
    same = context.same_shape_days()
    errors = {c: np.zeros(DAYS_PER_WEEK) for c in candidates}
    for k in range(1, test_weeks + 1):
        cut = history.n_days - k * DAYS_PER_WEEK
        if cut < 2 * DAYS_PER_WEEK:
            break
        past = Context(
            history.head(cut),
            context.history_kinds[:cut],
            history.first_date + dt.timedelta(days=cut),
            (),
        )
        days = [i for i in range(cut, cut + DAYS_PER_WEEK) if same[i]]
        actual = history.volume[days]
        inner = profiles(past)
        for c in candidates:
            shapes = inner[c][weekdays[days]]
            error = np.abs(shapes * actual.sum(axis=1, keepdims=True) - actual).sum(axis=1)
            np.add.at(errors[c], weekdays[days], error)

    def best_half_life(b: float, d: int) -> float:
        return min(half_lives_weeks, key=lambda h: errors[(h, b)][d])

    def queue_error(b: float) -> float:
        return float(sum(errors[(best_half_life(b, d), b)][d] for d in range(DAYS_PER_WEEK)))

    bandwidth = min(bandwidths_slots, key=queue_error)
    return np.array(
        [final[(best_half_life(bandwidth, d), bandwidth)][d] for d in range(DAYS_PER_WEEK)]
    )


def kernel_matrix(slots: int, bandwidth_slots: float) -> FloatArray:
    """(slots, slots) Gaussian kernel of standard deviation `bandwidth_slots` (0: identity).

    Column k spreads the contacts of slot k over its neighbours and sums to 1, so smoothing
    keeps the day's volume.
    """
    if bandwidth_slots <= 0:
        return np.eye(slots)
    gap = np.arange(slots)[:, None] - np.arange(slots)[None, :]
    kernel = np.exp(-0.5 * (gap / bandwidth_slots) ** 2)
    return np.asarray(kernel / kernel.sum(axis=0, keepdims=True), dtype=np.float64)


def weighted_counts(context: Context, half_life_weeks: float) -> tuple[FloatArray, FloatArray]:
    """(7, slots) weighted counts per weekday over the ordinary days, and the weighted days."""
    history = context.history
    weekdays = history.weekdays()
    normal = context.same_shape_days()
    w = decay(context.age_weeks(), half_life_weeks)
    sums = np.zeros((DAYS_PER_WEEK, history.slots_per_day))
    days = np.zeros(DAYS_PER_WEEK)
    for d in range(DAYS_PER_WEEK):
        rows = normal & (weekdays == d)
        sums[d] = (w[rows, None] * history.volume[rows]).sum(axis=0)
        days[d] = w[rows].sum()
    return sums, days


def shapes_from_counts(
    counts: FloatArray, days: FloatArray, pool_strength: float, bandwidth_slots: float
) -> FloatArray:
    """(7, slots) shares from weighted counts: smoothed across the time of day by a Gaussian
    kernel of `bandwidth_slots` (0: none), then shrunk toward look-alike weekdays.

    `pool_strength` is the number of pseudo-days of the pooled shape of the other weekdays
    whose shape is close (total variation distance under 0.25) added to each weekday.
    """
    sums = counts @ kernel_matrix(counts.shape[1], bandwidth_slots).T
    mass = sums.sum(axis=1)
    shape = np.where(mass[:, None] > 0, sums / np.maximum(mass, 1e-12)[:, None], 0.0)
    if pool_strength <= 0:
        return shape
    out = shape.copy()
    distance = 0.5 * np.abs(shape[:, None, :] - shape[None, :, :]).sum(axis=2)
    similar = (distance < 0.25) & (mass[None, :] > 0) & ~np.eye(DAYS_PER_WEEK, dtype=bool)
    for d in range(DAYS_PER_WEEK):
        alike = np.flatnonzero(similar[d])
        if mass[d] <= 0 or not len(alike):
            continue
        pooled = sums[alike].sum(axis=0) / mass[alike].sum()
        per_day = mass[d] / max(days[d], 1e-12)
        out[d] = (sums[d] + pool_strength * per_day * pooled) / (mass[d] + pool_strength * per_day)
    return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class DailyProfile:
    """Daily total x intraday profile per day type (the default method)."""

    weekday_half_life_weeks: float = 8.0
    level_half_lives_weeks: tuple[float, ...] = (0.5, 1.0, 2.0)
    profile_half_lives_weeks: tuple[float, ...] = (2.0, 8.0)
    profile_test_weeks: int = 6
    profile_pool_days: float = 2.0
    profile_bandwidths_slots: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
    unusual_ratio: float = 2.0  # 0: keep every ordinary day (unusual_days.py)

    @property
    def name(self) -> str:
        return "daily_profile"

    def fit(self, context: Context) -> DailyFit:
        return fit_daily(
            context,
            weekday_half_life_weeks=self.weekday_half_life_weeks,
            level_half_lives_weeks=self.level_half_lives_weeks,
        )

    def without_unusual_days(self, context: Context) -> Context:
        """The context with its unusual ordinary days marked (left out of every fit)."""
        if self.unusual_ratio <= 0:
            return context
        first = self.fit(context)
        expected = first.week_level * first.weekday_factor[context.history.weekdays()]
        return mark_unusual(context, expected, ratio=self.unusual_ratio)

    def special_effects(self, context: Context) -> dict[str, KindEffect]:
        """The effect applied to each kind of the horizon (its daily multiplier)."""
        return self.fit(self.without_unusual_days(context)).effects

    def predict(self, context: Context) -> FloatArray:
        context = self.without_unusual_days(context)
        fit = self.fit(context)
        profiles = weekday_profiles(
            context,
            self.profile_half_lives_weeks,
            self.profile_pool_days,
            self.profile_test_weeks,
            self.profile_bandwidths_slots,
        )
        weekdays = context.horizon_weekdays()
        ordinary = fit.level * fit.weekday_factor[weekdays, None] * profiles[weekdays]
        past = context.history.weekdays()
        expected = (fit.week_level * fit.weekday_factor[past])[:, None] * profiles[past]
        curves = interval_effects(context, expected, fit.effects)
        scale = np.ones_like(ordinary)
        for j, kind in enumerate(context.horizon_kinds):
            scale[j] = curves[kind] if kind in curves else fit.effects[kind].effect
        return np.asarray(ordinary * scale, dtype=np.float64)

    def daily(self, context: Context) -> FloatArray:
        """The daily forecast the intervals add up to."""
        return np.asarray(self.predict(context).sum(axis=1), dtype=np.float64)
