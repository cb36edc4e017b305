"""National special days read from data files: what the `holidays` package does not list.

A special-days file is a CSV whose lines starting with `#` are comments; its header names the
columns `country, date, kind, name` (others, such as `source`, are kept for people, not read).
`kind` is one of NATIONAL_KINDS. The bundled file (data/special_days.csv) holds days with a
legal basis, each with its source (Israeli general elections, days of rest by law); a user
adds days of their own in files of the same format (ForecastSettings.special_days_files).
A malformed line is an InputError naming the file and the line.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from homeshore.errors import InputError
from homeshore.forecasting.calendar import DAY_OFF, HOLIDAY, REDUCED

#: Kinds a special-days file may give.
NATIONAL_KINDS = (HOLIDAY, DAY_OFF, REDUCED)
COLUMNS = ("country", "date", "kind", "name")
BUNDLED = Path(__file__).resolve().parent / "data" / "special_days.csv"


@dataclass(frozen=True, slots=True)
class NationalDay:
    country: str  # ISO 3166 code, upper case
    date: dt.date
    kind: str  # one of NATIONAL_KINDS
    name: str


def read_special_days(path: Path) -> list[NationalDay]:
    """Every day of a special-days file (see module doc)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read special days: {exc.strerror}", path=path) from None
    header: dict[str, int] | None = None
    days: list[NationalDay] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in next(csv.reader([line]))]
        if header is None:
            missing = [c for c in COLUMNS if c not in fields]
            if missing:
                raise InputError(
                    f"header lacks column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})",
                    path=path,
                    line=number,
                )
            header = {name: i for i, name in enumerate(fields)}
            continue
        if len(fields) != len(header):
            raise InputError(
                f"{len(fields)} fields where the header has {len(header)}", path=path, line=number
            )
        day = _parse(dict(zip(header, fields, strict=True)), path, number)
        key = (day.country, day.date)
        if key in seen:
            raise InputError(
                f"{day.country} {day.date} already given on line {seen[key]}",
                path=path,
                line=number,
            )
        seen[key] = number
        days.append(day)
    if header is None:
        raise InputError("no header line (country, date, kind, name)", path=path)
    return days


def _parse(row: dict[str, str], path: Path, number: int) -> NationalDay:
    country = row["country"].upper()
    if not (len(country) == 2 and country.isalpha()):
        raise InputError(
            f"country {row['country']!r} is not a two-letter ISO code", path=path, line=number
        )
    try:
        date = dt.date.fromisoformat(row["date"])
    except ValueError:
        raise InputError(
            f"date {row['date']!r} is not YYYY-MM-DD", path=path, line=number
        ) from None
    if row["kind"] not in NATIONAL_KINDS:
        raise InputError(
            f"kind {row['kind']!r} is not one of {', '.join(NATIONAL_KINDS)}",
            path=path,
            line=number,
        )
    if not row["name"]:
        raise InputError("empty name", path=path, line=number)
    return NationalDay(country, date, row["kind"], row["name"])


def national_days(country: str | None, files: Iterable[Path] = ()) -> list[NationalDay]:
    """The days of `country` in the bundled file and in `files` (a user's day on the same
    date as a bundled one replaces it)."""
    if not country:
        return []
    by_date: dict[dt.date, NationalDay] = {}
    for path in (BUNDLED, *files):
        for day in read_special_days(Path(path)):
            if day.country == country.upper():
                by_date[day.date] = day
    return sorted(by_date.values(), key=lambda d: d.date)
