from __future__ import annotations

from pathlib import Path

import pytest

from homeshore.data.scenario_file import load_scenario
from homeshore.domain import Channel, WorkMode
from homeshore.errors import InputError

MINIMAL = """\
name: tiny
queues:
  - id: q1
    opening_hours: {mon: ["08:00-18:00"]}
sites:
  - {id: s1, seats: 5}
teams:
  - {id: t1, manager: boss, site: s1}
agents:
  - id: a1
    team: t1
    skills: {q1: 3}
"""


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_example_scenarios_load(examples_dir: Path) -> None:
    for path in sorted(examples_dir.glob("*.yaml")):
        scenario = load_scenario(path)
        assert scenario.queues and scenario.agents, path


def test_telecom_example_has_home_volunteers_and_three_queues(examples_dir: Path) -> None:
    s = load_scenario(examples_dir / "telecom_fr.yaml")
    assert {q.id for q in s.queues} == {"plans_services", "technical", "legal_notices"}
    assert s.queue("legal_notices").channel is Channel.CHAT
    home = [a for a in s.agents if WorkMode.HOME in a.work_modes]
    assert 120 <= len(s.agents) <= 180
    assert 0.15 <= len(home) / len(s.agents) <= 0.4
    assert all(a.telework_volunteer for a in home)
    # open in the evening and on Saturday
    q = s.queue("plans_services")
    assert q.opening_hours.is_open(0, 21 * 60) and q.opening_hours.is_open(5, 10 * 60)


def test_minimal_scenario_defaults(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, MINIMAL))
    assert s.queue("q1").skill == "q1"
    assert s.agents[0].work_modes == frozenset({WorkMode.SITE})
    assert s.rules.max_daily_work_h == 10
    assert s.agreement.onsite_days_per_month == 1


def test_bad_field_names_file_field_and_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("{id: s1, seats: 5}", "{id: s1, seats: -3}")
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    message = str(err.value)
    assert str(path) in message
    assert "sites[0].seats" in message
    assert "line 6" in message
    assert "greater than or equal to 0" in message


def test_unknown_reference_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("skills: {q1: 3}", "skills: {q9: 3}"))
    with pytest.raises(InputError, match=r"agents\[0\].skills.*unknown skill 'q9'"):
        load_scenario(path)


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("name: tiny", "name: tiny\nnmae: typo"))
    with pytest.raises(InputError, match=r"nmae.*line 2|line 2.*nmae"):
        load_scenario(path)


def test_home_mode_without_volunteering_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL + "    work_modes: [home]\n")
    with pytest.raises(InputError, match="volunteers only"):
        load_scenario(path)


def test_broken_yaml_gives_line(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL + "  - id: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_scenario(path)


def test_toml_is_accepted(tmp_path: Path) -> None:
    toml = """\
name = "tiny"
[[queues]]
id = "q1"
opening_hours = { sat = ["20:00-24:00"] }
[[sites]]
id = "s1"
seats = 2
[[teams]]
id = "t1"
manager = "boss"
site = "s1"
"""
    s = load_scenario(_write(tmp_path, toml, "s.toml"))
    assert s.queue("q1").opening_hours.is_open(5, 23 * 60)


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    text = MINIMAL + "  - id: a1\n    team: t1\n    skills: {q1: 2}\n"
    with pytest.raises(InputError, match="duplicate id 'a1'"):
        load_scenario(_write(tmp_path, text))


def test_routing_priority_reaches_the_domain(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        'opening_hours: {mon: ["08:00-18:00"]}',
        'opening_hours: {mon: ["08:00-18:00"]}\n    routing: {policy: priority_aging, priority: 2}',
    )
    s = load_scenario(_write(tmp_path, text))
    assert s.queue("q1").routing.priority == 2


def test_special_days_files_are_relative_to_the_scenario_file(tmp_path: Path) -> None:
    (tmp_path / "days").mkdir()
    days = tmp_path / "days" / "strikes.csv"
    days.write_text("country,date,kind,name\nFR,2026-03-05,day_off,Strike\n", encoding="utf-8")
    text = MINIMAL + "planning:\n  special_days_files: [days/strikes.csv]\n"
    s = load_scenario(_write(tmp_path, text))
    assert s.planning.special_days_files == (days.resolve(),)


def test_missing_special_days_file_names_the_field_and_line(tmp_path: Path) -> None:
    text = MINIMAL + "planning:\n  special_days_files: [nowhere.csv]\n"
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    message = str(err.value)
    assert str(path) in message and "line 14" in message
    assert "planning.special_days_files[0]" in message and "nowhere.csv not found" in message
