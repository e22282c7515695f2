"""The exercise machinery and chapter 1's checkers: one right and one wrong answer each."""

from __future__ import annotations

import pytest

from course_utils import exercises


def test_check_prints_feedback_and_returns_result(capsys):
    assert exercises.check("01.head_params", 1010) is None  # no "True" under the cell
    assert "Correct" in capsys.readouterr().out
    exercises.check("01.head_params", 1000)
    out = capsys.readouterr().out
    assert "Not yet" in out
    assert "bias" in out and "exercises.hint('01.head_params')" in out


def test_stub_answer_is_explained():
    ok, message = exercises.evaluate("01.head_params", ...)
    assert not ok and "Replace `...`" in message


def test_wrong_type_is_feedback_not_a_crash():
    ok, message = exercises.evaluate("01.head_params", "lots")
    assert not ok and "expected a number" in message


def test_freeze_checker_right_and_wrong(tf):
    def right(model):
        for layer in model.layers[:-1]:
            layer.trainable = False

    def wrong(model):
        for layer in model.layers:
            layer.trainable = False

    assert exercises.evaluate("01.freeze", right)[0]
    ok, message = exercises.evaluate("01.freeze", wrong)
    assert not ok and "last layer must stay trainable" in message
    ok, message = exercises.evaluate("01.freeze", lambda m: 1 / 0)
    assert not ok and "ZeroDivisionError" in message


def test_choice_checker():
    assert exercises.evaluate("01.cached_epoch_cost", "c")[0]
    ok, message = exercises.evaluate("01.cached_epoch_cost", "b")
    assert not ok and "still run forward" in message
    assert not exercises.evaluate("01.cached_epoch_cost", "z")[0]


def test_hints_are_revealed_one_at_a_time(capsys):
    exercises.hint("01.freeze", 1)
    exercises.hint("01.freeze")
    out = capsys.readouterr().out
    assert "Hint 1 of 3" in out and "Hint 2 of 3" in out
    with pytest.raises(ValueError, match="hints 1 to 3"):
        exercises.hint("01.freeze", 9)


def test_unknown_exercise_lists_valid_ids():
    with pytest.raises(KeyError, match="01.head_params"):
        exercises.check("01.nope", 1)


def test_every_exercise_has_hints_and_a_solution():
    for exercise in exercises.EXERCISES.values():
        assert exercise.hints, exercise.id
        assert exercise.task, exercise.id


# --- every chapter's checkers: one right and one wrong answer each -----------------------

def _chapter_cases() -> list[tuple]:
    """The ``CASES`` tables of tests/test_exercises_chNN.py, all chapters together."""
    import importlib
    from pathlib import Path

    cases = []
    for path in sorted(Path(__file__).parent.glob("test_exercises_ch*.py")):
        cases += importlib.import_module(f"tests.{path.stem}").CASES
    return cases


CASES = _chapter_cases()


@pytest.mark.parametrize("exercise_id,right,wrong,advice", CASES, ids=[c[0] for c in CASES])
def test_checker_accepts_right_and_rejects_wrong(exercise_id, right, wrong, advice):
    ok, message = exercises.evaluate(exercise_id, right)
    assert ok, message
    ok, message = exercises.evaluate(exercise_id, wrong)
    assert not ok
    assert advice in message


# Function-writing exercises are checked through their notebook cells (tests/test_student.py).
ANSWER_EXERCISES = sorted(k for k, e in exercises.EXERCISES.items() if e.solution.startswith("answer ="))


@pytest.mark.parametrize("exercise_id", ANSWER_EXERCISES)
def test_stored_solution_passes_and_hints_exist(exercise_id):
    """Every answer-style exercise: its solution text passes its own checker; two hints."""
    exercise = exercises.get(exercise_id)
    scope: dict = {}
    exec(exercise.solution, scope)  # noqa: S102 - the course's own solution text
    assert exercises.evaluate(exercise_id, scope["answer"])[0]
    assert len(exercise.hints) >= 2


def test_every_chapter_exercise_has_a_right_and_wrong_case():
    covered = {c[0] for c in CASES} | {"01.head_params", "01.freeze", "01.cached_epoch_cost"}
    missing = sorted(set(exercises.EXERCISES) - covered)
    assert not missing, f"exercises without a right/wrong test case: {missing}"
