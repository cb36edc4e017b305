from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from homeshore.analytics.export import write_table
from homeshore.analytics.report import TableView, build_report, differences, render_report
from homeshore.analytics.results import (
    AUDIT_COLUMNS,
    VariantOutcome,
    analyse,
    comparison_table,
    simulation_by_queue,
)
from homeshore.domain import Scenario, Schedule
from tests.analytics.conftest import forecast_from, history_before, requirements, simulated

ROWS = [(0, f"{h:02d}:{m:02d}", 1 + (h % 2)) for h in range(8, 22) for m in (0, 30)]
VARIANT_FIGURES = ["Requirements against the roster", "Simulated service", "Workforce"]
VARIANT_TABLES = [
    "Coverage per pool (agent-hours)",
    "Coverage per queue (agent-hours)",
    "Simulated service per queue",
    "Seats per site",
    "Evenings and Saturdays: who takes the contacts",
    "On-site days of home volunteers, and training placed",
    "Roster",
    "What each soft goal cost",
]


def _figures(html: str) -> list[str]:
    """Titles of the report's figures, in order; each must hold one well-formed inline SVG
    with drawn marks and no external reference."""
    found = re.findall(
        r"<figure>\s*(<svg .*?</svg>)\s*<figcaption><strong>(.*?)\.</strong>", html, re.S
    )
    assert len(found) == html.count("<figure>")
    for markup, title in found:
        root = ET.fromstring(markup)  # well-formed
        assert root.get("role") == "img" and root.get("viewBox"), title
        assert root.findall("path") and root.findall("text"), title
        assert "http" not in markup and "<script" not in markup and " id=" not in markup
    return [title for _, title in found]


def _outcome(
    name: str, scenario: Scenario, schedule: Schedule, sl: float, audit: pd.DataFrame | None = None
) -> VariantOutcome:
    req = requirements(ROWS)
    return VariantOutcome(
        name=name,
        title=f"Variant {name}",
        description=f"What {name} changes",
        scenario=scenario,
        forecast=forecast_from(req),
        requirements=req,
        schedule=schedule,
        roster_status="optimal",
        audit=audit if audit is not None else pd.DataFrame(columns=list(AUDIT_COLUMNS)),
        simulation=simulated(req, sl=sl, abandon=0.02, asa_s=12.0),
        replications=3,
        roster_wall_s=1.5,
        roster_objective=1200,
        roster_bound=1100,
        penalty_costs={"under_coverage": 1000, "over_coverage": 200},
    )


def test_simulation_by_queue_weights_by_counts() -> None:
    req = requirements([(0, "08:00", 1), (0, "08:30", 1)]).assign(volume=[10.0, 30.0])
    kpis = simulated(req, sl=0.8, abandon=0.1, asa_s=10.0)
    kpis.loc[1, ["answered_within_t", "asa_s"]] = [15.0, 30.0]  # 50 % in the second
    row = simulation_by_queue(kpis).set_index("queue").loc["all queues"]
    assert row["service_level"] == pytest.approx((8 + 15) / 40)
    assert row["abandon_rate"] == pytest.approx(0.1)
    assert row["asa_s"] == pytest.approx((10 * 9 + 30 * 27) / 36)


def test_report_numbers_come_from_the_outcomes(
    tiny_scenario: Scenario, tiny_schedule: Schedule
) -> None:
    audit = pd.DataFrame(
        [{"agent_id": "h", "start": ROWS[0][1], "rule": "daily_rest", "detail": "9 h < 11 h"}]
    )
    a = analyse(_outcome("one", tiny_scenario, tiny_schedule, sl=0.9))
    b = analyse(_outcome("two", tiny_scenario, tiny_schedule, sl=0.7, audit=audit))
    table = comparison_table([a, b]).set_index("variant")
    assert table.loc["one", "service_level"] == pytest.approx(0.9)
    assert table.loc["two", "service_level"] == pytest.approx(0.7)
    assert table.loc["one", "paid_h"] == pytest.approx(7.25 + 13)
    assert table.loc["one", "audit_violations"] == 0 and table.loc["two", "audit_violations"] == 1
    # weekday evening and Saturday contact hours: all 6 of them from home
    assert table.loc["one", "evening_saturday_home_share"] == pytest.approx(1.0)
    req = a.outcome.requirements
    planned = a.coverage["planned_agents"].sum() * 0.5
    assert table.loc["one", "short_agent_h"] == pytest.approx(
        float(((req["scheduled_agents"] - a.coverage["planned_agents"]).clip(lower=0) * 0.5).sum())
    )
    assert a.summary["planned_agent_h"] == pytest.approx(planned)

    history = history_before(req)
    html = render_report(
        build_report([a, b], history, title="tiny plan", facts=[("horizon", "1 week")])
    )
    assert html.startswith("<!DOCTYPE html>")
    assert "Variant one" in html and "What two changes" in html
    assert "90.0%" in html and "70.0%" in html  # simulated SL in the comparison table
    assert "20.25" not in html and "20" in html  # paid hours are formatted
    assert "0 violations" in html and "1 violation." in html and "daily_rest" in html
    # the comparison chart, one shared demand figure, 3 per variant
    assert _figures(html) == [
        "Variants side by side",
        "Forecast against history (all variants)",
        *VARIANT_FIGURES * 2,
    ]
    # offline: no external reference, no script
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html


def test_single_variant_has_no_comparison_chart(
    tiny_scenario: Scenario, tiny_schedule: Schedule
) -> None:
    a = analyse(_outcome("only", tiny_scenario, tiny_schedule, sl=0.9))
    html = render_report(build_report([a], history_before(a.outcome.requirements), title="t"))
    assert _figures(html) == ["Forecast against history (all variants)", *VARIANT_FIGURES]
    with pytest.raises(ValueError, match="at least one variant"):
        build_report([], history_before(a.outcome.requirements), title="t")


def test_every_figure_and_table_the_report_promises_is_there(
    tiny_scenario: Scenario, tiny_schedule: Schedule
) -> None:
    a = analyse(_outcome("one", tiny_scenario, tiny_schedule, sl=0.9))
    b = analyse(_outcome("two", tiny_scenario, tiny_schedule, sl=0.7))
    view = build_report([a, b], history_before(a.outcome.requirements), title="t")
    assert view.comparison_figure is not None and view.differences is not None
    for variant in view.variants:
        assert [f.title for f in variant.figures] == VARIANT_FIGURES
        assert [t.title for t in variant.tables] == VARIANT_TABLES
    html = render_report(view)
    for title in [*VARIANT_FIGURES, *VARIANT_TABLES]:
        assert html.count(f"{title}") >= 2, title  # in both variants' sections
    # the simulated KPI panels of the queue, with their targets (dashed) and axes
    assert "q1: service level (%)" in html and "q1: ASA (s)" in html
    assert "q1: abandon rate (%)" in html and "stroke-dasharray" in html


def test_text_is_escaped(tiny_scenario: Scenario, tiny_schedule: Schedule) -> None:
    a = analyse(_outcome("<b>x</b>", tiny_scenario, tiny_schedule, sl=0.9))
    html = render_report(build_report([a], history_before(a.outcome.requirements), title="<i>"))
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_tables_written_as_csv_and_json(tmp_path: Path, tiny_schedule: Schedule) -> None:
    req = requirements(ROWS[:3])
    peak = pd.Series([req["start"][0], pd.NaT, pd.NaT], dtype=req["start"].dtype)
    table = req.assign(note=[None, "x", None], seen=[True, False, True], peak=peak)
    table.loc[2, "volume"] = float("nan")
    paths = write_table(table, tmp_path / "out", "requirements")
    assert [p.name for p in paths] == ["requirements.csv", "requirements.json"]
    text = paths[1].read_text()
    assert len(text.splitlines()) == 2 + 3  # the brackets and one record per line
    records = json.loads(text)
    assert records[0]["start"] == "2026-11-02T08:00:00+01:00"  # local time with its offset
    assert records[0]["note"] is None and records[1]["scheduled_agents"] == 1
    assert records[0]["peak"] == records[0]["start"] and records[1]["peak"] is None  # NaT
    assert records[2]["volume"] is None and records[0]["volume"] == 10.0  # NaN
    assert [r["seen"] for r in records] == [True, False, True]
    assert type(records[1]["required_agents"]) is int
    back = pd.read_csv(paths[0])
    assert list(back["start"])[:1] == ["2026-11-02T08:00:00+01:00"]
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_differences_from_the_first_variant(
    tiny_scenario: Scenario, tiny_schedule: Schedule
) -> None:
    a = analyse(_outcome("one", tiny_scenario, tiny_schedule, sl=0.9))
    b = analyse(_outcome("two", tiny_scenario, tiny_schedule, sl=0.7))
    diff = differences(comparison_table([a, b])).set_index("variant")
    assert list(diff.index) == ["Variant two"]
    assert diff.loc["Variant two", "service_level"] == pytest.approx(-0.2)
    assert diff.loc["Variant two", "paid_h"] == 0
    html = render_report(build_report([a, b], history_before(a.outcome.requirements), title="t"))
    assert "Difference from Variant one" in html and "-20.0%" in html


def test_empty_site_shows_no_peak_time(tiny_scenario: Scenario, tiny_schedule: Schedule) -> None:
    # nobody at the site: no peak time (NaT in the seats table) is shown as a dash
    home_only = Schedule.of(s for s in tiny_schedule if s.location.value == "home")
    a = analyse(_outcome("home", tiny_scenario, home_only, sl=0.9))
    assert a.seats["peak_seats_used"].iloc[0] == 0
    html = render_report(build_report([a], history_before(a.outcome.requirements), title="t"))
    assert "<td>–</td>" in html.replace("\n", "").replace("  ", "")


def test_missing_times_and_numbers_are_dashes() -> None:
    frame = pd.DataFrame(
        {
            "site": ["a", "b"],
            "peak_at": pd.to_datetime(["2026-11-02 08:00", None]),
            "x": [1.5, None],
        }
    )
    view = TableView.of("t", frame)
    assert view.rows[1] == ("b", "–", "–")
    assert view.rows[0][1] == "Mon 02 Nov 08:00"
