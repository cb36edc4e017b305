from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from homeshore.data.history import load_history, load_history_tables
from homeshore.data.scenario_file import load_scenario
from homeshore.domain import HistorySource, Scenario
from homeshore.domain.tables import INTERVAL_COLUMNS
from homeshore.errors import InputError


@pytest.fixture(scope="module")
def bank(examples_dir: Path) -> Scenario:
    return load_scenario(examples_dir / "anonymous_bank.yaml")


def test_bank_history_is_the_bundled_aggregate(bank: Scenario) -> None:
    history = load_history_tables(bank)
    iv = history.intervals
    assert list(iv.columns) == list(INTERVAL_COLUMNS)
    assert set(iv["queue"]) == {"PS", "PE", "IN", "NE", "NW", "TT"}
    assert str(iv["start"].dt.tz) == "Asia/Jerusalem"
    assert (iv["interval_min"] == 30).all()
    # six months of the real logs: 197,130 contacts offered to a queue
    assert iv["offered"].sum() == 197_130
    assert (iv["offered"] == iv["answered"] + iv["abandoned"]).all()
    assert history.waits is not None and len(history.waits) == 197_130
    # Saturday: nothing before the evening, traffic after 20:00
    saturday = iv[iv["start"].dt.weekday == 5]
    assert saturday.loc[saturday["start"].dt.hour < 17, "offered"].sum() == 0
    assert saturday.loc[saturday["start"].dt.hour >= 20, "offered"].sum() > 1000


def test_acd_history_from_a_directory(bank: Scenario, bank_excerpt: Path, tmp_path: Path) -> None:
    shutil.copy(bank_excerpt, tmp_path / "logs.txt")
    source = HistorySource("acd", tmp_path, 60, {"AA": "PS"})
    scenario = dataclasses.replace(bank, history=source)
    history = load_history_tables(scenario)
    assert history.report is not None and history.report.records > 100
    assert (history.intervals["interval_min"] == 60).all()
    assert history.intervals["offered"].sum() == history.report.offered


def test_queue_map_and_unknown_queues(bank: Scenario, bank_excerpt: Path) -> None:
    source = HistorySource("acd", bank_excerpt, 30, {"PS": "retail"})
    with pytest.raises(KeyError):
        bank.queue("retail")
    history = load_history_tables(dataclasses.replace(bank, history=source))
    assert "PS" not in set(history.intervals["queue"])
    assert history.dropped_queues == ("retail",)


def test_generator_history(examples_dir: Path) -> None:
    scenario = load_scenario(examples_dir / "telecom_fr.yaml")
    short = dataclasses.replace(scenario, history=dataclasses.replace(scenario.history, weeks=2))  # type: ignore[type-var]
    a = load_history(short)
    b = load_history(short)
    assert a.equals(b)
    assert len(a) == 3 * 14 * 48  # every interval of every day, closed ones as zeros


def test_missing_history_file_is_an_input_error(bank: Scenario, tmp_path: Path) -> None:
    source = HistorySource("intervals", tmp_path / "none.parquet")
    with pytest.raises(InputError, match="not found"):
        load_history(dataclasses.replace(bank, history=source))
    with pytest.raises(InputError, match="no history"):
        load_history(dataclasses.replace(bank, history=None))


def test_wrong_interval_length_is_named(bank: Scenario) -> None:
    assert bank.history is not None
    source = dataclasses.replace(bank.history, interval_min=15)
    with pytest.raises(InputError, match="30-minute"):
        load_history(dataclasses.replace(bank, history=source))
