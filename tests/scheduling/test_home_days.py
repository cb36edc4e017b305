from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pandas as pd
from pytest import MonkeyPatch

import homeshore.scheduling.construct as construct_module
from homeshore.domain import Agent, Schedule, TeleworkAgreement, WorkMode
from homeshore.scheduling import audit, explanation, solve
from homeshore.scheduling.constraints.home_days import home_day_periods, home_days_fit
from homeshore.scheduling.plan import Plan
from homeshore.scheduling.polish import polish
from homeshore.scheduling.problem import Problem, build_problem
from homeshore.scheduling.settings import SchedulingSettings
from homeshore.scheduling.solve import _patterns
from homeshore.scheduling.templates import ShiftTemplate
from tests.scheduling.tiny import SETTINGS, agent, requirements, scenario

# no training or on-site days due: home days are limited by the rule under test only
FREE = TeleworkAgreement(onsite_days_per_month=0, training_share=0.0)
# long enough for the one-agent instances to be solved to optimality
EXACT = dataclasses.replace(SETTINGS, time_limit_s=10.0)


def _agreement(week: int | None = None, month: int | None = None) -> TeleworkAgreement:
    return dataclasses.replace(FREE, max_home_days_per_week=week, max_home_days_per_month=month)


def _home_days(schedule: Schedule, zone: dt.tzinfo) -> dict[str, set[dt.date]]:
    out: dict[str, set[dt.date]] = {}
    for s in schedule:
        if s.location is WorkMode.HOME:
            out.setdefault(s.agent_id, set()).add(s.start.astimezone(zone).date())
    return out


def _solve_one(agreement: TeleworkAgreement, req: pd.DataFrame | None = None) -> set[dt.date]:
    sc = scenario([agent("h", contract_h=28, home=True)], agreement=agreement)
    p = build_problem(sc, requirements(1) if req is None else req, EXACT)
    result = solve(p)
    assert result.status == "optimal" and result.schedule is not None
    assert audit(result.schedule, sc, weeks=p.n_weeks, settings=p.settings) == []
    return _home_days(result.schedule, p.zone).get("h", set())


def test_max_home_days_week() -> None:
    # the home_preference goal sends every working day home when nothing limits it
    free = _solve_one(_agreement())
    assert len(free) >= 4
    # the rule cuts exactly the days above the limit: the rest stay at home
    assert len(_solve_one(_agreement(week=1))) == 1
    assert len(_solve_one(_agreement(week=2))) == 2
    assert len(_solve_one(_agreement(week=0))) == 0


def _month_end_requirements() -> pd.DataFrame:
    """Monday 30 November to Saturday 5 December 2026: one week over two months."""
    req = requirements(1)
    req["start"] = [s + dt.timedelta(days=28) for s in req["start"]]
    return req


def test_max_home_days_month() -> None:
    req = _month_end_requirements()
    free = _solve_one(_agreement(), req)
    assert len([d for d in free if d.month == 12]) >= 3
    limited = _solve_one(_agreement(month=1), req)
    # the month is cut by the horizon: each part counts its own days, limit 1 in each
    by_month = Counter(d.month for d in limited)
    assert by_month[12] == 1 and by_month[11] <= 1
    both = Counter(d.month for d in _solve_one(_agreement(week=3, month=2), req))
    assert both[12] == 2 and both[11] + both[12] <= 3


def _problem(agreement: TeleworkAgreement, req: pd.DataFrame | None = None) -> Problem:
    sc = scenario([agent("h", home=True)], agreement=agreement)
    return build_problem(sc, requirements(1) if req is None else req, SETTINGS)


def test_home_day_periods_follow_the_calendar() -> None:
    p = _problem(_agreement(week=3, month=8), _month_end_requirements())
    periods = {(x.rule, x.name): (x.days, x.limit) for x in home_day_periods(p)}
    assert periods == {
        ("max_home_days_week", "2026-W49"): (tuple(range(p.n_days)), 3),
        ("max_home_days_month", "2026-11"): ((0,), 8),
        ("max_home_days_month", "2026-12"): (tuple(range(1, p.n_days)), 8),
    }
    assert home_day_periods(_problem(FREE)) == ()
    assert home_days_fit(p, {0, 1, 2}) and not home_days_fit(p, {0, 1, 2, 3})


def test_limit_names_the_rule_when_it_makes_the_roster_impossible() -> None:
    """An agent who can only work from home cannot fill a 28-h week in one home day."""
    home_only = agent("h", contract_h=28, home=True, work_modes=frozenset({WorkMode.HOME}))
    sc = scenario([home_only], agreement=_agreement(week=1))
    result = solve(build_problem(sc, requirements(1), SETTINGS))
    assert result.status == "infeasible"
    assert ("max_home_days_week", "h") in result.conflicts
    assert "at most the agreed home days in an ISO week" in explanation(result)


def test_greedy_polish_and_neighbourhoods_keep_the_limit_end_to_end() -> None:
    """Above batch_agents the roster comes from the greedy, polish and CP-SAT neighbourhoods:
    with a limit of 1 home day a week the audit is clean and nobody works more from home."""
    agents = [agent(f"h{i}", contract_h=24, home=True, split=i % 2 == 0) for i in range(5)]
    agents += [agent("s0", contract_h=24)]
    sc = scenario(agents, seats=6, agreement=_agreement(week=1))
    s: SchedulingSettings = dataclasses.replace(
        SETTINGS, batch_agents=2, lns_agents=2, time_limit_s=3.0, lns_step_s=0.5
    )
    p = build_problem(sc, requirements(3), s)
    result = solve(p)
    assert result.schedule is not None
    assert audit(result.schedule, sc, weeks=p.n_weeks, settings=s) == []
    home = _home_days(result.schedule, p.zone)
    assert home  # the volunteers do work from home, one day each at most
    assert all(len(days) <= 1 for days in home.values())
    whole = dataclasses.replace(SETTINGS, time_limit_s=3.0)
    exact = solve(build_problem(sc, requirements(3), whole))
    assert exact.schedule is not None
    assert audit(exact.schedule, sc, weeks=1, settings=whole) == []
    assert all(len(days) <= 1 for days in _home_days(exact.schedule, p.zone).values())


def _most_home_days(p: Problem, plan: Plan) -> int:
    per_agent: Counter[str] = Counter(
        aid for (aid, _d), t in plan.chosen.items() if t.location is WorkMode.HOME
    )
    return max(per_agent.values(), default=0)


def _volunteers(week: int | None) -> Problem:
    agents = [agent(f"h{i}", contract_h=24, home=True) for i in range(3)]
    sc = scenario(agents, seats=1, agreement=_agreement(week=week))
    return build_problem(sc, requirements(2), SETTINGS)


def test_polish_moves_no_shift_home_past_the_limit() -> None:
    """With the auditor's second check switched off, polish alone keeps the limit; on the
    same start without a limit it does move site shifts home (seats are short)."""
    limited, free = _volunteers(1), _volunteers(None)
    start = _patterns(limited, list(limited.agents))
    assert _most_home_days(limited, Plan(dict(start), {})) == 1

    def polished(p: Problem) -> Plan:
        return polish(p, Plan(dict(start), {}), lambda *_: True, max_passes=5, stop=lambda: False)

    assert _most_home_days(limited, polished(limited)) == 1
    assert _most_home_days(free, polished(free)) > 1


def test_greedy_start_moves_no_shift_home_past_the_limit(monkeypatch: MonkeyPatch) -> None:
    """The same for the greedy construction, its auditor check switched off."""
    monkeypatch.setattr(construct_module, "valid_week", lambda *_: True)
    limited, free = _volunteers(1), _volunteers(None)
    start = _patterns(limited, list(limited.agents))

    def limited_patterns(p: Problem, agents: list[Agent]) -> dict[tuple[str, int], ShiftTemplate]:
        return {k: t for k, t in start.items() if k[0] in {a.id for a in agents}}

    built = construct_module.construct(limited, limited_patterns)
    assert built is not None and _most_home_days(limited, built) == 1
    unlimited = construct_module.construct(free, limited_patterns)
    assert unlimited is not None and _most_home_days(free, unlimited) > 1
