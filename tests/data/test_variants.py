from __future__ import annotations

from pathlib import Path

import pytest

from homeshore.data.scenario_file import load_scenario
from homeshore.data.variants import load_variants, select_variants
from homeshore.domain import SiteKind, WorkMode
from homeshore.errors import InputError

BASE = """\
name: tiny
queues:
  - id: q1
    opening_hours: {mon: ["08:00-18:00"]}
  - id: q2
    opening_hours: {mon: ["08:00-18:00"]}
sites:
  - {id: s1, seats: 5}
teams:
  - {id: t1, manager: boss, site: s1}
  - {id: t2, manager: boss, site: s1}
agent_groups:
  - prefix: home_
    count: 3
    template:
      team: t1
      work_modes: [site, home]
      telework_volunteer: true
      telework_consent_date: 2026-09-01
      readiness: pass
      skills: {q1: 3}
agents:
  - {id: a1, team: t2, skills: {q1: 3, q2: 4}}
  - {id: a2, team: t2, skills: {q2: 2}}
"""


def _write(tmp_path: Path, variants: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(BASE + variants, encoding="utf-8")
    return path


def test_no_variant_gives_the_base_scenario(tmp_path: Path) -> None:
    [only] = load_variants(_write(tmp_path, ""))
    assert only.name == "base"
    assert len(only.scenario.agents) == 5


def test_agent_change_and_removal(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
variants:
  - name: site_only
    title: Site only
    agents:
      - match: {work_mode: home}
        set: {work_modes: [site]}
  - name: fewer
    remove_agents:
      - {ids: ["home_00[12]"]}
      - {team: [t2], skill: q1}
""",
    )
    site_only, fewer = load_variants(path)
    assert site_only.label == "Site only"
    assert all(a.work_modes == {WorkMode.SITE} for a in site_only.scenario.agents)
    # ids of expanded groups are those the scenario loader gives
    assert {a.id for a in site_only.scenario.agents} == {a.id for a in load_scenario(path).agents}
    assert {a.id for a in fewer.scenario.agents} == {"home_003", "a2"}
    assert fewer.label == "fewer"


def test_based_on_chains_and_sections_override(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
variants:
  - name: v1
    rules: {max_daily_work_h: 9}
    agreement: {max_home_days_per_week: 3}
    sites: {s1: {seats: 8}}
  - name: v2
    based_on: v1
    planning: {shrinkage: 0.2}
    add_sites:
      - {id: tc, kind: telecentre, seats: 4, has_trainer: false}
    add_teams:
      - {id: t_tc, manager: remote.boss, trainer: remote.trainer, site: tc}
    add_agent_groups:
      - {prefix: tc_, count: 2, template: {team: t_tc, work_modes: [telecentre], skills: {q2: 3}}}
""",
    )
    v1, v2 = load_variants(path)
    assert v1.scenario.rules.max_daily_work_h == 9
    assert v1.scenario.agreement.max_home_days_per_week == 3
    assert v1.scenario.site("s1").seats == 8
    assert v1.scenario.planning.shrinkage == pytest.approx(0.30)
    s = v2.scenario
    assert s.rules.max_daily_work_h == 9 and s.site("s1").seats == 8  # inherited
    assert s.planning.shrinkage == pytest.approx(0.2)
    assert s.site("tc").kind is SiteKind.TELECENTRE
    assert s.team("t_tc").trainer == "remote.trainer"
    assert len(s.agents) == 7


def test_example_variants(examples_dir: Path) -> None:
    variants = load_variants(examples_dir / "telecom_fr.yaml")
    by_name = {v.name: v.scenario for v in variants}
    assert list(by_name) == ["site_only", "home_evenings", "home_split_peaks", "telecentre"]
    home = {n: sum(WorkMode.HOME in a.work_modes for a in s.agents) for n, s in by_name.items()}
    assert home["site_only"] == 0 and home["home_evenings"] > 0
    splits = {
        n: sum(a.accepts_split_shifts and WorkMode.HOME in a.work_modes for a in s.agents)
        for n, s in by_name.items()
    }
    assert splits["home_evenings"] == 0 < splits["home_split_peaks"]
    tele = {
        n: sum(WorkMode.TELECENTRE in a.work_modes for a in s.agents) for n, s in by_name.items()
    }
    assert tele["home_split_peaks"] == 0 < tele["telecentre"]


def test_select_variants(tmp_path: Path) -> None:
    path = _write(tmp_path, "variants:\n  - {name: a}\n  - {name: b}\n")
    variants = load_variants(path)
    assert [v.name for v in select_variants(variants, ["b", "a", "b"])] == ["b", "a"]
    assert [v.name for v in select_variants(variants, None)] == ["a", "b"]
    with pytest.raises(InputError, match=r"unknown variant.*zz.*the scenario has a, b"):
        select_variants(variants, ["zz"])


@pytest.mark.parametrize(
    ("variants", "where", "offset", "reason"),
    [
        ("  - {name: a, rules: {max_dayly_work_h: 9}}\n", "variants[0].rules", 1, "max_dayly"),
        ("  - {name: a}\n  - {name: a}\n", "variants[1].name", 2, "used twice"),
        ("  - {name: base}\n", "variants[0].name", 1, "reserved"),
        ("  - {name: a, based_on: b}\n  - {name: b}\n", "variants[0].based_on", 1, "earlier"),
        (
            "  - name: a\n    agents:\n      - {match: {team: [t9]}, set: {night_worker: true}}\n",
            "variants[0] (a)",
            1,
            "agents\\[0\\].match matches no agent",
        ),
        (
            "  - name: a\n    agents:\n      - {match: {team: [t1]}, set: {colour: red}}\n",
            "variants[0].agents[0].set",
            3,
            "unknown agent field",
        ),
        (
            "  - name: a\n    remove_agents: [{}]\n",
            "variants[0].remove_agents",
            2,
            "at least one criterion",
        ),
        (
            "  - name: a\n    agents:\n      - {match: {ids: [a2]}, set: {work_modes: [home]}}\n",
            "variants[0] (a), in the scenario it makes",
            1,
            "home work is for telework volunteers only",
        ),
        (
            "  - name: a\n    sites: {nowhere: {seats: 3}}\n",
            "variants[0] (a)",
            1,
            "no entry with id 'nowhere'",
        ),
        (
            "  - name: a\n    planning: {shrinkage: 1.5}\n",
            "variants[0] (a), in the scenario it makes",
            1,
            "planning.shrinkage",
        ),
    ],
)
def test_bad_variants_name_file_field_and_line(
    tmp_path: Path, variants: str, where: str, offset: int, reason: str
) -> None:
    path = _write(tmp_path, "variants:\n" + variants)
    with pytest.raises(InputError, match=reason) as info:
        load_variants(path)
    err = info.value
    assert err.path == path
    assert err.where == where
    assert err.line == BASE.count("\n") + 1 + offset  # lines after "variants:"
    # the scenario loader rejects the same file
    with pytest.raises(InputError, match=reason):
        load_scenario(path)
