"""Pilot tables from CSV or Parquet, validated into the sample a comparison runs on.

Two shapes (docs/pilot.md), told apart by a `period` column:

- person-level, one row per advisor: `person`, a group column, then any covariates and
  outcomes (`quit` 0/1, `perf_pre`, `perf_post`, ...);
- person-period panel, one row per advisor and period: `person`, `period`, a group column,
  optionally `treated_from`, then outcomes.

Every error is an InputError naming the file, the place (CSV: the file's line, the header
being line 1; Parquet or a frame: the 1-based data row) and the column. Reading is the only
I/O here; `prepare` works on a `Table` in memory, so synthetic pilots go the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from homeshore.errors import InputError

PERSON: str = "person"
PERIOD: str = "period"
TREATED_FROM: str = "treated_from"
_SHOWN = 5  # rows named in a message before "and N more"


@dataclass(frozen=True, slots=True)
class Table:
    """A table as read, with where each row stands in its source."""

    frame: pd.DataFrame
    source: str
    numbers: np.ndarray  # per row: the file line (CSV) or the 1-based data row
    numbering: Literal["line", "row"]

    @classmethod
    def of_frame(cls, frame: pd.DataFrame, source: str = "table") -> Table:
        frame = frame.reset_index(drop=True)
        return cls(frame, source, np.arange(1, len(frame) + 1, dtype=np.int64), "row")

    def rows(self, keep: np.ndarray) -> Table:
        """The rows where `keep` is true, still named by their place in the source."""
        return Table(
            self.frame[keep].reset_index(drop=True), self.source, self.numbers[keep], self.numbering
        )

    @property
    def kind(self) -> Literal["person", "panel"]:
        return "panel" if PERIOD in self.frame.columns else "person"

    def error(
        self, reason: str, rows: Sequence[int] | np.ndarray = (), column: str = ""
    ) -> InputError:
        """InputError at the given row positions (0-based in `frame`) and column."""
        place: list[str] = []
        positions = [int(r) for r in rows]
        if positions:
            numbers = [int(self.numbers[r]) for r in positions]
            shown = ", ".join(str(n) for n in numbers[:_SHOWN])
            more = f" and {len(numbers) - _SHOWN} more" if len(numbers) > _SHOWN else ""
            if self.numbering == "line":
                word = "line" if len(numbers) == 1 else "lines"
                place.append(f"{word} {shown}{more} (the header is line 1)")
            else:
                word = "row" if len(numbers) == 1 else "rows"
                place.append(f"{word} {shown}{more} (data rows counted from 1)")
        if column:
            place.append(f"column {column!r}")
        return InputError(reason, path=self.source, where=", ".join(place) or None)


@dataclass(frozen=True, slots=True)
class Question:
    """What to compare: rows whose `group` column equals `treated` against the others (or
    those of `control`), on `outcome`, or on `outcome - pre` when `pre` is given."""

    group: str
    treated: str
    outcome: str
    pre: str | None = None
    cluster: str | None = None
    control: str | None = None
    drop_missing: bool = False
    # a pilot in phases: each treated person counts as treated from their own
    # `treated_from` period on (difference in differences, person and period fixed effects)
    staggered: bool = False


@dataclass(frozen=True, slots=True)
class Sample:
    """The rows a comparison runs on (missing ones dropped only if asked)."""

    y: np.ndarray  # compared quantity per row: the outcome, or outcome - pre
    outcome: np.ndarray  # the outcome per row (the arms' means)
    treated: np.ndarray  # bool per row
    cluster: np.ndarray | None  # int codes; None: one row per person, no clustering
    cluster_by: str | None  # "person" or the --cluster column
    kind: Literal["person", "panel"]
    binary: bool  # the outcome only takes 0 and 1
    did: bool  # y = outcome - pre
    n_treated: int  # persons
    n_control: int
    control_groups: tuple[str, ...]
    dropped_rows: int
    # with Question.staggered: per row, the person's and the period's codes (periods in time
    # order), and whether the row is in the pilot's way of working (treated, from treated_from)
    person: np.ndarray | None = None
    period: np.ndarray | None = None
    active: np.ndarray | None = None
    moved: np.ndarray | None = None  # per row, the period code of the person's move (-1: never)


# --------------------------------------------------------------------------- reading


def read_table(path: Path) -> Table:
    """Read a .csv (UTF-8, comma or semicolon) or .parquet pilot table."""
    if not path.is_file():
        raise InputError("file not found", path=path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pq.read_table(path).to_pandas()
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"not a readable Parquet file ({exc})", path=path) from None
        return Table(frame, str(path), np.arange(1, len(frame) + 1, dtype=np.int64), "row")
    if suffix == ".csv":
        return _read_csv(path)
    raise InputError("a pilot table must be a .csv or .parquet file", path=path)


def _read_csv(path: Path) -> Table:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip() for f in fields]
                twice = sorted({h for h in header if header.count(h) > 1})
                if twice:
                    raise InputError(
                        f"column(s) {', '.join(twice)} appear twice", path=path, line=start
                    )
                continue
            if len(fields) != len(header):
                raise InputError(
                    f"{len(fields)} fields where the header has {len(header)}",
                    path=path,
                    line=start,
                )
            rows.append([f.strip() for f in fields])
            numbers.append(start)
    except csv.Error as exc:
        raise InputError(
            f"not a readable CSV file ({exc})", path=path, line=reader.line_num
        ) from None
    if header is None:
        raise InputError("the file is empty (no header line)", path=path)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return Table(frame, str(path), np.array(numbers, dtype=np.int64), "line")


# --------------------------------------------------------------------------- columns


def _require(table: Table, columns: Sequence[str]) -> None:
    missing = [c for c in dict.fromkeys(columns) if c not in table.frame.columns]
    if missing:
        have = ", ".join(str(c) for c in table.frame.columns)
        raise table.error(
            f"no column {', '.join(repr(c) for c in missing)} (columns: {have})",
            column=missing[0],
        )


def _text(table: Table, column: str) -> pd.Series:
    """Values as stripped strings; missing ones (empty, null) as None."""
    raw = table.frame[column]
    out = raw.astype(object).where(raw.notna(), None)
    text = out.map(lambda v: None if v is None else str(v).strip())
    return text.where(text != "", None)


def _labels(table: Table, column: str) -> np.ndarray:
    """An identifier column (person, group, cluster): every row must have one."""
    text = _text(table, column)
    empty = np.flatnonzero(text.isna().to_numpy())
    if len(empty):
        raise table.error(f"{column} is empty", empty, column)
    return text.to_numpy(dtype=object)


def _numbers(table: Table, column: str) -> np.ndarray:
    """A numeric column; empty cells are NaN, text that is not a number is an error."""
    raw = table.frame[column]
    if pd.api.types.is_bool_dtype(raw.dtype):
        return raw.astype(float).to_numpy()
    if pd.api.types.is_numeric_dtype(raw.dtype):
        return pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    words = {"true": "1", "false": "0"}
    text = _text(table, column).map(lambda v: v if v is None else words.get(v.lower(), v))
    values = pd.to_numeric(text, errors="coerce")
    bad = np.flatnonzero((values.isna() & text.notna()).to_numpy())
    if len(bad):
        example = text.iloc[bad[0]]
        raise table.error(f"{column} is not a number (e.g. {example!r})", bad, column)
    return values.to_numpy(dtype=float)


def _periods(table: Table, column: str) -> np.ndarray:
    """Period values as numbers (an integer or decimal period, or nanoseconds of a date)."""
    return _period_values(table, column)[0]


def _period_values(
    table: Table, column: str, *, allow_empty: bool = False
) -> tuple[np.ndarray, Literal["number", "date"]]:
    """Period values as numbers, and whether they were numbers or dates; empty cells are NaN
    when `allow_empty`, else an error."""
    raw = table.frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        stamps = pd.to_datetime(raw)
        empty = stamps.isna().to_numpy()
        if empty.any() and not allow_empty:
            raise table.error(f"{column} is empty", np.flatnonzero(empty), column)
        values = stamps.astype("int64").to_numpy(dtype=float)
        return np.where(empty, np.nan, values), "date"
    text = _text(table, column)
    empty = text.isna().to_numpy()
    if empty.any() and not allow_empty:
        raise table.error(f"{column} is empty", np.flatnonzero(empty), column)
    given = text[~empty]
    numbers = pd.to_numeric(given, errors="coerce")
    out = np.full(len(text), np.nan)
    if numbers.notna().all():
        out[~empty] = numbers.to_numpy(dtype=float)
        return out, "number"
    dates = pd.to_datetime(given, format="ISO8601", errors="coerce", utc=True)
    bad = np.flatnonzero(~empty)[dates.isna().to_numpy()]
    if len(bad):
        example = text.iloc[bad[0]]
        raise table.error(
            f"{column} is neither a number nor an ISO 8601 date (e.g. {example!r})", bad, column
        )
    out[~empty] = dates.astype("int64").to_numpy(dtype=float)
    return out, "date"


def _staggered_timing(
    table: Table, person: np.ndarray, group: np.ndarray, question: Question, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For a pilot in phases, over the kept rows: person codes, period codes (in time
    order), whether each row is in the pilot's way of working (a treated person from
    their `treated_from` on) and the period code of the person's move (-1: never)."""
    if table.kind != "panel":
        raise table.error(
            f"a pilot in phases (--staggered) needs a person-period panel: a {PERIOD!r} "
            f"column and a {TREATED_FROM!r} column"
        )
    if question.pre is not None:
        raise InputError(
            "--staggered and --pre are two designs: the panel's own periods before "
            "treated_from play the part of --pre",
            where="--pre",
        )
    _require(table, [TREATED_FROM])
    period, period_kind = _period_values(table, PERIOD)
    start, start_kind = _period_values(table, TREATED_FROM, allow_empty=True)
    given = ~np.isnan(start)
    if given.any() and start_kind != period_kind:
        raise table.error(
            f"{TREATED_FROM} holds {start_kind}s where {PERIOD} holds {period_kind}s: give "
            "both in the same unit",
            np.flatnonzero(given)[:1],
            TREATED_FROM,
        )
    treated = group == question.treated
    missing = np.flatnonzero(keep & treated & ~given)
    if len(missing):
        raise table.error(
            f"{TREATED_FROM} is empty for a person of the {question.treated!r} group: give the "
            "period each treated person started in",
            missing,
            TREATED_FROM,
        )
    stray = np.flatnonzero(keep & ~treated & given)
    if len(stray):
        raise table.error(
            f"{TREATED_FROM} is set for a person outside the {question.treated!r} group: the "
            "comparison group never starts (leave it empty)",
            stray,
            TREATED_FROM,
        )
    active = treated & given & (period >= np.where(given, start, np.inf))
    if not active[keep].any():
        raise table.error(
            f"no row of the {question.treated!r} group is at or after its {TREATED_FROM}: "
            "nothing to compare",
            column=TREATED_FROM,
        )
    person_codes = pd.factorize(person[keep])[0]
    periods, period_codes = np.unique(period[keep], return_inverse=True)
    # the move in period units: the first period at or after treated_from (-1: never)
    moved = np.where(given[keep], np.searchsorted(periods, np.nan_to_num(start[keep])), -1)
    return person_codes, period_codes.astype(np.int64), active[keep], moved.astype(np.int64)


# --------------------------------------------------------------------------- structure


def _one_group_per_person(
    table: Table, person: np.ndarray, group: np.ndarray, group_column: str
) -> None:
    frame = pd.DataFrame({"person": person, "group": group})
    first = frame.groupby("person", sort=False)["group"].transform("first")
    moved = np.flatnonzero((frame["group"] != first).to_numpy())
    if len(moved):
        at = int(moved[0])
        who = person[at]
        before = int(np.flatnonzero(person == who)[0])
        raise table.error(
            f"person {who!r} is in two groups: {group[before]!r} and {group[at]!r}; "
            "an advisor belongs to one group for the whole pilot",
            [before, at],
            group_column,
        )


def _one_row_per_person(table: Table, person: np.ndarray) -> None:
    twice = pd.Series(person).duplicated(keep=False).to_numpy()
    if twice.any():
        who = person[np.flatnonzero(twice)[0]]
        rows = np.flatnonzero(person == who)
        raise table.error(
            f"person {who!r} has {len(rows)} rows; a person-level table has one row per "
            f"person (a table with several periods per person needs a {PERIOD!r} column)",
            rows,
            PERSON,
        )


def _periods_in_order(table: Table, person: np.ndarray, period: np.ndarray) -> None:
    frame = pd.DataFrame({"person": person, "period": period})
    twice = frame.duplicated(keep=False).to_numpy()
    if twice.any():
        at = int(np.flatnonzero(twice)[0])
        rows = np.flatnonzero((person == person[at]) & (period == period[at]))
        raise table.error(
            f"person {person[at]!r} has the same period {rows.size} times "
            f"({table.frame[PERIOD].iloc[at]!r})",
            rows,
            PERIOD,
        )
    previous = frame.groupby("person", sort=False)["period"].shift(1).to_numpy(dtype=float)
    back = np.flatnonzero(period < previous)
    if len(back):
        at = int(back[0])
        rows_of_person = np.flatnonzero(person == person[at])
        before = int(rows_of_person[rows_of_person < at][-1])
        raise table.error(
            f"periods of person {person[at]!r} are out of order "
            f"({table.frame[PERIOD].iloc[at]!r} comes after "
            f"{table.frame[PERIOD].iloc[before]!r}); list each person's periods in time order",
            [before, at],
            PERIOD,
        )


def _constant_per_person(table: Table, person: np.ndarray, column: str) -> None:
    text = _text(table, column).fillna("")
    frame = pd.DataFrame({"person": person, "value": text.to_numpy()})
    first = frame.groupby("person", sort=False)["value"].transform("first")
    changed = np.flatnonzero((frame["value"] != first).to_numpy())
    if len(changed):
        at = int(changed[0])
        before = int(np.flatnonzero(person == person[at])[0])
        raise table.error(
            f"{column} of person {person[at]!r} changes; it is one date per person",
            [before, at],
            column,
        )


# --------------------------------------------------------------------------- the sample


def prepare(table: Table, question: Question) -> Sample:
    """Validate `table` for `question` and return the rows to compare."""
    q = question
    panel = table.kind == "panel"
    columns = [PERSON, q.group, *([PERIOD] if panel else []), q.outcome]
    columns += [c for c in (q.pre, q.cluster) if c is not None]
    _require(table, columns)
    if len(table.frame) == 0:
        raise table.error("the table has no data rows")

    person = _labels(table, PERSON)
    group = _labels(table, q.group)
    _one_group_per_person(table, person, group, q.group)
    if panel:
        _periods_in_order(table, person, _periods(table, PERIOD))
        if TREATED_FROM in table.frame.columns:
            _constant_per_person(table, person, TREATED_FROM)
    else:
        _one_row_per_person(table, person)

    groups = sorted(set(group.tolist()))
    if q.treated not in groups:
        raise table.error(
            f"no row has {q.group} = {q.treated!r} (groups: {', '.join(groups)})", column=q.group
        )
    if q.control is not None:
        if q.control not in groups:
            raise table.error(
                f"no row has {q.group} = {q.control!r} (groups: {', '.join(groups)})",
                column=q.group,
            )
        if q.control == q.treated:
            raise InputError("the control group is the treated group", where="--control")
        controls: tuple[str, ...] = (q.control,)
    else:
        controls = tuple(g for g in groups if g != q.treated)
        if not controls:
            raise table.error(
                f"every row has {q.group} = {q.treated!r}: there is no control group",
                column=q.group,
            )
    used = np.isin(group, (q.treated, *controls))

    outcome = _numbers(table, q.outcome)
    pre = _numbers(table, q.pre) if q.pre is not None else None
    missing = np.zeros(len(outcome), dtype=bool)
    for name, values in ((q.outcome, outcome), (q.pre, pre)):
        if name is None or values is None:
            continue
        holes = used & np.isnan(values)
        if holes.any() and not q.drop_missing:
            raise table.error(
                f"{int(holes.sum())} row(s) without a value for {name}; fill them or pass "
                "--drop-missing to leave those rows out (the output then says how many)",
                np.flatnonzero(holes),
                name,
            )
        missing |= holes
    keep = used & ~missing

    for g in (q.treated, *controls):
        rows = np.flatnonzero(keep & (group == g))
        persons = len(set(person[rows].tolist()))
        if persons < 2:
            raise table.error(
                f"group {g!r} has {persons} person(s) with a value; each group compared needs "
                "at least 2 persons for a confidence interval",
                rows,
                q.group,
            )

    treated = group[keep] == q.treated
    y = outcome[keep] - pre[keep] if pre is not None else outcome[keep]
    if np.ptp(y[treated]) == 0 and np.ptp(y[~treated]) == 0:
        what = f"{q.outcome} - {q.pre}" if q.pre is not None else q.outcome
        raise table.error(
            f"{what} does not vary within the treated or the control rows: no interval can "
            "be estimated",
            column=q.outcome,
        )

    cluster_by: str | None = None
    cluster: np.ndarray | None = None
    if q.cluster is not None:
        labels = _labels(table, q.cluster)[keep]
        cluster = pd.factorize(labels)[0]
        cluster_by = q.cluster
        if cluster.max() + 1 < 2:
            raise table.error(
                f"{q.cluster} has a single value: clustering needs at least 2 clusters",
                column=q.cluster,
            )
    elif panel:
        cluster = pd.factorize(person[keep])[0]
        cluster_by = PERSON

    kept_person = person[keep]
    timing = _staggered_timing(table, person, group, q, keep) if q.staggered else None
    values = np.unique(outcome[keep])
    return Sample(
        y=y.astype(float),
        outcome=outcome[keep].astype(float),
        treated=treated,
        cluster=cluster,
        cluster_by=cluster_by,
        kind=table.kind,
        binary=bool(np.isin(values, (0.0, 1.0)).all()),
        did=pre is not None,
        n_treated=len(set(kept_person[treated].tolist())),
        n_control=len(set(kept_person[~treated].tolist())),
        control_groups=controls,
        dropped_rows=int((used & missing).sum()),
        person=timing[0] if timing else None,
        period=timing[1] if timing else None,
        active=timing[2] if timing else None,
        moved=timing[3] if timing else None,
    )
