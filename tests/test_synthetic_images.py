"""The generated stand-in image set: deterministic, balanced, varied and learnable."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import synthetic_images as si


def test_same_seed_same_pixels():
    a = si.make_images(3, 32, 4, seed=1)
    b = si.make_images(3, 32, 4, seed=1)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], si.make_images(3, 32, 4, seed=2)[0])


def test_balanced_labels_and_shapes():
    x, y, names = si.make_images(5, 24, 10, seed=0)
    assert x.shape == (50, 24, 24, 3) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [5] * 10 and names == list(si.SHAPES)


def test_colour_and_position_vary_within_a_class():
    x, y, _ = si.make_images(20, 32, 2, seed=0)
    disks = x[y == 0].astype(float)
    assert disks.mean(axis=(1, 2, 3)).std() > 10, "colours differ between images of a class"


def test_classes_are_learnable_by_a_small_cnn(tf):
    """A tiny CNN, a few seconds of training, clearly beats chance on held-out images: the
    shapes, not the colours, carry the label."""
    import keras

    keras.utils.set_random_seed(0)
    x, y, _ = si.make_images(120, 32, 2, seed=0)  # disks vs rings
    x = x.astype("float32") / 255.0
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        keras.layers.Conv2D(16, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x[:180], y[:180], epochs=15, batch_size=32, verbose=0)
    _, acc = model.evaluate(x[180:], y[180:], verbose=0)
    assert acc > 0.75  # chance is 0.5


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="num_classes must be between 2 and 10"):
        si.make_images(1, 32, 11)
    with pytest.raises(ValueError, match="Unknown shape 'blob'"):
        si.make_image("blob", 32, np.random.default_rng(0))


def test_write_class_folders(tmp_path):
    names = si.write_class_folders(tmp_path, per_class=2, size=20, num_classes=3, seed=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert sum(1 for _ in tmp_path.rglob("*.png")) == 6
