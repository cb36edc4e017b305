from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from homeshore.analytics import plots, svg
from homeshore.analytics.results import analyse
from homeshore.domain import Scenario, Schedule
from tests.analytics.conftest import requirements, simulated
from tests.analytics.test_report import ROWS, _outcome

TZ = "Europe/Paris"


def _texts(markup: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(markup).iter("text")]


def test_simulation_names_the_queues_it_has_nothing_to_draw_for() -> None:
    busy = simulated(requirements(ROWS), sl=0.8, abandon=0.05, asa_s=20.0)
    quiet = busy.assign(queue="q2", offered=plots.MIN_CONTACTS_SHOWN / 2)
    kpis = pd.concat([busy, quiet], ignore_index=True).assign(sl_target=0.8, abandon_target=0.05)
    texts = _texts(plots.simulation_figure(kpis, TZ))
    panels = [t for t in texts if ": " in t and not t.startswith("Not drawn")]
    assert panels == ["q1: service level (%)", "q1: ASA (s)", "q1: abandon rate (%)"]
    assert any(t.startswith("Not drawn") and t.endswith(": q2") for t in texts)


def test_coverage_marks_each_interval_short_of_target(
    tiny_scenario: Scenario, tiny_schedule: Schedule
) -> None:
    a = analyse(_outcome("one", tiny_scenario, tiny_schedule, sl=0.9))
    short = int((a.coverage["shortfall"] > 1e-9).sum())
    assert 0 < short < len(a.coverage)
    root = ET.fromstring(plots.coverage_figure(a.coverage, TZ))
    marks = [p.get("d", "") for p in root.iter("path") if p.get("stroke") == plots.TARGET_COLOUR]
    assert sum(d.count("v-") for d in marks) == short
    # under two days: ticks every few hours, in local time (08:00 in Paris is 07:00 UTC)
    texts = _texts(ET.tostring(root, encoding="unicode"))
    assert "Mon 08:00" in texts and "Mon 20:00" in texts


def test_workforce_draws_with_no_seat_used_and_no_hours() -> None:
    markup = plots.workforce_figure(
        pd.DataFrame(columns=["date", "location", "paid_h"]),
        pd.DataFrame(columns=["site", "time", "present"]),
        pd.DataFrame({"site": ["s1"], "seats": [3]}),
        pd.DataFrame(columns=["period", "location", "agents", "work_h", "share"]),
        TZ,
    )
    texts = _texts(markup)
    assert "seats in use at each site" in texts and "s1" in texts


def test_day_ticks_thin_out_so_labels_do_not_overlap() -> None:
    clock = plots._Clock(pd.Timestamp("2026-11-02"), TZ)
    assert [label for _, label in clock.ticks(0.0, 7.0, "%a", 380.0)][:3] == ["Mon", "Tue", "Wed"]
    four_weeks = clock.ticks(0.0, 28.0, "%a %d", 380.0)
    step_px = (four_weeks[1][0] - four_weeks[0][0]) / 28.0 * 380.0
    assert step_px > svg.text_width_px("Mon 02") and four_weeks[0] == (0.0, "Mon 02")
