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


def _schedule(scenario: Path, req: Path, out: Path, *more: str) -> int:
    args = ["--scenario", str(scenario), "--requirements", str(req), "-o", str(out)]
    fast = ["--time-limit-s", "2", "--workers", "1", "--slot-min", "30", "--deterministic"]
    return main(["schedule", *args, *fast, *more])


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


def _last_week_of_november(tmp_path: Path) -> Path:
    """Requirements of 23-29 November 2026, the week that owes the month's on-site day."""
    req = tmp_path / "req_w3.csv"
    frame = requirements(1, hours=(8, 20), week=3)
    frame["start"] = [t.isoformat() for t in frame["start"]]
    frame.to_csv(req, index=False)
    return req


def test_schedule_previous_weeks_count_toward_the_month(tmp_path: Path, capsys: object) -> None:
    """--previous (repeated: one file per earlier week) gives the month so far: h1's
    on-site day of week 2 means the last week of November needs none."""
    scenario, _req = _inputs(tmp_path)
    req = _last_week_of_november(tmp_path)
    week1, week2 = tmp_path / "w1.csv", tmp_path / "w2.csv"
    write_schedule(Schedule.of([seg("h1", 7, (9, 0), (13, 0), home=True)]), week1)
    write_schedule(Schedule.of([seg("h1", 14, (9, 0), (13, 0))]), week2)
    out = tmp_path / "out"
    code = _schedule(scenario, req, out, "--previous", str(week1), "--previous", str(week2))
    assert code == 0
    printed = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "previous schedule: 2 segment(s)" in printed and "1 of them teleworked" in printed
    both = ["--previous", str(week1), "--previous", str(week2)]
    assert main(["audit", str(out / "schedule.csv"), "--scenario", str(scenario), *both]) == 0
    # a week at home for h1: its on-site day is the one of week 2
    home = tmp_path / "home.csv"
    write_schedule(Schedule.of([seg("h1", d, (9, 0), (13, 0), home=True) for d in (21, 22)]), home)
    capsys.readouterr()  # type: ignore[attr-defined]
    main(["audit", str(home), "--scenario", str(scenario), *both])
    assert "onsite_days" not in capsys.readouterr().out  # type: ignore[attr-defined]
    main(["audit", str(home), "--scenario", str(scenario), "--previous", str(week1)])
    assert "onsite_days" in capsys.readouterr().out  # type: ignore[attr-defined]


def test_schedule_reports_a_malformed_previous_schedule(tmp_path: Path, capsys: object) -> None:
    scenario, req = _inputs(tmp_path)
    bad = tmp_path / "previous.csv"
    bad.write_text(
        "agent_id,start,end,activity,location,site,queue\n"
        "h1,2026-10-26T09:00:00+01:00,2026-10-26T13:00:00+01:00,work,home,,q1\n"
        "h1,2026-10-27T09:00,monday,work,home,,q1\n"
    )
    code = _schedule(scenario, req, tmp_path / "out", "--previous", str(bad))
    assert code == 2
    error = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "previous.csv, line 3, column end: 'monday' is not an ISO 8601 time" in error
    assert not (tmp_path / "out" / "schedule.csv").exists()
