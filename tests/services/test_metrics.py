"""Time in state and schedule adherence."""

from __future__ import annotations

import datetime as dt

import pytest

from homeshore.domain import Activity, WorkMode
from homeshore.services.metrics import adherence, durations
from homeshore.services.platform import PlannedSegment
from homeshore.services.states import AgentState as S

T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def seg(a: float, b: float, activity: Activity) -> PlannedSegment:
    return PlannedSegment(at(a), at(b), activity, WorkMode.SITE, None)


TIMELINE = [(at(0), S.OFFLINE), (at(10), S.AVAILABLE), (at(20), S.BUSY), (at(50), S.BREAK)]


def test_durations_cut_to_the_window() -> None:
    spent = durations(TIMELINE, at(5), at(60))
    assert spent == {S.OFFLINE: 300.0, S.AVAILABLE: 600.0, S.BUSY: 1800.0, S.BREAK: 600.0}


def test_adherence_counts_conforming_share_of_scheduled_time() -> None:
    # scheduled: work 0-50 (in adherence 10-50 = 40 of 50 min), break 50-60 (in break: 10/10)
    segments = [seg(0, 50, Activity.WORK), seg(50, 60, Activity.BREAK)]
    assert adherence(TIMELINE, segments, at(0), at(60)) == pytest.approx(50 / 60)


def test_adherence_none_without_schedule_and_zero_when_absent() -> None:
    assert adherence(TIMELINE, [], at(0), at(60)) is None
    absent = [(at(0), S.OFFLINE)]
    assert adherence(absent, [seg(0, 30, Activity.WORK)], at(0), at(60)) == 0.0
    training = [seg(0, 30, Activity.TRAINING)]
    assert adherence([(at(0), S.TRAINING)], training, at(0), at(60)) == 1.0
