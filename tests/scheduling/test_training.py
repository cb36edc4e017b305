from __future__ import annotations

from homeshore.domain import (
    Activity,
    LabourRules,
    Scenario,
    Schedule,
    TeleworkAgreement,
    WorkMode,
)
from homeshore.scheduling.audit import audit
from homeshore.scheduling.constraints.training import training_site
from homeshore.scheduling.problem import Problem, build_problem
from homeshore.scheduling.solve import solve
from homeshore.scheduling.templates import ShiftTemplate, candidate_templates, lay_out
from tests.scheduling.tiny import SETTINGS, agent, requirements, scenario, seg

AGREEMENT = TeleworkAgreement(onsite_days_per_month=1, training_share=0.10)
RULES = LabourRules(contract_tolerance_h=2.0)


def _training(where: WorkMode) -> ShiftTemplate:
    pieces = lay_out(9 * 60, 7 * 60, RULES, SETTINGS, activity=Activity.TRAINING)
    assert pieces is not None
    return ShiftTemplate(pieces, where, None if where is WorkMode.HOME else "s1")


def test_training_site() -> None:
    sc = scenario([agent(home=True)])
    p = build_problem(sc, requirements(1), SETTINGS)
    a = p.agents[0]
    assert not training_site(p, a, 0, _training(WorkMode.SITE))
    assert training_site(p, a, 0, _training(WorkMode.HOME))
    no_trainer = build_problem(
        scenario([agent(home=True)], has_trainer=False), requirements(1), SETTINGS
    )
    assert training_site(no_trainer, a, 0, _training(WorkMode.SITE))


def _home_evenings_problem(
    has_trainer: bool = True, previous: Schedule | None = None
) -> tuple[Scenario, Problem]:
    sc = scenario(
        [agent("h", contract_h=28, home=True)],
        agreement=AGREEMENT,
        rules=RULES,
        has_trainer=has_trainer,
    )
    # 23-29 November 2026: less than a whole week of the month is left after it, so the
    # month's on-site day is due in this one-week horizon
    return sc, build_problem(
        sc, requirements(1, hours=(8, 22), week=3), SETTINGS, previous=previous
    )


def test_onsite_days() -> None:
    sc, p = _home_evenings_problem()
    result = solve(p)
    assert result.schedule is not None
    places = {s.location for s in result.schedule}
    if WorkMode.HOME in places:  # a teleworker comes on site at least once
        onsite = {s.start.date() for s in result.schedule if s.location is not WorkMode.HOME}
        assert len(onsite) >= 1
    assert audit(result.schedule, sc, weeks=1, settings=p.settings) == []
    only_home = Schedule.of([seg("h", d, (8, 0), (15, 45), home=True) for d in range(21, 25)])
    found = [v.rule for v in audit(only_home, sc, weeks=1, settings=p.settings)]
    # 31 h owe no training day (3.1 h, less than one 7-h day): only the on-site day is missing
    assert "onsite_days" in found and "training_share" not in found


def _earlier_weeks(*, home: bool) -> Schedule:
    """Three earlier weeks of November 2026, 4 x 7 h each (84 h), without training."""
    days = [d for w in range(3) for d in range(7 * w, 7 * w + 4)]
    return Schedule.of([seg("h", d, (8, 0), (15, 0), home=home) for d in days])


def test_training_share() -> None:
    # the month owes 11.2 h after this week: one 7-h training day, caught up in this week
    _sc, p = _home_evenings_problem(previous=_earlier_weeks(home=True))
    result = solve(p)
    assert result.schedule is not None
    training = sum(s.duration_min for s in result.schedule if s.activity is Activity.TRAINING)
    assert training == 7 * 60
    # without a trainer on site, a teleworker of the month cannot have it: no schedule, and
    # the conflict names the rules
    _sc2, p2 = _home_evenings_problem(has_trainer=False, previous=_earlier_weeks(home=True))
    result2 = solve(p2)
    assert result2.status == "infeasible"
    assert {("training_share", "h"), ("training_site", "h")} <= set(result2.conflicts)
    # an advisor on site so far stays on site: one home day would owe that training day
    _sc3, p3 = _home_evenings_problem(has_trainer=False, previous=_earlier_weeks(home=False))
    result3 = solve(p3)
    assert result3.schedule is not None and len(result3.schedule) > 0
    assert all(s.location is WorkMode.SITE for s in result3.schedule)


def test_training_site_is_not_offered_to_an_agent_without_the_site_mode() -> None:
    """Training is on site: an agent working only from home is never given a training day
    (the auditor would flag its site segments as `location`)."""
    home_only = agent("h", home=True, work_modes=frozenset({WorkMode.HOME}))
    both = agent("b", home=True)
    for a, trains in ((home_only, False), (both, True)):
        templates = candidate_templates(a, "s1", RULES, AGREEMENT, SETTINGS)
        assert any(t.training_min for t in templates) is trains
