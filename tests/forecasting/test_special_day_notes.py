from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from homeshore.forecasting import Event, ForecastSettings, forecast
from homeshore.forecasting.special_day_notes import IGNORED, SPECIAL_DAY_COLUMNS
from homeshore.forecasting.synthetic_centre import SyntheticCentre

PARIS = ForecastSettings(timezone="Europe/Paris", country="FR")
FIRST = dt.date(2026, 1, 5)
EASTER_MONDAY = dt.date(2026, 4, 6)


def _table():  # type: ignore[no-untyped-def]
    centre = SyntheticCentre(FIRST, 12 * 7)  # no holiday in the history
    return centre.generate(np.random.default_rng(2)).table


def test_one_row_per_special_open_day_with_its_basis() -> None:
    campaign = Event("campaign", dt.date(2026, 4, 8), dt.date(2026, 4, 9), effect=1.3)
    result = forecast(_table(), dataclasses.replace(PARIS, events=(campaign,)), 2)
    days = result.special_days
    assert tuple(days.columns) == SPECIAL_DAY_COLUMNS
    assert dt.date(2026, 4, 4) not in set(days["date"])  # a Saturday: closed, nothing to say
    by_date = days.set_index("date")
    assert by_date.loc[dt.date(2026, 4, 1), "basis"] == "learned"  # first days of a month
    assert by_date.loc[EASTER_MONDAY, "flagged"]
    assert by_date.loc[dt.date(2026, 4, 7), "name"] == "after Easter Monday"
    given = by_date.loc[dt.date(2026, 4, 8)]
    assert (given["kind"], given["basis"], given["effect"], bool(given["flagged"])) == (
        "campaign",
        "given",
        1.3,
        False,
    )
    assert given["note"] == "effect x1.30 given"
    assert set(result.flagged()["date"]) == {EASTER_MONDAY, dt.date(2026, 4, 7)}


def test_a_method_without_special_days_says_so_and_still_flags() -> None:
    result = forecast(_table(), PARIS, 2, method="seasonal_naive")
    row = result.special_days.set_index("date").loc[EASTER_MONDAY]
    assert row["basis"] == IGNORED and row["effect"] == 1.0 and row["flagged"]
    assert row["note"].startswith("no precedent in the history; not modelled by seasonal_naive")
