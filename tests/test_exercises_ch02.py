"""Chapter 2 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice."""

from __future__ import annotations

import pytest

from course_utils import exercises

CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("02.he_std", (2 / 256) ** 0.5, 2 / 256, "square root"),
    ("02.glorot_limit", (6 / 1040) ** 0.5, (2 / 1040) ** 0.5, "standard deviation"),
    ("02.zeros_why", "b", "c", "zero gradient"),
    ("02.small_normal_ratio", 0.1, 0.01, "sqrt(100)"),
]


@pytest.mark.parametrize("exercise_id,right,wrong,advice", CASES)
def test_checker_accepts_right_and_rejects_wrong(exercise_id, right, wrong, advice):
    ok, message = exercises.evaluate(exercise_id, right)
    assert ok, message
    ok, message = exercises.evaluate(exercise_id, wrong)
    assert not ok
    assert advice in message


@pytest.mark.parametrize("exercise_id", [c[0] for c in CASES])
def test_stored_solution_passes_and_hints_exist(exercise_id):
    exercise = exercises.get(exercise_id)
    scope: dict = {}
    exec(exercise.solution, scope)  # noqa: S102 - the course's own solution text
    assert exercises.evaluate(exercise_id, scope["answer"])[0]
    assert len(exercise.hints) >= 2


def test_placeholder_and_bad_types_give_feedback():
    assert not exercises.evaluate("02.he_std", ...)[0]
    ok, message = exercises.evaluate("02.he_std", "a lot")
    assert not ok and "expected a number" in message
    ok, message = exercises.evaluate("02.zeros_why", "e")
    assert not ok and "answer one of" in message
