from __future__ import annotations

import pytest

from homeshore.commands._text_table import plain_table, print_line, print_table


def test_plain_table_aligns_whole_cells() -> None:
    text = plain_table(
        ("method", "WAPE", "in P10-P90"),
        [["daily_profile", "0.359", "0.894"], ["seasonal_mean4", "0.456", ""]],
        "17 weekly origins",
    )
    assert text.splitlines() == [
        "17 weekly origins",
        "method           WAPE  in P10-P90",
        "daily_profile   0.359       0.894",
        "seasonal_mean4  0.456",
    ]


def test_piped_output_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    long = "x" * 150 + " [not markup]"
    print_table(("a", "b"), [["1", "0.123456789"]], "title")
    print_line(long)
    print_line("on stderr", err=True)
    captured = capsys.readouterr()
    assert captured.out == "title\na            b\n1  0.123456789\n" + long + "\n"
    assert captured.err == "on stderr\n"
