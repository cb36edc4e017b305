from __future__ import annotations

import pytest

from homeshore.domain import Activity, LabourRules, Schedule, ScheduleSegment, WorkMode
from homeshore.errors import InputError
from homeshore.intraday import Slot, add_work, remove_work, violations_added
from homeshore.scheduling import audit
from tests.intraday.week import day, week
from tests.scheduling.tiny import agent, at, scenario


def _rules(before: Schedule, after: Schedule, **kw: object) -> set[str]:
    sc = kw.pop("sc", None) or scenario([agent("a1")])
    found = violations_added(before, after, sc, "a1", **kw)  # type: ignore[arg-type]
    return {v.rule for v in found}


def test_the_clean_week_is_clean() -> None:
    assert audit(Schedule.of(week("a1")), scenario([agent("a1")]), weeks=1) == []


def test_add_work_puts_a_work_segment_on_the_slots_queue() -> None:
    slot = Slot("q1", at(2, 15, 45), at(2, 16, 45), 1, "extra")
    after = add_work(Schedule.of(week("a1")), "a1", slot, WorkMode.HOME, None)
    added = set(after) - set(week("a1"))
    assert added == {
        ScheduleSegment("a1", slot.start, slot.end, Activity.WORK, WorkMode.HOME, None, "q1")
    }
    with pytest.raises(InputError, match="needs a site"):
        add_work(Schedule.of(week("a1")), "a1", slot, WorkMode.SITE, None)


def test_remove_work_cuts_only_that_queues_work_of_that_advisor() -> None:
    segments = day("a1", 2) + day("a2", 2) + day("a3", 2, queue="q2")
    slot = Slot("q1", at(2, 9), at(2, 10, 30), 1, "time_off")
    after = remove_work(Schedule.of(segments), "a1", slot)
    mine = [(f"{s.start:%H:%M}", f"{s.end:%H:%M}", s.activity.value) for s in after.for_agent("a1")]
    assert mine[:3] == [
        ("08:00", "09:00", "work"),
        ("10:00", "10:15", "break"),
        ("10:30", "12:00", "work"),
    ]
    assert after.for_agent("a2") == Schedule.of(day("a2", 2)).segments
    assert after.for_agent("a3") == Schedule.of(day("a3", 2, queue="q2")).segments


def test_an_unchanged_schedule_adds_nothing() -> None:
    s = Schedule.of(week("a1"))
    assert violations_added(s, s, scenario([agent("a1")]), "a1", when=at(2, 10)) == []


def test_a_new_violation_is_named() -> None:
    before = Schedule.of(week("a1"))
    slot = Slot("q1", at(2, 15, 45), at(2, 17, 45), 1, "extra")
    after = add_work(before, "a1", slot, WorkMode.SITE, "s1")
    found = violations_added(before, after, scenario([agent("a1")]), "a1", when=slot.start)
    assert [(v.rule, v.who) for v in found] == [("paid_breaks", "a1")]
    assert found[0].when == slot.start


def test_violations_already_there_do_not_count_again() -> None:
    """Contract 40 h: the 35-h week is already short of it; an hour more keeps it short
    (the detail changes from 35 h to 36 h, the violation is the same)."""
    sc = scenario([agent("a1", contract_h=40.0)])
    before = Schedule.of(week("a1"))
    assert {v.rule for v in audit(before, sc, weeks=1)} == {"contract_hours"}
    slot = Slot("q1", at(2, 15, 45), at(2, 16, 45), 1, "extra")
    after = add_work(before, "a1", slot, WorkMode.SITE, "s1")
    assert _rules(before, after, sc=sc, when=slot.start) == set()


def test_a_shift_keeps_its_violations_when_its_start_moves() -> None:
    """Shifts of at most 6 h: Wednesday's 6.5 h is already too long; an hour before it
    moves the shift's start (and the violation's date) but adds no violation."""
    sc = scenario([agent("a1")], rules=LabourRules(max_shift_h=6.0))
    days = [s for d in (0, 1, 3, 4) for s in day("a1", d)]
    before = Schedule.of(days + day("a1", 2, start=(9, 0), first_run_min=60, last_run_min=90))
    slot = Slot("q1", at(2, 8), at(2, 9), 1, "extra")
    after = add_work(before, "a1", slot, WorkMode.SITE, "s1")
    assert {v.when for v in audit(after, sc, weeks=1) if v.rule == "shift_length"} >= {at(2, 8)}
    assert _rules(before, after, sc=sc, when=slot.start) == set()


@pytest.mark.parametrize("where", ["previous", "schedule"])
def test_rest_after_the_previous_week_counts(where: str) -> None:
    """Last week's Sunday ended at 22:00; Monday starts 09:30 (11.5 h of rest): an hour
    before it leaves 10.5 h."""
    sunday = ScheduleSegment("a1", at(-1, 14), at(-1, 22), Activity.WORK, WorkMode.SITE, "s1", "q1")
    days = [s for d in range(1, 5) for s in day("a1", d)]
    monday = day("a1", 0, start=(9, 30), first_run_min=60, last_run_min=90)
    before = Schedule.of(days + monday + ([sunday] if where == "schedule" else []))
    previous = Schedule.of([sunday]) if where == "previous" else None
    slot = Slot("q1", at(0, 8, 30), at(0, 9, 30), 1, "extra")
    after = add_work(before, "a1", slot, WorkMode.SITE, "s1")
    assert _rules(before, after, when=slot.start, previous=previous) == {"daily_rest"}
    if where == "previous":
        assert _rules(before, after, when=slot.start) == set()


def test_unknown_advisor_is_named() -> None:
    s = Schedule.of(week("a1"))
    with pytest.raises(InputError, match="unknown agent 'zz'"):
        violations_added(s, s, scenario([agent("a1")]), "zz", when=at(2, 10))
