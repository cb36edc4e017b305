from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeshore.data.acd import read_acd
from homeshore.data.intervals import (
    aggregate,
    interval_start,
    read_intervals,
    read_waits,
    write_intervals,
    write_tables,
)
from homeshore.domain.tables import INTERVAL_COLUMNS, WAIT_COLUMNS
from homeshore.errors import InputError

TZ = "Asia/Jerusalem"


def calls_frame(
    rows: list[tuple[str, dt.datetime, float, bool, float, str | None]],
) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["queue", "arrival", "wait_s", "abandoned", "handle_s", "agent"]
    )
    frame["arrival"] = pd.to_datetime(frame["arrival"], utc=True).dt.tz_convert(TZ)
    frame["abandoned"] = frame["abandoned"].astype(bool)
    frame["handle_s"] = frame["handle_s"].where(~frame["abandoned"], np.nan)
    return frame


def at(hour: int, minute: int = 0, second: int = 0, day: int = 10, month: int = 1) -> dt.datetime:
    return dt.datetime(1999, month, day, hour, minute, second, tzinfo=ZoneInfo(TZ))


def test_columns_and_reference_values_of_one_interval() -> None:
    calls = calls_frame(
        [
            ("PS", at(10, 0, 5), 10.0, False, 100.0, "A"),
            ("PS", at(10, 10), 30.0, False, 200.0, "B"),
            ("PS", at(10, 20), 50.0, True, 0.0, None),
            ("PS", at(10, 40), 0.0, False, 60.0, "A"),
        ]
    )
    tables = aggregate(calls, interval_min=30, threshold_s=20, timezone=TZ)
    iv = tables.intervals
    assert list(iv.columns) == list(INTERVAL_COLUMNS)
    assert list(tables.waits.columns) == list(WAIT_COLUMNS)
    assert len(iv) == 48  # the whole day, zeros where no contact came
    row = iv.set_index("start").loc[pd.Timestamp(at(10))]
    assert (row["offered"], row["answered"], row["abandoned"], row["answered_within_t"]) == (
        3,
        2,
        1,
        1,
    )
    assert row["wait_s_mean"] == pytest.approx(30.0)
    assert row["asa_s"] == pytest.approx(20.0)
    assert row["aht_s"] == pytest.approx(150.0)
    assert row["handle_s_total"] == 300.0
    assert row["busy_s"] == 300.0 and row["agents_staffed"] == 2
    empty = iv.set_index("start").loc[pd.Timestamp(at(3))]
    assert empty["offered"] == 0 and np.isnan(empty["asa_s"]) and empty["busy_s"] == 0


def test_service_split_across_interval_boundaries() -> None:
    # answered at 10:29:00 after no wait, 3 min of service: 60 s then 120 s
    calls = calls_frame([("PS", at(10, 29), 0.0, False, 180.0, "A")])
    iv = aggregate(calls, interval_min=30, threshold_s=20, timezone=TZ).intervals.set_index("start")
    assert iv.loc[pd.Timestamp(at(10)), "busy_s"] == 60.0
    assert iv.loc[pd.Timestamp(at(10, 30)), "busy_s"] == 120.0
    assert iv.loc[pd.Timestamp(at(10, 30)), "agents_staffed"] == 1
    assert iv.loc[pd.Timestamp(at(10, 30)), "offered"] == 0
    # the handle time counts where the contact arrived
    assert iv.loc[pd.Timestamp(at(10)), "handle_s_total"] == 180.0


def test_days_without_records_stay_absent(bank_excerpt: Path) -> None:
    calls = calls_frame(
        [("PS", at(9, day=10), 0.0, False, 60.0, "A"), ("PS", at(9, day=13), 0.0, False, 60.0, "A")]
    )
    iv = aggregate(calls, interval_min=60, threshold_s=20, timezone=TZ).intervals
    assert sorted(set(iv["start"].dt.day)) == [10, 13]


def test_dst_days_have_23_and_25_hours() -> None:
    paris = "Europe/Paris"
    spring = dt.datetime(2026, 3, 29, 3, 10, tzinfo=ZoneInfo(paris))
    autumn_first = pd.Timestamp("2026-10-25 02:10").tz_localize(paris, ambiguous=True)
    autumn_second = pd.Timestamp("2026-10-25 02:10").tz_localize(paris, ambiguous=False)
    calls = pd.DataFrame(
        {
            "queue": ["Q", "Q", "Q"],
            "arrival": pd.to_datetime([spring, autumn_first, autumn_second], utc=True).tz_convert(
                paris
            ),
            "wait_s": [0.0, 0.0, 0.0],
            "abandoned": [False, False, False],
            "handle_s": [3600.0, 60.0, 60.0],
            "agent": ["A", "B", "C"],
        }
    )
    iv = aggregate(calls, interval_min=30, threshold_s=20, timezone=paris).intervals
    per_day = iv.groupby(iv["start"].dt.date).size()
    assert per_day[dt.date(2026, 3, 29)] == 46 and per_day[dt.date(2026, 10, 25)] == 50
    two = iv[iv["start"].dt.strftime("%H:%M") == "02:00"]
    autumn = two[two["start"].dt.month == 10]
    assert autumn["offered"].tolist() == [1, 1]  # the repeated hour holds both contacts
    assert {str(t.utcoffset()) for t in autumn["start"]} == {"2:00:00", "1:00:00"}
    # the hour of service starting 03:10 summer time is split 20 + 30 + 10 minutes
    spring_rows = iv[(iv["start"] >= pd.Timestamp(spring).floor("30min"))].head(3)
    assert spring_rows["busy_s"].tolist() == [1200.0, 1800.0, 600.0]


def test_interval_start_in_a_half_hour_offset_zone() -> None:
    t = pd.DatetimeIndex([pd.Timestamp("2026-05-04 10:47:12", tz="Asia/Kolkata")])
    assert interval_start(t, 60)[0] == pd.Timestamp("2026-05-04 10:00", tz="Asia/Kolkata")
    assert interval_start(t, 15)[0] == pd.Timestamp("2026-05-04 10:45", tz="Asia/Kolkata")


@st.composite
def call_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Per-call tables where each agent serves one contact at a time."""
    base = pd.Timestamp("1999-03-10 06:00", tz=TZ)
    rows = []
    for agent in range(draw(st.integers(1, 4))):
        t = draw(st.floats(0, 3600))
        for _ in range(draw(st.integers(0, 8))):
            wait = draw(st.floats(0, 300))
            handle = draw(st.floats(0, 2400))
            queue = draw(st.sampled_from(["PS", "NE"]))
            rows.append((queue, base + pd.Timedelta(seconds=t), wait, False, handle, f"a{agent}"))
            t += wait + handle + draw(st.floats(0, 900))
    for _ in range(draw(st.integers(0, 10))):
        t = draw(st.floats(0, 86_400))
        rows.append(
            ("PS", base + pd.Timedelta(seconds=t), draw(st.floats(0, 600)), True, np.nan, None)
        )
    return calls_frame(rows)


@settings(max_examples=60, deadline=None)
@given(calls=call_tables(), interval_min=st.sampled_from([15, 30, 60]), threshold=st.floats(0, 60))
def test_aggregation_invariants(calls: pd.DataFrame, interval_min: int, threshold: float) -> None:
    tables = aggregate(calls, interval_min=interval_min, threshold_s=threshold, timezone=TZ)
    iv = tables.intervals
    step_s = interval_min * 60
    assert (iv["offered"] == iv["answered"] + iv["abandoned"]).all()
    assert iv["offered"].sum() == len(calls) == len(tables.waits)
    assert iv["abandoned"].sum() == calls["abandoned"].sum()
    assert (iv["answered_within_t"] <= iv["answered"]).all()
    answered = calls[~calls["abandoned"]]
    assert iv["answered_within_t"].sum() == (answered["wait_s"] <= threshold).sum()
    assert iv["handle_s_total"].sum() == pytest.approx(answered["handle_s"].sum())
    assert iv["busy_s"].sum() == pytest.approx(answered["handle_s"].sum())
    assert (iv["busy_s"] <= iv["agents_staffed"] * step_s + 1e-6).all()
    assert (iv["busy_s"] >= 0).all()
    waited = (iv["wait_s_mean"].fillna(0) * iv["offered"]).sum()
    assert waited == pytest.approx(calls["wait_s"].sum())
    has = iv["answered"] > 0
    assert iv.loc[~has, "asa_s"].isna().all() and iv.loc[has, "asa_s"].notna().all()
    starts = iv["start"]
    assert (starts.dt.minute % interval_min == 0).all() and (starts.dt.second == 0).all()
    assert not iv.duplicated(["queue", "start"]).any()


def test_write_and_read_back(tmp_path: Path, bank_excerpt: Path) -> None:
    calls, report = read_acd([bank_excerpt])
    tables = aggregate(calls, interval_min=30, threshold_s=20, timezone=TZ, days=report.days)
    written = write_tables(tables, tmp_path / "out")
    assert [p.name for p in written] == ["intervals.parquet", "intervals.csv", "waits.parquet"]
    assert not list((tmp_path / "out").glob(".*tmp"))
    from_parquet = read_intervals(written[0])
    from_csv = read_intervals(written[1], TZ)
    pd.testing.assert_frame_equal(from_parquet, tables.intervals, check_dtype=False)
    pd.testing.assert_frame_equal(from_csv, tables.intervals, check_dtype=False, rtol=1e-5)
    waits = read_waits(written[2])
    assert len(waits) == tables.intervals["offered"].sum()


def test_failed_write_leaves_no_partial_file(tmp_path: Path) -> None:
    bad = pd.DataFrame({"start": [object()]})
    target = tmp_path / "intervals.parquet"
    with pytest.raises(Exception):  # noqa: B017 - whatever the writer raises
        write_intervals(bad, target)
    assert list(tmp_path.iterdir()) == []


def test_reading_a_bad_interval_csv_names_line_and_column(tmp_path: Path) -> None:
    calls = calls_frame([("PS", at(10), 0.0, False, 60.0, "A")])
    tables = aggregate(calls, interval_min=60, threshold_s=20, timezone=TZ)
    path = write_intervals(tables.intervals, tmp_path / "iv.csv")
    lines = path.read_text().splitlines()
    cells = lines[5].split(",")
    cells[INTERVAL_COLUMNS.index("offered")] = "-2"
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as err:
        read_intervals(path)
    assert err.value.line == 6 and err.value.where == "column offered"
    path.write_text("queue,start\nPS,2026-01-01T00:00:00+02:00\n")
    with pytest.raises(InputError, match="missing column"):
        read_intervals(path)


def test_bad_interval_length_is_refused() -> None:
    with pytest.raises(ValueError, match="interval_min"):
        aggregate(calls_frame([]), interval_min=20, threshold_s=20, timezone=TZ)
