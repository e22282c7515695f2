"""A real-photo colour task that ships offline: 32x32 crops labelled by the photo they
come from.

No real colour *classification* set ships with the course's packages, but scikit-image ships
real colour photographs. :func:`load_photo_crops` turns eight of them into a classification
task: each photo is one class, and an example is a small crop of it. The task is real (the
pixels are photographs) but it is not CIFAR-10 and is never named so.

So that a test crop is never a shifted copy of a training crop, every photo is first cut into
square *blocks*; each block belongs to one split (train, validation or test, by a seeded
shuffle of the photo's blocks), and every crop lies inside one block. Crops of one split may
overlap each other, never a crop of another split. Nearly flat crops (the black surround of
the retina or of the deep field) are drawn again, so every class is told apart by what is in
the photo, not by an empty border.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils.data.provenance import Provenance, _announce

# scikit-image's function name -> the class name used in titles and tables
PHOTOS: dict[str, str] = {
    "astronaut": "astronaut", "chelsea": "cat", "coffee": "coffee", "rocket": "rocket",
    "hubble_deep_field": "deep field", "immunohistochemistry": "tissue",
    "retina": "retina", "stereo_motorcycle": "motorcycle",
}
SPLIT_NAMES = ("train", "val", "test")
NAME = "Photo crops (8 scikit-image photos)"
# The colour each split's blocks are tinted with in :func:`split_map` (Okabe-Ito blue,
# yellow and vermilion, told apart with any common colour vision deficiency).
SPLIT_COLOURS: dict[str, tuple[int, int, int]] = {
    "train": (0, 114, 178), "val": (240, 228, 66), "test": (213, 94, 0)}


@dataclass
class PhotoCrops:
    """Crops for the three splits (uint8, ``(n, size, size, 3)``), integer labels, the
    class names, the block each split owns per photo, and the provenance."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    blocks: dict[str, dict[str, list[tuple[int, int]]]]
    provenance: Provenance
    short_side: int = 192
    block: int = 48


def photo(name: str, short_side: int) -> np.ndarray:
    """scikit-image's photo ``name`` as RGB uint8, resized (area averaging) so that its
    shorter side is ``short_side`` pixels."""
    import cv2
    from skimage import data as skimage_data

    image = getattr(skimage_data, name)()
    if isinstance(image, tuple):  # stereo_motorcycle: (left, right, disparity)
        image = image[0]
    image = np.ascontiguousarray(image[..., :3])
    h, w = image.shape[:2]
    scale = short_side / min(h, w)
    size = (max(short_side, round(w * scale)), max(short_side, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def assign_blocks(shape: tuple[int, int], block: int, fractions: tuple[float, float, float],
                  rng: np.random.Generator) -> dict[str, list[tuple[int, int]]]:
    """Cut an image of ``shape`` (height, width) into ``block`` x ``block`` squares and give
    each to one split, in the proportions ``fractions`` (train, val, test) after a shuffle;
    every split gets at least one block. Returns the top-left corners per split."""
    corners = [(r * block, c * block) for r in range(shape[0] // block)
               for c in range(shape[1] // block)]
    if len(corners) < 3:
        raise ValueError(f"an image of {shape} cut into {block}-pixel blocks has "
                         f"{len(corners)} blocks; each split needs one.")
    order = [corners[i] for i in rng.permutation(len(corners))]
    n_val = max(1, round(fractions[1] * len(order)))
    n_test = max(1, round(fractions[2] * len(order)))
    n_train = len(order) - n_val - n_test
    return {"train": order[:n_train], "val": order[n_train:n_train + n_val],
            "test": order[n_train + n_val:]}


def crops_from_blocks(image: np.ndarray, corners: list[tuple[int, int]], block: int,
                      size: int, n: int, rng: np.random.Generator,
                      min_std: float = 8.0, max_tries: int = 50) -> np.ndarray:
    """``n`` random ``size`` x ``size`` crops, each inside one of the blocks at ``corners``.
    A crop whose pixel standard deviation is below ``min_std`` grey levels is drawn again
    (up to ``max_tries`` times, then kept)."""
    if size > block:
        raise ValueError(f"a {size}-pixel crop does not fit in a {block}-pixel block.")
    out = np.empty((n, size, size, 3), dtype=np.uint8)
    for i in range(n):
        for _ in range(max_tries):
            top, left = corners[rng.integers(len(corners))]
            r = top + rng.integers(block - size + 1)
            c = left + rng.integers(block - size + 1)
            crop = image[r:r + size, c:c + size]
            if crop.std() >= min_std:
                break
        out[i] = crop
    return out


def load_photo_crops(per_class: tuple[int, int, int] = (150, 50, 100), *, size: int = 32,
                     short_side: int = 192, block: int = 48,
                     fractions: tuple[float, float, float] = (0.6, 0.2, 0.2),
                     seed: int = 0, verbose: bool = True) -> PhotoCrops:
    """Crops of the photos in :data:`PHOTOS`, ``per_class`` (train, val, test) per photo.

    Each photo is resized to a shorter side of ``short_side`` pixels, cut into ``block``-
    pixel squares that are shared out among the splits (:func:`assign_blocks`), and cropped
    inside its split's blocks (:func:`crops_from_blocks`). Labels are the photo's index in
    :data:`PHOTOS`; every split is shuffled with ``seed``.
    """
    rng = np.random.default_rng(seed)
    xs: dict[str, list[np.ndarray]] = {s: [] for s in SPLIT_NAMES}
    ys: dict[str, list[np.ndarray]] = {s: [] for s in SPLIT_NAMES}
    blocks: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for label, name in enumerate(PHOTOS):
        image = photo(name, short_side)
        owned = assign_blocks(image.shape[:2], block, fractions, rng)
        blocks[PHOTOS[name]] = owned
        for split, n in zip(SPLIT_NAMES, per_class):
            xs[split].append(crops_from_blocks(image, owned[split], block, size, n, rng))
            ys[split].append(np.full(n, label, dtype=np.int64))
    arrays = {}
    for split in SPLIT_NAMES:
        x, y = np.concatenate(xs[split]), np.concatenate(ys[split])
        order = rng.permutation(len(y))
        arrays[split] = (x[order], y[order])
    provenance = Provenance(
        NAME, "real", "scikit-image's sample photographs (skimage.data)",
        f"{size}x{size} colour crops labelled by the photo they come from, "
        f"{len(PHOTOS)} photos resized to a {short_side}-pixel shorter side; each "
        f"{block}-pixel block of a photo belongs to one split, so no crop of one split "
        f"overlaps a crop of another; {per_class[0]:,}/{per_class[1]:,}/{per_class[2]:,} "
        "train/validation/test crops per photo.")
    _announce(provenance, verbose)
    return PhotoCrops(*arrays["train"], *arrays["val"], *arrays["test"],
                      class_names=list(PHOTOS.values()), blocks=blocks,
                      provenance=provenance, short_side=short_side, block=block)


def split_map(crops: PhotoCrops, class_name: str, alpha: float = 0.5) -> np.ndarray:
    """The photo of ``class_name`` as :func:`load_photo_crops` cut it, each block tinted
    with the colour of the split that owns it (:data:`SPLIT_COLOURS`); the strip beyond
    the last whole block, which no split uses, is left grey. uint8 RGB."""
    name = next(key for key, value in PHOTOS.items() if value == class_name)
    image = photo(name, crops.short_side).astype(np.float64)
    out = image.mean(axis=-1, keepdims=True).repeat(3, axis=-1)  # unused: grey
    b = crops.block
    for split, corners in crops.blocks[class_name].items():
        tint = np.array(SPLIT_COLOURS[split], dtype=np.float64)
        for top, left in corners:
            patch = image[top:top + b, left:left + b]
            out[top:top + b, left:left + b] = (1 - alpha) * patch + alpha * tint
    return np.clip(out, 0, 255).astype(np.uint8)
