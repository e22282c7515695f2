"""Chapter 4 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub); the answers agree with the built
networks; the coding exercise is judged on cases the chapter never shows."""

from __future__ import annotations

import math

import pytest

from course_utils.exercises import ch04


def _loop(momentum, variance, tolerance=0.01):
    moving, steps = 1.0, 0
    while abs(moving - variance) > tolerance * variance:
        moving = momentum * moving + (1 - momentum) * variance
        steps += 1
    return steps


def _closed_form(momentum, variance, tolerance=0.01):
    gap = abs(1 - variance)
    if gap <= tolerance * variance:
        return 0
    return math.ceil(math.log(tolerance * variance / gap) / math.log(momentum))


def _ignores_variance(momentum, variance, tolerance=0.01):
    moving_weight, steps = 1.0, 0
    while moving_weight > tolerance:
        moving_weight *= momentum
        steps += 1
    return steps


def _absolute(momentum, variance, tolerance=0.01):
    moving, steps = 1.0, 0
    while abs(moving - variance) > tolerance:
        moving = momentum * moving + (1 - momentum) * variance
        steps += 1
    return steps


def _swapped(momentum, variance, tolerance=0.01):
    moving, steps = 1.0, 0
    while abs(moving - variance) > tolerance * variance:
        moving = (1 - momentum) * moving + momentum * variance
        steps += 1
    return steps


def _one_short(momentum, variance, tolerance=0.01):
    moving, steps = 1.0, 0
    while True:
        moving = momentum * moving + (1 - momentum) * variance
        if abs(moving - variance) <= tolerance * variance:
            return steps
        steps += 1


def _no_default(momentum, variance, tolerance):
    return _loop(momentum, variance, tolerance)


def _float_steps(momentum, variance, tolerance=0.01):
    gap = abs(1 - variance)
    if gap <= tolerance * variance:
        return 0.0
    return math.log(tolerance * variance / gap) / math.log(momentum)  # not rounded up


# (id, wrong answer, words the feedback must contain)
CASES = [
    ("04.zfnet_conv1", 110.5, "round down"),
    ("04.zfnet_conv1", 111, "takes the floor"),
    ("04.zfnet_conv1", 109, "forgets the padding"),
    ("04.zfnet_conv1", 112, "'same' padding"),
    ("04.source_fc6_params", 37_752_832, "paper's fc6"),
    ("04.source_fc6_params", 4_194_304, "biases"),
    ("04.source_fc6_params", 9_441_280, "pooling arithmetic"),
    ("04.steps_to_settle", _ignores_variance, "compared with the variance itself"),
    ("04.steps_to_settle", _absolute, "relative"),
    ("04.steps_to_settle", _swapped, "keeps the weight momentum"),
    ("04.steps_to_settle", _one_short, "one step short"),
    ("04.steps_to_settle", _float_steps, "whole number"),
    ("04.steps_to_settle", 1993, "function steps_to_settle itself"),
]


@pytest.mark.parametrize("fn", [_loop, _closed_form])
def test_both_ways_of_solving_pass(fn):
    ok, message = ch04.evaluate("04.steps_to_settle", fn)
    assert ok, message


def test_a_missing_default_tolerance_is_named():
    ok, message = ch04.evaluate("04.steps_to_settle", _no_default)
    assert not ok and "TypeError" in message


def test_checker_cases_are_unseen_and_far_from_rounding_edges():
    """The cases use momenta, variances and tolerances the chapter does not compute, and
    none sits so close to a whole number of steps that float rounding could flip it."""
    for momentum, variance, tolerance in ch04.SETTLE_CASES:
        assert _loop(momentum, variance, tolerance) == ch04.settle_steps(
            momentum, variance, tolerance)
        gap = abs(1 - variance)
        if gap > tolerance * variance:
            exact = math.log(tolerance * variance / gap) / math.log(momentum)
            assert 0.01 < exact - math.floor(exact) < 0.99
    assert {c[0] for c in ch04.SETTLE_CASES} >= {0.9, 0.95, 0.99, 0.999}


def test_answers_match_the_built_networks(tf):
    from course_utils.models import alexnet

    source = alexnet.alexnet(input_shape=(224, 224, 3), num_classes=17, variant="batchnorm",
                             conv1_padding=0, conv3_5_padding="valid", dropout=0.4,
                             kernel_initializer="zeros")
    assert source.get_layer("fc6").count_params() == 4_198_400
    import keras

    zf = keras.layers.Conv2D(96, 7, strides=2)(keras.layers.ZeroPadding2D(1)(
        keras.Input((224, 224, 3))))
    assert zf.shape[1] == 110
