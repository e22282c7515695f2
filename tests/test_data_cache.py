"""Image-folder pipelines survive a partial read. ``ds.cache()`` left half-written by an
abandoned iterator (``next(iter(ds))`` in a notebook, where the iterator may outlive the
cell) used to be kept as if complete, so later reads of the split - an evaluation on the
test set - silently saw only the first few dozen images."""

from __future__ import annotations

import gc

import numpy as np


def test_partial_read_does_not_truncate_the_split(tf, keras_home, monkeypatch):
    from course_utils import data

    monkeypatch.setenv("COURSE_OFFLINE", "1")
    gc.disable()  # abandoned iterators stay alive until collected, as in a notebook kernel
    try:
        splits = data.load_flowers17(image_size=64, batch_size=32, standin_classes=10,
                                     standin_per_class=136, verbose=False)
        sizes = []
        for _ in range(3):
            next(iter(splits.test))
            sizes.append(sum(int(y.shape[0]) for _, y in splits.test))
    finally:
        gc.enable()
    assert sizes == [splits.counts["test"]] * 3
    labels = np.concatenate([y.numpy() for _, y in splits.test])
    assert np.array_equal(np.bincount(labels), [20] * 10)
