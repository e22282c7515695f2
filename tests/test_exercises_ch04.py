"""Chapter 4 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub); the answers agree with the builder."""

from __future__ import annotations

# (id, wrong answer, words the feedback must contain)
CASES = [
    ("04.conv1_output", 54, "224-pixel"),
    ("04.conv1_output", 56, "not n / s"),
    ("04.conv1_output", 54.25, "whole number"),
    ("04.fc6_params", 37_748_736, "biases"),
    ("04.fc6_params", 16_781_312, "fc7"),
    ("04.conv4_two_towers", 1_327_488, "single-tower"),
    ("04.conv4_two_towers", 663_552, "biases"),
]


def test_answers_match_the_built_alexnet(tf):
    from course_utils.models import alexnet

    model = alexnet.alexnet(kernel_initializer="zeros")  # the paper's two towers, 227 px
    assert model.get_layer("conv1").output.shape[1] == 55
    assert model.get_layer("fc6").count_params() == 37_752_832
    assert model.get_layer("conv4").count_params() == 663_936
