"""Weekly time windows and opening hours, in minutes from local midnight."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MINUTES_PER_DAY = 24 * 60
DAYS_PER_WEEK = 7
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_hhmm(text: str) -> int:
    """'07:30' -> 450 minutes; '24:00' is allowed as the end of a day."""
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"time {text!r} is not HH:MM")
    hours, minutes = int(parts[0]), int(parts[1])
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes != 0):
        raise ValueError(f"time {text!r} is out of range 00:00-24:00")
    return hours * 60 + minutes


def format_hhmm(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """[start_min, end_min) within one day; end_min may be 1440 (midnight)."""

    start_min: int
    end_min: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_min < self.end_min <= MINUTES_PER_DAY:
            raise ValueError(
                f"window {format_hhmm(self.start_min)}-{format_hhmm(self.end_min)} "
                "must start before it ends, within one day"
            )

    @classmethod
    def parse(cls, text: str) -> TimeWindow:
        """'08:00-21:00' -> TimeWindow(480, 1260)."""
        start, sep, end = text.partition("-")
        if not sep:
            raise ValueError(f"window {text!r} is not HH:MM-HH:MM")
        return cls(parse_hhmm(start), parse_hhmm(end))

    @property
    def length_min(self) -> int:
        return self.end_min - self.start_min

    def contains(self, minute_of_day: int) -> bool:
        return self.start_min <= minute_of_day < self.end_min

    def covers(self, start_min: int, end_min: int) -> bool:
        return self.start_min <= start_min and end_min <= self.end_min

    def __str__(self) -> str:
        return f"{format_hhmm(self.start_min)}-{format_hhmm(self.end_min)}"


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Windows per weekday (0 = Monday ... 6 = Sunday). A weekday with no window is closed."""

    windows: tuple[tuple[TimeWindow, ...], ...] = field(
        default_factory=lambda: tuple(() for _ in range(DAYS_PER_WEEK))
    )

    def __post_init__(self) -> None:
        if len(self.windows) != DAYS_PER_WEEK:
            raise ValueError("weekly hours need exactly one entry per weekday")
        for day in self.windows:
            ordered = sorted(day, key=lambda w: w.start_min)
            for a, b in itertools.pairwise(ordered):
                if b.start_min < a.end_min:
                    raise ValueError(f"windows {a} and {b} overlap")

    @classmethod
    def from_mapping(cls, by_day: Mapping[str, Iterable[str]]) -> WeeklyHours:
        """{'mon': ['08:00-21:00'], 'sat': ['09:00-18:00']}; unknown day names are errors."""
        days: list[tuple[TimeWindow, ...]] = [() for _ in range(DAYS_PER_WEEK)]
        for name, windows in by_day.items():
            key = name.strip().lower()[:3]
            if key not in WEEKDAY_NAMES:
                raise ValueError(f"unknown weekday {name!r} (use mon..sun)")
            days[WEEKDAY_NAMES.index(key)] = tuple(
                sorted((TimeWindow.parse(w) for w in windows), key=lambda w: w.start_min)
            )
        return cls(tuple(days))

    @classmethod
    def always(cls) -> WeeklyHours:
        whole = (TimeWindow(0, MINUTES_PER_DAY),)
        return cls(tuple(whole for _ in range(DAYS_PER_WEEK)))

    def day(self, weekday: int) -> tuple[TimeWindow, ...]:
        return self.windows[weekday]

    def is_open(self, weekday: int, minute_of_day: int) -> bool:
        return any(w.contains(minute_of_day) for w in self.windows[weekday])

    def covers(self, weekday: int, start_min: int, end_min: int) -> bool:
        """True if [start_min, end_min) on that weekday lies inside one window."""
        return any(w.covers(start_min, end_min) for w in self.windows[weekday])

    def interval_mask(self, interval_min: int) -> list[list[bool]]:
        """mask[weekday][k]: is interval k (k * interval_min from midnight) open at its start."""
        if MINUTES_PER_DAY % interval_min:
            raise ValueError(f"interval of {interval_min} min does not divide a day")
        per_day = MINUTES_PER_DAY // interval_min
        return [
            [self.is_open(d, k * interval_min) for k in range(per_day)]
            for d in range(DAYS_PER_WEEK)
        ]

    def to_mapping(self) -> dict[str, list[str]]:
        return {WEEKDAY_NAMES[d]: [str(w) for w in ws] for d, ws in enumerate(self.windows) if ws}
