"""Chapter 7 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice; the stored solutions pass; the answers agree with the builders."""

from __future__ import annotations

import pytest

from course_utils import exercises

# Used by tests/test_exercises.py: one right and one wrong answer per checker.
CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("07.bottleneck_weights", 69_632, 73_728, "basic"),
    ("07.projection_shape", (14, 14, 128), (28, 28, 128), "stride 2"),
    ("07.cifar_depth", 110, 108, "first 3x3"),
]


@pytest.mark.parametrize("wrong,advice", [
    ((14, 14, 64), "change the channels"), ((14, 14, 192), "adds"), ("14x14", "tuple"),
    ((14, 14), "three numbers"),
])
def test_projection_shape_feedback(wrong, advice):
    ok, message = exercises.evaluate("07.projection_shape", wrong)
    assert not ok and advice in message


def test_answers_agree_with_the_builders(tf):
    import keras
    import numpy as np

    from course_utils.models import resnet

    inputs = keras.Input((28, 28, 64))
    block = keras.Model(inputs, resnet.basic_block(inputs, 128, stride=2, name="b"))
    assert exercises.evaluate("07.projection_shape", block.output_shape[1:])[0]
    inputs = keras.Input((56, 56, 256))
    bottleneck = keras.Model(inputs, resnet.bottleneck_block(inputs, 64, name="n"))
    kernels = sum(int(np.prod(w.shape)) for w in bottleneck.weights if "kernel" in w.path)
    assert exercises.evaluate("07.bottleneck_weights", kernels)[0]
    net = resnet.cifar_resnet(18, widths=(2, 2, 2), input_shape=(8, 8, 3))
    assert exercises.evaluate("07.cifar_depth", resnet.depth_of(net))[0]
