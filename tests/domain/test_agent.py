from __future__ import annotations

import datetime as dt

import pytest

from homeshore.domain import Agent, AgentSkill, ReadinessStatus, WorkMode


def _agent(**kw: object) -> Agent:
    base: dict[str, object] = dict(
        id="a1",
        name="A",
        team="t",
        contract_h_per_week=35,
        work_modes=frozenset({WorkMode.SITE, WorkMode.HOME}),
        skills=(AgentSkill("tech", 4),),
        telework_volunteer=True,
        telework_consent_date=dt.date(2026, 1, 5),
    )
    base.update(kw)
    return Agent(**base)  # type: ignore[arg-type]


def test_home_work_is_for_volunteers_only() -> None:
    with pytest.raises(ValueError, match="volunteers only"):
        _agent(telework_volunteer=False, telework_consent_date=None)


def test_volunteer_needs_consent_date() -> None:
    with pytest.raises(ValueError, match="consent date"):
        _agent(telework_consent_date=None)


def test_home_needs_a_passed_readiness_check() -> None:
    assert not _agent(readiness=ReadinessStatus.UNKNOWN).may_work_from_home
    assert not _agent(readiness=ReadinessStatus.FAIL).may_work_from_home
    assert _agent(readiness=ReadinessStatus.PASS).may_work_from_home


def test_proficiency_is_zero_without_the_skill() -> None:
    agent = _agent()
    assert agent.proficiency("tech") == 4
    assert agent.proficiency("legal") == 0
