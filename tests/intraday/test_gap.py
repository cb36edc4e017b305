from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.domain.tables import FORECAST_COLUMNS
from homeshore.errors import InputError
from homeshore.intraday import GAP_COLUMNS, reforecast_day, scheduled_per_interval, staffing_gap
from homeshore.staffing import staff_requirements
from tests.scheduling.tiny import agent, at, scenario


def _seg(agent_id: str, start: dt.datetime, end: dt.datetime, **kw: object) -> ScheduleSegment:
    fields: dict[str, object] = dict(
        activity=Activity.WORK, location=WorkMode.SITE, site="s1", queue="q1"
    )
    fields.update(kw)
    return ScheduleSegment(agent_id, start, end, **fields)  # type: ignore[arg-type]


def _intervals(queue: str = "q1", hours: tuple[int, int] = (8, 12)) -> pd.DataFrame:
    starts = [at(2, 0) + dt.timedelta(minutes=30 * k) for k in range(hours[0] * 2, hours[1] * 2)]
    return pd.DataFrame({"queue": queue, "start": starts, "interval_min": 30})


def test_a_segment_covering_half_an_interval_counts_half() -> None:
    schedule = Schedule.of(
        [
            _seg("a1", at(2, 8), at(2, 8, 15)),
            _seg("a2", at(2, 8), at(2, 9)),
            _seg("a3", at(2, 8), at(2, 9), queue="q2"),  # another queue
            _seg("a4", at(2, 8), at(2, 8, 30), activity=Activity.BREAK, queue=None),
        ]
    )
    out = scheduled_per_interval(schedule, _intervals())
    assert out["scheduled"].tolist()[:3] == [1.5, 1.0, 0.0]
    assert list(out.columns) == ["queue", "start", "interval_min", "scheduled"]


def test_scheduled_per_interval_needs_aware_starts() -> None:
    naive = _intervals().assign(start=lambda f: f["start"].dt.tz_localize(None))
    with pytest.raises(InputError, match="start"):
        scheduled_per_interval(Schedule(()), naive)


def _forecast(volume: float = 30.0) -> pd.DataFrame:
    rows = _intervals(hours=(8, 12)).assign(
        volume=volume,
        volume_p10=volume * 0.8,
        volume_p50=volume,
        volume_p90=volume * 1.2,
        aht_s=300.0,
    )
    return rows[list(FORECAST_COLUMNS)]


def test_the_current_interval_uses_who_is_logged_in() -> None:
    sc = scenario([agent("a1"), agent("a2"), agent("a3")])
    now = at(2, 9, 10)
    rf = reforecast_day(
        _forecast(), pd.DataFrame(columns=["queue", "at"]), now, timezone=sc.timezone
    )
    schedule = Schedule.of(
        [_seg(a, at(2, 8), at(2, 12)) for a in ("a1", "a2")]
        + [_seg("a3", at(2, 10), at(2, 10, 15))]
    )
    gap = staffing_gap(rf, sc, schedule, {"q1": 1}, now)
    assert list(gap.columns) == list(GAP_COLUMNS)
    # the intervals ended at 09:10 are gone; 09:00 is the current one
    assert gap["start"].iloc[0] == at(2, 9)
    assert len(gap) == 6
    required = staff_requirements(
        rf.table.loc[rf.table["start"] >= at(2, 9), list(FORECAST_COLUMNS)], sc, shrinkage=0.0
    )["required_agents"].to_numpy()
    assert gap["required"].tolist() == required.tolist()
    assert gap["volume"].tolist() == rf.table["volume"].iloc[2:].tolist()
    assert gap["scheduled"].tolist() == [2.0, 2.0, 2.5, 2.0, 2.0, 2.0]
    assert gap["logged_in"].iloc[0] == 1.0 and gap["logged_in"].iloc[1:].isna().all()
    there = gap["logged_in"].fillna(gap["scheduled"])
    assert np.allclose(gap["gap"], required - there)


def test_a_queue_nobody_is_logged_in_counts_zero_now() -> None:
    sc = scenario([agent("a1")])
    now = at(2, 9)
    rf = reforecast_day(
        _forecast(), pd.DataFrame(columns=["queue", "at"]), now, timezone=sc.timezone
    )
    gap = staffing_gap(rf, sc, Schedule.of([_seg("a1", at(2, 8), at(2, 12))]), {}, now)
    assert gap["logged_in"].iloc[0] == 0.0 and np.isnan(gap["logged_in"].iloc[1])
    assert gap["gap"].iloc[0] == gap["required"].iloc[0]


@pytest.mark.parametrize(
    ("logged_in", "message"),
    [({"nope": 1}, "unknown queue"), ({"q1": -1}, "whole number"), ({"q1": 1.5}, "whole number")],
)
def test_bad_logged_in_counts_are_named(logged_in: dict[str, int], message: str) -> None:
    sc = scenario([agent("a1")])
    now = at(2, 9)
    rf = reforecast_day(
        _forecast(), pd.DataFrame(columns=["queue", "at"]), now, timezone=sc.timezone
    )
    with pytest.raises(InputError, match=message):
        staffing_gap(rf, sc, Schedule(()), logged_in, now)


def test_a_day_without_forecast_has_an_empty_gap() -> None:
    sc = scenario([agent("a1")])
    now = at(3, 9)  # the forecast is for the day before
    empty = pd.DataFrame(columns=["queue", "at"])
    rf = reforecast_day(_forecast(), empty, now, timezone=sc.timezone)
    assert rf.levels == {} and rf.table.empty
    gap = staffing_gap(rf, sc, Schedule(()), {"q1": 2}, now)
    assert gap.empty and list(gap.columns) == list(GAP_COLUMNS)
