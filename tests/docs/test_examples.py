"""The documentation's example commands name users, agents and teams that exist in the
example scenario they are run with (a reader copying them must not meet "no such agent")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from homeshore.data.scenario_file import load_scenario

ROOT = Path(__file__).resolve().parents[2]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]


def _telecom_ids() -> tuple[set[str], set[str]]:
    scenario = load_scenario(ROOT / "examples" / "telecom_fr.yaml")
    return {a.id for a in scenario.agents}, {t.id for t in scenario.teams}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_example_commands_name_existing_agents_and_teams(page: Path) -> None:
    agents, teams = _telecom_ids()
    text = page.read_text(encoding="utf-8")
    if "telecom_fr.yaml" not in text:
        pytest.skip("no command run with the telecom example")
    # placeholders are in capitals (--agent ID)
    for agent in re.findall(r"--agent[ =]([a-z]\w*)", text):
        assert agent in agents, f"{page.name}: --agent {agent} is not in examples/telecom_fr.yaml"
    for team in re.findall(r"--team[ =]([a-z]\w*)", text):
        assert team in teams, f"{page.name}: --team {team} is not in examples/telecom_fr.yaml"
