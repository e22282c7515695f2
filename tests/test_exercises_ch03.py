"""Chapter 3 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub), and the edge-kernel checker judged
on the response pattern, whatever the kernel's scale."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import convolution
from course_utils.exercises import ch03

SOLUTION = np.array([[-2, -1, 0], [-1, 0, 1], [0, 1, 2]])
CORNER = [[-1, -1, 0], [-1, 3, 0], [0, 0, 0]]

# (id, wrong answer, words the feedback must contain)
CASES = [
    ("03.conv_output_size", 14.5, "round down"),
    ("03.conv_output_size", 28, "stride 1"),
    ("03.conv_output_size", 16, "'same' padding"),
    ("03.conv_params", 4800, "bias"),
    ("03.conv_params", 1664, "all 3 input channels"),
    ("03.edge_kernel", convolution.KERNELS["sobel_x"], "other diagonal"),
    ("03.edge_kernel", CORNER, "corner or spot detector"),
    ("03.edge_kernel", -SOLUTION, "Flip the signs"),
    ("03.edge_kernel", np.ones((3, 3)), "sum to 0"),
]


@pytest.mark.parametrize("kernel,advice", [
    (np.zeros((3, 3)), "not all zero"),
    (np.ones((2, 2)), "3x3"),
    ("sobel", "3x3 array"),
    ([[-1, 0, 0], [0, 2, 0], [0, 0, -1]], "changes sign"),
    (1e-9 * np.array(CORNER), "corner or spot detector"),
])
def test_edge_kernel_feedback(kernel, advice):
    ok, message = ch03.evaluate("03.edge_kernel", kernel)
    assert not ok and advice in message, message


@pytest.mark.parametrize("kernel", [
    SOLUTION, 1e-9 * SOLUTION, 1e6 * SOLUTION,
    [[-1, 0, 0], [0, 0, 0], [0, 0, 1]],
    3 * np.array([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]]),
    [[0, 0, 0], [0, -1, 0], [0, 0, 1]],
])
def test_edge_kernel_accepts_valid_designs_at_any_scale(kernel):
    ok, message = ch03.evaluate("03.edge_kernel", kernel)
    assert ok, message


def test_corner_detector_is_rejected_at_any_scale():
    for scale in (1e-9, 1, 1e9):
        assert not ch03.evaluate("03.edge_kernel", scale * np.array(CORNER, dtype=float))[0]
