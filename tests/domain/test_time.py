from __future__ import annotations

import pytest

from homeshore.domain.time import TimeWindow, WeeklyHours, parse_hhmm


def test_parse_hhmm_accepts_end_of_day_and_rejects_garbage() -> None:
    assert parse_hhmm("07:30") == 450
    assert parse_hhmm("24:00") == 1440
    for bad in ("7h30", "24:30", "12:60", "noon"):
        with pytest.raises(ValueError):
            parse_hhmm(bad)


def test_window_must_start_before_it_ends() -> None:
    with pytest.raises(ValueError, match="start before it ends"):
        TimeWindow.parse("21:00-06:00")


def test_weekly_hours_mask_matches_windows() -> None:
    hours = WeeklyHours.from_mapping(
        {"mon": ["08:00-09:00", "20:00-24:00"], "sat": ["20:00-24:00"]}
    )
    mask = hours.interval_mask(30)
    assert [k for k, is_open in enumerate(mask[0]) if is_open] == [16, 17, *range(40, 48)]
    assert not any(mask[1])
    assert sum(mask[5]) == 8
    assert hours.covers(0, 20 * 60, 24 * 60)
    assert not hours.covers(0, 8 * 60, 10 * 60)


def test_overlapping_windows_are_rejected() -> None:
    with pytest.raises(ValueError, match="overlap"):
        WeeklyHours.from_mapping({"tue": ["08:00-12:00", "11:00-14:00"]})


def test_unknown_weekday_is_named() -> None:
    with pytest.raises(ValueError, match="funday"):
        WeeklyHours.from_mapping({"funday": ["08:00-12:00"]})
