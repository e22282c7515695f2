"""Initialization formulas against hand-computed values; per-layer statistics on tiny models
whose answers are known (zeros, identical units); the plot of those statistics."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from course_utils import initialization as init


def test_fans_dense_and_conv():
    assert init.fans((784, 256)) == (784, 256)
    assert init.fans((3, 3, 16, 32)) == (144, 288)
    with pytest.raises(ValueError, match="at least two axes"):
        init.fans((10,))


def test_theoretical_std_formulas():
    assert init.theoretical_std("he", 256) == pytest.approx(math.sqrt(2 / 256))
    assert init.theoretical_std("he", 256) == pytest.approx(0.0883883, rel=1e-6)
    assert init.theoretical_std("glorot", 784, 256) == pytest.approx(math.sqrt(2 / 1040))
    assert init.theoretical_std("lecun", 100) == pytest.approx(0.1)
    # Glorot equals LeCun when fan_in == fan_out, and He is sqrt(2) times LeCun.
    assert init.theoretical_std("glorot", 100, 100) == pytest.approx(init.theoretical_std("lecun", 100))
    assert init.theoretical_std("he", 100) == pytest.approx(math.sqrt(2) * 0.1)


def test_uniform_limit_matches_keras_formulas():
    assert init.uniform_limit("glorot", 784, 256) == pytest.approx(math.sqrt(6 / 1040))
    assert init.uniform_limit("he", 256) == pytest.approx(math.sqrt(6 / 256))
    # A uniform U(-a, a) has standard deviation a / sqrt(3).
    a = init.uniform_limit("glorot", 300, 100)
    assert a / math.sqrt(3) == pytest.approx(init.theoretical_std("glorot", 300, 100))


def test_formula_errors_are_clear():
    with pytest.raises(ValueError, match="Valid schemes"):
        init.theoretical_std("xavier", 10, 10)
    with pytest.raises(ValueError, match="fan_out"):
        init.theoretical_std("glorot", 10)
    with pytest.raises(ValueError, match="fan_in"):
        init.theoretical_std("he", 0)


def test_initializer_names_and_fresh_copies():
    spec = init.initializer("small_normal")
    spec["config"]["stddev"] = 99.0
    assert init.initializer("small_normal")["config"]["stddev"] == 0.01
    assert init.initializer("he_normal") == "he_normal"
    with pytest.raises(ValueError, match="Valid names"):
        init.initializer("xavier")


def test_keras_draws_match_the_theory(tf):
    import keras

    keras.utils.set_random_seed(0)
    for name, scheme in (("he_normal", "he"), ("glorot_uniform", "glorot"), ("he_uniform", "he")):
        w = np.asarray(keras.initializers.get(init.initializer(name))((400, 300)))
        assert w.std() == pytest.approx(init.theoretical_std(scheme, 400, 300), rel=0.03)
    w = np.asarray(keras.initializers.get(init.initializer("glorot_uniform"))((400, 300)))
    assert np.abs(w).max() <= init.uniform_limit("glorot", 400, 300) + 1e-7


def _chain(tf, initializer, depth=3, units=16, activation="relu"):
    import keras

    from course_utils.models.mlp import mlp

    keras.utils.set_random_seed(1)
    return mlp(input_shape=(8,), hidden=(units,) * depth, num_classes=3, activation=activation,
                      kernel_initializer=init.initializer(initializer),
                      output_initializer=init.initializer(initializer))


def _batch(n=64):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 8)).astype("float32"), rng.integers(0, 3, size=n)


def test_layer_statistics_shape_and_columns(tf):
    model = _chain(tf, "he_normal")
    x, y = _batch()
    stats = init.layer_statistics(model, x, y)
    assert list(stats.index) == ["hidden_1", "hidden_2", "hidden_3", "output"]
    assert list(stats.columns) == ["depth", "fan_in", "fan_out", "weight std", "activation std",
                                   "gradient std"]
    assert stats.loc["hidden_1", "fan_in"] == 8 and stats.loc["output", "fan_out"] == 3
    assert (stats["activation std"] > 0).all() and (stats["gradient std"] > 0).all()
    # The weights are only read, never changed.
    before = [w.copy() for w in model.get_weights()]
    init.layer_statistics(model, x, y)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_zero_weights_give_zero_signals(tf):
    stats = init.layer_statistics(_chain(tf, "zeros"), *_batch())
    hidden = stats.drop(index="output")
    assert (hidden["activation std"] == 0).all()
    assert (stats["gradient std"] == 0).all()


def test_activation_block_is_measured_after_the_activation(tf):
    # Block output = ReLU output: all entries >= 0, so it differs from the Dense output.
    import keras

    model = _chain(tf, "he_normal", depth=1)
    x, y = _batch()
    stats = init.layer_statistics(model, x, y)
    relu_out = keras.Model(model.inputs[0], model.get_layer("act_1").output)(x)
    assert stats.loc["hidden_1", "activation std"] == pytest.approx(float(np.std(relu_out)), rel=1e-5)


def test_tiny_weights_shrink_the_signal_layer_by_layer(tf):
    stats = init.layer_statistics(_chain(tf, "small_normal", depth=4, activation="tanh"), *_batch())
    act = stats.drop(index="output")["activation std"].to_numpy()
    # Each layer multiplies the std by about 0.01 * sqrt(16) = 0.04.
    assert np.all(act[1:] / act[:-1] < 0.1)


def test_layer_statistics_needs_a_kernel(tf):
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Activation("relu")])
    with pytest.raises(ValueError, match="no layer with a kernel"):
        init.layer_statistics(model, np.zeros((2, 4), "float32"), np.zeros(2))


def test_scheme_table(tf):
    table = init.scheme_table(_chain(tf, "glorot_uniform", depth=2, units=32))
    assert table.loc["hidden_1", "He std"] == pytest.approx(math.sqrt(2 / 8))
    assert table.loc["hidden_2", "Glorot std"] == pytest.approx(math.sqrt(2 / 64))
    assert table.loc["hidden_2", "actual std"] == pytest.approx(math.sqrt(2 / 64), rel=0.25)


def test_distinct_units():
    w = np.ones((5, 4))
    assert init.distinct_units(w) == 1
    w[:, 2] += 1e-3
    assert init.distinct_units(w) == 2
    assert init.distinct_units(w, tol=1e-2) == 1
    assert init.distinct_units(np.random.default_rng(0).normal(size=(3, 3, 2, 6))) == 6


def test_activation_statistics_plot(tf):
    import matplotlib

    matplotlib.use("Agg")
    from course_utils import plots

    x, y = _batch()
    stats = {name: init.layer_statistics(_chain(tf, name), x, y) for name in ("zeros", "he_normal")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.activation_statistics(stats, title="test")
    axes = fig.axes
    assert len(axes) == 2
    assert axes[0].get_yscale() == "log" and axes[0].get_xlabel() == "layer"
    labels = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert labels == ["zeros (zeros not drawn)", "he_normal"]
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["hidden_1", "hidden_2", "hidden_3",
                                                                 "output"]
    linear = plots.activation_statistics(stats, columns=("weight std",), logy=False)
    assert linear.axes[0].get_yscale() == "linear"
    labels = [t.get_text() for t in linear.axes[0].get_legend().get_texts()]
    assert labels == ["zeros", "he_normal"]
    import matplotlib.pyplot as plt

    plt.close("all")


def test_compare_keeps_layer_order(tf):
    x, y = _batch()
    stats = {name: init.layer_statistics(_chain(tf, name, depth=11, units=4), x, y)
             for name in ("glorot_uniform", "he_normal")}
    table = init.compare(stats, "activation std")
    assert list(table.index) == ["glorot_uniform", "he_normal"]
    assert list(table.columns)[:3] == ["hidden_1", "hidden_2", "hidden_3"]
    assert list(table.columns)[-2:] == ["hidden_11", "output"]
    assert table.loc["he_normal", "hidden_2"] == stats["he_normal"].loc["hidden_2", "activation std"]
    with pytest.raises(ValueError, match="empty"):
        init.compare({}, "activation std")
