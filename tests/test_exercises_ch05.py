"""Chapter 5 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice; the stored solutions pass and agree with the builder."""

from __future__ import annotations

from course_utils import exercises

# Used by tests/test_exercises.py: one right and one wrong answer per checker.
CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("05.block_params", 1_475_328, 1_474_560, "biases"),
    ("05.receptive_field", lambda n: 2 * n + 1, lambda n: 3 * n, "adds 2 pixels"),
    ("05.stack_saving", 44.9, 55.1, "remains"),
]


def test_receptive_field_checker_explains_a_non_function():
    ok, message = exercises.evaluate("05.receptive_field", 5)
    assert not ok and "function" in message


def test_block_answer_matches_the_built_vgg16(tf):
    from course_utils import models

    model = models.vgg("D", 10, (32, 32, 3))
    block3 = sum(model.get_layer(f"block3.conv{i}").count_params() for i in (1, 2, 3))
    assert block3 == 1_475_328
