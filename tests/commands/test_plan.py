from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from homeshore.cli import main
from homeshore.commands.plan import parse_variants
from homeshore.data.schedule_io import read_schedule
from homeshore.domain.schedule import PAID_ACTIVITIES
from homeshore.errors import InputError
from homeshore.planning import PlanError, PlanSettings, Stage, run_plan
from tests.analytics.browser import ARTIFACTS, need_chromium, open_report

SMALL = Path(__file__).parent / "data" / "plan_small.yaml"
VARIANTS = ("site_only", "home")


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "out"
    code = main(
        [
            "plan",
            str(SMALL),
            "--out",
            str(out),
            # the pooled requirement's roster finds its first schedule after 5 deterministic
            # units on the "home" variant (within 10: then a schedule for each variant)
            "--time-limit-s",
            "10",
            "--deterministic",
            "--replications",
            "3",
        ]
    )
    assert code == 0
    return out


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path)


@pytest.mark.slow
def test_plan_writes_report_and_every_table(plan_dir: Path) -> None:
    assert (plan_dir / "report.html").stat().st_size > 50_000
    for name in ("comparison", "history"):
        assert (plan_dir / f"{name}.csv").is_file() and (plan_dir / f"{name}.json").is_file()
    meta = json.loads((plan_dir / "plan.json").read_text())
    assert [v["name"] for v in meta["variants"]] == list(VARIANTS)
    assert meta["seed"] == 7 and meta["settings"]["replications"] == 3
    for v in VARIANTS:
        folder = plan_dir / "variants" / v
        for table in ("forecast", "requirements", "schedule", "coverage", "simulation", "audit"):
            assert (folder / f"{table}.csv").is_file() and (folder / f"{table}.json").is_file()
    assert not list(plan_dir.rglob("*.tmp"))


@pytest.mark.slow
def test_report_numbers_match_the_stage_outputs(plan_dir: Path) -> None:
    comparison = _csv(plan_dir / "comparison.csv").set_index("variant")
    assert list(comparison.index) == list(VARIANTS)
    html = (plan_dir / "report.html").read_text()
    for v in VARIANTS:
        folder = plan_dir / "variants" / v
        row = comparison.loc[v]
        # paid hours and home share, recomputed here from the schedule file
        schedule = read_schedule(folder / "schedule.csv")
        paid = [s for s in schedule if s.activity in PAID_ACTIVITIES]
        paid_h = sum(s.duration_min for s in paid) / 60
        home_h = sum(s.duration_min for s in paid if s.location.value == "home") / 60
        assert row["paid_h"] == pytest.approx(paid_h)
        assert row["home_share"] == pytest.approx(home_h / paid_h)
        # requirements: the shrinkage rule on the pool (sales and support share advisors:
        # each queue holds a share of the pool's requirement), and the forecast's volumes
        req = _csv(folder / "requirements.csv")
        assert set(req["pool"]) == {"sales+support"}
        alone = req.assign(s=[math.ceil(r / 0.75 - 1e-9) for r in req["standalone_agents"]])
        pool = alone.groupby("start")[["required_agents", "scheduled_agents", "s"]].sum()
        expected = [
            min(math.ceil(r / 0.75 - 1e-9), s)
            for r, s in zip(pool["required_agents"], pool["s"], strict=True)
        ]
        assert list(pool["scheduled_agents"]) == expected
        assert req["required_agents"].sum() < req["standalone_agents"].sum()
        forecast = _csv(folder / "forecast.csv")
        assert req["volume"].sum() == pytest.approx(forecast["volume"].sum())
        # coverage: planned agent-hours equal the work hours the schedule puts on queues
        coverage = _csv(folder / "coverage.csv")
        work_on_queues = sum(
            s.duration_min for s in schedule if s.activity.value == "work" and s.queue
        )
        planned_h = float((coverage["planned_agents"] * coverage["interval_min"] / 60).sum())
        assert planned_h == pytest.approx(work_on_queues / 60, rel=1e-6)
        # simulated service level: the simulator's counts, weighted over the week
        sim = _csv(folder / "simulation.csv")
        assert row["service_level"] == pytest.approx(
            sim["answered_within_t"].sum() / sim["offered"].sum()
        )
        assert row["abandon_rate"] == pytest.approx(sim["abandoned"].sum() / sim["offered"].sum())
        assert (
            (sim["service_level_lo"] <= sim["service_level"] + 1e-12) | sim["offered"].eq(0)
        ).all()
        # the audit finds nothing, and the report says so
        assert len(_csv(folder / "audit.csv")) == 0
        assert row["audit_violations"] == 0
        # the figures appear in the HTML as the comparison table formats them
        assert f"{row['paid_h']:,.0f}" in html
        assert f"{row['service_level']:.1%}" in html
    assert html.count("0 violations.") == len(VARIANTS)
    # the site-only variant puts nobody at home
    assert comparison.loc["site_only", "home_share"] == 0
    assert comparison.loc["home", "home_share"] > 0


@pytest.mark.slow
@pytest.mark.browser
def test_plan_report_opens_in_chromium(plan_dir: Path) -> None:
    need_chromium()
    shot = ARTIFACTS / "plan-report.png"
    check = open_report(plan_dir / "report.html", shot)
    assert check.console_errors == [] and check.page_errors == []
    assert check.blank_figures == 0 and check.figures >= 1 + 1 + 3 * len(VARIANTS)
    assert all(u.startswith(("file://", "data:")) for u in check.requests)
    assert "Site only" in check.text and "With home volunteers" in check.text
    assert shot.stat().st_size > 50_000


def test_parse_variants() -> None:
    assert parse_variants(None) is None
    assert parse_variants("a, b") == ["a", "b"]
    with pytest.raises(InputError, match="separated by commas"):
        parse_variants("a,,b")


def test_bad_scenario_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    text = SMALL.read_text().replace("seats: 12", "seats: -1")
    bad.write_text(text)
    assert main(["plan", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "stage scenario" in err and "bad.yaml" in err and "sites[0].seats" in err
    line = text.splitlines().index("  - {id: centre, name: Town centre, seats: -1}") + 1
    assert f"line {line}" in err
    assert not (tmp_path / "o").exists()


def test_unknown_variant_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(SMALL), "--variants", "home,nope", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown variant(s) nope" in err and "site_only, home" in err


def test_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(SMALL), "--replications", "0", "--out", str(tmp_path)]) == 2
    assert "replications must be >= 1" in capsys.readouterr().err


def test_missing_history_names_the_stage_and_the_input(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    text = SMALL.read_text().replace(
        "history: {kind: generator, seed: 7, weeks: 4}",
        "history: {kind: intervals, path: nowhere/intervals.parquet}",
    )
    scenario.write_text(text)
    with pytest.raises(PlanError) as info:
        run_plan(scenario, settings=PlanSettings(roster_time_limit_s=1, replications=1))
    err = info.value
    assert err.stage is Stage.HISTORY and err.variant is None
    assert "nowhere/intervals.parquet" in err.source
    assert re.search(r"stage history failed \(input: intervals history .*nowhere", str(err))
    assert "not found" in str(err)


def test_malformed_previous_schedule_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "last_week.csv"
    bad.write_text(
        "agent_id,start,end,activity,location,site,queue\n"
        "h1,2026-10-26T09:00:00+01:00,2026-10-26T13:00:00+01:00,nap,home,,q1\n"
    )
    code = main(["plan", str(SMALL), "--previous", str(bad), "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "stage scenario failed (input: previous schedule" in err
    assert "last_week.csv, line 2, column activity: 'nap' is not one of" in err
    assert not (tmp_path / "o").exists()
