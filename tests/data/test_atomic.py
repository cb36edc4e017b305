from __future__ import annotations

from pathlib import Path

import pytest

from homeshore.data.atomic import write_atomic, write_text_atomic


def test_complete_write_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.csv"
    write_text_atomic(target, "a,b\n1,2\n")
    assert target.read_text(encoding="utf-8") == "a,b\n1,2\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]


def test_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def broken(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomic(target, broken)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_temporary_keeps_the_suffix(tmp_path: Path) -> None:
    seen: list[str] = []
    write_atomic(tmp_path / "plot.png", lambda tmp: seen.append(tmp.suffix) or tmp.touch())
    assert seen == [".png"]
