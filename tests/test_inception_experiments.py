"""Chapter 6's experiment runner: smoothed targets, area downsampling, a reused compiled model
that trains exactly like a new one, and the comparison table."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import inception_experiments as ix


def _arrays(n=24, size=8, k=3, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    x = rng.uniform(0, 255, (n, size, size, 3)).astype(np.float32)
    x[..., 0] += 40.0 * y[:, None, None]  # a learnable signal: class shifts the red channel
    return ix.Arrays(x, y, x[: n // 2], y[: n // 2], x[n // 2:], y[n // 2:],
                     class_names=tuple(f"c{i}" for i in range(k)))


def _build(aux=False):
    def build():
        import keras

        inputs = keras.Input((8, 8, 3))
        x = keras.layers.Rescaling(1 / 255)(inputs)
        x = keras.layers.Conv2D(4, 3, padding="same", use_bias=False)(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.Activation("relu")(x)
        pooled = keras.layers.GlobalAveragePooling2D()(x)
        main = keras.layers.Dense(3, activation="softmax")(keras.layers.Dropout(0.3)(pooled))
        if not aux:
            return keras.Model(inputs, main)
        side = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(x))
        return keras.Model(inputs, [main, side])
    return build


def test_smooth_labels_follow_the_paper():
    targets = ix.smooth_labels(np.array([0, 2]), 4, 0.1)
    np.testing.assert_allclose(targets.sum(axis=1), 1.0, rtol=1e-6)
    assert targets[0, 0] == pytest.approx(0.9 + 0.1 / 4)
    assert targets[0, 1] == pytest.approx(0.1 / 4)
    np.testing.assert_array_equal(ix.smooth_labels(np.array([1]), 3, 0.0), [[0, 1, 0]])
    with pytest.raises(ValueError, match="epsilon"):
        ix.smooth_labels(np.array([0]), 3, 1.0)


def test_downsample_averages_blocks():
    arrays = _arrays(size=8)
    small = ix.downsample(arrays, 4)
    assert small.image_size == 2 and small.x_test.shape[1:] == (2, 2, 3)
    np.testing.assert_allclose(small.x_train[0, 0, 0], arrays.x_train[0, :4, :4].mean((0, 1)),
                               rtol=1e-5)
    np.testing.assert_array_equal(small.y_val, arrays.y_val)
    with pytest.raises(ValueError, match="divide"):
        ix.downsample(arrays, 3)


def test_a_restarted_model_trains_exactly_like_a_new_one(tf):
    import keras

    arrays, build = _arrays(), _build()
    targets = ix.smooth_labels(arrays.y_train, 3, 0.0)

    def fit(model):
        model.fit(arrays.x_train, targets, epochs=2, batch_size=8, shuffle=True, verbose=0)
        return [np.asarray(w) for w in model.weights]

    keras.utils.set_random_seed(1)
    new = build()
    ix._compile(new, 0.3)
    new.optimizer.learning_rate = 0.01
    expected = fit(new)

    reused = build()
    ix._compile(reused, 0.3)
    ix.restart(reused, build, seed=5, learning_rate=0.05)
    fit(reused)  # another run first: moments, step count and random state all move
    ix.restart(reused, build, seed=1, learning_rate=0.01)
    for got, want in zip(fit(reused), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="different architecture"):
        ix.restart(reused, _build(aux=True), seed=1, learning_rate=0.01)


def test_compare_tunes_each_variant_and_repeats_seeds(tf):
    arrays = _arrays()
    plain = _build()
    variants = {"plain": ix.Variant(plain),
                "smoothed": ix.Variant(plain, label_smoothing=0.1),
                "aux": ix.Variant(_build(aux=True))}
    result = ix.compare(variants, {"default": arrays}, epochs=2, batch_size=8,
                        learning_rates=(0.003, 0.03), seeds=(1, 2))
    assert list(result.table.index) == ["plain", "smoothed", "aux"]
    assert set(result.learning_rates.values()) <= {0.003, 0.03}
    assert len(result.runs) == 3 * (2 + 1)
    row = result.table.loc["aux"]
    assert row["lowest"] <= row["test accuracy"] <= row["highest"]
    assert 1 / 3 <= row["confidence"] <= 1.0
    # The auxiliary head costs nothing at inference: same multiply-adds as the plain net.
    assert row["mult-adds (M)"] == result.table.loc["plain", "mult-adds (M)"]
    assert result.mean("plain") == pytest.approx(result.table.loc["plain", "test accuracy"],
                                                 abs=1e-3)
    with pytest.raises(KeyError):
        result.mean("nope")


def test_arrays_from_reads_pipelines_and_subsamples(tf):
    import tensorflow as tf_

    from course_utils import data

    x = np.arange(40 * 4 * 4 * 3, dtype=np.float32).reshape(40, 4, 4, 3)
    y = np.arange(40) % 4

    def pipe(n):
        return tf_.data.Dataset.from_tensor_slices((x[:n], y[:n])).batch(7)

    splits = data.ImageSplits(train=pipe(40), val=pipe(8), test=pipe(12),
                              class_names=["a", "b", "c", "d"], counts={},
                              image_size=4, provenance=None)
    arrays = ix.arrays_from(splits, train_size=20, seed=0)
    assert arrays.x_train.shape == (20, 4, 4, 3) and arrays.x_test.shape == (12, 4, 4, 3)
    assert np.bincount(arrays.y_train).tolist() == [5, 5, 5, 5]
    assert arrays.x_val.dtype == np.float32 and arrays.class_names == ("a", "b", "c", "d")
    two = ix.arrays_from(splits, classes=2)
    assert set(two.y_train) == set(two.y_test) == {0, 1} and two.class_names == ("a", "b")
    assert len(two.y_train) == 20


def test_cosine_decay_starts_at_the_rate_and_ends_low():
    callback = ix.cosine_decay(0.01, 4)
    rates = [callback.schedule(e) for e in range(4)]
    assert rates[0] == pytest.approx(0.01)
    assert rates == sorted(rates, reverse=True) and rates[-1] < 0.002
