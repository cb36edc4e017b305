"""One test per rule: extra time that would break it is never offered to that advisor, and
is offered to an advisor for whom it breaks nothing."""

from __future__ import annotations

from homeshore.domain import (
    Activity,
    LabourRules,
    Scenario,
    Schedule,
    ScheduleSegment,
    TeleworkAgreement,
    WeeklyHours,
    WorkMode,
)
from homeshore.intraday import (
    Candidate,
    Slot,
    add_work,
    extra_time_candidates,
    remove_work,
    time_off_candidates,
    violations_added,
)
from homeshore.scheduling import audit
from tests.intraday.week import day, week
from tests.scheduling.tiny import agent, at, scenario

SITE, HOME, WORK = WorkMode.SITE, WorkMode.HOME, Activity.WORK
#: Wednesday 15:45-16:45, right after the clean day's end
AFTER_WEDNESDAY = Slot("q1", at(2, 15, 45), at(2, 16, 45), 1, "extra")


def _short_wednesday(agent_id: str, **kw: object) -> list[ScheduleSegment]:
    """Monday-Friday, Wednesday 08:30-15:45 with 6.5 h paid (34.5 h in the week)."""
    days = [s for d in (0, 1, 3, 4) for s in day(agent_id, d, **kw)]  # type: ignore[arg-type]
    return days + day(agent_id, 2, start=(8, 30), last_run_min=30, **kw)  # type: ignore[arg-type]


def _offered(sc: Scenario, schedule: Schedule, slot: Slot) -> list[tuple[str, WorkMode]]:
    assert audit(schedule, sc, weeks=1) == []  # every test starts from a legal week
    return [(c.agent_id, c.location) for c in extra_time_candidates(slot, schedule, sc)]


def _broken(sc: Scenario, schedule: Schedule, slot: Slot, where: WorkMode) -> set[str]:
    after = add_work(schedule, "a1", slot, where, None if where is HOME else "s1")
    return {v.rule for v in violations_added(schedule, after, sc, "a1", when=slot.start)}


def test_daily_rest() -> None:
    """Rest of 13 h: a1 starts Thursday at 07:00, so Wednesday must end by 18:00."""
    sc = scenario([agent("a1"), agent("a2")], rules=LabourRules(daily_rest_h=13.0))
    segs = []
    for a, thursday in (("a1", (7, 0)), ("a2", (10, 0))):
        segs += [s for d in (0, 1, 2, 4) for s in day(a, d, start=(10, 0))]
        segs += day(a, 3, start=thursday)
    schedule = Schedule.of(segs)
    slot = Slot("q1", at(2, 17, 45), at(2, 18, 45), 1, "extra")
    assert _offered(sc, schedule, slot) == [("a2", SITE)]
    assert _broken(sc, schedule, slot, SITE) == {"daily_rest"}


def test_max_daily_work() -> None:
    sc = scenario([agent("a1"), agent("a2")], rules=LabourRules(max_daily_work_h=7.5))
    schedule = Schedule.of(week("a1") + _short_wednesday("a2"))
    assert _offered(sc, schedule, AFTER_WEDNESDAY) == [("a2", SITE)]
    assert _broken(sc, schedule, AFTER_WEDNESDAY, SITE) == {"max_daily_work"}


def test_max_weekly_work() -> None:
    sc = scenario([agent("a1"), agent("a2")], rules=LabourRules(max_weekly_work_h=35.5))
    schedule = Schedule.of(week("a1") + _short_wednesday("a2"))
    assert _offered(sc, schedule, AFTER_WEDNESDAY) == [("a2", SITE)]
    assert _broken(sc, schedule, AFTER_WEDNESDAY, SITE) == {"max_weekly_work"}


def test_right_to_disconnect() -> None:
    """The employer may contact teleworkers until 16:30: no home work after it."""
    hours = WeeklyHours.from_mapping(
        {d: ["07:00-16:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    )
    sc = scenario(
        [agent("a1", home=True), agent("a2")], agreement=TeleworkAgreement(contact_hours=hours)
    )
    schedule = Schedule.of(week("a1", home=True) + week("a2"))
    assert _offered(sc, schedule, AFTER_WEDNESDAY) == [("a2", SITE)]
    assert _broken(sc, schedule, AFTER_WEDNESDAY, HOME) == {"right_to_disconnect"}


def test_max_home_days_week() -> None:
    """Three home days a week at most; two-hour shifts allowed. a1 already worked three
    days at home: its Saturday is offered on site only; a2 (two home days) works it at
    home."""
    sc = scenario(
        [agent("a1", home=True), agent("a2", home=True)],
        rules=LabourRules(min_shift_h=2.0),
        agreement=TeleworkAgreement(max_home_days_per_week=3),
    )
    segs = week("a1", range(3), home=True) + week("a1", range(3, 5))
    segs += week("a2", range(2), home=True) + week("a2", range(2, 5))
    schedule = Schedule.of(segs)
    saturday = Slot("q1", at(5, 9), at(5, 11), 1, "extra")
    assert _offered(sc, schedule, saturday) == [("a2", HOME), ("a1", SITE)]
    assert _broken(sc, schedule, saturday, HOME) == {"max_home_days_week"}


def test_skills() -> None:
    sc = scenario(
        [agent("a1", skills=("q1",)), agent("a2", skills=("q1", "q2"))], queues=("q1", "q2")
    )
    schedule = Schedule.of(week("a1") + week("a2"))
    slot = Slot("q2", at(2, 15, 45), at(2, 16, 45), 1, "extra")
    assert _offered(sc, schedule, slot) == [("a2", SITE)]
    assert _broken(sc, schedule, slot, SITE) == {"skills"}


def test_seats() -> None:
    """One seat: a2 sits on it all Wednesday, so a1 (off that day, two-hour shifts
    allowed) cannot come in; with two seats it can."""
    rules = LabourRules(min_shift_h=2.0)
    people = [agent("a1", contract_h=30.0), agent("a2", contract_h=7.0)]
    schedule = Schedule.of(week("a1", range(2)) + week("a1", range(3, 5)) + day("a2", 2))
    slot = Slot("q1", at(2, 9), at(2, 11), 1, "extra")
    assert _offered(scenario(people, rules=rules, seats=2), schedule, slot) == [("a1", SITE)]
    assert _offered(scenario(people, rules=rules, seats=1), schedule, slot) == []
    after = add_work(schedule, "a1", slot, SITE, "s1")
    one = scenario(people, rules=rules, seats=1)
    found = violations_added(schedule, after, one, "a1", when=slot.start)
    assert {(v.rule, v.who) for v in found} == {("seats", "s1")}
    assert found[0].when == slot.start


def test_an_advisor_busy_during_the_slot_is_not_offered_it() -> None:
    sc = scenario([agent("a1"), agent("a2")])
    schedule = Schedule.of(week("a1") + _short_wednesday("a2"))
    slot = Slot("q1", at(2, 15, 15), at(2, 16, 15), 1, "extra")
    assert extra_time_candidates(slot, schedule, sc) == []


def test_home_volunteers_come_before_site_advisors() -> None:
    """a2 on site has the fewest paid minutes, yet the home volunteers come first, the one
    with fewer paid minutes (a3) before a1."""
    sc = scenario([agent("a1", home=True), agent("a2"), agent("a3", home=True)])
    segs = week("a1", home=True) + _short_wednesday("a2") + _short_wednesday("a3", home=True)
    found = extra_time_candidates(AFTER_WEDNESDAY, Schedule.of(segs), sc)
    assert found == [
        Candidate("a3", HOME, None, 34.5 * 60),
        Candidate("a1", HOME, None, 35 * 60),
        Candidate("a2", SITE, "s1", 34.5 * 60),
    ]


def test_extra_time_keeps_the_place_of_the_shift_it_extends() -> None:
    """A home volunteer working on site that day extends its shift on site."""
    sc = scenario([agent("a1", home=True)])
    schedule = Schedule.of(week("a1"))
    assert _offered(sc, schedule, AFTER_WEDNESDAY) == [("a1", SITE)]


def _part_time(agent_id: str) -> list[ScheduleSegment]:
    """20 h: Monday-Friday 11:45-15:45, 4 h paid."""
    out = []
    for d in range(5):
        out += [
            ScheduleSegment(agent_id, at(d, 11, 45), at(d, 13, 45), WORK, SITE, "s1", "q1"),
            ScheduleSegment(agent_id, at(d, 13, 45), at(d, 14), Activity.BREAK, SITE, "s1"),
            ScheduleSegment(agent_id, at(d, 14), at(d, 15, 45), WORK, SITE, "s1", "q1"),
        ]
    return out


def test_time_off_leaving_a_shift_below_the_minimum_is_not_offered() -> None:
    """The 4-h shift of a1 would fall to 3 h; a2's 7-h day to 6 h."""
    sc = scenario([agent("a1", contract_h=20.0), agent("a2")])
    schedule = Schedule.of(_part_time("a1") + week("a2"))
    assert audit(schedule, sc, weeks=1) == []
    slot = Slot("q1", at(2, 14, 45), at(2, 15, 45), 1, "time_off")
    found = time_off_candidates(slot, schedule, sc)
    assert found == [Candidate("a2", SITE, "s1", 35 * 60)]
    after = remove_work(schedule, "a1", slot)
    rules = {v.rule for v in violations_added(schedule, after, sc, "a1", when=slot.start)}
    assert rules == {"shift_length"}


def test_time_off_needs_work_on_the_queue_over_the_whole_slot() -> None:
    sc = scenario([agent("a1"), agent("a2")])
    schedule = Schedule.of(week("a1") + _short_wednesday("a2"))
    slot = Slot("q1", at(2, 14, 45), at(2, 15, 45), 1, "time_off")
    # a2 is on a break from 14:45 to 15:00
    assert [c.agent_id for c in time_off_candidates(slot, schedule, sc)] == ["a1"]


def test_time_off_goes_to_the_most_paid_first() -> None:
    """a2 worked half an hour more on Monday."""
    sc = scenario([agent("a1"), agent("a2")])
    schedule = Schedule.of(week("a1") + day("a2", 0, last_run_min=90) + week("a2", range(1, 5)))
    slot = Slot("q1", at(2, 15, 15), at(2, 15, 45), 1, "time_off")
    assert [c.agent_id for c in time_off_candidates(slot, schedule, sc)] == ["a2", "a1"]
