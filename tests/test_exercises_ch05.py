"""Chapter 5 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub); the answers agree with the builder
and with the analysis helpers."""

from __future__ import annotations

import math

from course_utils.exercises import ch05


def _no_jump(blocks):
    return 1 + sum(2 * c + 1 for c in blocks)


def _no_pool_window(blocks):
    field, jump = 1, 1
    for c in blocks:
        field, jump = field + 2 * jump * c, jump * 2
    return field


# (id, wrong answer, words the feedback must contain)
CASES = [
    ("05.vgg19_block5", 9_437_184, "biases"),
    ("05.vgg19_block5", 7_079_424, "four"),
    ("05.vgg19_block5", 8_259_584, "512 channels"),
    ("05.vgg19_block5", 2_359_808, "one convolution"),
    ("05.vgg_receptive_field", _no_jump, "jump doubles"),
    ("05.vgg_receptive_field", _no_pool_window, "pooling window"),
    ("05.vgg_receptive_field", lambda blocks: 212, "expected 150"),
    ("05.glorot_doubling", 0.5, "fan-in equals fan-out"),
    ("05.glorot_doubling", 0.667, "ReLU"),
    ("05.glorot_doubling", 1.0, "only when fan-in equals fan-out"),
    ("05.glorot_doubling", 0.577, "RMS"),
    ("05.he_std", 0.0884, "whole window"),
    ("05.he_std", 0.0208, "doubles the variance"),
    ("05.he_std", 0.017, "Glorot"),
    ("05.he_std", 0.1, "paper"),
]


def test_receptive_field_checker_explains_a_non_function():
    ok, message = ch05.evaluate("05.vgg_receptive_field", 212)
    assert not ok and "function" in message


def test_receptive_field_checks_stacks_the_chapter_never_showed():
    # the chapter shows only VGG16's 212: a function right for D alone fails on A first
    def only_d(blocks):
        return 212 if list(blocks) == [2, 2, 3, 3, 3] else 0

    ok, message = ch05.evaluate("05.vgg_receptive_field", only_d)
    assert not ok and "[1, 1, 2, 2, 2]" in message
    assert (2, 2, 3, 3, 3) in ch05.FIELD_CASES
    assert sum(case != (2, 2, 3, 3, 3) for case in ch05.FIELD_CASES) >= 8


def test_receptive_field_reference_agrees_with_the_analysis_helper():
    from course_utils import analysis

    for case in ch05.FIELD_CASES:
        layers = [layer for c in case for layer in [(3, 1)] * c + [(2, 2)]]
        assert ch05.vgg_receptive_field(case) == analysis.receptive_field(layers).size


def test_receptive_field_checker_names_the_last_pool_mistake():
    def before_last_pool(blocks):
        field, jump = 1, 1
        for i, c in enumerate(blocks):
            field += 2 * jump * c
            if i < len(blocks) - 1:
                field, jump = field + jump, jump * 2
        return field

    ok, message = ch05.evaluate("05.vgg_receptive_field", before_last_pool)
    assert not ok and "last pooling" in message


def test_vgg19_block5_matches_the_built_network(tf):
    from course_utils.models import vgg

    model = vgg.vgg(config="E", num_classes=10, input_shape=(32, 32, 3),
                    kernel_initializer="zeros")
    block5 = sum(model.get_layer(f"block5.conv{i}").count_params() for i in (1, 2, 3, 4))
    assert block5 == ch05.VGG19_BLOCK5 == 9_439_232


def test_glorot_factor_is_measured_on_a_real_layer(tf):
    """The 1/3 of 05.glorot_doubling, measured: a Glorot 3x3 conv from 32 to 64 channels."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).standard_normal((64, 16, 16, 32)).astype("float32")
    conv = keras.layers.Conv2D(64, 3, padding="valid", activation="relu", use_bias=False)
    y = np.asarray(conv(x))
    assert abs(np.mean(y ** 2) / np.mean(x ** 2) - 1 / 3) < 0.02


def test_he_std_matches_keras(tf):
    import keras
    import numpy as np

    init = keras.initializers.HeNormal(seed=0)
    w = np.asarray(init((3, 3, 256, 512)))
    # Keras draws from a normal truncated at 2 sigma and rescales it to the target std
    assert abs(w.std() - ch05.HE_STD_BLOCK4) / ch05.HE_STD_BLOCK4 < 0.02
    assert math.isclose(ch05.HE_STD_BLOCK4, 0.02946, rel_tol=1e-3)
