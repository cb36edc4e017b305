from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from homeshore.analytics import svg


@pytest.mark.parametrize(
    ("top", "integer", "expected_top", "ticks"),
    [
        (37.0, True, 40.0, (0, 10, 20, 30, 40)),
        (2.0, True, 2.0, (0, 1, 2)),  # counts: no half agents
        (100.0, False, 100.0, (0, 20, 40, 60, 80, 100)),
        (12.0, False, 12.5, (0, 2.5, 5, 7.5, 10, 12.5)),
        (0.0, True, 1.0, (0, 1)),  # nothing to show: a unit axis
        (math.nan, False, 1.0, (0, 0.2, 0.4, 0.6, 0.8, 1.0)),
    ],
)
def test_value_axis_ends_on_a_round_tick(
    top: float, integer: bool, expected_top: float, ticks: tuple[float, ...]
) -> None:
    axis_top, values = svg.value_axis(top, integer=integer)
    assert axis_top == pytest.approx(expected_top)
    assert values == pytest.approx(ticks)


def test_tick_labels_have_the_decimals_of_their_step() -> None:
    assert svg.tick_label(1000.0, 250.0) == "1,000"
    assert svg.tick_label(7.5, 2.5) == "7.5"
    assert svg.tick_label(0.6000000000000001, 0.2) == "0.6"


def _paths(figure: svg.Figure) -> list[str]:
    root = ET.fromstring(figure.svg())
    return [p.get("d", "") for p in root.iter("path")]


def test_a_step_line_breaks_at_missing_values_and_gaps() -> None:
    fig = svg.Figure(200, 100, "steps")
    panel = fig.panel(svg.Box(0, 0, 100, 100), (0.0, 10.0), (0.0, 10.0))
    # intervals 0-1 and 1-2 (one level: one move), 2-3 missing, 4-5, then 6-7 after a gap
    panel.step([0, 1, 2, 4, 6], [1, 2, 3, 5, 7], [5, 5, math.nan, 2, 3], "#000")
    (d,) = _paths(fig)
    assert d.count("M") == 3
    assert d.startswith("M0 50H20")  # level 5 held from x=0 to x=2 in one move
    assert "V" not in d.split("M")[1]


def test_a_step_line_joins_contiguous_intervals() -> None:
    fig = svg.Figure(200, 100, "steps")
    panel = fig.panel(svg.Box(0, 0, 100, 100), (0.0, 4.0), (0.0, 4.0))
    panel.step([0, 1, 2, 3], [1, 2, 3, 4], [1, 2, 2, 4], "#000")
    (d,) = _paths(fig)
    assert d == "M0 75H25V50H75V0H100"


def test_a_band_is_closed_between_its_two_steps() -> None:
    fig = svg.Figure(200, 100, "band")
    panel = fig.panel(svg.Box(0, 0, 100, 100), (0.0, 2.0), (0.0, 10.0))
    panel.step_band([0, 1], [1, 2], [2, 3], [4, 5], "#00f")
    (d,) = _paths(fig)
    assert d == "M0 60H50V50H100L100 70H50V80H0Z"


def test_lines_break_where_points_are_further_apart_than_allowed() -> None:
    fig = svg.Figure(200, 100, "line")
    panel = fig.panel(svg.Box(0, 0, 100, 100), (0.0, 10.0), (0.0, 10.0))
    panel.line([0, 1, 2, 6, 7], [1, 2, 3, 4, 5], "#000", max_gap=1.0)
    (d,) = _paths(fig)
    assert d.count("M") == 2 and d.count("L") == 3


def test_steps_need_as_many_starts_ends_and_values() -> None:
    fig = svg.Figure(200, 100, "bad")
    panel = fig.panel(svg.Box(0, 0, 100, 100), (0.0, 1.0), (0.0, 1.0))
    with pytest.raises(ValueError, match="as many starts, ends and values"):
        panel.step([0, 1], [1, 2], [1.0], "#000")


def test_text_and_label_are_escaped_and_nothing_is_fetched() -> None:
    fig = svg.Figure(300, 100, 'a "label" <b>')
    panel = fig.panel(svg.Box(40, 30, 200, 50), (0.0, 1.0), (0.0, 1.0))
    panel.axes([(0.0, "<Mon>"), (1.0, "Tue & Wed")], [0.0, 1.0])
    panel.title("q<1>: contacts")
    panel.legend([svg.Key("x & y", "#000"), svg.Key("band", "#00f", "area", opacity=0.3)])
    markup = fig.svg()
    root = ET.fromstring(markup)
    assert root.get("aria-label") == 'a "label" <b>'
    texts = [t.text for t in root.iter("text")]
    assert "<Mon>" in texts and "Tue & Wed" in texts and "q<1>: contacts" in texts
    assert "x & y" in texts
    assert not re.search(r"(href|src)=", markup) and "http" not in markup
