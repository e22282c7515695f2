"""Chapter 3 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub), and the edge-kernel checker judged
on the response pattern, whatever the kernel's scale."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_utils import convolution
from course_utils.exercises import ch03

SOLUTION = np.array([[-2, -1, 0], [-1, 0, 1], [0, 1, 2]])
CORNER = [[-1, -1, 0], [-1, 3, 0], [0, 0, 0]]


def _walk(input_shape, layers, *, bias=1, spans=True, pool=lambda n, s: n // s):
    """A student's cnn_params, with one slip chosen by the keywords."""
    height, width, channels = input_shape
    total = 0
    for layer in layers:
        if layer[0] == "conv":
            k, filters = layer[1], layer[2]
            total += k * k * (channels if spans else 1) * filters + bias * filters
            channels = filters
        elif layer[0] == "pool":
            height, width = pool(height, layer[1]), pool(width, layer[1])
        else:
            total += height * width * channels * layer[1] + bias * layer[1]
            height, width, channels = 1, 1, layer[1]
    return total


def no_biases(input_shape, layers):
    return _walk(input_shape, layers, bias=0)


def rounds_up(input_shape, layers):
    return _walk(input_shape, layers, pool=lambda n, s: -(-n // s))


def pooling_ignored(input_shape, layers):
    return _walk(input_shape, layers, pool=lambda n, s: n)


def one_channel_filters(input_shape, layers):
    return _walk(input_shape, layers, spans=False)


def forgets_to_return(input_shape, layers):
    _walk(input_shape, layers)

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
    ("03.multichannel_output", 9, "leaves out the bias"),
    ("03.multichannel_output", 2, "*every* input channel"),
    ("03.multichannel_output", -1, "once per filter"),
    ("03.multichannel_output", -0.5, "not averaged"),
    ("03.multichannel_output", 6, "not one of the usual slips"),
    ("03.cnn_params", no_biases, "biases are missing"),
    ("03.cnn_params", rounds_up, "round *down*"),
    ("03.cnn_params", pooling_ignored, "divides the height and the width"),
    ("03.cnn_params", one_channel_filters, "per input channel"),
    ("03.cnn_params", forgets_to_return, "returned None"),
    ("03.cnn_params", 220_234, "pass your function itself"),
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


def test_cnn_params_checker_runs_cases_the_chapter_never_showed():
    shown = ((28, 28, 1), (("conv", 3, 32), ("pool", 2), ("conv", 3, 64), ("pool", 2),
                           ("dense", 64), ("dense", 10)))
    assert ch03.cnn_params_reference(*shown) == 220_234  # the chapter's digit CNN
    assert shown not in ch03.PARAMS_CASES
    assert all(case[0] != (32, 32, 3) for case in ch03.PARAMS_CASES)  # nor its colour CNN
    # at least one case where rounding the pooled size down matters
    assert any(ch03._params(*case, pool_rounding=math.ceil) != ch03.cnn_params_reference(*case)
               for case in ch03.PARAMS_CASES)


def test_cnn_params_reference_matches_keras(tf):
    import keras

    from course_utils import analysis

    for shape, layers in ch03.PARAMS_CASES:
        model, flat = keras.Sequential([keras.Input(shape)]), False
        for layer in layers:
            if layer[0] == "conv":
                model.add(keras.layers.Conv2D(layer[2], layer[1], padding="same"))
            elif layer[0] == "pool":
                model.add(keras.layers.MaxPooling2D(layer[1]))
            else:
                if not flat:
                    model.add(keras.layers.Flatten())
                    flat = True
                model.add(keras.layers.Dense(layer[1]))
        assert analysis.count_params(model) == ch03.cnn_params_reference(shape, layers)
