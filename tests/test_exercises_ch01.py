"""Chapter 1 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub), plus the freeze checker on its own."""

from __future__ import annotations

from course_utils.exercises import ch01


def _freeze_all(model):
    for layer in model.layers:
        layer.trainable = False


def _freeze_whole_model(model):
    model.trainable = False


def _freeze_first_four(model):  # fixed positions: right for the chapter's MLP only
    for layer in model.layers[:4]:
        layer.trainable = False


# (id, wrong answer, words the feedback must contain)
CASES = [
    ("01.head_params", 1000, "bias"),
    ("01.head_params", 202, "odd/even head"),
    ("01.head_params", 110, "one weight per input"),
    ("01.freeze", _freeze_all, "last layer must stay trainable"),
    ("01.freeze", _freeze_whole_model, "freezes the whole model"),
    ("01.freeze", _freeze_first_four, "fixed positions"),
    ("01.cached_epoch_cost", "c", "you left out (d)"),
    ("01.cached_epoch_cost", {"b", "c", "d"}, "you chose (b), but it is false"),
    ("01.cached_epoch_cost", {"a", "c", "d", "e"}, "ran forward once, before training"),
    ("01.break_even", 3, "time saved per epoch"),
    ("01.break_even", 15, "saved"),
    ("01.break_even", 3.75, "round up"),
]


def test_freeze_checker_accepts_in_place_and_returning_solutions(tf):
    def in_place(model):
        for layer in model.layers[:-1]:
            layer.trainable = False

    assert ch01.evaluate("01.freeze", in_place)[0]
    ok, message = ch01.evaluate("01.freeze", lambda m: 1 / 0)
    assert not ok and "ZeroDivisionError" in message
    ok, message = ch01.evaluate("01.freeze", 3)
    assert not ok and "pass the function itself" in message
