from __future__ import annotations

import pytest

from homeshore.analytics.workforce import (
    WorkforceSettings,
    agent_table,
    daily_hours_by_location,
    evening_saturday_cover,
    peak_seats,
    workforce_summary,
)
from homeshore.domain import Activity, Scenario, Schedule, ScheduleSegment, WorkMode
from tests.analytics.conftest import at, seg


def test_agent_hours_overtime_and_days(tiny_scenario: Scenario, tiny_schedule: Schedule) -> None:
    table = agent_table(tiny_schedule, tiny_scenario).set_index("agent_id")
    a, h = table.loc["a"], table.loc["h"]
    assert a["paid_h"] == pytest.approx(7.25)  # lunch is not paid
    assert a["site_h"] == pytest.approx(7.25) and a["home_h"] == 0
    assert not a["home_volunteer"] and h["home_volunteer"]
    assert h["paid_h"] == pytest.approx(3 + 7 + 3)
    assert h["home_h"] == pytest.approx(6) and h["site_h"] == pytest.approx(7)
    assert h["training_h"] == pytest.approx(7)
    assert h["work_h"] == pytest.approx(6)
    assert h["evening_h"] == pytest.approx(3)  # 19:00-22:00 on Monday
    assert h["saturday_h"] == pytest.approx(3)
    assert (h["days_worked"], h["onsite_days"], h["home_days"]) == (3, 1, 2)
    assert h["split_days"] == 1 and a["split_days"] == 0  # Saturday 09-11 + 12-13
    assert a["overtime_25_h"] == 0 and a["extra_h"] == 0


def test_overtime_bands(tiny_scenario: Scenario) -> None:
    # 5 days of 9 h: 45 h paid, legal week 35 h: 8 h at +25 % (to 43 h), 2 h at +50 %
    schedule = Schedule.of(seg("a", d, "08:00", "17:00") for d in range(5))
    a = agent_table(schedule, tiny_scenario).set_index("agent_id").loc["a"]
    assert a["paid_h"] == pytest.approx(45)
    assert a["overtime_25_h"] == pytest.approx(8)
    assert a["overtime_50_h"] == pytest.approx(2)
    # the part-timer's hours above 20 h and under 35 h are extra hours, not overtime
    part = Schedule.of(seg("h", d, "08:00", "14:00") for d in range(5))
    h = agent_table(part, tiny_scenario).set_index("agent_id").loc["h"]
    assert (h["extra_h"], h["overtime_25_h"]) == (pytest.approx(10), 0)


def test_segment_across_midnight_is_split_by_local_day(tiny_scenario: Scenario) -> None:
    schedule = Schedule.of(
        [
            seg("a", 4, "20:00", "23:00"),
            ScheduleSegment(
                "a", at(4, "23:00"), at(5, "01:00"), Activity.WORK, WorkMode.SITE, "s1", "q1"
            ),
        ]
    )
    a = agent_table(schedule, tiny_scenario).set_index("agent_id").loc["a"]
    assert a["evening_h"] == pytest.approx(4)  # Friday 20:00-24:00 (from 19:00 on)
    assert a["saturday_h"] == pytest.approx(1)  # Saturday 00:00-01:00
    assert a["days_worked"] == 2


def test_evening_and_saturday_cover_by_location(
    tiny_scenario: Scenario, tiny_schedule: Schedule
) -> None:
    cover = evening_saturday_cover(tiny_schedule, tiny_scenario).set_index(["period", "location"])
    assert cover.loc[("weekday_evening", "home"), "work_h"] == pytest.approx(3)
    assert cover.loc[("weekday_evening", "home"), "share"] == pytest.approx(1.0)
    assert cover.loc[("weekday_evening", "site"), "work_h"] == 0
    assert cover.loc[("saturday", "home"), "agents"] == 1
    # an earlier evening start counts a's 15:00-16:00 too
    early = evening_saturday_cover(
        tiny_schedule, tiny_scenario, WorkforceSettings(evening_start_min=15 * 60)
    ).set_index(["period", "location"])
    assert early.loc[("weekday_evening", "site"), "work_h"] == pytest.approx(1)
    assert early.loc[("weekday_evening", "home"), "share"] == pytest.approx(0.75)


def test_peak_seats_counts_presence_not_home_nor_lunch(tiny_scenario: Scenario) -> None:
    schedule = Schedule.of(
        [
            seg("a", 0, "08:00", "12:00"),
            seg("a", 0, "12:00", "12:45", Activity.LUNCH),
            seg("h", 0, "12:00", "13:00"),
            seg("h", 0, "13:00", "14:00", Activity.BREAK),
            seg("a", 0, "12:45", "16:00"),
            seg("h", 1, "08:00", "12:00", location=WorkMode.HOME),
        ]
    )
    seats = peak_seats(schedule, tiny_scenario).set_index("site").loc["s1"]
    assert seats["peak_seats_used"] == 2
    assert seats["peak_at"] == at(0, "12:45")
    assert seats["utilisation"] == pytest.approx(2 / 3)
    # back-to-back segments of one agent do not count it twice
    back_to_back = Schedule.of([seg("a", 0, "08:00", "10:00"), seg("a", 0, "10:00", "12:00")])
    assert peak_seats(back_to_back, tiny_scenario)["peak_seats_used"].iloc[0] == 1


def test_summary_and_daily_hours(tiny_scenario: Scenario, tiny_schedule: Schedule) -> None:
    agents = agent_table(tiny_schedule, tiny_scenario)
    summary = workforce_summary(agents, peak_seats(tiny_schedule, tiny_scenario))
    assert summary["paid_h"] == pytest.approx(7.25 + 13)
    assert summary["home_share"] == pytest.approx(6 / 20.25)
    assert summary["volunteer_onsite_days"] == 1
    assert summary["agents_scheduled"] == 2
    daily = daily_hours_by_location(tiny_schedule, tiny_scenario)
    assert daily["paid_h"].sum() == pytest.approx(summary["paid_h"])
    assert set(daily["location"]) == {"site", "home"}
