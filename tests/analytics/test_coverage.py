from __future__ import annotations

import pytest

from homeshore.analytics.coverage import COVERAGE_COLUMNS, coverage_summary, coverage_table
from homeshore.domain import Schedule
from tests.analytics.conftest import requirements


def test_planned_agents_pro_rata_per_interval(tiny_schedule: Schedule) -> None:
    req = requirements([(0, "08:00", 2), (0, "11:30", 1), (0, "12:00", 1), (0, "12:30", 1)])
    cov = coverage_table(tiny_schedule, req)
    assert tuple(cov.columns) == COVERAGE_COLUMNS
    assert list(cov["planned_agents"]) == pytest.approx([1.0, 1.0, 0.0, 0.5])
    assert list(cov["shortfall"]) == pytest.approx([1.0, 0.0, 1.0, 0.5])
    assert list(cov["surplus"]) == pytest.approx([0.0, 0.0, 0.0, 0.0])


def test_home_evening_and_unknown_queue(tiny_schedule: Schedule) -> None:
    req = requirements([(0, "19:00", 0), (0, "21:30", 1), (1, "09:00", 1)])
    cov = coverage_table(tiny_schedule, req)
    # home work counts; training does not
    assert list(cov["planned_agents"]) == pytest.approx([1.0, 1.0, 0.0])
    assert list(cov["surplus"]) == pytest.approx([1.0, 0.0, 0.0])
    other = req.assign(queue="q2")
    assert coverage_table(tiny_schedule, other)["planned_agents"].sum() == 0


def test_summary_in_agent_hours(tiny_schedule: Schedule) -> None:
    req = requirements([(0, "08:00", 2), (0, "12:30", 1)])
    summary = coverage_summary(coverage_table(tiny_schedule, req)).set_index("queue").loc["q1"]
    assert summary["scheduled_agent_h"] == pytest.approx(1.5)
    assert summary["planned_agent_h"] == pytest.approx(0.75)
    assert summary["short_agent_h"] == pytest.approx(0.75)
    assert summary["intervals_short"] == 2
