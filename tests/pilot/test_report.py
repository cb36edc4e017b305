"""The pilot's report (`homeshore pilot report`): each KPI's verdict, the event study of a
pilot in phases, the balance before it and time to leave, in one offline page whose
figures come from the same functions as `compare`, `balance` and `survival`."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from homeshore.cli import main
from homeshore.pilot import Continuous, Question, Table, compare, prepare
from homeshore.pilot.report import build_report, render_html, tables
from homeshore.pilot.survival import survival
from homeshore.pilot.synthetic import staggered_pilot, survival_pilot

AHT = Continuous("aht_s", mean=420.0, sd=30.0, effect=-20.0)


def _phases() -> pd.DataFrame:
    frame = staggered_pilot(np.random.default_rng(3), AHT, person_sd=15.0, selection=-25.0)
    # a second KPI on the same rows: a repeat-contact rate the move does not change
    return frame.assign(repeat_pct=np.random.default_rng(4).normal(12.0, 3.0, len(frame)))


def test_the_report_gathers_the_analyses_it_shows() -> None:
    table = Table.of_frame(_phases(), "phases.csv")
    stayed = survival(
        Table.of_frame(survival_pilot(np.random.default_rng(1)), "stay.csv"),
        group="group",
        treated="home",
        time="months",
        event="left",
    )
    report = build_report(
        table,
        group="group",
        treated="home",
        outcomes=["aht_s", "repeat_pct"],
        staggered=True,
        covariates=["aht_s"],
        survival_result=stayed,
    )
    direct = compare(prepare(table, Question("group", "home", "aht_s", staggered=True)))
    assert report.kpis[0].comparison == direct
    frames = tables(report)
    assert set(frames) == {"kpis", "event_study", "balance", "survival"}
    assert frames["kpis"]["estimate"].tolist()[0] == pytest.approx(direct.estimate)
    assert len(frames["event_study"]) == 2 * 12  # two KPIs, -4..-2 and 0..8

    page = render_html(report)
    assert direct.ci_low < AHT.true_effect < direct.ci_high
    assert report.kpis[0].sentence in page.replace("&#39;", "'")
    assert "<script" not in page and "http" not in page
    figures = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(figures) == 2  # one event study per KPI
    for figure in figures:
        ET.fromstring(figure)  # well-formed
        assert "−1 (ref.)" in figure and "<path" in figure
    assert 'class="imbalanced"' in page  # the volunteers' 25 s head start
    assert "log-rank test" in page and "Parallel trends before the move" in page


def test_from_the_command_line_and_nothing_written_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "phases.csv"
    _phases().to_csv(path, index=False)
    out = tmp_path / "report"
    argv = ["pilot", "report", str(path), "--group", "group", "--treated", "home"]
    assert main([*argv, "--outcomes", "aht_s,nope", "--out", str(out)]) == 2
    assert "'nope'" in capsys.readouterr().err
    assert not out.exists()
    assert main([*argv, "--outcomes", "aht_s", "--staggered", "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith("aht_s: treated − control")
    assert sorted(p.name for p in out.iterdir()) == ["event_study.csv", "kpis.csv", "report.html"]
    kpis = pd.read_csv(out / "kpis.csv")
    assert kpis.loc[0, "method"].startswith("difference in differences, advisor and period")
