from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from homeshore.data.calls import CALL_COLUMNS
from homeshore.data.generator import (
    GeneratorSettings,
    generate_calls,
    history_window,
    weekly_volume,
)
from homeshore.data.intervals import aggregate
from homeshore.data.scenario_file import load_scenario
from homeshore.domain import Scenario

START = dt.date(2026, 6, 29)  # a Monday; Bastille Day (Tuesday 14 July) falls in week 3
WEEKS = 5


@pytest.fixture(scope="module")
def telecom(examples_dir: Path) -> Scenario:
    return load_scenario(examples_dir / "telecom_fr.yaml")


@pytest.fixture(scope="module")
def calls(telecom: Scenario) -> pd.DataFrame:
    return generate_calls(telecom, np.random.default_rng(7), start=START, weeks=WEEKS)


def test_same_seed_same_history(telecom: Scenario, calls: pd.DataFrame) -> None:
    again = generate_calls(telecom, np.random.default_rng(7), start=START, weeks=WEEKS)
    pd.testing.assert_frame_equal(calls, again)
    other = generate_calls(telecom, np.random.default_rng(8), start=START, weeks=WEEKS)
    assert len(other) != len(calls) or not other["wait_s"].equals(calls["wait_s"])


def test_table_shape_and_values(calls: pd.DataFrame) -> None:
    assert list(calls.columns) == list(CALL_COLUMNS)
    assert str(calls["arrival"].dt.tz) == "Europe/Paris"
    assert calls["arrival"].is_monotonic_increasing
    assert (calls["wait_s"] >= 0).all()
    served = calls[~calls["abandoned"]]
    assert served["handle_s"].gt(0).all() and served["agent"].notna().all()
    assert calls.loc[calls["abandoned"], "handle_s"].isna().all()
    first = calls["arrival"].min().date()
    last = calls["arrival"].max().date()
    assert first >= START and last < START + dt.timedelta(weeks=WEEKS)


def test_respects_opening_hours(telecom: Scenario, calls: pd.DataFrame) -> None:
    local = calls["arrival"]
    minute = local.dt.hour * 60 + local.dt.minute
    for queue in telecom.queues:
        rows = calls["queue"] == queue.id
        assert rows.sum() > 100, queue.id
        is_open = [
            queue.opening_hours.is_open(int(d), int(m))
            for d, m in zip(local[rows].dt.weekday, minute[rows], strict=True)
        ]
        assert all(is_open), queue.id
    # legal notices are closed evenings and Saturdays; the voice queues are open then
    legal = calls[calls["queue"] == "legal_notices"]["arrival"]
    assert (legal.dt.hour < 18).all() and (legal.dt.weekday < 5).all()
    plans = calls[calls["queue"] == "plans_services"]["arrival"]
    assert (plans.dt.hour >= 20).sum() > 0 and (plans.dt.weekday == 5).sum() > 0
    assert (calls["arrival"].dt.weekday == 6).sum() == 0  # closed on Sundays


def test_monday_morning_peak(calls: pd.DataFrame) -> None:
    plans = calls[calls["queue"] == "plans_services"]["arrival"]
    morning = plans[(plans.dt.hour >= 9) & (plans.dt.hour < 12)]
    days = morning.dt.date.value_counts()
    weekday = pd.Series([d.weekday() for d in days.index], index=days.index)
    monday = days[weekday == 0].mean()
    midweek = days[weekday.isin([1, 2, 3, 4])].drop(dt.date(2026, 7, 14), errors="ignore").mean()
    assert monday > 1.3 * midweek


def test_public_holiday_is_low(calls: pd.DataFrame) -> None:
    per_day = calls["arrival"].dt.date.value_counts()
    tuesdays = [d for d in per_day.index if d.weekday() == 1 and d != dt.date(2026, 7, 14)]
    assert per_day.get(dt.date(2026, 7, 14), 0) < 0.3 * per_day[tuesdays].mean()


def test_waits_and_abandonment_respond_to_load(telecom: Scenario, calls: pd.DataFrame) -> None:
    tables = aggregate(calls, interval_min=30, threshold_s=20, timezone=telecom.timezone)
    iv = tables.intervals
    assert (iv["offered"] == iv["answered"] + iv["abandoned"]).all()
    rate = iv["abandoned"].sum() / iv["offered"].sum()
    assert 0.005 < rate < 0.2
    sl = iv["answered_within_t"].sum() / iv["offered"].sum()
    assert 0.5 < sl < 0.99
    # the staffed agents never carry more than their time (chats: two at once)
    concurrency = iv["queue"].map({q.id: q.concurrency for q in telecom.queues})
    assert (iv["busy_s"] <= iv["agents_staffed"] * 1800 * concurrency + 1e-6).all()
    voice = iv[concurrency == 1]
    assert (voice["busy_s"] <= voice["agents_staffed"] * 1800 + 1e-6).all()


def test_volume_follows_the_roster_and_overrides(telecom: Scenario) -> None:
    base = weekly_volume(telecom, GeneratorSettings())
    assert base["plans_services"] > base["technical"] > base["legal_notices"] > 0
    override = weekly_volume(telecom, GeneratorSettings(calls_per_week={"technical": 1234}))
    assert override["technical"] == 1234


def test_level_changes_slowly(telecom: Scenario) -> None:
    settings = GeneratorSettings(level_sd_per_week=0.0, trend_per_week=0.05)
    calls = generate_calls(
        telecom, np.random.default_rng(1), start=START, weeks=4, settings=settings
    )
    weekly = calls.groupby((calls["arrival"].dt.date - START).map(lambda d: d.days // 7)).size()
    assert weekly.iloc[3] > weekly.iloc[1]


def test_history_window_ends_before_planning(telecom: Scenario) -> None:
    start, weeks = history_window(telecom)
    assert weeks == 26 and start.weekday() == 0


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="weekday"):
        GeneratorSettings(weekday_factors=(1.0, 1.0))
    with pytest.raises(ValueError, match="occupancy"):
        GeneratorSettings(occupancy=0)
