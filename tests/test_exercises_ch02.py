"""Chapter 2 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub), plus the coding checker."""

from __future__ import annotations

import math

from course_utils.exercises import ch02


def _variance(shape, scheme):  # forgot the square root
    n_in = math.prod(shape[:-1])
    return 2 / n_in if scheme == "he" else 2 / (n_in + math.prod(shape[:-2]) * shape[-1])


def _channels_only(shape, scheme):  # forgot the kernel window
    fan_in, fan_out = shape[-2], shape[-1]
    return math.sqrt(2 / fan_in if scheme == "he" else 2 / (fan_in + fan_out))


def _dense_only(shape, scheme):  # right for (n_in, n_out) kernels only
    fan_in, fan_out = shape[0], shape[1]
    return math.sqrt(2 / fan_in if scheme == "he" else 2 / (fan_in + fan_out))


# (id, wrong answer, words the feedback must contain)
CASES = [
    ("02.conv_he_std", math.sqrt(2 / 64), "fan_in = 3 * 3 * 64"),
    ("02.conv_he_std", 2 / 576, "square root"),
    ("02.conv_he_std", math.sqrt(2 / 1152), "fan_out"),
    ("02.conv_glorot_limit", math.sqrt(6 / 35), "kernel's 25 positions"),
    ("02.conv_glorot_limit", math.sqrt(2 / 875), "standard deviation"),
    ("02.conv_glorot_limit", math.sqrt(6 / 75), "He uniform"),
    ("02.zeros_why", {"a", "c"}, "derivative is a sufficient reason"),
    ("02.zeros_why", {"a", "c", "d", "e"}, "copies of one unit"),
    ("02.zeros_why", {"a", "e"}, "ln 2 is not zero"),
    ("02.zeros_why", {"a", "b", "c", "e"}, "zero times any step size"),
    ("02.zeros_why", {"a", "c", "e", "f"}, "biases move"),
    ("02.zeros_why", {"c", "e"}, "multiplies a zero"),
    ("02.relu_factor", 0.05 * math.sqrt(200), "halving"),
    ("02.relu_factor", 0.25, "square root"),
    ("02.init_std", _variance, "square root"),
    ("02.init_std", _channels_only, "spatial size"),
    ("02.init_std", _dense_only, "returned"),
]


def test_bad_types_give_feedback():
    ok, message = ch02.evaluate("02.conv_he_std", "a lot")
    assert not ok and "expected a number" in message
    ok, message = ch02.evaluate("02.zeros_why", 2)
    assert not ok and "set of letters" in message
    assert ch02.evaluate("02.zeros_why", "a, c, e")[0]
    assert ch02.evaluate("02.zeros_why", ["e", "C", "a"])[0]
    ok, message = ch02.evaluate("02.init_std", 0.1)
    assert not ok and "function itself" in message
