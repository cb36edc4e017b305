from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from homeshore.errors import InputError
from homeshore.forecasting import ForecastSettings, forecast
from homeshore.forecasting.calendar import (
    AFTER,
    DAY_OFF,
    EVE,
    HOLIDAY,
    NORMAL,
    REDUCED,
    DayCalendar,
)
from homeshore.forecasting.national_days import (
    BUNDLED,
    NATIONAL_KINDS,
    national_days,
    read_special_days,
)
from tests.forecasting.synthetic import poisson_table

FIRST = dt.date(2026, 1, 5)
PARIS = ForecastSettings(timezone="Europe/Paris", country="FR")
HEADER = "country,date,kind,name,source\n"


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "days.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_file_reads_and_every_day_has_a_known_kind() -> None:
    days = read_special_days(BUNDLED)
    assert days and all(day.kind in NATIONAL_KINDS and day.name for day in days)
    assert {day.date for day in days if day.country == "IL"} >= {dt.date(1999, 5, 17)}


def test_israeli_election_day_is_a_day_off_without_eve_or_day_after() -> None:
    cal = DayCalendar.build("IL", [1999], national=national_days("IL"))
    sun_thu = (6, 0, 1, 2, 3)
    days = [dt.date(1999, 5, 16), dt.date(1999, 5, 17), dt.date(1999, 5, 18)]
    assert cal.kinds("q", days, sun_thu) == [NORMAL, DAY_OFF, NORMAL]
    assert national_days("FR") == [] and national_days(None) == []
    without = DayCalendar.build("IL", [1999])
    assert without.kinds("q", days, sun_thu) == [NORMAL] * 3


def test_a_national_holiday_gets_an_eve_and_a_day_after_and_replaces_the_package(
    tmp_path: Path,
) -> None:
    path = _file(
        tmp_path,
        HEADER + "FR,2026-03-11,holiday,Local strike day,test\n"
        "FR,2026-05-01,reduced,Labour day made a working day,test\n",
    )
    cal = DayCalendar.build("FR", [2026], national=national_days("FR", [path]))
    days = [dt.date(2026, 3, d) for d in (10, 11, 12)] + [dt.date(2026, 5, 1)]
    assert cal.kinds("q", days, range(5)) == [EVE, HOLIDAY, AFTER, REDUCED]


def test_a_special_day_of_a_data_file_is_applied_to_the_forecast(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    table, _ = poisson_table(rng, FIRST, 6 * 7)
    day = dt.date(2026, 2, 19)  # a Thursday of the forecast week
    path = _file(tmp_path, HEADER + f"FR,{day},day_off,Regional election,test\n")
    base = forecast(table, PARIS, 1).daily.set_index("date")
    settings = replace(PARIS, special_days_files=(path,))
    learned = forecast(table, settings, 1)
    out = learned.daily.set_index("date")
    assumed = forecast(table, replace(settings, calendar_priors=True), 1).daily.set_index("date")
    assert base.loc[day, "kind"] == NORMAL and out.loc[day, "kind"] == DAY_OFF
    # never seen in the history: no effect, flagged; the prior (half a day) only on request
    assert out.loc[day, "volume"] == pytest.approx(base.loc[day, "volume"], rel=1e-9)
    assert "no precedent" in out.loc[day, "note"] and "no effect assumed" in out.loc[day, "note"]
    flagged = learned.flagged()
    assert list(zip(flagged["date"], flagged["name"], strict=True)) == [(day, "Regional election")]
    assert assumed.loc[day, "volume"] == pytest.approx(0.5 * base.loc[day, "volume"], rel=0.02)
    assert "--calendar-priors" in assumed.loc[day, "note"]
    other = day + dt.timedelta(days=1)
    assert out.loc[other, "volume"] == pytest.approx(base.loc[other, "volume"], rel=0.02)
    assert assumed.loc[other, "volume"] == pytest.approx(base.loc[other, "volume"], rel=0.02)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("country,date,name\nIL,1999-05-17,x\n", 1, "lacks column.*kind"),
        (HEADER + "IL,1999-05-17,day_off\n", 2, "3 fields where the header has 5"),
        (HEADER + "IL,17/05/1999,day_off,Election,s\n", 2, "date '17/05/1999' is not YYYY-MM-DD"),
        (HEADER + "# a comment\nIL,1999-05-17,strike,Election,s\n", 3, "kind 'strike'"),
        (HEADER + "Israel,1999-05-17,day_off,Election,s\n", 2, "not a two-letter ISO code"),
        (HEADER + "IL,1999-05-17,day_off,,s\n", 2, "empty name"),
        (
            HEADER + "IL,1999-05-17,day_off,A,s\nIL,1999-05-17,holiday,B,s\n",
            3,
            "already given on line 2",
        ),
    ],
)
def test_bad_special_days_file_names_the_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(InputError, match=message) as caught:
        read_special_days(path)
    assert caught.value.path == path and caught.value.line == line
    assert f"{path}, line {line}" in str(caught.value)


def test_special_days_file_without_header_or_missing_is_an_error(tmp_path: Path) -> None:
    empty = _file(tmp_path, "# only comments\n")
    with pytest.raises(InputError, match="no header") as caught:
        read_special_days(empty)
    assert caught.value.path == empty
    with pytest.raises(InputError, match="cannot read special days"):
        read_special_days(tmp_path / "absent.csv")
    with pytest.raises(InputError, match=r"absent\.csv"):
        forecast(
            poisson_table(np.random.default_rng(1), FIRST, 6 * 7)[0],
            replace(PARIS, special_days_files=(tmp_path / "absent.csv",)),
            1,
        )
