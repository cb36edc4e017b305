"""Bad pilot tables: each gets a message naming the file, the row and the column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from homeshore.errors import InputError
from homeshore.pilot import Question, Table, prepare, read_table

PERF = Question(group="group", treated="home", outcome="perf")


def write(tmp_path: Path, text: str, name: str = "pilot.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, question: Question = PERF) -> str:
    with pytest.raises(InputError) as caught:
        prepare(read_table(path), question)
    message = str(caught.value)
    assert message.startswith(f"{path}, "), message
    return message


def test_a_person_in_two_groups_names_both_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "person,group,perf\na,home,1\nb,home,2\nc,site,3\nd,site,4\na,site,5\n",
    )
    message = refused(path)
    assert "lines 2, 6 (the header is line 1), column 'group'" in message
    assert "person 'a' is in two groups: 'home' and 'site'" in message


def test_a_panel_person_who_changes_group(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "person,period,group,perf\n"
        "a,1,home,1\na,2,home,2\nb,1,home,2\nc,1,site,3\nd,1,site,3\nb,2,site,4\n",
    )
    message = refused(path)
    assert "lines 4, 7 (the header is line 1), column 'group'" in message
    assert "person 'b' is in two groups" in message


def test_a_person_twice_in_a_person_table(tmp_path: Path) -> None:
    path = write(tmp_path, "person,group,perf\na,home,1\nb,home,2\nc,site,3\nd,site,4\nc,site,5\n")
    message = refused(path)
    assert "lines 4, 6" in message and "column 'person'" in message
    assert "one row per person" in message and "'period' column" in message


def test_periods_out_of_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "person,period,group,perf\n"
        "a,2026-01-05,home,1\na,2026-01-12,home,2\nb,2026-01-05,home,2\n"
        "a,2026-01-01,home,3\nc,2026-01-05,site,3\nd,2026-01-05,site,3\n",
    )
    message = refused(path)
    assert "lines 3, 5 (the header is line 1), column 'period'" in message
    assert "periods of person 'a' are out of order ('2026-01-01' comes after '2026-01-12')" in (
        message
    )


def test_a_duplicate_person_period(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "person,period,group,perf\na,1,home,1\nb,1,home,2\nc,1,site,3\nd,1,site,3\na,1,home,3\n",
    )
    message = refused(path)
    assert "lines 2, 6" in message and "column 'period'" in message
    assert "person 'a' has the same period 2 times" in message


def test_a_group_with_one_person(tmp_path: Path) -> None:
    path = write(
        tmp_path, "person,group,perf\na,home,1\nb,home,2\nc,site,3\ne,site,5\nd,telecentre,4\n"
    )
    message = refused(path)
    assert "line 6 (the header is line 1), column 'group'" in message
    assert "group 'telecentre' has 1 person(s) with a value" in message
    # home against site alone leaves the telecentre out
    only_site = Question(group="group", treated="home", outcome="perf", control="site")
    assert prepare(read_table(path), only_site).n_control == 2


def test_missing_outcomes_are_refused_with_their_lines_unless_dropped(tmp_path: Path) -> None:
    text = "person,group,perf\na,home,1\nb,home,\nc,home,2\nd,site,3\ne,site,\nf,site,5\n"
    path = write(tmp_path, text)
    message = refused(path)
    assert "lines 3, 6 (the header is line 1), column 'perf'" in message
    assert "2 row(s) without a value for perf" in message and "--drop-missing" in message
    dropping = Question(group="group", treated="home", outcome="perf", drop_missing=True)
    sample = prepare(read_table(path), dropping)
    assert sample.dropped_rows == 2 and (sample.n_treated, sample.n_control) == (2, 2)


def test_a_missing_pre_value_is_a_missing_outcome_too(tmp_path: Path) -> None:
    path = write(tmp_path, "person,group,perf,pre\na,home,1,1\nb,home,2,\nc,site,3,1\nd,site,4,2\n")
    question = Question(group="group", treated="home", outcome="perf", pre="pre")
    assert "line 3 (the header is line 1), column 'pre'" in refused(path, question)


def test_the_treated_value_absent(tmp_path: Path) -> None:
    path = write(tmp_path, "person,group,perf\na,Home,1\nb,Home,2\nc,site,3\nd,site,4\n")
    message = refused(path)
    assert "column 'group': no row has group = 'home' (groups: Home, site)" in message


def test_a_missing_column_and_text_in_a_number_column(tmp_path: Path) -> None:
    path = write(tmp_path, "person,team,perf\na,home,1\n")
    assert "column 'group': no column 'group' (columns: person, team, perf)" in refused(path)
    path = write(tmp_path, "person,group,perf\na,home,1\nb,home,n/a\nc,site,3\nd,site,4\n")
    message = refused(path)
    assert "line 3 (the header is line 1), column 'perf': perf is not a number (e.g. 'n/a')" in (
        message
    )


def test_lines_are_those_of_the_file_with_blank_and_multiline_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'person,group,perf,note\n\na,home,1,"two\nlines"\nb,home,2,\n\nc,site,,\nd,site,4,\n',
    )
    assert "line 7 (the header is line 1), column 'perf'" in refused(path)


def test_a_semicolon_csv_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "person;group;perf\na;home;1\nb;home;2\nc;site;3\nd;site;5\n")
    sample = prepare(read_table(path), PERF)
    assert sample.n_treated == 2 and sample.y.tolist() == [1.0, 2.0, 3.0, 5.0]


def test_parquet_rows_are_counted_from_one(tmp_path: Path) -> None:
    path = tmp_path / "pilot.parquet"
    frame = pd.DataFrame(
        {"person": list("abcd"), "group": ["home", "home", "site", "site"], "perf": [1, 2, None, 4]}
    )
    frame.to_parquet(path)
    message = refused(path)
    assert "row 3 (data rows counted from 1), column 'perf'" in message


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "absent.csv")
    with pytest.raises(InputError, match=r"\.csv or \.parquet"):
        read_table(write(tmp_path, "x", "pilot.xlsx"))
    with pytest.raises(InputError, match="not a readable Parquet file"):
        read_table(write(tmp_path, "not parquet", "pilot.parquet"))
    with pytest.raises(InputError, match="line 3: 2 fields where the header has 3"):
        read_table(write(tmp_path, "person,group,perf\na,home,1\nb,home\n"))


def test_an_outcome_that_never_varies(tmp_path: Path) -> None:
    path = write(tmp_path, "person,group,quit\na,home,0\nb,home,0\nc,site,0\nd,site,0\n")
    message = refused(path, Question(group="group", treated="home", outcome="quit"))
    assert "column 'quit': quit does not vary" in message


def test_a_frame_in_memory_goes_the_same_way() -> None:
    frame = pd.DataFrame({"person": ["a", "b", "c"], "group": ["home", "home", "site"]})
    frame["perf"] = [1.0, 2.0, 3.0]
    with pytest.raises(InputError, match=r"^synthetic, row 3 \(data rows counted from 1\)"):
        prepare(Table.of_frame(frame, "synthetic"), PERF)


def test_treated_from_is_one_value_per_person(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "person,period,group,treated_from,perf\n"
        "a,1,home,2,1\na,2,home,2,2\nb,1,home,2,2\nb,2,home,3,2\nc,1,site,,3\nd,1,site,,4\n",
    )
    message = refused(path)
    assert "lines 4, 5 (the header is line 1), column 'treated_from'" in message
    assert "treated_from of person 'b' changes" in message


def test_the_pilot_package_imports_no_platform_module() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "homeshore" / "pilot"
    for module in root.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        for layer in ("db", "api", "services", "realtime"):
            assert f"homeshore.{layer}" not in text, f"{module.name} imports homeshore.{layer}"
