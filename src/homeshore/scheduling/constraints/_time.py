"""Helpers shared by template rules: checking minute ranges against weekly windows."""

from __future__ import annotations

from homeshore.domain.time import DAYS_PER_WEEK, MINUTES_PER_DAY, WeeklyHours


def inside(hours: WeeklyHours, weekday: int, start_min: int, end_min: int) -> bool:
    """[start_min, end_min) from the midnight of `weekday` lies in the windows; a range past
    midnight must be covered on the next day too (a window ending 24:00 joins one from 00:00)."""
    day, pos = weekday, start_min
    while pos < end_min:
        offset = (pos // MINUTES_PER_DAY) * MINUTES_PER_DAY
        wd = (day + pos // MINUTES_PER_DAY) % DAYS_PER_WEEK
        piece_end = min(end_min, offset + MINUTES_PER_DAY)
        if not hours.covers(wd, pos - offset, piece_end - offset):
            return False
        pos = piece_end
    return True
