"""Image-folder data sets: Oxford Flowers 17 and cats vs dogs, split into
``train/val/test/<class>/`` folders once (cached) and read as ``tf.data`` pipelines.

Offline each falls back to generated shapes written as the same class folders, read by the
same pipeline.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from course_utils.data.extract import safe_extract
from course_utils.data.files import _prepare, _use_real, download, verify_file
from course_utils.data.provenance import (
    DatasetError,
    ImageSplits,
    OfflineError,
    Provenance,
    _announce,
    standin_name,
)
from course_utils.data.splits import SPLITS, write_splits
from course_utils.data.standins import standin_folders

FLOWERS17_URL = "https://www.robots.ox.ac.uk/~vgg/data/flowers/17/17flowers.tgz"
# The Oxford page publishes no checksum; this is the MD5 torchvision verifies the archive with.
FLOWERS17_MD5 = "b59a65d8d1a99cd66944d474e1289eab"
CATS_DOGS_URL = "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
FLOWERS17_CLASSES = ("daffodil", "snowdrop", "lily_valley", "bluebell", "crocus", "iris",
                     "tigerlily", "tulip", "fritillary", "sunflower", "daisy", "colts_foot",
                     "dandelion", "cowslip", "buttercup", "windflower", "pansy")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")


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


def flowers17_files(extracted: Path) -> dict[str, list[Path]]:
    """Class folders for the Flowers 17 archive: ``jpg/image_0001.jpg`` ... in blocks of 80."""
    jpgs = sorted((extracted / "jpg").glob("image_*.jpg"))
    if len(jpgs) % 80 or not jpgs or len(jpgs) // 80 > len(FLOWERS17_CLASSES):
        raise DatasetError(f"{extracted / 'jpg'} holds {len(jpgs)} images; the Flowers 17 "
                           "archive has 80 per class (1,360). Delete the archive and download "
                           "it again.")
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
