"""Chapter 6 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub), and the references checked against
built models."""

from __future__ import annotations

import math

import pytest

from course_utils.exercises import ch06


def _with_biases(grid, c_in, spec):
    n1, r3, n3, r5, n5, pp = spec
    w = c_in * n1 + c_in * r3 + 9 * r3 * n3 + c_in * r5 + 25 * r5 * n5 + c_in * pp
    return w + sum(spec), grid * grid * w


def _naive(grid, c_in, spec):
    n1, r3, n3, r5, n5, pp = spec
    w = c_in * (n1 + r3 + 9 * n3 + r5 + 25 * n5 + pp)
    return w, grid * grid * w


def _no_pool_projection(grid, c_in, spec):
    n1, r3, n3, r5, n5, pp = spec
    w = c_in * n1 + c_in * r3 + 9 * r3 * n3 + c_in * r5 + 25 * r5 * n5
    return w, grid * grid * w


def _grid_once(grid, c_in, spec):
    n1, r3, n3, r5, n5, pp = spec
    w = c_in * (n1 + r3 + r5 + pp) + 9 * r3 * n3 + 25 * r5 * n5
    return w, grid * w


def _only_table1(grid, c_in, spec):  # hard-coded to (3a), right there and nowhere else
    return 163_328, 128_049_152


# (id, wrong answer, words the feedback must contain)
CASES = [
    ("06.naive_4c_cost", 99_850_240, "1x1 reductions"),
    ("06.naive_4c_cost", 2_064_384, "14x14"),
    ("06.naive_4c_cost", 4 * 404_619_264, "not 28x28"),
    ("06.naive_4c_cost", 404_619_264 + 196 * 512 * 64, "no pool projection"),
    ("06.naive_4c_cost", 196 * 480 * 4032, "512 channels"),
    ("06.naive_4c_cost", 404_619_264.5, "whole number"),
    ("06.smoothed_loss", -math.log(0.99), "one-hot"),
    ("06.smoothed_loss", -(0.9 * math.log(0.99) + 4 * 0.025 * math.log(0.0025)), "all K"),
    ("06.smoothed_loss", ch06.SMOOTHED / math.log(10), "natural logarithm"),
    ("06.smoothed_loss", -(0.92 * math.log(0.99) + 0.02 * math.log(0.0025)), "four"),
    ("06.smoothed_loss", -ch06.SMOOTHED, "positive"),
    ("06.module_cost", _with_biases, "no biases"),
    ("06.module_cost", _naive, "reductions"),
    ("06.module_cost", _no_pool_projection, "projection"),
    ("06.module_cost", _grid_once, "grid x grid"),
    ("06.module_cost", _only_table1, "expected"),
    ("06.module_cost", 163_328, "function itself"),
]


def test_naive_4c_matches_the_built_module(tf):
    from course_utils import analysis
    from course_utils.models import inception, layers

    model = layers.block_model(inception.naive_inception_module, input_shape=(14, 14, 512),
                               n1x1=128, n3x3=256, n5x5=64, name="naive_4c")
    assert ch06.evaluate("06.naive_4c_cost", analysis.totals(model)["mult-adds"])[0]


def test_smoothed_loss_matches_keras(tf):
    import keras
    import numpy as np

    prediction = np.array([[0.99, 0.0025, 0.0025, 0.0025, 0.0025]], dtype="float32")
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=0.1)
    value = float(loss(np.array([[1.0, 0, 0, 0, 0]], dtype="float32"), prediction))
    assert value == pytest.approx(ch06.SMOOTHED, abs=1e-4)
    assert ch06.evaluate("06.smoothed_loss", round(value, 3))[0]


def test_module_cost_reference_matches_built_modules(tf):
    from course_utils import analysis
    from course_utils.models import inception, layers

    for grid, c_in, spec in ch06.COST_CASES:
        if 0 in spec:
            continue  # Keras refuses a convolution with no filters
        model = layers.block_model(inception.inception_module, input_shape=(grid, grid, c_in),
                                   spec=spec, name="m")
        table = analysis.paper_comparison(model, {"m": (1, 1)})
        weights, macs = ch06.module_cost(grid, c_in, spec)
        assert table.attrs["weights (no biases)"] == weights
        assert table.attrs["mult-adds"] == macs


def test_module_cost_accepts_lists_and_numpy_ints():
    import numpy as np

    def numpy_version(grid, c_in, spec):
        w = ch06.module_cost(grid, c_in, spec)[0]
        return np.int64(w), np.int64(grid * grid * w)

    assert ch06.evaluate("06.module_cost", numpy_version)[0]
