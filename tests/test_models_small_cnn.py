"""The small CNN builder reproduces the source's two networks and rejects bad shapes."""

from __future__ import annotations

import numpy as np
import pytest


def test_source_networks_parameter_counts(tf):
    from course_utils import analysis
    from course_utils.models.small_cnn import small_cnn

    mnist = small_cnn(input_shape=(28, 28, 1), filters=(32, 64), dense=(64,))
    assert analysis.count_params(mnist) == 220_234
    assert [layer.name for layer in mnist.layers][:2] == ["conv_1", "pool_1"]
    cifar = small_cnn(input_shape=(32, 32, 3), filters=(16, 32, 64), dense=(500,),
                      conv_dropout=0.3, dense_dropout=0.4)
    assert analysis.count_params(cifar) == 541_094
    assert "dropout_conv" in [layer.name for layer in cifar.layers]
    out = cifar(np.zeros((2, 32, 32, 3), np.float32))
    np.testing.assert_allclose(np.asarray(out).sum(axis=1), 1.0, rtol=1e-5)


def test_width_scales_filters_and_units_but_not_the_classes(tf):
    from course_utils.models.small_cnn import small_cnn

    half = small_cnn(input_shape=(28, 28, 1), filters=(32, 64), dense=(64,), num_classes=7,
                     width=0.5)
    assert half.get_layer("conv_1").filters == 16
    assert half.get_layer("conv_2").filters == 32
    assert half.get_layer("dense_1").units == 32
    assert half.get_layer("output").units == 7
    with pytest.raises(TypeError):
        small_cnn((28, 28, 1))  # keyword-only, like every builder


@pytest.mark.parametrize("kwargs,match", [
    ({"input_shape": (28, 28)}, "channels"),
    ({"num_classes": 1}, "num_classes"),
    ({"conv_dropout": 1.0}, "dropout"),
    ({"width": 0.0}, "width"),
])
def test_bad_arguments(tf, kwargs, match):
    from course_utils.models.small_cnn import small_cnn

    with pytest.raises(ValueError, match=match):
        small_cnn(**kwargs)


def test_activation_and_initializers(tf):
    import keras

    from course_utils.models.small_cnn import small_cnn

    paper = keras.initializers.RandomNormal(stddev=0.01, seed=0)
    model = small_cnn(input_shape=(16, 16, 3), filters=(4, 4), dense=(8,), kernel_size=5,
                      activation="tanh", kernel_initializer=paper, output_initializer=paper)
    hidden = [model.get_layer(n) for n in ("conv_1", "conv_2", "dense_1")]
    assert all(layer.activation.__name__ == "tanh" for layer in hidden)
    for layer in [*hidden, model.get_layer("output")]:
        assert 0.005 < float(np.std(np.asarray(layer.kernel))) < 0.015
    default = small_cnn(input_shape=(16, 16, 3), filters=(4,), dense=())
    assert default.get_layer("conv_1").activation.__name__ == "relu"
