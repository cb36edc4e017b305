"""The ``evaluation_forms`` section of a scenario file: quality forms managers score
contacts with (homeshore.domain.evaluation)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from homeshore.domain.evaluation import EvaluationForm, Question, Section
from homeshore.domain.queue import Channel
from homeshore.errors import InputError


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionModel(_Model):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    text: str = Field(min_length=1, max_length=500)
    weight: float = Field(1.0, gt=0, le=1000)
    critical: bool = False


class SectionModel(_Model):
    name: str = Field(min_length=1, max_length=200)
    questions: list[QuestionModel] = Field(min_length=1)


class EvaluationFormModel(_Model):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = ""
    channels: list[Channel] = []
    pass_pct: float = Field(80.0, ge=0, le=100)
    sections: list[SectionModel] = Field(min_length=1)


Fail = Callable[[str, tuple[str | int, ...]], InputError]


def _question(q: QuestionModel) -> Question:
    return Question(q.id, q.text, q.weight, q.critical)


def build_forms(models: list[EvaluationFormModel], fail: Fail) -> tuple[EvaluationForm, ...]:
    forms: list[EvaluationForm] = []
    seen: set[str] = set()
    for i, m in enumerate(models):
        if m.id in seen:
            raise fail(f"form id {m.id!r} used twice", ("evaluation_forms", i, "id"))
        seen.add(m.id)
        sections = tuple(
            Section(s.name, tuple(_question(q) for q in s.questions)) for s in m.sections
        )
        try:
            form = EvaluationForm(m.id, m.name or m.id, sections, frozenset(m.channels), m.pass_pct)
        except ValueError as exc:
            raise fail(str(exc), ("evaluation_forms", i)) from exc
        forms.append(form)
    return tuple(forms)
