from __future__ import annotations

import csv
from pathlib import Path

from homeshore.cli import main
from homeshore.data.schedule_io import read_schedule, write_schedule
from homeshore.domain import Schedule
from tests.scheduling.tiny import requirements, seg

SCENARIO = """\
name: tiny
timezone: Europe/Paris
queues:
  - id: q1
    opening_hours: {mon: ["06:00-22:00"], tue: ["06:00-22:00"], wed: ["06:00-22:00"],
                    thu: ["06:00-22:00"], fri: ["06:00-22:00"], sat: ["06:00-22:00"]}
sites:
  - {id: s1, seats: 5}
teams:
  - {id: t1, manager: boss, site: s1, trainer: coach}
agents:
  - {id: a1, team: t1, contract_h_per_week: 16, skills: {q1: 3}}
  - id: h1
    team: t1
    contract_h_per_week: 16
    skills: {q1: 4}
    work_modes: [site, home]
    telework_volunteer: true
    telework_consent_date: 2026-09-01
    readiness: pass
    accepts_split_shifts: true
"""


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(SCENARIO)
    req = tmp_path / "req.csv"
    frame = requirements(1, hours=(8, 20))
    frame["start"] = [t.isoformat() for t in frame["start"]]
    frame.to_csv(req, index=False)
    return scenario, req


def _schedule(scenario: Path, req: Path, out: Path) -> int:
    args = ["--scenario", str(scenario), "--requirements", str(req), "-o", str(out)]
    fast = ["--time-limit-s", "2", "--workers", "1", "--slot-min", "30", "--deterministic"]
    return main(["schedule", *args, *fast])


def test_schedule_writes_outputs_that_pass_the_audit(tmp_path: Path) -> None:
    scenario, req = _inputs(tmp_path)
    out = tmp_path / "out"
    code = _schedule(scenario, req, out)
    assert code == 0
    for name in ("schedule.csv", "schedule.json", "agents.txt", "coverage.csv", "explanation.txt"):
        assert (out / name).stat().st_size > 0, name
    schedule = read_schedule(out / "schedule.csv")
    assert {s.agent_id for s in schedule} == {"a1", "h1"}
    with (out / "coverage.csv").open() as handle:
        header = next(csv.reader(handle))
    assert header == ["queue", "start", "interval_min", "required", "scheduled", "under", "over"]
    assert "under_coverage" in (out / "explanation.txt").read_text()
    assert main(["audit", str(out / "schedule.csv"), "--scenario", str(scenario)]) == 0


def test_audit_exits_non_zero_and_lists_violations(tmp_path: Path, capsys: object) -> None:
    scenario, _req = _inputs(tmp_path)
    bad = tmp_path / "bad.csv"
    write_schedule(Schedule.of([seg("a1", 0, (8, 0), (19, 0))]), bad)
    code = main(["audit", str(bad), "--scenario", str(scenario)])
    assert code == 1
    printed = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "max_daily_work" in printed and "a1" in printed and "2026-11-02 08:00" in printed


def test_schedule_reports_bad_requirements(tmp_path: Path) -> None:
    scenario, _req = _inputs(tmp_path)
    req = tmp_path / "bad.csv"
    req.write_text(
        "queue,start,interval_min,scheduled_agents\nnope,2026-11-02T08:00:00+01:00,30,1\n"
    )
    code = main(
        [
            "schedule",
            "--scenario",
            str(scenario),
            "--requirements",
            str(req),
            "-o",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    assert not (tmp_path / "o" / "schedule.csv").exists()


def test_schedule_explains_conflicting_rules(tmp_path: Path) -> None:
    scenario, req = _inputs(tmp_path)
    text = scenario.read_text().replace(
        "contract_h_per_week: 16, skills", "contract_h_per_week: 47, skills"
    )
    scenario.write_text(text + "rules: {max_weekly_work_h: 40}\n")
    out = tmp_path / "out"
    code = _schedule(scenario, req, out)
    assert code == 1
    text = (out / "explanation.txt").read_text()
    assert "cannot all hold" in text and "a1" in text
    assert "max_weekly_work" in text or "average_weekly_work" in text
    assert not (out / "schedule.csv").exists()
