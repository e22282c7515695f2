"""Chapter 6 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice; the stored solutions pass."""

from __future__ import annotations

import pytest

from course_utils import exercises

CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("06.branch_cost", 173_408_256, 101_154_816, "with* its 1x1 reduction"),
    ("06.module_channels", 832, 1024, "reduce"),
    ("06.asymmetric_saving", 71.4, 28.6, "remains"),
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


def test_branch_cost_matches_the_built_layer(tf):
    import keras

    from course_utils import analysis

    model = keras.Sequential([keras.Input((28, 28, 192)), keras.layers.Conv2D(128, 3, padding="same")])
    assert exercises.evaluate("06.branch_cost", analysis.totals(model)["mult-adds"])[0]
