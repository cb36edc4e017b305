from __future__ import annotations

from pathlib import Path

import pytest

from homeshore.analytics.report import build_report, render_report
from homeshore.analytics.results import analyse
from homeshore.domain import Scenario, Schedule
from tests.analytics.browser import ARTIFACTS, need_chromium, open_report
from tests.analytics.conftest import history_before
from tests.analytics.test_report import _outcome


@pytest.mark.browser
def test_report_opens_in_chromium_without_errors(
    tmp_path: Path, tiny_scenario: Scenario, tiny_schedule: Schedule
) -> None:
    need_chromium()
    a = analyse(_outcome("one", tiny_scenario, tiny_schedule, sl=0.9))
    b = analyse(_outcome("two", tiny_scenario, tiny_schedule, sl=0.7))
    path = tmp_path / "report.html"
    history = history_before(a.outcome.requirements)
    path.write_text(render_report(build_report([a, b], history, title="tiny plan")))
    check = open_report(path, ARTIFACTS / "analytics-report.png")
    assert check.console_errors == [] and check.page_errors == []
    assert check.title == "tiny plan"
    assert check.figures == 8 and check.blank_figures == 0
    assert check.images == 0  # figures are inline SVG, nothing to load
    # nothing but the file itself and its data URIs is fetched
    assert all(u.startswith(("file://", "data:")) for u in check.requests), check.requests
    assert "Variants side by side" in check.text and "Variant two" in check.text
    assert (ARTIFACTS / "analytics-report.png").stat().st_size > 10_000
