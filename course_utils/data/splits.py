"""Splits and subsets: always after a seeded shuffle, stratified by class.

A class-sorted source can never give a one-class validation set. Also the small array
helpers every chapter uses on a split (``to_float``, ``across_classes``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np

SPLITS = ("train", "val", "test")


def stratified_indices(labels: np.ndarray, fractions: tuple[float, ...],
                       seed: int) -> list[np.ndarray]:
    """Shuffle with ``seed``, then cut each class by ``fractions`` (which sum to 1).

    Every class with at least ``len(fractions)`` samples appears in every split.
    """
    labels = np.asarray(labels)
    if not np.isclose(sum(fractions), 1.0) or min(fractions) <= 0:
        raise ValueError(f"fractions must be positive and sum to 1, got {fractions}.")
    rng = np.random.default_rng(seed)
    parts: list[list[int]] = [[] for _ in fractions]
    for cls in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        n = len(idx)
        cuts = np.round(np.cumsum(fractions)[:-1] * n).astype(int)
        cuts = np.clip(cuts, np.arange(1, len(fractions)),
                       n - np.arange(len(fractions) - 1, 0, -1))
        for part, chunk in zip(parts, np.split(idx, cuts)):
            part.extend(chunk.tolist())
    return [rng.permutation(np.array(p, dtype=np.int64)) for p in parts]


def train_val_split(x: np.ndarray, y: np.ndarray, val_size: int | float,
                    seed: int = 42) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffled, stratified ``(x_train, y_train, x_val, y_val)``.

    Use this instead of ``fit(validation_split=...)``, which takes the *last* samples.
    """
    frac = val_size / len(y) if isinstance(val_size, int) else float(val_size)
    if not 0 < frac < 1:
        raise ValueError(f"val_size must be between 0 and the number of samples, got {val_size}.")
    train_idx, val_idx = stratified_indices(y, (1 - frac, frac), seed)
    return x[train_idx], y[train_idx], x[val_idx], y[val_idx]


def subsample(x: np.ndarray, y: np.ndarray, size: int,
              seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """A stratified random subset of ``size`` samples (all of them if ``size >= len(y)``)."""
    if size >= len(y):
        return x, y
    keep, _ = stratified_indices(y, (size / len(y), 1 - size / len(y)), seed)
    return x[keep], y[keep]


def write_splits(files_by_class: dict[str, list[Path]], dest: Path,
                 fractions: tuple[float, float, float], seed: int) -> dict[str, int]:
    """Copy class-sorted files into ``dest/{train,val,test}/<class>/`` after a seeded,
    stratified shuffle. Returns the number of files per split."""
    paths: list[Path] = []
    labels: list[int] = []
    names = sorted(files_by_class)
    for k, name in enumerate(names):
        files = sorted(files_by_class[name])
        paths += files
        labels += [k] * len(files)
    parts = stratified_indices(np.array(labels), fractions, seed)
    counts = {}
    for split, idx in zip(SPLITS, parts):
        for i in idx:
            target = dest / split / names[labels[i]] / paths[i].name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(paths[i], target)
        counts[split] = len(idx)
    return counts


def to_float(images: np.ndarray) -> np.ndarray:
    """uint8 pixels to float32 in [0, 1]."""
    return np.asarray(images, dtype=np.float32) / 255.0


def across_classes(images: Any, labels: Any = None, n: int = 16,
                   seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """``n`` examples that cycle through the classes (class 0, 1, 2, ..., then again), each
    drawn at random with ``seed``: a prediction grid or augmentation demo then shows every
    class, not the first batch of one pipeline (which may hold a single class).

    ``images`` is an array (with ``labels``) or a batched ``tf.data`` pipeline of
    ``(images, labels)``, read to the end.
    """
    if labels is None:
        batches = [(np.asarray(x), np.asarray(y)) for x, y in images]
        if not batches:
            raise ValueError("the pipeline is empty: no examples to pick from.")
        images = np.concatenate([b[0] for b in batches])
        labels = np.concatenate([b[1] for b in batches])
    images, labels = np.asarray(images), np.asarray(labels)
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels.")
    rng = np.random.default_rng(seed)
    pools = {int(c): list(rng.permutation(np.flatnonzero(labels == c)))
             for c in np.unique(labels)}
    chosen: list[int] = []
    while len(chosen) < n and any(pools.values()):
        for c in sorted(pools):
            if pools[c] and len(chosen) < n:
                chosen.append(int(pools[c].pop()))
    index = np.array(chosen, dtype=np.int64)
    return images[index], labels[index]
