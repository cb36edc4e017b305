"""Scoring an evaluation: weights, partly met, not applicable and critical questions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeshore.domain.evaluation import (
    EvaluationForm,
    Question,
    Rating,
    Section,
    score,
)

FORM = EvaluationForm(
    "calls",
    "Calls",
    (
        Section(
            "Opening", (Question("greeting", "Greets"), Question("identity", "ID", critical=True))
        ),
        Section("Handling", (Question("answer", "Correct answer", weight=3.0),)),
    ),
    pass_pct=75.0,
)
ALL_MET = {"greeting": "met", "identity": "met", "answer": "met"}


def test_the_score_is_the_weighted_share_met_and_partly_counts_half() -> None:
    result = score(FORM, {**ALL_MET, "answer": "partly"})
    # (1 + 1 + 3 x 0.5) / 5
    assert result.score_pct == 70.0
    assert result.sections == {"Opening": 100.0, "Handling": 50.0}
    assert result.passed is False  # under 75
    assert score(FORM, ALL_MET).passed is True


def test_a_critical_question_not_met_fails_the_whole_evaluation() -> None:
    result = score(FORM, {**ALL_MET, "identity": "not_met"})
    assert result.score_pct == 0.0
    assert result.critical_failed == ("identity",)
    assert result.passed is False
    # a non-critical question not met only costs its weight
    assert score(FORM, {**ALL_MET, "greeting": "not_met"}).score_pct == 80.0


def test_questions_not_applicable_are_left_out() -> None:
    assert score(FORM, {**ALL_MET, "answer": "na", "greeting": "not_met"}).score_pct == 50.0
    nothing = score(FORM, dict.fromkeys(ALL_MET, "na"))
    assert nothing.score_pct is None
    assert nothing.passed is None


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({"greeting": "met", "identity": "met"}, "missing answer"),
        ({**ALL_MET, "smile": "met"}, "no question smile"),
        ({**ALL_MET, "answer": "great"}, "rating 'great'"),
        ({**ALL_MET, "identity": "partly"}, "identity is critical"),
    ],
)
def test_every_question_is_rated_once_with_a_known_rating(
    ratings: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        score(FORM, ratings)


def test_a_form_needs_questions_with_distinct_ids_and_positive_weights() -> None:
    with pytest.raises(ValueError, match="used twice: a"):
        EvaluationForm("f", "F", (Section("s", (Question("a", "x"), Question("a", "y"))),))
    with pytest.raises(ValueError, match="at least one question"):
        EvaluationForm("f", "F", (Section("s", ()),))
    with pytest.raises(ValueError, match="weight"):
        Question("a", "x", weight=0)


RATINGS = st.sampled_from([Rating.MET, Rating.PARTLY, Rating.NOT_MET, Rating.NOT_APPLICABLE])


@given(
    st.fixed_dictionaries({"greeting": RATINGS, "answer": RATINGS}),
    st.sampled_from(["greeting", "answer"]),
)
def test_a_better_rating_never_lowers_the_score(ratings: dict[str, Rating], improved: str) -> None:
    ratings = {**ratings, "identity": Rating.MET}
    before = score(FORM, ratings).score_pct
    order = [Rating.NOT_MET, Rating.PARTLY, Rating.MET]
    if ratings[improved] in (Rating.NOT_APPLICABLE, Rating.MET):
        return
    better = order[order.index(ratings[improved]) + 1]
    after = score(FORM, {**ratings, improved: better}).score_pct
    assert before is not None and after is not None
    assert 0.0 <= before < after <= 100.0
