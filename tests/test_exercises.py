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
