"""Chapter 2 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice."""

from __future__ import annotations

from course_utils import exercises

# Used by tests/test_exercises.py: one right and one wrong answer per checker.
CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("02.he_std", (2 / 256) ** 0.5, 2 / 256, "square root"),
    ("02.glorot_limit", (6 / 1040) ** 0.5, (2 / 1040) ** 0.5, "standard deviation"),
    ("02.zeros_why", "b", "c", "zero gradient"),
    ("02.small_normal_ratio", 0.1, 0.01, "sqrt(100)"),
]


def test_placeholder_and_bad_types_give_feedback():
    assert not exercises.evaluate("02.he_std", ...)[0]
    ok, message = exercises.evaluate("02.he_std", "a lot")
    assert not ok and "expected a number" in message
    ok, message = exercises.evaluate("02.zeros_why", "e")
    assert not ok and "answer one of" in message
