from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from homeshore.errors import InputError
from homeshore.intraday import Slot, extra_time_slots, time_off_slots
from tests.scheduling.tiny import at


def gap_table(
    values: list[float], *, queue: str = "q1", first: tuple[int, int] = (8, 0)
) -> pd.DataFrame:
    start = at(0, *first)
    return pd.DataFrame(
        {
            "queue": queue,
            "start": [start + dt.timedelta(minutes=30 * k) for k in range(len(values))],
            "interval_min": 30,
            "gap": values,
        }
    )


def spans(slots: list[Slot]) -> list[tuple[str, str, int]]:
    return [(f"{s.start:%H:%M}", f"{s.end:%H:%M}", s.places) for s in slots]


EARLY = at(0, 0)


def test_a_run_of_shortage_makes_one_slot_with_its_largest_gap() -> None:
    slots = extra_time_slots(gap_table([0, 1.2, 2.5, 1.0, 0.4]), not_before=EARLY)
    assert spans(slots) == [("08:30", "10:00", 3)]
    assert slots[0].kind == "extra"
    assert slots[0].queue == "q1"
    assert slots[0].start == at(0, 8, 30)


def test_long_runs_are_cut_into_even_slots_of_at_most_the_maximum() -> None:
    six = extra_time_slots(gap_table([2.0] * 6), not_before=EARLY)
    assert spans(six) == [("08:00", "09:30", 2), ("09:30", "11:00", 2)]
    five = extra_time_slots(gap_table([1, 1, 1, 1, 3.2]), not_before=EARLY)
    assert spans(five) == [("08:00", "09:30", 1), ("09:30", "10:30", 4)]


def test_a_short_shortage_grows_to_the_minimum_within_the_day() -> None:
    later = extra_time_slots(gap_table([0, 1.5, 0, 0]), not_before=EARLY)
    assert spans(later) == [("08:30", "09:30", 2)]
    last = extra_time_slots(gap_table([0, 0, 0, 1.5]), not_before=EARLY)
    assert spans(last) == [("09:00", "10:00", 2)]
    # the previous interval starts before the notice allows: the slot stays short
    alone = extra_time_slots(gap_table([0, 0, 0, 1.5]), not_before=at(0, 9, 30))
    assert spans(alone) == [("09:30", "10:00", 2)]


def test_growth_does_not_take_another_runs_intervals() -> None:
    slots = extra_time_slots(gap_table([1.0, 0, 0, 1.0, 1.0]), not_before=EARLY, min_slot_min=90)
    assert spans(slots) == [("08:00", "09:30", 1), ("09:30", "10:30", 1)]


def test_growth_stops_at_a_time_off_slot() -> None:
    """Extra time and time off never overlap; a surplus too short for time off is no
    obstacle."""
    values = [0.0, 1.5, -1.0, -1.0, 0.0]
    assert spans(extra_time_slots(gap_table(values), not_before=EARLY)) == [("08:00", "09:00", 2)]
    assert spans(time_off_slots(gap_table(values), not_before=EARLY)) == [("09:00", "10:00", 1)]
    short = [0.0, 1.5, -1.0, 0.0]
    assert spans(extra_time_slots(gap_table(short), not_before=EARLY)) == [("08:30", "09:30", 2)]


def test_slots_start_at_or_after_the_notice() -> None:
    slots = extra_time_slots(gap_table([3.0] * 4), not_before=at(0, 9))
    assert spans(slots) == [("09:00", "10:00", 3)]


def test_below_the_threshold_there_is_no_slot() -> None:
    assert extra_time_slots(gap_table([0.9, 0.99, 0.5]), not_before=EARLY) == []
    assert spans(extra_time_slots(gap_table([0.5] * 2), threshold=0.5, not_before=EARLY)) == [
        ("08:00", "09:00", 1)
    ]


def test_intervals_that_do_not_follow_each_other_make_separate_runs() -> None:
    table = gap_table([2.0, 2.0, 2.0]).drop(index=1)
    slots = extra_time_slots(table, not_before=EARLY, min_slot_min=30)
    assert spans(slots) == [("08:00", "08:30", 2), ("09:00", "09:30", 2)]


def test_queues_get_their_own_slots() -> None:
    table = pd.concat([gap_table([0, 2, 2]), gap_table([2, 2, 0], queue="q2")])
    slots = extra_time_slots(table, not_before=EARLY)
    assert [(s.queue, f"{s.start:%H:%M}") for s in slots] == [("q1", "08:30"), ("q2", "08:00")]


def test_time_off_releases_the_smallest_surplus_of_the_slot() -> None:
    slots = time_off_slots(gap_table([0, -2.5, -1.2, -3.0, 0]), not_before=EARLY)
    assert spans(slots) == [("08:30", "10:00", 1)]
    assert slots[0].kind == "time_off"


def test_time_off_shorter_than_the_minimum_is_not_offered() -> None:
    assert time_off_slots(gap_table([0, -3.0, 0, 0]), not_before=EARLY) == []
    assert time_off_slots(gap_table([0, -3.0, 0.5, -3.0]), not_before=EARLY) == []


def test_slots_keep_the_tables_timezone() -> None:
    slot = extra_time_slots(gap_table([2.0, 2.0]), not_before=EARLY)[0]
    assert slot.start.utcoffset() == at(0, 8).utcoffset()
    assert f"{slot.start:%H:%M}" == "08:00"


@pytest.mark.parametrize(
    ("table", "kw", "where"),
    [
        (gap_table([1.0]).drop(columns=["gap"]), {}, "gap table"),
        (gap_table([1.0]), {"min_slot_min": 90, "max_slot_min": 60}, "min_slot_min"),
        (gap_table([1.0]), {"threshold": 0.0}, "threshold"),
        (gap_table([float("nan")]), {}, "column gap"),
        (gap_table([1.0]).assign(start=lambda f: f["start"].dt.tz_localize(None)), {}, "start"),
    ],
)
def test_bad_input_is_named(table: pd.DataFrame, kw: dict[str, float], where: str) -> None:
    with pytest.raises(InputError) as info:
        extra_time_slots(table, not_before=EARLY, **kw)  # type: ignore[arg-type]
    assert where in str(info.value)


def test_not_before_must_be_aware() -> None:
    with pytest.raises(InputError, match="not_before"):
        time_off_slots(gap_table([-2.0, -2.0]), not_before=dt.datetime(2026, 1, 1))


def test_a_slot_checks_itself() -> None:
    with pytest.raises(ValueError, match="kind"):
        Slot("q1", at(0, 8), at(0, 9), 1, "overtime")
    with pytest.raises(ValueError, match="ends before"):
        Slot("q1", at(0, 9), at(0, 8), 1, "extra")


def test_runs_are_cut_where_shifts_end_so_a_slot_can_extend_one() -> None:
    # 08:00-13:00 short; a shift ends at 10:00: slots from 08:00 and from 10:00
    table = gap_table([1.0] * 10)
    slots = extra_time_slots(table, not_before=EARLY, cuts=[at(0, 10, 0)], max_slot_min=180)
    assert spans(slots) == [("08:00", "10:00", 1), ("10:00", "13:00", 1)]
    uncut = extra_time_slots(table, not_before=EARLY, max_slot_min=180)
    assert spans(uncut) == [("08:00", "10:30", 1), ("10:30", "13:00", 1)]


def test_a_cut_that_would_leave_a_piece_under_the_minimum_is_not_made() -> None:
    # a shift ends at 12:30, half an hour before the run does: no 30-minute slot
    table = gap_table([1.0] * 10)
    slots = extra_time_slots(
        table, not_before=EARLY, cuts=[at(0, 10, 0), at(0, 12, 30)], max_slot_min=180
    )
    assert spans(slots) == [("08:00", "10:00", 1), ("10:00", "13:00", 1)]
    with pytest.raises(InputError, match="cuts"):
        extra_time_slots(table, not_before=EARLY, cuts=[dt.datetime(2026, 1, 1, 10)])
