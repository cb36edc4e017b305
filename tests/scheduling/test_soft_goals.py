"""The home_preference soft goal: volunteers who may work from home get home shifts."""

from __future__ import annotations

from collections.abc import Iterable

from homeshore.domain import ScheduleSegment, TeleworkAgreement, WorkMode
from homeshore.scheduling.explain import explanation
from homeshore.scheduling.settings import PenaltyWeights
from homeshore.scheduling.solve import RosterResult, solve
from tests.scheduling.tiny import agent, problem, requirements, scenario


def _solve(home_preference: int, onsite_days_per_month: int = 0) -> RosterResult:
    # no training share: a teleworker's training day would cost coverage in one week
    agreement = TeleworkAgreement(training_share=0.0, onsite_days_per_month=onsite_days_per_month)
    sc = scenario([agent("v", home=True, contract_h=20)], seats=5, agreement=agreement)
    weights = PenaltyWeights(home_preference=home_preference)
    return solve(problem(sc, requirements(1, days=range(5)), weights=weights))


def _days(schedule: Iterable[ScheduleSegment], location: WorkMode) -> set[int]:
    return {s.start.date().toordinal() for s in schedule if s.location is location}


def test_home_preference_puts_a_volunteer_at_home_when_seats_are_free() -> None:
    result = _solve(7)
    assert result.status == "optimal" and result.schedule is not None
    assert _days(result.schedule, WorkMode.HOME)
    assert not _days(result.schedule, WorkMode.SITE)
    assert result.penalty_units["home_preference"] == 0


def test_home_preference_cost_is_exact_with_forced_site_days() -> None:
    result = _solve(7, onsite_days_per_month=4)  # one on-site day in a 7-day horizon
    assert result.status in ("optimal", "feasible") and result.schedule is not None
    site, home = _days(result.schedule, WorkMode.SITE), _days(result.schedule, WorkMode.HOME)
    assert len(site) == 1  # only the agreement's on-site day, the rest at home
    assert len(home) >= 1
    assert result.penalty_units["home_preference"] == len(site)
    assert result.penalty_costs["home_preference"] == 7 * len(site)
    assert result.objective == result.penalty_costs["under_coverage"] + 7 * len(site)
    line = f"{'home_preference':<24} {len(site):>8} x {7:>4} = {7 * len(site):>10}"
    assert line in explanation(result)


def test_home_preference_ignores_agents_who_may_not_work_from_home() -> None:
    sc = scenario([agent("s", contract_h=20), agent("u", home=True, ready=False, contract_h=20)])
    weights = PenaltyWeights(home_preference=7)
    result = solve(problem(sc, requirements(2, days=range(5)), weights=weights))
    assert result.schedule is not None and len(result.schedule) > 0
    assert all(s.location is WorkMode.SITE for s in result.schedule)
    assert result.penalty_units["home_preference"] == 0


def test_home_preference_weight_must_not_be_negative() -> None:
    try:
        PenaltyWeights(home_preference=-1)
    except ValueError as err:
        assert "home_preference" in str(err)
    else:
        raise AssertionError("a negative weight was accepted")
