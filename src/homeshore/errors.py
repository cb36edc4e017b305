"""Errors a user sees: each names what is wrong and where."""

from __future__ import annotations

from pathlib import Path


class HomeshoreError(Exception):
    """Base of every error homeshore reports to a user (the CLI prints it, no traceback)."""


class InputError(HomeshoreError):
    """Bad input: names the file, the place in it (field, line, queue, interval) and why."""

    def __init__(
        self,
        reason: str,
        *,
        path: Path | str | None = None,
        where: str | None = None,
        line: int | None = None,
    ) -> None:
        self.reason = reason
        self.path = Path(path) if path is not None else None
        self.where = where
        self.line = line
        super().__init__(self.describe())

    def describe(self) -> str:
        place = []
        if self.path is not None:
            place.append(str(self.path))
        if self.line is not None:
            place.append(f"line {self.line}")
        if self.where:
            place.append(self.where)
        prefix = ", ".join(place)
        return f"{prefix}: {self.reason}" if prefix else self.reason
