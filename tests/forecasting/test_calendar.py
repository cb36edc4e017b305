from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from homeshore.domain.time import WeeklyHours
from homeshore.forecasting.calendar import (
    AFTER,
    EVE,
    HOLIDAY,
    INTERMEDIATE,
    MONTH_START,
    NORMAL,
    REDUCED,
    DayCalendar,
    Event,
    inferred_open_mask,
    opening_mask,
)

WEEKDAYS = range(5)


def test_french_public_holidays_and_their_eves() -> None:
    cal = DayCalendar.build("FR", [2026])
    days = [dt.date(2026, 4, 30), dt.date(2026, 5, 1), dt.date(2026, 5, 4), dt.date(2026, 5, 12)]
    assert cal.kinds("q", days, WEEKDAYS) == [EVE, HOLIDAY, AFTER, NORMAL]
    assert cal.default_effects[HOLIDAY] == pytest.approx(0.25)


def test_israeli_holidays_1999_with_reduced_days_and_country_defaults() -> None:
    cal = DayCalendar.build("IL", [1999])
    sun_thu = (6, 0, 1, 2, 3)
    days = [dt.date(1999, 3, 31) + dt.timedelta(days=i) for i in range(9)]
    assert cal.kinds("q", days, sun_thu) == [
        EVE,  # 31 March: eve of Pesach
        HOLIDAY,  # 1 April: Pesach
        INTERMEDIATE,  # intermediate days of Pesach (Friday, Saturday)
        INTERMEDIATE,
        INTERMEDIATE,  # Sunday 4 April: an intermediate day, not the backlog day after
        INTERMEDIATE,
        EVE,  # 6 April: eve of the seventh day
        HOLIDAY,
        AFTER,  # 8 April: first working day after
    ]
    assert cal.default_effects[EVE] < 0.5
    # a lone reduced day (Purim, Jerusalem Day) is no festival's intermediate day
    assert cal.kinds("q", [dt.date(1999, 3, 2), dt.date(1999, 5, 14)], sun_thu) == [REDUCED] * 2


def test_israeli_autumn_holiday_season_1999() -> None:
    # Rosh Hashana, Yom Kippur, Sukkot with its intermediate days, Simchat Torah: three weeks
    cal = DayCalendar.build("IL", [1999])
    sun_thu = (6, 0, 1, 2, 3)
    expected = {
        dt.date(1999, 9, 10): EVE,  # Friday, eve of Rosh Hashana
        dt.date(1999, 9, 11): HOLIDAY,
        dt.date(1999, 9, 12): HOLIDAY,
        dt.date(1999, 9, 13): AFTER,
        dt.date(1999, 9, 14): NORMAL,
        dt.date(1999, 9, 19): EVE,  # eve of Yom Kippur
        dt.date(1999, 9, 20): HOLIDAY,
        dt.date(1999, 9, 21): AFTER,
        dt.date(1999, 9, 24): EVE,
        dt.date(1999, 9, 25): HOLIDAY,  # Sukkot
        dt.date(1999, 9, 26): INTERMEDIATE,  # intermediate days of Sukkot, not a backlog day
        dt.date(1999, 9, 30): INTERMEDIATE,
        dt.date(1999, 10, 1): EVE,  # eve of Simchat Torah
        dt.date(1999, 10, 2): HOLIDAY,
        dt.date(1999, 10, 3): AFTER,
        dt.date(1999, 10, 4): MONTH_START,  # second working day of October
    }
    assert cal.kinds("q", list(expected), sun_thu) == list(expected.values())


def test_first_working_days_of_a_month() -> None:
    cal = DayCalendar.build(None, [2026])
    # 1 March 2026 is a Sunday: Monday 2 and Tuesday 3 are the first working days
    days = [dt.date(2026, 3, d) for d in (1, 2, 3, 4)]
    assert cal.kinds("q", days, WEEKDAYS) == [NORMAL, MONTH_START, MONTH_START, NORMAL]


def test_event_beats_holiday_and_applies_to_its_queues() -> None:
    event = Event("outage", dt.date(2026, 5, 1), dt.date(2026, 5, 2), 0.0, queues=("q1",))
    cal = DayCalendar.build("FR", [2026], [event])
    days = [dt.date(2026, 5, 1), dt.date(2026, 5, 2)]
    assert cal.kinds("q1", days) == ["outage", "outage"]
    assert cal.kinds("q2", days, WEEKDAYS) == [HOLIDAY, NORMAL]


def test_event_validation() -> None:
    with pytest.raises(ValueError, match="ends"):
        Event("x", dt.date(2026, 5, 2), dt.date(2026, 5, 1))
    with pytest.raises(ValueError, match="reserved"):
        Event(HOLIDAY, dt.date(2026, 5, 1), dt.date(2026, 5, 1))


def test_unknown_country_is_an_error() -> None:
    with pytest.raises(ValueError, match="XX"):
        DayCalendar.build("XX", [2026])


def test_opening_mask_from_weekly_hours() -> None:
    hours = WeeklyHours.from_mapping({"mon": ["08:00-21:00"], "sat": ["09:15-12:00"]})
    mask = opening_mask(hours, 30)
    assert mask[0].sum() == 26 and mask[0, 16] and not mask[0, 15] and not mask[0, 42]
    assert mask[5, 18] and mask[5, 23] and not mask[5, 24]  # 09:00 slot partly open
    assert not mask[6].any()


def test_inferred_mask_closes_slots_never_used() -> None:
    volume = np.zeros((14, 4))
    volume[:, 1] = 3.0
    volume[0, 2] = 1.0  # one Monday contact at slot 2
    volume[7] = np.nan  # a missing Monday
    weekdays = np.arange(14) % 7
    mask = inferred_open_mask(volume, weekdays)
    assert mask[0].tolist() == [False, True, True, False]
    assert mask[1].tolist() == [False, True, False, False]
