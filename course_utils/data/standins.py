"""Generated shapes: the offline stand-ins for photo data sets, and shapes as a task of
their own (:func:`generated_shapes`), both from :mod:`course_utils.synthetic_images`."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from course_utils.data.files import _prepare
from course_utils.data.provenance import ArrayData, Provenance, _announce
from course_utils.data.splits import stratified_indices, write_splits


def shape_splits(per_class: int, size: int, num_classes: int, seed: int,
                 train_fraction: float) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                 np.ndarray, list[str]]:
    """``num_classes`` generated shape classes of ``per_class`` uint8 images each, split
    ``train_fraction`` / rest by class after a seeded shuffle:
    ``(x_train, y_train, x_test, y_test, class_names)``."""
    from course_utils import synthetic_images

    x, y, names = synthetic_images.make_images(per_class, size, num_classes, seed)
    train_idx, test_idx = stratified_indices(y, (train_fraction, 1 - train_fraction), seed)
    return x[train_idx], y[train_idx], x[test_idx], y[test_idx], names


def standin_folders(name: str, num_classes: int, per_class: int, size: int, seed: int,
                    fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)) -> Path:
    """Generated shape images written as ``train/val/test`` class folders (cached)."""
    from course_utils import synthetic_images

    def build(tmp: Path) -> None:
        synthetic_images.write_class_folders(tmp / "all", per_class, size, num_classes, seed)
        files = {p.name: sorted(p.glob("*.png")) for p in (tmp / "all").iterdir()}
        write_splits(files, tmp, fractions, seed)
        shutil.rmtree(tmp / "all")

    return _prepare(f"{name}-standin-c{num_classes}-n{per_class}-s{size}-seed{seed}", build)


def generated_shapes(classes: Sequence[str], *, train_per_class: int, test_per_class: int,
                     size: int = 32, seed: int = 0, verbose: bool = True) -> ArrayData:
    """The shapes named in ``classes`` (see :data:`course_utils.synthetic_images.SHAPES`) as
    uint8 arrays ``(N, size, size, 3)``, exactly ``train_per_class`` training and
    ``test_per_class`` test images of each, labelled in the order of ``classes``.

    Not a stand-in for a real set: its provenance is named after the shapes it holds
    (e.g. "Generated shapes: disk, ring, square"), so it is never mistaken for one.
    """
    from course_utils import synthetic_images

    if train_per_class < 1 or test_per_class < 1:
        raise ValueError("need train_per_class >= 1 and test_per_class >= 1, got "
                         f"{train_per_class} and {test_per_class}.")
    per_class = train_per_class + test_per_class
    x, y, names = synthetic_images.make_images(per_class, size, seed=seed, classes=classes)
    frac = train_per_class / per_class
    train_idx, test_idx = stratified_indices(y, (frac, 1 - frac), seed)
    prov = Provenance(f"Generated shapes: {', '.join(names)}", "generated",
                      "course_utils.synthetic_images",
                      f"{train_per_class:,} training and {test_per_class:,} test images per "
                      f"class at {size}x{size}.")
    _announce(prov, verbose)
    return ArrayData(x[train_idx], y[train_idx], x[test_idx], y[test_idx], names, prov)
