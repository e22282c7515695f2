"""Fashion-MNIST, real everywhere: Debian's ``dataset-fashion-mnist`` offline, or
``keras.datasets.fashion_mnist`` online, read by the course's own idx reader and verified by
the sha256 of the decompressed files (both sources then give the same bytes).

Sources, in order:

1. the idx files in ``/usr/share/datasets/fashion-mnist`` (Debian's package; the folder is
   overridden by ``COURSE_FASHION_MNIST_DIR``);
2. the Keras cache (``$KERAS_HOME/datasets/fashion-mnist`` or ``~/.keras/...``), where
   ``keras.datasets.fashion_mnist.load_data()`` puts them: a copy already there is used
   offline too; online, ``load_data()`` is called to download it first.

Neither is an :class:`OfflineError` (a :class:`DatasetError`) that says how to fix it.
Parsed arrays are kept per process, so a second load costs a copy, not a parse.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from course_utils import runtime
from course_utils.data.files import _use_real
from course_utils.data.idx import read_idx
from course_utils.data.provenance import (
    ArrayData,
    DatasetError,
    OfflineError,
    Provenance,
    _announce,
)

FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
# sha256 of the *decompressed* idx files (Debian re-gzipped them; the data is the original).
FASHION_MNIST_SHA256 = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
FASHION_MNIST_FILES = tuple(FASHION_MNIST_SHA256)  # train images, labels; test images, labels
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
DIR_ENV = "COURSE_FASHION_MNIST_DIR"
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
KERAS_SUBDIR = Path("datasets") / "fashion-mnist"
APT_INSTALL = "sudo apt-get install dataset-fashion-mnist"

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_parsed: dict[tuple[tuple[str, int, int], ...], Arrays] = {}


def local_dir() -> Path:
    """Debian's folder, or the one ``COURSE_FASHION_MNIST_DIR`` names."""
    override = os.environ.get(DIR_ENV, "").strip()
    return Path(override) if override else DEBIAN_DIR


def keras_dirs() -> list[Path]:
    """Where ``keras.datasets.fashion_mnist.load_data()`` may have put the files: under
    ``$KERAS_HOME`` or ``~/.keras`` (``/tmp/.keras`` when home is not writable), and under
    the home Keras fixed when it was imported (it reads ``KERAS_HOME`` once)."""
    homes = [Path(os.environ.get("KERAS_HOME") or Path("~/.keras").expanduser()),
             Path("/tmp/.keras")]
    if "keras" in sys.modules:
        try:
            from keras.src.backend.config import keras_home

            homes.insert(1, Path(keras_home()).expanduser())
        except (ImportError, AttributeError):  # a Keras without that private accessor
            pass
    dirs: list[Path] = []
    for home in homes:
        if home / KERAS_SUBDIR not in dirs:
            dirs.append(home / KERAS_SUBDIR)
    return dirs


def find_files(directory: Path) -> dict[str, Path] | None:
    """The four idx files in ``directory`` (``name.gz`` preferred, else plain), or ``None``
    if any is missing."""
    found: dict[str, Path] = {}
    for name in FASHION_MNIST_FILES:
        for candidate in (directory / f"{name}.gz", directory / name):
            if candidate.is_file():
                found[name] = candidate
                break
        else:
            return None
    return found


def read_fashion_mnist(files: dict[str, Path], fix: str) -> Arrays:
    """``(x_train, y_train, x_test, y_test)`` from the four idx files, each verified by its
    decompressed sha256 before it is parsed; parsed once per process (read-only arrays)."""
    key = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files.values())
    if key not in _parsed:
        arrays = {name: read_idx(path, FASHION_MNIST_SHA256[name], fix=fix)
                  for name, path in files.items()}
        out = []
        for split in ("train", "t10k"):
            images_name, labels_name = f"{split}-images-idx3-ubyte", f"{split}-labels-idx1-ubyte"
            images, labels = arrays[images_name], arrays[labels_name]
            if images.ndim != 3 or labels.ndim != 1:
                raise DatasetError(f"{files[images_name]} and {files[labels_name]} hold arrays "
                                   f"of shape {images.shape} and {labels.shape}, expected "
                                   f"(N, 28, 28) images and (N,) labels. {fix}")
            if len(images) != len(labels):
                raise DatasetError(f"{files[images_name]} holds {len(images):,} images but "
                                   f"{files[labels_name]} {len(labels):,} labels. {fix}")
            if labels.size and labels.max() >= len(FASHION_MNIST_CLASSES):
                raise DatasetError(f"{files[labels_name]} holds label {labels.max()}; "
                                   f"Fashion-MNIST has {len(FASHION_MNIST_CLASSES)} classes. {fix}")
            out += [images, labels.astype(np.int64)]
        for array in out:
            array.flags.writeable = False
        _parsed[key] = (out[0], out[1], out[2], out[3])
    return _parsed[key]


def _local_source(directory: Path) -> tuple[str, str]:
    """The provenance source and the fix for a corrupt file, for the local folder."""
    if os.environ.get(DIR_ENV, "").strip():
        return (f"{directory} ({DIR_ENV})",
                f"Replace the files in {directory}, or unset {DIR_ENV}.")
    return ("Debian's dataset-fashion-mnist package",
            "Reinstall the package: sudo apt-get install --reinstall dataset-fashion-mnist.")


KERAS_SOURCE = f"keras.datasets.fashion_mnist ({KERAS_ORIGIN})"
KERAS_FIX = ("Delete the file from the Keras cache and run again to download it afresh through "
             "keras.datasets.fashion_mnist.")


def _missing_message(reason: str) -> str:
    dirs = ", ".join(str(d) for d in keras_dirs())
    names = ", ".join(f"{name}.gz" for name in FASHION_MNIST_FILES)
    return (f"Fashion-MNIST is not available: {local_dir()} lacks its idx files and the Keras "
            f"cache ({dirs}) has no copy; {reason}. To fix it, do one of: install Debian's "
            f"package (Debian/Ubuntu; `make test` and `make data` do this): {APT_INSTALL}; "
            "or, online, unset COURSE_OFFLINE to download it through "
            f"keras.datasets.fashion_mnist; or set {DIR_ENV} to a folder that holds "
            f"{names}.")


def _from_keras_cache() -> dict[str, Path] | None:
    for directory in keras_dirs():
        files = find_files(directory)
        if files is not None:
            return files
    return None


def _locate(offline: bool | None) -> tuple[dict[str, Path], str, str]:
    """The files to read, the provenance source and the fix for a corrupt file."""
    directory = local_dir()
    files = find_files(directory)
    if files is not None:
        return (files, *_local_source(directory))
    files = _from_keras_cache()
    if files is not None:
        return files, KERAS_SOURCE, KERAS_FIX
    if not _use_real(offline):
        reason = ("the course runs offline (COURSE_OFFLINE=1)" if runtime.is_offline()
                  else "the loader was called with offline=True")
        raise OfflineError(_missing_message(reason))
    import keras

    try:
        keras.datasets.fashion_mnist.load_data()  # downloads the gz files into the cache
    except Exception as exc:  # keras wraps network failures in a plain Exception
        raise OfflineError(_missing_message(
            f"downloading through keras.datasets.fashion_mnist failed ({exc}); the network "
            "seems unreachable")) from exc
    files = _from_keras_cache()
    if files is None:
        raise DatasetError(_missing_message(
            "keras.datasets.fashion_mnist.load_data() ran, but its files are in none of "
            "those folders"))
    return files, KERAS_SOURCE, KERAS_FIX


def load_fashion_mnist(offline: bool | None = None, verbose: bool = True) -> ArrayData:
    """Fashion-MNIST as uint8 arrays ``(N, 28, 28)`` with int64 labels: all 60,000 training
    and 10,000 test images, real offline (Debian's package) and online (keras.datasets).

    The arrays are the caller's own copies. Raises :class:`OfflineError` with the fix when no
    source is available, :class:`DatasetError` naming the file when one is corrupt.
    """
    files, source, fix = _locate(offline)
    xtr, ytr, xte, yte = read_fashion_mnist(files, fix)
    height, width = xtr.shape[1:]
    prov = Provenance("Fashion-MNIST", "real", source,
                      f"{len(ytr):,} training and {len(yte):,} test images, {height}x{width} "
                      f"grayscale, {len(FASHION_MNIST_CLASSES)} classes of clothes, shoes and "
                      "bags.")
    _announce(prov, verbose)
    return ArrayData(xtr.copy(), ytr.copy(), xte.copy(), yte.copy(),
                     list(FASHION_MNIST_CLASSES), prov)
