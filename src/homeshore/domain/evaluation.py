"""Quality evaluation forms: a manager scores a contact against the centre's own form.

A form has sections of questions; each question has a weight and may be *critical*. A
question is rated met, partly met, not met or not applicable. The score is the weighted share
of the applicable questions that were met (partly counts half), in percent; a critical
question not met fails the whole evaluation (score 0), the usual rule of quality teams
("auto-fail": a data-protection breach is not offset by a friendly greeting). A critical
question is met or not: "partly" is refused for it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from homeshore.domain.queue import Channel


class Rating(enum.StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "na"


#: the share of a question's weight each rating earns (not applicable: left out)
RATING_VALUE: dict[Rating, float] = {Rating.MET: 1.0, Rating.PARTLY: 0.5, Rating.NOT_MET: 0.0}


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    weight: float = 1.0
    critical: bool = False

    def __post_init__(self) -> None:
        if not self.weight > 0:
            raise ValueError(f"question {self.id}: the weight must be above 0")


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class EvaluationForm:
    id: str
    name: str
    sections: tuple[Section, ...]
    #: the channels whose contacts the form scores (empty: every channel)
    channels: frozenset[Channel] = frozenset()
    #: an evaluation passes at this score or above (and no critical question failed)
    pass_pct: float = 80.0

    def __post_init__(self) -> None:
        ids = [q.id for q in self.questions()]
        if not ids:
            raise ValueError(f"form {self.id}: it needs at least one question")
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"form {self.id}: question ids used twice: {', '.join(twice)}")
        if not 0.0 <= self.pass_pct <= 100.0:
            raise ValueError(f"form {self.id}: pass_pct must be between 0 and 100")

    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def applies_to(self, channel: Channel) -> bool:
        return not self.channels or channel in self.channels


@dataclass(frozen=True, slots=True)
class EvaluationScore:
    #: None when every question was not applicable
    score_pct: float | None
    #: the critical questions not met (the score is then 0)
    critical_failed: tuple[str, ...]
    #: per section name, its own weighted score (None: nothing applicable)
    sections: dict[str, float | None]
    passed: bool | None


def _weighted_pct(questions: tuple[Question, ...], ratings: Mapping[str, Rating]) -> float | None:
    applicable = [q for q in questions if ratings[q.id] is not Rating.NOT_APPLICABLE]
    total = sum(q.weight for q in applicable)
    if total == 0:
        return None
    earned = sum(q.weight * RATING_VALUE[ratings[q.id]] for q in applicable)
    return round(100.0 * earned / total, 2)


def score(form: EvaluationForm, ratings: Mapping[str, Rating | str]) -> EvaluationScore:
    """Score one evaluation. Every question of the form must be rated, and only those:
    raises ValueError naming the questions missing, unknown or wrongly rated."""
    known = {q.id: q for q in form.questions()}
    unknown = sorted(set(ratings) - set(known))
    if unknown:
        raise ValueError(f"form {form.id} has no question {', '.join(unknown)}")
    missing = [q for q in known if q not in ratings]
    if missing:
        raise ValueError(f"rate every question of form {form.id}: missing {', '.join(missing)}")
    parsed: dict[str, Rating] = {}
    for qid, value in ratings.items():
        try:
            parsed[qid] = Rating(value)
        except ValueError:
            allowed = ", ".join(r.value for r in Rating)
            raise ValueError(f"question {qid}: rating {value!r} is not one of {allowed}") from None
        if known[qid].critical and parsed[qid] is Rating.PARTLY:
            raise ValueError(f"question {qid} is critical: it is met, not met or not applicable")
    failed = tuple(q.id for q in form.questions() if q.critical and parsed[q.id] is Rating.NOT_MET)
    sections = {s.name: _weighted_pct(s.questions, parsed) for s in form.sections}
    overall = _weighted_pct(form.questions(), parsed)
    if failed:
        overall = 0.0
    passed = None if overall is None else (not failed and overall >= form.pass_pct)
    return EvaluationScore(overall, failed, sections, passed)
