"""Chapter 5 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice; the stored solutions pass and agree with the builder."""

from __future__ import annotations

import pytest

from course_utils import exercises

CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("05.block_params", 1_475_328, 1_474_560, "biases"),
    ("05.receptive_field", lambda n: 2 * n + 1, lambda n: 3 * n, "adds 2 pixels"),
    ("05.stack_saving", 44.9, 55.1, "remains"),
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


def test_receptive_field_checker_explains_a_non_function():
    ok, message = exercises.evaluate("05.receptive_field", 5)
    assert not ok and "function" in message


def test_block_answer_matches_the_built_vgg16(tf):
    from course_utils import models

    model = models.vgg("D", 10, (32, 32, 3))
    block3 = sum(model.get_layer(f"block3.conv{i}").count_params() for i in (1, 2, 3))
    assert block3 == 1_475_328
