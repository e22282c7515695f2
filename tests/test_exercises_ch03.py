"""Chapter 3 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import convolution, exercises

# Used by tests/test_exercises.py: one right and one wrong answer per checker.
CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("03.conv_output_size", 14, 14.5, "round down"),
    ("03.conv_params", 4864, 4800, "bias"),
    ("03.edge_kernel", [[-2, -1, 0], [-1, 0, 1], [0, 1, 2]], convolution.KERNELS["sobel_x"],
     "other diagonal"),
]


@pytest.mark.parametrize("kernel,advice", [
    (np.ones((3, 3)), "sum to 0"),
    (-np.array([[-2, -1, 0], [-1, 0, 1], [0, 1, 2]]), "Flip the signs"),
    (np.zeros((3, 3)), "not all zero"),
    (np.ones((2, 2)), "3x3"),
    ("sobel", "3x3 array"),
])
def test_edge_kernel_feedback(kernel, advice):
    ok, message = exercises.evaluate("03.edge_kernel", kernel)
    assert not ok and advice in message


def test_edge_kernel_accepts_other_valid_designs():
    assert exercises.evaluate("03.edge_kernel", [[-1, 0, 0], [0, 0, 0], [0, 0, 1]])[0]
    assert exercises.evaluate("03.edge_kernel", 3 * np.array([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]]))[0]
