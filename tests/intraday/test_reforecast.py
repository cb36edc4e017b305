from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from homeshore.domain.tables import FORECAST_COLUMNS
from homeshore.errors import InputError
from homeshore.intraday import reforecast_day
from homeshore.intraday.reforecast import MAX_PRIOR_CV, MIN_PRIOR_CV

TZ = "Europe/Paris"
ZONE = ZoneInfo(TZ)
# any Monday: reforecast_day takes `now`, nothing reads the clock
DAY = dt.date(2027, 3, 1) - dt.timedelta(days=dt.date(2027, 3, 1).weekday())


def at(hour: int, minute: int = 0, *, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def forecast(
    volume: float = 40.0,
    *,
    spread: float = 0.2,
    queues: tuple[str, ...] = ("q1",),
    hours: tuple[int, int] = (8, 20),
    day: dt.date = DAY,
) -> pd.DataFrame:
    rows = []
    for q in queues:
        for k in range(hours[0] * 2, hours[1] * 2):
            rows.append(
                {
                    "queue": q,
                    "start": at(k // 2, 30 * (k % 2), day=day),
                    "interval_min": 30,
                    "volume": volume,
                    "volume_p10": volume * (1 - spread),
                    "volume_p50": volume,
                    "volume_p90": volume * (1 + spread),
                    "aht_s": 300.0,
                }
            )
    return pd.DataFrame(rows, columns=list(FORECAST_COLUMNS))


def arrivals(per_interval: float, until: dt.datetime, *, queue: str = "q1") -> pd.DataFrame:
    """`per_interval` arrivals spread evenly over each half hour from 08:00 to `until`."""
    rows = []
    t = at(8)
    while t < until:
        n = round(per_interval)
        rows += [(queue, t + dt.timedelta(seconds=1800 * (i + 0.5) / n)) for i in range(n)]
        t += dt.timedelta(minutes=30)
    return pd.DataFrame(rows, columns=["queue", "at"])


def test_arrivals_as_forecast_keep_the_level_at_one() -> None:
    now = at(12)
    rf = reforecast_day(forecast(), arrivals(40, now), now, timezone=TZ)
    level = rf.levels["q1"]
    assert level.expected_so_far == pytest.approx(320.0)
    assert level.observed_so_far == 320
    assert level.level == pytest.approx(1.0)
    assert level.level_low < 1.0 < level.level_high
    future = rf.table[~rf.table["elapsed"]]
    assert np.allclose(future["volume"], future["planned"])


def test_thirty_percent_more_over_the_morning_raises_the_rest_of_the_day() -> None:
    now = at(12)
    rf = reforecast_day(forecast(100.0), arrivals(130, now), now, timezone=TZ)
    level = rf.levels["q1"]
    assert level.level == pytest.approx(1.3, abs=0.02)
    assert level.level_low < level.level < level.level_high
    assert level.level_low < 1.3 < level.level_high
    future = rf.table[~rf.table["elapsed"]]
    assert len(future) == 16
    ratio = future["volume"] / future["planned"]
    assert np.allclose(ratio, level.level)
    assert ratio.iloc[0] == pytest.approx(1.3, abs=0.02)
    assert (future["volume_p10"] < future["volume"]).all()
    assert (future["volume"] < future["volume_p90"]).all()


def test_the_band_narrows_as_more_of_the_day_is_observed() -> None:
    widths = []
    for hour in (9, 12, 16, 19):
        now = at(hour)
        level = reforecast_day(forecast(), arrivals(40, now), now, timezone=TZ).levels["q1"]
        widths.append(level.level_high - level.level_low)
    assert widths == sorted(widths, reverse=True)
    assert len(set(widths)) == 4


def test_posterior_matches_a_hand_computation() -> None:
    """Three half hours of 10 planned; at 08:45, 14 arrivals in the first and 3 in the
    second so far; prior CV 0.25 (k = 16)."""
    table = forecast(10.0, hours=(8, 10)).iloc[:3]
    times = [at(8, 1)] * 14 + [at(8, 31)] * 3 + [at(8, 50)]  # the last one is after now
    arrived = pd.DataFrame({"queue": "q1", "at": times})
    now = at(8, 45)
    rf = reforecast_day(table, arrived, now, timezone=TZ, prior_cv=0.25, band=0.9)
    k, a, e = 16.0, 17, 15.0  # E = 10 + 10 x 15/30
    level = rf.levels["q1"]
    assert (level.expected_so_far, level.observed_so_far) == (e, a)
    assert level.level == pytest.approx((k + a) / (k + e))
    post = stats.gamma(k + a, scale=1 / (k + e))
    assert level.level_low == pytest.approx(post.ppf(0.05))
    assert level.level_high == pytest.approx(post.ppf(0.95))
    assert level.prior_cv == 0.25
    rows = rf.table.set_index("start")
    first, current, last = rows.loc[at(8)], rows.loc[at(8, 30)], rows.loc[at(9)]
    assert bool(first["elapsed"]) and not bool(current["elapsed"])
    assert [first[c] for c in ("volume", "volume_p10", "volume_p50", "volume_p90")] == [14] * 4
    assert (current["observed"], last["observed"]) == (3, 0)
    for row, remaining, seen in ((current, 5.0, 3), (last, 10.0, 0)):
        predictive = stats.nbinom(k + a, (k + e) / (k + e + remaining))
        assert row["volume"] == pytest.approx(seen + predictive.mean())
        for column, q in (("volume_p10", 0.1), ("volume_p50", 0.5), ("volume_p90", 0.9)):
            assert row[column] == seen + predictive.ppf(q)
    assert rf.table["aht_s"].tolist() == [300.0] * 3
    assert rf.table["planned"].tolist() == [10.0] * 3


def test_prior_cv_comes_from_the_forecast_band() -> None:
    now = at(8)
    rf = reforecast_day(forecast(spread=0.2), arrivals(0, now), now, timezone=TZ)
    assert rf.levels["q1"].prior_cv == pytest.approx(0.4 / (2 * stats.norm.ppf(0.9)))
    narrow = reforecast_day(forecast(spread=0.0), arrivals(0, now), now, timezone=TZ)
    assert narrow.levels["q1"].prior_cv == MIN_PRIOR_CV
    wide = reforecast_day(forecast(spread=0.99), arrivals(0, now), now, timezone=TZ)
    assert wide.levels["q1"].prior_cv == pytest.approx(0.99 * 2 / (2 * stats.norm.ppf(0.9)))
    empty = reforecast_day(forecast(0.0), arrivals(0, now), now, timezone=TZ)
    assert empty.levels["q1"].prior_cv == MAX_PRIOR_CV
    assert (empty.table["volume"] == 0).all()


def test_only_todays_rows_and_forecast_queues_count() -> None:
    tomorrow = DAY + dt.timedelta(days=1)
    table = pd.concat(
        [forecast(), forecast(day=tomorrow), forecast(queues=("q2",), day=tomorrow)],
        ignore_index=True,
    )
    now = at(10)
    arrived = pd.concat(
        [
            arrivals(40, now),
            arrivals(5, now, queue="elsewhere"),
            pd.DataFrame({"queue": ["q1"], "at": [at(7)]}),  # before the queue's first interval
        ],
        ignore_index=True,
    )
    rf = reforecast_day(table, arrived, now, timezone=TZ)
    assert list(rf.levels) == ["q1"]
    assert set(rf.table["queue"]) == {"q1"}
    assert len(rf.table) == 24
    assert {t.date() for t in rf.table["start"]} == {DAY}
    assert rf.unmatched == {"elsewhere": 20, "q1": 1}
    assert rf.levels["q1"].observed_so_far == 160


def test_the_table_has_the_forecast_columns_and_the_day_so_far() -> None:
    now = at(9, 10)
    rf = reforecast_day(forecast(), arrivals(30, at(9)), now, timezone=TZ)
    assert list(rf.table.columns) == [*FORECAST_COLUMNS, "planned", "observed", "elapsed"]
    assert rf.table["elapsed"].tolist()[:3] == [True, True, False]
    assert rf.table["observed"].tolist()[:3] == [30, 30, 0]
    assert rf.table["volume"].tolist()[:2] == [30.0, 30.0]
    assert rf.now == now


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda f, a: (f.drop(columns=["volume_p90"]), a), "forecast"),
        (lambda f, a: (f.assign(volume=-1.0), a), "column volume"),
        (lambda f, a: (f.assign(start=f["start"].dt.tz_localize(None)), a), "column start"),
        (lambda f, a: (f, a.assign(at=a["at"].dt.tz_localize(None))), "column at"),
        (lambda f, a: (f, a.drop(columns=["at"])), "arrivals"),
    ],
)
def test_bad_input_names_what_is_wrong(change: object, where: str) -> None:
    f = forecast()
    f["start"] = pd.to_datetime(f["start"]).dt.tz_convert(TZ)
    a = arrivals(10, at(10))
    a["at"] = pd.to_datetime(a["at"]).dt.tz_convert(TZ)
    f, a = change(f, a)  # type: ignore[operator]
    with pytest.raises(InputError) as info:
        reforecast_day(f, a, at(10), timezone=TZ)
    assert where in str(info.value)


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(InputError, match="now"):
        reforecast_day(forecast(), arrivals(0, at(8)), dt.datetime(2027, 3, 1, 10), timezone=TZ)
