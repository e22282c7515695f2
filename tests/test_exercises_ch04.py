"""Chapter 4 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice; the stored solutions pass and agree with the builder."""

from __future__ import annotations

# Used by tests/test_exercises.py: one right and one wrong answer per checker.
CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("04.conv1_output", 55, 54, "224-pixel"),
    ("04.fc6_params", 37_752_832, 37_748_736, "biases"),
    ("04.conv4_two_towers", 663_936, 1_327_488, "single-tower"),
]


def test_answers_match_the_built_alexnet(tf):
    from course_utils import models

    model = models.alexnet(kernel_initializer="zeros")  # the paper's two towers, 227 px
    assert model.get_layer("conv1").output.shape[1] == 55
    assert model.get_layer("fc6").count_params() == 37_752_832
    assert model.get_layer("conv4").count_params() == 663_936
