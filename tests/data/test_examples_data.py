"""The bundled example data: present, attributed, and consistent with itself."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from homeshore.data.acd import read_acd
from homeshore.data.intervals import read_intervals, read_waits
from homeshore.domain.tables import INTERVAL_COLUMNS, WAIT_COLUMNS

from .conftest import EXAMPLES_DATA

INTERVALS = EXAMPLES_DATA / "anonymous_bank_1999_intervals.parquet"
WAITS = EXAMPLES_DATA / "anonymous_bank_1999_waits.parquet"


def test_attribution_names_source_citation_and_terms() -> None:
    text = (EXAMPLES_DATA / "ATTRIBUTION").read_text()
    for needed in ("Technion", "Mandelbaum", "free for use", "acknowledge", "Brown", "2005"):
        assert needed in text
    assert "JASA" in text or "Journal of the American Statistical Association" in text


def test_bundled_files_are_small() -> None:
    for path in (INTERVALS, WAITS, EXAMPLES_DATA / "anonymous_bank_excerpt.txt"):
        assert path.stat().st_size < 1_000_000, path


def test_interval_aggregate_and_waits_agree() -> None:
    iv = read_intervals(INTERVALS)
    waits = read_waits(WAITS)
    assert list(iv.columns) == list(INTERVAL_COLUMNS)
    assert list(waits.columns) == list(WAIT_COLUMNS)
    per_queue = iv.groupby("queue")[["offered", "abandoned"]].sum()
    from_waits = waits.groupby("queue").agg(
        offered=("wait_s", "size"), abandoned=("abandoned", "sum")
    )
    pd.testing.assert_frame_equal(per_queue, from_waits, check_dtype=False)
    # the mean waits of the table are the waits of the contacts
    total_wait = (iv["wait_s_mean"].fillna(0) * iv["offered"]).sum()
    assert total_wait == pytest.approx(waits["wait_s"].sum())
    # six months, 1 January to 30 June 1999, with 11 and 12 January missing
    days = set(iv["start"].dt.date.astype(str))
    assert "1999-01-10" in days and "1999-01-13" in days
    assert "1999-01-11" not in days and "1999-01-12" not in days


def test_excerpt_is_raw_records_with_the_documented_header(bank_excerpt: Path) -> None:
    calls, report = read_acd([bank_excerpt], strict=True)
    assert report.records == 155 and report.malformed == []
    assert len(calls) == report.offered
