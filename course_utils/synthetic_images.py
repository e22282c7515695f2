"""A procedurally generated, learnable labelled image set: the offline stand-in for photos.

Every class is a shape (disk, ring, square, frame, triangle, cross, star, crescent, dots,
stripes). Each image draws one shape with a random colour, size, position and rotation on a
random background (a two-colour gradient plus pixel noise). Shape colour and background are
kept apart in brightness, so the class is visible to a person and learnable by a small CNN,
while the position and colour changes keep a plain MLP clearly behind.

Images are generated from a seed, so the same call gives the same pixels everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SHAPES: tuple[str, ...] = (
    "disk", "ring", "square", "frame", "triangle", "cross", "star", "crescent", "dots", "stripes",
)


def _rotate(points: np.ndarray, angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return points @ np.array([[c, s], [-s, c]])


def _polygon(n: int, radius: float, phase: float = 0.0) -> np.ndarray:
    t = phase + np.arange(n) * 2 * math.pi / n
    return np.stack([radius * np.cos(t), radius * np.sin(t)], axis=1)


def _star(radius: float) -> np.ndarray:
    outer = _polygon(5, radius, -math.pi / 2)
    inner = _polygon(5, radius * 0.42, -math.pi / 2 + math.pi / 5)
    return np.stack([outer, inner], axis=1).reshape(-1, 2)


def _cross(radius: float) -> np.ndarray:
    a, b = radius, radius * 0.33
    return np.array([(-b, -a), (b, -a), (b, -b), (a, -b), (a, b), (b, b), (b, a), (-b, a),
                     (-b, b), (-a, b), (-a, -b), (-b, -b)], dtype=float)


def _rect(w: float, h: float) -> np.ndarray:
    return np.array([(-w, -h), (w, -h), (w, h), (-w, h)], dtype=float)


def _draw_shape(draw: ImageDraw.ImageDraw, shape: str, cx: float, cy: float, r: float,
                angle: float, fg: tuple[int, int, int], bg: tuple[int, int, int]) -> None:
    def poly(points: np.ndarray, fill: tuple[int, int, int]) -> None:
        pts = _rotate(points, angle) + (cx, cy)
        draw.polygon([tuple(p) for p in pts], fill=fill)

    def ellipse(x: float, y: float, rad: float, fill: tuple[int, int, int]) -> None:
        draw.ellipse([x - rad, y - rad, x + rad, y + rad], fill=fill)

    if shape == "disk":
        ellipse(cx, cy, r, fg)
    elif shape == "ring":
        ellipse(cx, cy, r, fg)
        ellipse(cx, cy, r * 0.55, bg)
    elif shape == "square":
        poly(_rect(r * 0.8, r * 0.8), fg)
    elif shape == "frame":
        poly(_rect(r * 0.85, r * 0.85), fg)
        poly(_rect(r * 0.45, r * 0.45), bg)
    elif shape == "triangle":
        poly(_polygon(3, r, -math.pi / 2), fg)
    elif shape == "cross":
        poly(_cross(r), fg)
    elif shape == "star":
        poly(_star(r * 1.1), fg)
    elif shape == "crescent":
        ellipse(cx, cy, r, fg)
        off = _rotate(np.array([[r * 0.5, 0.0]]), angle)[0]
        ellipse(cx + off[0], cy + off[1], r * 0.85, bg)
    elif shape == "dots":
        for p in _polygon(3, r * 0.6, angle):
            ellipse(cx + p[0], cy + p[1], r * 0.3, fg)
    elif shape == "stripes":
        for dy in (-0.6, 0.0, 0.6):
            poly(_rect(r * 0.9, r * 0.15) + (0.0, dy * r), fg)
    else:  # pragma: no cover - guarded by make_images
        raise ValueError(shape)


def _colours(rng: np.random.Generator) -> tuple[tuple[int, int, int], ...]:
    """A background pair and a foreground colour at least 90 grey levels apart."""
    while True:
        bg1, bg2, fg = rng.integers(0, 256, size=(3, 3))
        bg_lum, fg_lum = bg1.mean() * 0.5 + bg2.mean() * 0.5, fg.mean()
        if abs(bg_lum - fg_lum) >= 90 and abs(bg1.mean() - bg2.mean()) < 60:
            return tuple(int(v) for v in bg1), tuple(int(v) for v in bg2), tuple(int(v) for v in fg)


def make_image(shape: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """One ``size`` x ``size`` RGB uint8 image of ``shape`` with random nuisance factors."""
    if shape not in SHAPES:
        raise ValueError(f"Unknown shape {shape!r}. Valid shapes: {', '.join(SHAPES)}.")
    bg1, bg2, fg = _colours(rng)
    scale = 4  # draw large, then downsample: smooth edges at any size
    big = size * scale
    t = np.linspace(0.0, 1.0, big)[None, :, None]
    grad = (1 - t) * np.array(bg1) + t * np.array(bg2)
    canvas = np.broadcast_to(grad, (big, big, 3)).astype(np.uint8)
    if rng.random() < 0.5:
        canvas = canvas.transpose(1, 0, 2)
    img = Image.fromarray(np.ascontiguousarray(canvas))
    r = big * rng.uniform(0.22, 0.36)
    margin = r * 1.05
    cx, cy = rng.uniform(margin, big - margin, size=2)
    bg_mid = tuple(int(v) for v in img.getpixel((int(cx), int(cy))))
    _draw_shape(ImageDraw.Draw(img), shape, cx, cy, r, rng.uniform(0, 2 * math.pi), fg, bg_mid)
    small = np.asarray(img.resize((size, size), Image.BILINEAR), dtype=np.float32)
    small += rng.normal(0.0, 8.0, size=small.shape)
    return np.clip(small, 0, 255).astype(np.uint8)


def class_names(num_classes: int) -> list[str]:
    """The first ``num_classes`` shape names (2 to 10)."""
    if not 2 <= num_classes <= len(SHAPES):
        raise ValueError(f"num_classes must be between 2 and {len(SHAPES)}, got {num_classes}.")
    return list(SHAPES[:num_classes])


def shape_names(classes: Sequence[str]) -> list[str]:
    """``classes`` checked: at least two distinct names, each one of :data:`SHAPES`."""
    names = list(classes)
    unknown = [c for c in names if c not in SHAPES]
    if unknown:
        raise ValueError(f"Unknown shape(s) {', '.join(map(repr, unknown))}. "
                         f"Valid shapes: {', '.join(SHAPES)}.")
    if len(names) < 2 or len(set(names)) != len(names):
        raise ValueError(f"classes must name at least two distinct shapes, got {names}.")
    return names


def make_images(per_class: int, size: int = 32, num_classes: int = 10, seed: int = 0, *,
                classes: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``per_class`` images of each class, shuffled: ``(images uint8 NHWC, labels, names)``.

    The classes are the first ``num_classes`` shapes, or the shapes named in ``classes``
    (then ``num_classes`` is ignored), labelled 0, 1, ... in the order given.
    """
    if per_class < 1 or size < 16:
        raise ValueError(f"need per_class >= 1 and size >= 16, got {per_class} and {size}.")
    names = class_names(num_classes) if classes is None else shape_names(classes)
    num_classes = len(names)
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(num_classes), per_class)
    rng.shuffle(labels)
    images = np.stack([make_image(names[k], size, rng) for k in labels])
    return images, labels.astype(np.int64), names


def write_class_folders(root: Path, per_class: int, size: int, num_classes: int,
                        seed: int) -> list[str]:
    """Write the set as ``root/<class>/<n>.png`` (the layout of a real photo folder)."""
    images, labels, names = make_images(per_class, size, num_classes, seed)
    for name in names:
        (root / name).mkdir(parents=True, exist_ok=True)
    for i, (image, label) in enumerate(zip(images, labels)):
        Image.fromarray(image).save(root / names[label] / f"{i:05d}.png")
    return names
