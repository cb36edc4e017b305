from __future__ import annotations

import dataclasses

from homeshore.domain import Schedule, ScheduleSegment, Site, SiteKind, WorkMode
from homeshore.intraday.day_changes import day_segments, relocate_day, swap_days, taker_place
from tests.intraday.week import day, week
from tests.scheduling.tiny import agent, at, scenario

WEDNESDAY = (at(2, 0), at(3, 0))


def _places(segments: list[ScheduleSegment]) -> set[tuple[WorkMode, str | None]]:
    return {(s.location, s.site) for s in segments}


def test_relocate_day_moves_that_day_only() -> None:
    before = Schedule.of(week("a1") + week("a2"))
    after = relocate_day(before, "a1", *WEDNESDAY, WorkMode.HOME, "s1")
    assert _places(day_segments(after, "a1", *WEDNESDAY)) == {(WorkMode.HOME, None)}
    moved = set(before) - set(after)
    assert moved == set(day_segments(before, "a1", *WEDNESDAY))
    back = relocate_day(after, "a1", *WEDNESDAY, WorkMode.SITE, "s1")
    assert back == before


def test_swap_days_exchanges_the_two_days_keeping_times_and_queues() -> None:
    sc = scenario([agent("a1", skills=("q1", "q2")), agent("a2", skills=("q1", "q2"))])
    mine = day("a1", 2)
    theirs = day("a2", 2, start=(12, 0), queue="q2")
    others = day("a1", 1) + day("a2", 3)
    before = Schedule.of(mine + theirs + others)
    after = swap_days(before, sc, "a1", "a2", *WEDNESDAY)
    assert day_segments(after, "a1", *WEDNESDAY) == [
        dataclasses.replace(s, agent_id="a1") for s in theirs
    ]
    assert day_segments(after, "a2", *WEDNESDAY) == [
        dataclasses.replace(s, agent_id="a2") for s in mine
    ]
    assert set(others) <= set(after)
    assert len(after) == len(before)
    assert swap_days(after, sc, "a2", "a1", *WEDNESDAY) == before


def test_a_home_segment_stays_at_home_only_for_a_volunteer_ready_to_work_there() -> None:
    sc = scenario(
        [
            agent("ready", home=True),
            agent("unready", home=True, ready=False),
            agent("site"),
        ]
    )
    (home,) = day("x", 2, home=True)[:1]
    assert taker_place(sc, "ready", home) == (WorkMode.HOME, None)
    assert taker_place(sc, "unready", home) == (WorkMode.SITE, "s1")
    assert taker_place(sc, "site", home) == (WorkMode.SITE, "s1")
    (on_site,) = day("x", 2)[:1]
    assert taker_place(sc, "ready", on_site) == (WorkMode.SITE, "s1")  # not a new home day


def test_a_segment_taken_is_worked_at_the_takers_own_site_in_a_mode_it_has() -> None:
    remote = agent("remote", work_modes=frozenset({WorkMode.TELECENTRE}), site="tc")
    home_only = agent("homebody", home=True, work_modes=frozenset({WorkMode.HOME}))
    base = scenario([remote, home_only, agent("a1")])
    telecentre = Site("tc", "Telecentre", SiteKind.TELECENTRE, 4)
    sc = dataclasses.replace(base, sites=(*base.sites, telecentre))
    (on_site,) = day("a1", 2)[:1]
    assert taker_place(sc, "remote", on_site) == (WorkMode.TELECENTRE, "tc")
    assert taker_place(sc, "homebody", on_site) == (WorkMode.HOME, None)
    in_telecentre = dataclasses.replace(on_site, location=WorkMode.TELECENTRE, site="tc")
    assert taker_place(sc, "a1", in_telecentre) == (WorkMode.SITE, "s1")
