"""Chapter 7 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub); the answers agree with the builders,
and the coding exercise's reference agrees with automatic differentiation."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import ch07

# (id, wrong answer, words the feedback must contain)
CASES = [
    ("07.bottleneck_weights", 4_718_592, "*basic* block"),
    ("07.bottleneck_weights", 2_359_296, "two 1x1 convolutions"),
    ("07.bottleneck_weights", 4_456_448 + 2048 * 2048, "identity shortcut has no weights"),
    ("07.bottleneck_weights", 11_534_336, "reduced width"),
    ("07.bottleneck_weights", 69_632, "conv2_x block"),
    ("07.projection_shape", (7, 7, 512), "ceil(15 / 2)"),
    ("07.projection_shape", (8, 8, 128), "expands the channels by 4"),
    ("07.projection_shape", (15, 15, 512), "stride 2"),
    ("07.projection_shape", (8, 8, 256), "change the channels"),
    ("07.projection_shape", (8, 8, 1024), "adds"),
    ("07.projection_shape", (8.4, 8.0, 512.9), "whole numbers"),
    ("07.cifar_depth", 110, "bottleneck block has three"),
    ("07.cifar_depth", 162, "first 3x3"),
    ("07.cifar_depth", 56, "*three* convolutions"),
    ("07.cifar_depth", 167, "shortcuts are not counted"),
    ("07.v15_macs", 102_760_448, "*more*"),
    ("07.v15_macs", 25_690_112, "28x28 positions"),
    ("07.v15_macs", 0, "stride 1"),
    ("07.v15_macs", 231_211_008, "conv4_1 alone"),
    ("07.v15_macs", 346_816_512, "still outputs 14x14"),
    ("07.input_gradient", lambda slopes, residual: float(np.prod(slopes)), "1 + a_i, not a_i"),
    ("07.input_gradient",
     lambda slopes, residual: (1 + sum(slopes)) if residual else float(np.prod(slopes)),
     "first-order"),
    ("07.input_gradient",
     lambda slopes, residual: (1 if residual else 0) + float(np.prod(slopes)),
     "not added once"),
    ("07.input_gradient",
     lambda slopes, residual: sum((1 + a) if residual else a for a in slopes),
     "multiply"),
    ("07.input_gradient", lambda slopes, residual: float(np.prod([1 + a for a in slopes])),
     "no shortcut"),
]


@pytest.mark.parametrize("wrong,advice", [
    ("8x8", "tuple"), ((8, 8), "three numbers"), ((8.5, 8, 512), "whole numbers"),
    ((8, 8, "512"), "three numbers"), ((4, 4, 512), "stride applies once"),
])
def test_block_shape_feedback(wrong, advice):
    ok, message = ch07.evaluate("07.projection_shape", wrong)
    assert not ok and advice in message


def test_block_shape_accepts_integral_numbers():
    assert ch07.evaluate("07.projection_shape", np.array([8, 8, 512]))[0]
    assert ch07.evaluate("07.projection_shape", [8.0, 8.0, 512.0])[0]


def test_input_gradient_feedback_on_broken_functions():
    ok, message = ch07.evaluate("07.input_gradient", lambda slopes, residual: "big")
    assert not ok and "return a number" in message
    ok, message = ch07.evaluate("07.input_gradient", lambda slopes: 1.0)
    assert not ok and "TypeError" in message
    ok, message = ch07.evaluate("07.input_gradient", 3)
    assert not ok and "define a function" in message


def test_answers_agree_with_the_builders(tf):
    import keras

    from course_utils.models import layers, resnet

    block = layers.block_model(resnet.bottleneck_block, input_shape=(15, 15, 256), filters=128,
                               stride=2, name="b")
    assert ch07.evaluate("07.projection_shape", block.output_shape[1:])[0]
    block = layers.block_model(resnet.bottleneck_block, input_shape=(7, 7, 2048), filters=512,
                               name="c5")
    kernels = sum(int(np.prod(w.shape)) for w in block.weights if w.path.endswith("kernel"))
    assert ch07.evaluate("07.bottleneck_weights", kernels)[0]

    # A bottleneck CIFAR ResNet with n = 18 (a tiny width: only the depth matters).
    inputs = keras.Input((8, 8, 3))
    x = layers.conv_bn(inputs, 4, 3, name="stem")
    for stage in range(3):
        for j in range(18):
            x = resnet.bottleneck_block(x, 4 * 2 ** stage, stride=2 if stage and not j else 1,
                                        name=f"s{stage}_{j}")
    x = keras.layers.GlobalAveragePooling2D()(x)
    net = keras.Model(inputs, keras.layers.Dense(10, name="fc")(x))
    assert ch07.evaluate("07.cifar_depth", resnet.depth_of(net))[0]


def test_v15_answer_agrees_with_built_blocks(tf):
    from course_utils import analysis
    from course_utils.models import layers, resnet

    def v15(x, *, name):  # the stride on the 3x3, as in torchvision's ResNet-50
        y = layers.conv_bn(x, 256, 1, name=f"{name}.a")
        y = layers.conv_bn(y, 256, 3, strides=2, name=f"{name}.b")
        y = layers.conv_bn(y, 1024, 1, activation=None, name=f"{name}.c")
        short = layers.conv_bn(x, 1024, 1, strides=2, activation=None, name=f"{name}.s")
        return short + y

    v1 = layers.block_model(resnet.bottleneck_block, input_shape=(28, 28, 512), filters=256,
                            stride=2, name="conv4_1")
    new = layers.block_model(v15, input_shape=(28, 28, 512), name="conv4_1")
    extra = analysis.totals(new)["mult-adds"] - analysis.totals(v1)["mult-adds"]
    assert ch07.evaluate("07.v15_macs", extra)[0]


def test_input_gradient_reference_agrees_with_autodiff(tf):
    import tensorflow

    scope: dict = {}
    exec(ch07.EXERCISES["07.input_gradient"].solution, scope)  # noqa: S102
    solution = scope["input_gradient"]
    for slopes in ([0.3, -0.2, 0.7], [1.5, -0.5, 0.25, 0.1]):
        for residual in (False, True):
            x0 = tensorflow.Variable(1.7, dtype=tensorflow.float64)
            with tensorflow.GradientTape() as tape:
                x = x0
                for a in slopes:
                    x = x + a * x if residual else a * x
            assert float(tape.gradient(x, x0)) == pytest.approx(solution(slopes, residual))
