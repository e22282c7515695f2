"""The label-smoothing layer adds exactly the smoothed loss's extra term, in training only."""

import keras
import numpy as np
import pytest

from course_utils.label_smoothing import UniformCrossEntropy, confidence, with_label_smoothing


def test_training_loss_is_the_smoothed_loss_over_one_minus_eps() -> None:
    eps, k = 0.1, 5
    logits = np.array([[2.0, 0.5, -1.0, 0.0, 0.3], [0.1, 0.2, 3.0, -0.5, 0.0]], "float32")
    y = np.array([0, 2])
    probs = keras.ops.softmax(logits)
    layer = UniformCrossEntropy(eps / (1 - eps))
    layer(probs, training=True)
    ce = keras.losses.SparseCategoricalCrossentropy()(y, probs)
    total = float(ce) + float(layer.losses[0])
    smoothed = keras.losses.CategoricalCrossentropy(label_smoothing=eps)(
        keras.ops.one_hot(y, k), probs)
    assert total == pytest.approx(float(smoothed) / (1 - eps), rel=1e-5)


def test_no_loss_at_inference_and_predictions_unchanged() -> None:
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(4, activation="softmax")(inputs))
    smoothed = with_label_smoothing(model, 0.1)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(np.asarray(smoothed(x)), np.asarray(model(x)))
    layer = smoothed.get_layer("label_smoothing")
    layer(model(x), training=False)
    assert not layer.losses
    assert 0.25 <= confidence(smoothed, x) <= 1.0


def test_epsilon_must_be_a_fraction() -> None:
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs))
    with pytest.raises(ValueError, match="between 0 and 1"):
        with_label_smoothing(model, 1.0)
