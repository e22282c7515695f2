"""Chapter 3's locality helpers and the LeNet-5 builder."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils import locality
from course_utils.models.lenet import PAPER_PARAMS, lenet5
from course_utils.models.small_cnn import small_cnn


def test_shuffle_images_reorders_positions_and_keeps_channels_together():
    x = np.arange(2 * 2 * 3 * 2).reshape(2, 2, 3, 2)
    perm = locality.permutation(6, seed=0)
    out = locality.shuffle_images(x, perm)
    assert np.array_equal(out.reshape(2, 6, 2), x.reshape(2, 6, 2)[:, perm])
    with pytest.raises(ValueError, match="positions"):
        locality.shuffle_images(x, perm[:5])


def test_shuffled_pixels_builder_shuffles_and_starts_from_the_same_weights():
    def build():
        return small_cnn(input_shape=(8, 8, 1), filters=(4,), dense=(), num_classes=3)

    perm = locality.permutation(64, seed=1)
    keras.utils.set_random_seed(5)
    plain = build()
    keras.utils.set_random_seed(5)
    shuffled = locality.shuffled_pixels(build, perm, (8, 8, 1))()
    for a, b in zip(plain.get_weights(), shuffled.get_weights()):
        assert np.array_equal(a, b)
    x = np.random.default_rng(0).random((3, 8, 8, 1)).astype("float32")
    expected = np.asarray(plain(locality.shuffle_images(x, perm)))
    assert np.allclose(np.asarray(shuffled(x)), expected, atol=1e-6)


def test_receptive_fields_of_the_chapter_cnn_and_lenet5():
    table = locality.receptive_fields(small_cnn())
    assert table["receptive field"].tolist() == ["3x3", "4x4", "8x8", "10x10"]
    assert table["jump"].tolist() == [1, 2, 2, 4]
    lenet = locality.receptive_fields(lenet5())
    assert lenet.loc["C5", "receptive field"] == "32x32"


def test_lenet5_sizes_and_paper_counts():
    model = lenet5()
    assert model.get_layer("C5").output.shape[1:] == (1, 1, 120)
    assert model.get_layer("C1").count_params() == PAPER_PARAMS["C1"]
    assert model.get_layer("C5").count_params() == PAPER_PARAMS["C5"]
    assert model.get_layer("F6").count_params() == PAPER_PARAMS["F6"]
    assert sum(PAPER_PARAMS.values()) == 60_840
