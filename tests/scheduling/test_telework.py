from __future__ import annotations

from homeshore.domain import LabourRules, TeleworkAgreement, WeeklyHours, WorkMode
from homeshore.scheduling.constraints.telework import home_work, right_to_disconnect, split_shifts
from homeshore.scheduling.solve import solve
from homeshore.scheduling.templates import Piece, ShiftTemplate, lay_out
from tests.scheduling.tiny import SETTINGS, agent, problem, requirements, scenario


def _t(start_h: float, paid_h: float, where: WorkMode = WorkMode.HOME) -> ShiftTemplate:
    pieces = lay_out(int(start_h * 60), int(paid_h * 60), LabourRules(), SETTINGS)
    assert pieces is not None
    return ShiftTemplate(pieces, where, None if where is WorkMode.HOME else "s1")


def _split(gap_min: int) -> ShiftTemplate:
    first = lay_out(8 * 60, 180, LabourRules(), SETTINGS, allow_lunch=False)
    second = lay_out(11 * 60 + gap_min, 180, LabourRules(), SETTINGS, allow_lunch=False)
    assert first is not None and second is not None
    return ShiftTemplate((*first, *second), WorkMode.HOME, None)


def test_home_work() -> None:
    p = problem(
        scenario(
            [agent("ready", home=True), agent("unready", home=True, ready=False), agent("site")]
        )
    )
    ready, unready, site = p.agents
    assert not home_work(p, ready, 0, _t(8, 4))
    assert home_work(p, unready, 0, _t(8, 4))
    assert home_work(p, site, 0, _t(8, 4))
    assert not home_work(p, site, 0, _t(8, 4, WorkMode.SITE))


def test_home_work_unready_volunteer_is_never_scheduled_at_home() -> None:
    sc = scenario([agent("unready", home=True, ready=False, contract_h=20)])
    result = solve(problem(sc, requirements(1, days=range(5))))
    assert result.schedule is not None and len(result.schedule) > 0
    assert all(s.location is WorkMode.SITE for s in result.schedule)


def test_right_to_disconnect() -> None:
    contact = WeeklyHours.from_mapping({"mon": ["09:00-17:00"]})
    p = problem(scenario([agent(home=True)], agreement=TeleworkAgreement(contact_hours=contact)))
    a = p.agents[0]
    assert not right_to_disconnect(p, a, 0, _t(9, 4))
    assert right_to_disconnect(p, a, 0, _t(8, 4))  # starts before the contact hours
    assert right_to_disconnect(p, a, 1, _t(9, 4))  # no contact hours on Tuesday
    assert not right_to_disconnect(p, a, 1, _t(9, 4, WorkMode.SITE))  # on site: not concerned


def test_split_shifts() -> None:
    agreement = TeleworkAgreement(split_gap_min_min=60, split_gap_max_min=120)
    p = problem(
        scenario([agent("yes", home=True, split=True), agent("no", home=True)], agreement=agreement)
    )
    yes, no = p.agents
    assert not split_shifts(p, yes, 0, _split(60))
    assert not split_shifts(p, yes, 0, _split(120))
    assert split_shifts(p, yes, 0, _split(30))  # gap too short
    assert split_shifts(p, yes, 0, _split(180))  # gap too long
    assert split_shifts(p, no, 0, _split(60))  # does not accept splits
    on_site = ShiftTemplate(_split(60).pieces, WorkMode.SITE, "s1")
    assert split_shifts(p, yes, 0, on_site)  # splits are for home work only
    assert not split_shifts(p, no, 0, _t(8, 4))
    off = problem(
        scenario(
            [agent("yes", home=True, split=True)],
            agreement=TeleworkAgreement(split_shifts_allowed=False),
        )
    )
    assert split_shifts(off, off.agents[0], 0, _split(60))
    assert isinstance(_split(60).pieces[0], Piece)
