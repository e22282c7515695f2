"""Recomputing batch-norm statistics: the moving averages become the data's statistics, the
weights and momenta are untouched, and the report says how far off the old values were."""

from __future__ import annotations

import numpy as np
import pytest


def _model(keras, nested: bool = False):
    inner_in = keras.Input((4,))
    x = keras.layers.BatchNormalization(momentum=0.99, name="bn")(inner_in)
    inner = keras.Model(inner_in, keras.layers.Dense(2, name="out")(x), name="body")
    if not nested:
        return inner
    outer_in = keras.Input((4,))
    return keras.Model(outer_in, inner(keras.layers.Rescaling(1.0)(outer_in)), name="outer")


@pytest.mark.parametrize("nested", [False, True])
def test_moving_statistics_become_the_data_statistics(tf, nested):
    import keras

    from course_utils import batchnorm

    model = _model(keras, nested)
    x = np.random.default_rng(0).normal(5.0, 3.0, size=(2048, 4)).astype("float32")
    weights = [np.array(w) for w in model.trainable_weights]
    table = batchnorm.recompute_statistics(model, x, batch_size=256)
    (bn,) = batchnorm.batch_norm_layers(model)
    np.testing.assert_allclose(np.array(bn.moving_mean), x.mean(axis=0), rtol=1e-4)
    # The average of batch variances (biased, 256 per batch) is (1 - 1/256) of the variance.
    np.testing.assert_allclose(np.array(bn.moving_variance), x.var(axis=0) * 255 / 256,
                               rtol=0.02)
    assert bn.momentum == 0.99
    for before, after in zip(weights, model.trainable_weights):
        np.testing.assert_array_equal(before, np.array(after))
    # The old values (mean 0, variance 1) were a third of the std and 5/3 stds off; with
    # variances far above epsilon the divisor ratio is the std ratio.
    assert table.loc["bn", "std ratio"] == pytest.approx(1 / 3, rel=0.03)
    assert table.loc["bn", "divisor ratio"] == pytest.approx(1 / 3, rel=0.03)
    assert table.loc["bn", "mean offset"] == pytest.approx(5 / 3, rel=0.03)


def test_the_divisor_ratio_includes_epsilon():
    from course_utils import batchnorm

    # Inputs divided twice by 255: a variance of 1.3e-7, far below Keras' epsilon 1e-3.
    before = {"bn1": (np.zeros(2), np.ones(2))}
    after = {"bn1": (np.zeros(2), np.full(2, 1.3e-7))}
    table = batchnorm.compare_statistics(before, after)
    expected = np.sqrt(1 + 1e-3) / np.sqrt(1.3e-7 + 1e-3)
    assert table.loc["bn1", "divisor ratio"] == pytest.approx(expected, rel=1e-6)
    assert 31 < expected < 32  # not the std ratio of about 2,800
    assert table.loc["bn1", "std ratio"] == pytest.approx(1 / np.sqrt(1.3e-7), rel=1e-6)
    per_layer = batchnorm.compare_statistics(before, after, {"bn1": 1e-5})
    assert per_layer.loc["bn1", "divisor ratio"] == pytest.approx(
        np.sqrt(1 + 1e-5) / np.sqrt(1.3e-7 + 1e-5), rel=1e-6)


def test_a_pipeline_works_and_a_settled_model_reports_ratio_one(tf):
    import keras

    from course_utils import batchnorm

    model = _model(keras)
    x = np.random.default_rng(1).normal(0.0, 1.0, size=(512, 4)).astype("float32")
    pipeline = tf.data.Dataset.from_tensor_slices((x, np.zeros(512))).batch(128)
    batchnorm.recompute_statistics(model, pipeline)
    again = batchnorm.recompute_statistics(model, pipeline)
    assert again.loc["bn", "std ratio"] == pytest.approx(1.0, rel=1e-5)
    assert again.loc["bn", "mean offset"] == pytest.approx(0.0, abs=1e-4)


def test_errors_name_the_problem(tf):
    import keras

    from course_utils import batchnorm

    plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)], name="plain")
    with pytest.raises(ValueError, match="no BatchNormalization"):
        batchnorm.recompute_statistics(plain, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="empty"):
        batchnorm.recompute_statistics(_model(keras), np.zeros((0, 4), "float32"))
