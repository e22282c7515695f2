"""The photo-crop task: crops of real photos, split by region so no two splits overlap."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.data import photo_crops


def test_assign_blocks_gives_every_block_to_one_split():
    rng = np.random.default_rng(0)
    owned = photo_crops.assign_blocks((192, 288), 48, (0.6, 0.2, 0.2), rng)
    corners = [c for split in owned.values() for c in split]
    assert len(corners) == len(set(corners)) == 4 * 6
    assert all(len(owned[s]) >= 1 for s in photo_crops.SPLIT_NAMES)
    with pytest.raises(ValueError, match="each split needs one"):
        photo_crops.assign_blocks((48, 96), 48, (0.6, 0.2, 0.2), rng)


def test_crops_stay_inside_their_blocks_and_skip_flat_ones():
    image = np.zeros((96, 96, 3), dtype=np.uint8)
    image[:48, :48] = np.arange(48, dtype=np.uint8)[None, :, None] * 5  # a ramp: not flat
    rng = np.random.default_rng(1)
    crops = photo_crops.crops_from_blocks(image, [(0, 0)], 48, 32, 20, rng)
    assert crops.shape == (20, 32, 32, 3) and crops.dtype == np.uint8
    assert all(c.std() >= 8 for c in crops)
    with pytest.raises(ValueError, match="does not fit"):
        photo_crops.crops_from_blocks(image, [(0, 0)], 16, 32, 1, rng)


def test_load_photo_crops_is_balanced_real_and_deterministic():
    a = photo_crops.load_photo_crops((6, 3, 4), seed=3, verbose=False)
    b = photo_crops.load_photo_crops((6, 3, 4), seed=3, verbose=False)
    k = len(photo_crops.PHOTOS)
    assert a.x_train.shape == (6 * k, 32, 32, 3) and a.x_test.shape == (4 * k, 32, 32, 3)
    assert np.bincount(a.y_val, minlength=k).tolist() == [3] * k
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert a.provenance.is_real and "CIFAR" not in a.provenance.name
    for owned in a.blocks.values():  # no block is shared between splits
        sets = [set(owned[s]) for s in photo_crops.SPLIT_NAMES]
        assert not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])


def test_split_map_tints_each_block_with_its_split():
    crops = photo_crops.load_photo_crops((2, 1, 1), seed=0, verbose=False)
    tinted = photo_crops.split_map(crops, "cat", alpha=1.0)
    assert tinted.dtype == np.uint8 and tinted.shape[2] == 3
    for split, corners in crops.blocks["cat"].items():
        top, left = corners[0]
        assert tuple(tinted[top + 1, left + 1]) == photo_crops.SPLIT_COLOURS[split]
