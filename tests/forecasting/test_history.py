from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from homeshore.errors import InputError
from homeshore.forecasting.history import histories_from_table
from tests.forecasting.synthetic import rates, table_from_grid

FIRST = dt.date(2026, 1, 5)  # a Monday


def _table(days: int = 14) -> pd.DataFrame:
    return table_from_grid(np.round(rates(FIRST, days)), FIRST)


def test_grid_holds_the_counts_and_dates() -> None:
    table = _table()
    h = histories_from_table(table, timezone="Europe/Paris")["q1"]
    assert (h.n_days, h.slots_per_day, h.interval_min) == (14, 48, 30)
    assert h.first_date == FIRST and h.last_date == dt.date(2026, 1, 18)
    assert h.volume.sum() == table["offered"].sum()
    assert list(h.weekdays()[:8]) == [0, 1, 2, 3, 4, 5, 6, 0]


def test_absent_interval_is_zero_and_absent_day_is_missing() -> None:
    table = _table()
    table = table[table["offered"] > 0]  # interval tables may omit empty intervals
    day3 = table["start"].dt.date == dt.date(2026, 1, 8)
    h = histories_from_table(table[~day3], timezone="Europe/Paris")["q1"]
    assert np.isnan(h.volume[3]).all()
    assert h.volume[0, 0] == 0.0  # 00:00, closed, no row
    # the closed Sundays have no row either: missing too (a weekday never seen forecasts zero)
    assert int(h.valid_days().sum()) == 11 and np.isnan(h.volume[6]).all()


def test_days_before_a_queue_starts_are_missing_for_that_queue() -> None:
    a = _table()
    b = _table().assign(queue="q2")
    b = b[b["start"].dt.date >= dt.date(2026, 1, 7)]
    hs = histories_from_table(pd.concat([a, b]), timezone="Europe/Paris")
    assert np.isnan(hs["q2"].volume[:2]).all()
    assert not np.isnan(hs["q2"].volume[2:]).any()


@pytest.mark.parametrize(("value", "word"), [(-3.0, "negative"), (np.nan, "missing")])
def test_bad_count_names_queue_and_interval(value: float, word: str) -> None:
    table = _table()
    table.loc[100, "offered"] = value
    with pytest.raises(InputError) as info:
        histories_from_table(table, timezone="Europe/Paris", source="hist.csv")
    message = str(info.value)
    assert word in message and "queue q1" in message
    assert "2026-01-07 02:00:00+01:00" in message and "hist.csv" in message


def test_duplicated_interval_is_an_error() -> None:
    table = _table()
    table = pd.concat([table, table.iloc[[50]]])
    with pytest.raises(InputError, match=r"queue q1, interval 2026-01-06 01:00.*duplicated"):
        histories_from_table(table, timezone="Europe/Paris")


def test_history_shorter_than_a_week_is_an_error() -> None:
    with pytest.raises(InputError, match=r"queue q1: history covers 5 day\(s\)"):
        histories_from_table(_table(5), timezone="Europe/Paris")


def test_start_off_the_interval_boundary_is_an_error() -> None:
    table = _table()
    table["start"] = table["start"].astype(object)
    table.loc[7, "start"] = pd.Timestamp("2026-01-05 03:40", tz="Europe/Paris")
    table["start"] = pd.to_datetime(table["start"].astype(str), format="ISO8601")
    with pytest.raises(InputError, match=r"queue q1, .*03:40.*not on a 30-minute boundary"):
        histories_from_table(table, timezone="Europe/Paris")


def test_missing_column_is_an_error() -> None:
    with pytest.raises(InputError, match=r"missing column.*offered"):
        histories_from_table(_table().drop(columns="offered"), timezone="Europe/Paris")


def test_text_starts_with_offsets_and_naive_starts() -> None:
    table = _table()
    text = table.assign(start=table["start"].map(lambda t: t.isoformat()))
    naive = table.assign(start=table["start"].dt.tz_localize(None).astype(str))
    ref = histories_from_table(table, timezone="Europe/Paris")["q1"].volume
    for variant in (text, naive):
        got = histories_from_table(variant, timezone="Europe/Paris")["q1"].volume
        np.testing.assert_array_equal(got, ref)


def test_naive_start_in_the_repeated_hour_is_an_error() -> None:
    starts = pd.date_range("2026-10-19", "2026-10-27", freq="60min", inclusive="left")
    table = pd.DataFrame({"queue": "q", "start": starts.astype(str), "offered": 1.0})
    # 02:00 on 25 October exists twice in Paris: a naive time cannot say which
    with pytest.raises(InputError, match="ambiguous or nonexistent"):
        histories_from_table(table, timezone="Europe/Paris")


def test_daylight_saving_days_are_placed_by_wall_clock() -> None:
    # real instants every hour across both changes of 2026 in Paris
    starts = pd.date_range(
        "2026-03-23", "2026-11-02", freq="60min", tz="UTC", inclusive="left"
    ).tz_convert("Europe/Paris")
    starts = starts[(starts.month.isin([3, 4])) | (starts.month >= 10)]
    table = pd.DataFrame({"queue": "q", "start": starts, "offered": 1.0})
    h = histories_from_table(table, timezone="Europe/Paris")["q"]
    day = {d: i for i, d in enumerate(h.dates())}
    spring, autumn = day[dt.date(2026, 3, 29)], day[dt.date(2026, 10, 25)]
    assert h.volume[spring].sum() == 23 and h.volume[spring, 2] == 0  # 02:00 does not exist
    assert h.volume[autumn].sum() == 25 and h.volume[autumn, 2] == 2  # 02:00 happens twice
    assert np.isnan(h.volume[day[dt.date(2026, 6, 1)]]).all()  # months left out: missing


def test_incomplete_last_day_counts_as_missing() -> None:
    table = _table(15)  # ends on Monday 19 January
    last = table["start"].dt.date == dt.date(2026, 1, 19)
    table.loc[last & (table["start"].dt.hour >= 9), "offered"] = 0.0  # extract cut at 09:00
    h = histories_from_table(table, timezone="Europe/Paris")["q1"]
    assert np.isnan(h.volume[14]).all() and not np.isnan(h.volume[7]).any()
    whole = histories_from_table(_table(15), timezone="Europe/Paris")["q1"]
    assert not np.isnan(whole.volume[14]).any()
