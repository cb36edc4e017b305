"""Cohorts in one run: the same comparison for each value of a column (a set-up, a job, a
phase), so a director sees where the pilot works and where it does not.

For a value v of `by`: the treated persons whose `by` is v, against the control persons
whose `by` is v when the control group has that column filled (a job: site advisors have
one too), or else against every control person (a home set-up: site advisors have none).
`by` must hold one value per person. Each cohort is validated and compared exactly as a
whole pilot is (`prepare`, `compare`); a cohort too small to compare is reported, not
dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeshore.errors import InputError
from homeshore.pilot.compare import Comparison, compare
from homeshore.pilot.tables import (
    PERSON,
    Question,
    Table,
    _constant_per_person,
    _labels,
    _require,
    _text,
    prepare,
)


@dataclass(frozen=True, slots=True)
class Cohort:
    value: str
    comparison: Comparison | None  # None: the cohort could not be compared
    reason: str = ""  # why not


def by_cohort(table: Table, question: Question, by: str) -> list[Cohort]:
    """`compare` for each value of `by` among the treated persons (see module doc)."""
    prepare(table, question)  # the whole table first: its errors are the table's, not a cohort's
    _require(table, [PERSON, question.group, by])
    _constant_per_person(table, _labels(table, PERSON), by)
    values = _text(table, by).to_numpy(dtype=object)
    group = _labels(table, question.group)
    treated = group == question.treated
    control = group == question.control if question.control is not None else ~treated
    cohorts = sorted({v for v in values[treated].tolist() if v is not None})
    if not cohorts:
        raise table.error(f"no person of the {question.treated!r} group has a {by}", column=by)
    control_has_it = any(v is not None for v in values[control].tolist())
    out = []
    for value in cohorts:
        keep = treated & (values == value)
        keep |= control & (values == value) if control_has_it else control
        try:
            result = compare(prepare(table.rows(keep), question))
        except InputError as exc:
            out.append(Cohort(value, None, exc.reason))
            continue
        out.append(Cohort(value, result))
    return out
