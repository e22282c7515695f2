"""Chapter 4 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice; the stored solutions pass and agree with the builder."""

from __future__ import annotations

import pytest

from course_utils import exercises

CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("04.conv1_output", 55, 54, "224-pixel"),
    ("04.fc6_params", 37_752_832, 37_748_736, "biases"),
    ("04.conv4_two_towers", 663_936, 1_327_488, "single-tower"),
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


def test_answers_match_the_built_alexnet(tf):
    from course_utils import models

    model = models.alexnet(kernel_initializer="zeros")  # the paper's two towers, 227 px
    assert model.get_layer("conv1").output.shape[1] == 55
    assert model.get_layer("fc6").count_params() == 37_752_832
    assert model.get_layer("conv4").count_params() == 663_936
