"""Chapter 7 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub); the answers agree with the builders."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import ch07

# (id, wrong answer, words the feedback must contain)
CASES = [
    ("07.bottleneck_weights", 73_728, "basic"),
    ("07.bottleneck_weights", 36_864, "two 1x1 convolutions"),
    ("07.bottleneck_weights", 135_168, "an identity shortcut has no weights"),
    ("07.projection_shape", (28, 28, 128), "stride 2"),
    ("07.projection_shape", (14.9, 14.2, 128.7), "whole numbers"),
    ("07.projection_shape", (14, 14, 64), "change the channels"),
    ("07.projection_shape", (14, 14, 192), "adds"),
    ("07.cifar_depth", 108, "first 3x3"),
    ("07.cifar_depth", 54, "*two* convolutions"),
    ("07.cifar_depth", 56, "n = 9"),
]


@pytest.mark.parametrize("wrong,advice", [
    ("14x14", "tuple"), ((14, 14), "three numbers"), ((14.5, 14, 128), "whole numbers"),
    ((14, 14, "128"), "three numbers"),
])
def test_projection_shape_feedback(wrong, advice):
    ok, message = ch07.evaluate("07.projection_shape", wrong)
    assert not ok and advice in message


def test_projection_shape_accepts_integral_numbers():
    assert ch07.evaluate("07.projection_shape", np.array([14, 14, 128]))[0]
    assert ch07.evaluate("07.projection_shape", [14.0, 14.0, 128.0])[0]


def test_answers_agree_with_the_builders(tf):
    import keras

    from course_utils.models import resnet

    inputs = keras.Input((28, 28, 64))
    block = keras.Model(inputs, resnet.basic_block(inputs, 128, stride=2, name="b"))
    assert ch07.evaluate("07.projection_shape", block.output_shape[1:])[0]
    inputs = keras.Input((56, 56, 256))
    bottleneck = keras.Model(inputs, resnet.bottleneck_block(inputs, 64, name="n"))
    kernels = sum(int(np.prod(w.shape)) for w in bottleneck.weights if "kernel" in w.path)
    assert ch07.evaluate("07.bottleneck_weights", kernels)[0]
    net = resnet.cifar_resnet(blocks_per_stage=18, width=0.125, input_shape=(8, 8, 3))
    assert ch07.evaluate("07.cifar_depth", resnet.depth_of(net))[0]
