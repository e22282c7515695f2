"""CIFAR-10: the python archive, checksum-verified before a batch is unpickled; offline, the
generated 10-class shape set at 32x32."""

from __future__ import annotations

import pickle
import tarfile
from pathlib import Path

import numpy as np

from course_utils.data.files import _use_real, download, verify_file
from course_utils.data.provenance import (
    ArrayData,
    DatasetError,
    OfflineError,
    Provenance,
    _announce,
    standin_name,
)
from course_utils.data.standins import shape_splits

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")


def _cifar_batch(raw: bytes, source: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        batch = pickle.loads(raw, encoding="bytes")  # noqa: S301 - checksum verified first
        data = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
        labels = np.asarray(batch[b"labels"], dtype=np.int64)
    except Exception as exc:
        raise DatasetError(f"{source} is not a valid CIFAR-10 batch ({exc}).") from exc
    return data.transpose(0, 2, 3, 1), labels


def read_cifar10_archive(path: Path, expected_hash: str | None = CIFAR10_SHA256):
    """Read the pickled batches straight out of ``cifar-10-python.tar.gz``.

    The archive's checksum is verified before anything inside it is unpickled.
    """
    verify_file(path, expected_hash)
    train_x, train_y = [], []
    with tarfile.open(path, "r:gz") as tf:
        def member(name: str) -> bytes:
            try:
                f = tf.extractfile(f"cifar-10-batches-py/{name}")
            except KeyError as exc:
                raise DatasetError(f"{path} has no member cifar-10-batches-py/{name}; it is not "
                                   "the CIFAR-10 python archive. Delete it and download it "
                                   "again.") from exc
            assert f is not None
            return f.read()

        for i in range(1, 6):
            x, y = _cifar_batch(member(f"data_batch_{i}"), f"{path}:data_batch_{i}")
            train_x.append(x)
            train_y.append(y)
        xte, yte = _cifar_batch(member("test_batch"), f"{path}:test_batch")
    return np.concatenate(train_x), np.concatenate(train_y), xte, yte


def load_cifar10(offline: bool | None = None, seed: int = 42, standin_per_class: int = 600,
                 verbose: bool = True) -> ArrayData:
    """CIFAR-10 as uint8 arrays ``(N, 32, 32, 3)`` with integer labels (one-hot them once,
    if at all). Offline: the generated 10-class shape set at 32x32."""
    if _use_real(offline):
        try:
            path = download("cifar-10-python.tar.gz", CIFAR10_URL, CIFAR10_SHA256)
            xtr, ytr, xte, yte = read_cifar10_archive(path)
            prov = Provenance("CIFAR-10", "real", CIFAR10_URL,
                              "50,000 training and 10,000 test images.")
            _announce(prov, verbose)
            return ArrayData(xtr, ytr, xte, yte, list(CIFAR10_CLASSES), prov)
        except OfflineError:
            pass
    xtr, ytr, xte, yte, names = shape_splits(standin_per_class, 32, 10, seed, 5 / 6)
    prov = Provenance(standin_name(10), "stand-in",
                      "course_utils.synthetic_images (generated shapes)",
                      f"Offline stand-in for CIFAR-10: {len(ytr):,} training and "
                      f"{len(yte):,} test images of 10 shape classes at 32x32.")
    _announce(prov, verbose)
    return ArrayData(xtr, ytr, xte, yte, names, prov)
