"""Holiday effects are learned from the centre's own history (synthetic_centre.py), not assumed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from homeshore.forecasting import ForecastSettings, forecast, setups
from homeshore.forecasting.kind_effects import (
    FOLLOWED,
    GIVEN,
    LEARNED,
    NO_PRECEDENT,
    PRIOR,
    KindEffect,
    calendar_following,
)
from homeshore.forecasting.pipeline import with_closed_rest_days
from homeshore.forecasting.special_days import estimate_effects
from homeshore.forecasting.synthetic_centre import SyntheticCentre

PARIS = ForecastSettings(timezone="Europe/Paris", country="FR")
EASTER_MONDAY = dt.date(2026, 4, 6)
NEXT_MONDAY = dt.date(2026, 4, 13)
#: Monday's expected volume at the synthetic centre (1.25 x an average day of 1,500)
MONDAY = 1875.0


def _centre(first: dt.date, effect: float, keep_empty: bool = False) -> SyntheticCentre:
    # the history ends on Sunday 29 March 2026; Easter Monday comes a week later
    days = (dt.date(2026, 3, 30) - first).days
    return SyntheticCentre(first, days, holiday_effect=effect, keep_empty_intervals=keep_empty)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_holiday_without_precedent_is_an_ordinary_day_and_is_flagged(seed: int) -> None:
    # twelve weeks from 5 January 2026 hold no French holiday; the centre ignores holidays
    centre = _centre(dt.date(2026, 1, 5), 1.0)
    assert centre.holidays() == []
    result = forecast(centre.generate(np.random.default_rng(seed)).table, PARIS, 3)
    daily = result.daily.set_index("date")
    assert daily.loc[EASTER_MONDAY, "kind"] == "holiday"
    assert daily.loc[EASTER_MONDAY, "volume"] == pytest.approx(daily.loc[NEXT_MONDAY, "volume"])
    assert abs(daily.loc[EASTER_MONDAY, "volume"] / MONDAY - 1) < 0.1  # a normal Monday
    flagged = result.flagged().set_index("date")
    assert flagged.loc[EASTER_MONDAY, "name"] == "Easter Monday"
    assert flagged.loc[EASTER_MONDAY, "basis"] == NO_PRECEDENT
    assert "no effect assumed" in daily.loc[EASTER_MONDAY, "note"]
    # the calendar's prior only on request, and flagged all the same
    asked = forecast(
        centre.generate(np.random.default_rng(seed)).table,
        dataclasses.replace(PARIS, calendar_priors=True),
        3,
    )
    days = asked.daily.set_index("date")["volume"]
    assert days[EASTER_MONDAY] / days[NEXT_MONDAY] == pytest.approx(0.25, rel=0.01)
    assert asked.flagged().set_index("date").loc[EASTER_MONDAY, "basis"] == PRIOR


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_holidays_that_do_not_move_the_traffic_change_nothing(seed: int) -> None:
    # from September 2025: 11 November, 25 December and 1 January fell on working days
    centre = _centre(dt.date(2025, 9, 1), 1.0)
    assert len([d for d in centre.holidays() if d.weekday() < 5]) == 3
    result = forecast(centre.generate(np.random.default_rng(seed)).table, PARIS, 3)
    daily = result.daily.set_index("date")["volume"]
    assert abs(daily[EASTER_MONDAY] / daily[NEXT_MONDAY] - 1) < 0.08  # within the noise
    assert abs(daily[EASTER_MONDAY] / MONDAY - 1) < 0.1
    row = result.special_days.set_index("date").loc[EASTER_MONDAY]
    assert (row["basis"], row["precedent_days"], bool(row["flagged"])) == (LEARNED, 3, False)


@pytest.mark.parametrize("keep_empty", [False, True])
def test_a_centre_closed_on_holidays_is_closed_on_the_next_one(keep_empty: bool) -> None:
    # closed on its holidays: no row at all on those days (or rows of zeros); either way the
    # learned effect closes the centre on Easter Monday, and nothing is assumed
    centre = _centre(dt.date(2025, 9, 1), 0.0, keep_empty)
    table = centre.generate(np.random.default_rng(4)).table
    christmas = table["start"].dt.date == dt.date(2025, 12, 25)
    assert not christmas.any() if not keep_empty else (table.loc[christmas, "offered"] == 0).all()
    result = forecast(table, PARIS, 3)
    daily = result.daily.set_index("date")["volume"]
    assert daily[EASTER_MONDAY] < 0.01 * daily[NEXT_MONDAY]
    row = result.special_days.set_index("date").loc[EASTER_MONDAY]
    assert row["basis"] == LEARNED and row["effect"] < 0.01 and not row["flagged"]
    assert result.flagged().empty or EASTER_MONDAY not in set(result.flagged()["date"])


def test_a_holiday_on_a_closed_weekday_is_no_precedent() -> None:
    # 1 November 2025 was a Saturday: the weekday-only centre says nothing of holidays there
    centre = SyntheticCentre(dt.date(2025, 9, 1), 70, holiday_effect=0.0)
    assert centre.holidays() == [dt.date(2025, 11, 1)]
    result = forecast(centre.generate(np.random.default_rng(5)).table, PARIS, 1)
    armistice = result.flagged().set_index("date").loc[dt.date(2025, 11, 11)]
    assert (armistice["kind"], armistice["precedent_days"]) == ("holiday", 0)
    assert set(result.special_days["date"]) <= {dt.date(2025, 11, d) for d in range(10, 17)}


def test_a_missing_rest_day_inside_the_history_reads_as_closed() -> None:
    centre = _centre(dt.date(2025, 9, 1), 0.0)
    setup = setups(centre.generate(np.random.default_rng(6)).table, PARIS)["retail"]
    i = (dt.date(2025, 12, 25) - setup.history.first_date).days
    assert setup.day_kinds[i] == "holiday" and (setup.history.volume[i] == 0).all()
    saturday = (dt.date(2025, 12, 27) - setup.history.first_date).days
    assert np.isnan(setup.history.volume[saturday]).all()  # an ordinary closed day stays missing
    # a missing ordinary day, or a rest day at the edge of the history, is left missing
    volume = setup.history.volume.copy()
    volume[[0, i + 1]] = np.nan
    history = dataclasses.replace(setup.history, volume=volume)
    kinds = ["holiday", *setup.day_kinds[1:]]
    filled = with_closed_rest_days(history, kinds)
    assert np.isnan(filled.volume[0]).all() and np.isnan(filled.volume[i + 1]).all()


def _effects_after(holiday_ratio: float, seed: int = 0) -> dict[str, KindEffect]:
    """A year of daily totals (expected 1,000 a day, Poisson noise) with 8 holidays at
    `holiday_ratio` of an ordinary day; the horizon also holds a day off, a kind the history
    never saw (its calendar prior: x0.5)."""
    rng = np.random.default_rng(seed)
    expected = np.full(365, 1000.0)
    kinds = ["normal"] * 365
    for day in range(20, 365, 45):
        kinds[day] = "holiday"
    ratio = np.where(np.array(kinds) == "holiday", holiday_ratio, 1.0)
    actual = rng.poisson(expected * ratio).astype(float)
    return estimate_effects(
        actual,
        expected,
        kinds,
        ["normal", "holiday", "day_off"],
        {},
        {"holiday": 0.25, "day_off": 0.5},
        queue="q",
    )


def test_a_centre_that_follows_the_calendar_gets_the_prior_of_a_new_kind() -> None:
    effects = _effects_after(0.25)  # its holidays behaved as the calendar says
    assert effects["holiday"].basis == LEARNED
    new = effects["day_off"]
    assert new.basis == FOLLOWED and not new.has_precedent  # flagged
    assert new.effect == pytest.approx(0.5, abs=0.01)
    assert new.weight == pytest.approx(1.0, abs=0.02)


def test_a_centre_whose_holidays_moved_nothing_assumes_nothing_for_a_new_kind() -> None:
    effects = _effects_after(1.0)
    assert effects["holiday"].effect == pytest.approx(1.0, abs=0.02)
    new = effects["day_off"]
    assert new.basis == NO_PRECEDENT and new.effect == 1.0


def test_a_centre_half_as_moved_as_the_calendar_gets_half_the_new_prior() -> None:
    # holidays at x0.625: half of the calendar's -75 %
    new = _effects_after(0.625)["day_off"]
    assert new.basis == FOLLOWED
    assert new.weight == pytest.approx(0.5, abs=0.03)
    assert new.effect == pytest.approx(0.75, abs=0.02)


def test_following_is_a_share_between_none_and_all() -> None:
    def learned(effect: float, prior: float, days: int) -> KindEffect:
        return KindEffect("k", effect, LEARNED, days=days, prior=prior)

    assert calendar_following([]) == 0.0
    assert calendar_following([learned(0.1, 0.25, 3)]) == 1.0  # beyond the prior: all of it
    assert calendar_following([learned(1.4, 0.25, 3)]) == 0.0  # the other way: none
    assert calendar_following([learned(0.5, 1.0, 3)]) == 0.0  # a prior of no effect says nothing
    # kinds weighted by their days: 3 days following fully, 1 day not at all
    mixed = [learned(0.25, 0.25, 3), KindEffect("e", 1.0, LEARNED, days=1, prior=0.25)]
    assert calendar_following(mixed) == pytest.approx(0.75)
    # a given (user) effect is not evidence about the calendar
    assert calendar_following([KindEffect("g", 0.25, GIVEN, days=5, prior=0.25)]) == 0.0
