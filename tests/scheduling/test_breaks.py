from __future__ import annotations

from homeshore.domain import Activity, WorkMode
from homeshore.scheduling.constraints.breaks import break_after_work, lunch_window, paid_breaks
from homeshore.scheduling.templates import Piece, ShiftTemplate
from tests.scheduling.tiny import agent, problem, scenario

H = 60


def _t(*pieces: tuple[float, float, Activity]) -> ShiftTemplate:
    return ShiftTemplate(
        tuple(Piece(int(a * H), int(b * H), act) for a, b, act in pieces), WorkMode.SITE, "s1"
    )


W, B, L = Activity.WORK, Activity.BREAK, Activity.LUNCH


def test_break_after_work() -> None:
    p = problem(scenario([agent()]))
    a = p.agents[0]
    # 14:00-21:00 without a 20-min break before 6 h of work: rejected
    short_breaks = _t(
        (14, 16, W), (16, 16.25, B), (16.25, 18.25, W), (18.25, 18.5, B), (18.5, 21, W)
    )
    assert break_after_work(p, a, 0, short_breaks)
    long_break = _t((14, 16, W), (16, 16.25, B), (16.25, 18, W), (18, 18.5, B), (18.5, 21, W))
    assert not break_after_work(p, a, 0, long_break)
    assert not break_after_work(p, a, 0, _t((8, 12, W)))


def test_paid_breaks() -> None:
    p = problem(scenario([agent()]))
    a = p.agents[0]
    assert paid_breaks(p, a, 0, _t((8, 10.5, W)))  # 2.5 h of calls in a row
    assert not paid_breaks(p, a, 0, _t((8, 10, W), (10, 10.25, B), (10.25, 12, W)))
    # a 5-minute break is too short
    assert paid_breaks(p, a, 0, _t((8, 10, W), (10, 10 + 5 / H, B), (10 + 5 / H, 12, W)))


def test_lunch_window() -> None:
    p = problem(scenario([agent()]))
    a = p.agents[0]
    ok = _t(
        (8, 10, W),
        (10, 10.5, B),
        (10.5, 12, W),
        (12, 12.75, L),
        (12.75, 14.5, W),
        (14.5, 15, B),
        (15, 16.75, W),
    )
    assert not lunch_window(p, a, 0, ok)
    late = _t(
        (8, 10, W), (10, 10.5, B), (10.5, 12, W), (12, 14.75, W), (14.75, 15.5, L), (15.5, 16.75, W)
    )
    assert lunch_window(p, a, 0, late)  # lunch ends after 15:00
    none = _t(
        (8, 10, W),
        (10, 10.5, B),
        (10.5, 12.5, W),
        (12.5, 13, B),
        (13, 15, W),
        (15, 15.5, B),
        (15.5, 16, W),
    )
    assert lunch_window(p, a, 0, none)  # 8 h over midday without lunch
    evening = _t((14, 16, W), (16, 16.5, B), (16.5, 18.5, W), (18.5, 19, B), (19, 21, W))
    assert not lunch_window(p, a, 0, evening)  # no room for lunch in the window
