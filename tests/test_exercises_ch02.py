"""Chapter 2 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub)."""

from __future__ import annotations

from course_utils.exercises import ch02

# (id, wrong answer, words the feedback must contain)
CASES = [
    ("02.he_std", 2 / 256, "square root"),
    ("02.he_std", (1 / 256) ** 0.5, "LeCun"),
    ("02.he_std", (2 / 128) ** 0.5, "fan_out"),
    ("02.glorot_limit", (2 / 1040) ** 0.5, "standard deviation"),
    ("02.glorot_limit", (6 / 784) ** 0.5, "He uniform"),
    ("02.zeros_why", "b", "you left out (d)"),
    ("02.zeros_why", {"b", "d", "e"}, "non-zero* constant"),
    ("02.zeros_why", {"c", "b", "d"}, "zero gradient times any step size"),
    ("02.small_normal_ratio", 0.01, "sqrt(100)"),
    ("02.small_normal_ratio", 0.5 ** 0.5 * 0.1, "what ReLU does"),
]


def test_placeholder_and_bad_types_give_feedback():
    ok, message = ch02.evaluate("02.he_std", "a lot")
    assert not ok and "expected a number" in message
    ok, message = ch02.evaluate("02.zeros_why", 2)
    assert not ok and "set of letters" in message
    assert ch02.evaluate("02.zeros_why", "b, d")[0] and ch02.evaluate("02.zeros_why", ["d", "B"])[0]
