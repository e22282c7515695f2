"""Convolution and pooling by hand, in NumPy: the arithmetic behind ``Conv2D`` and
``MaxPooling2D``, small enough to read and check against OpenCV and Keras.

Like OpenCV's ``filter2D`` and every deep-learning library, :func:`conv2d` computes a
*cross-correlation*: the kernel slides over the image without being flipped. (The
convolution of signal processing flips the kernel first; for a learned kernel the difference
does not matter, the network simply learns the flipped weights.)

The output-size formula lives in :func:`course_utils.analysis.conv_output_size`; it is
re-exported here so that a reader of this module finds it next to the operations.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course_utils.analysis import conv_output_size

__all__ = [
    "KERNELS", "conv2d", "conv_output_size", "conv_params", "dense_params", "locally_connected_params",
    "max_pool", "pad", "position_terms", "same_padding",
]


def _kernel(values: list[list[float]]) -> np.ndarray:
    array = np.array(values, dtype=np.float32)
    array.setflags(write=False)
    return array


# Classic hand-designed 3x3 kernels (see e.g. https://setosa.io/ev/image-kernels/).
KERNELS: Mapping[str, np.ndarray] = MappingProxyType({
    "identity": _kernel([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    # Sobel x responds to changes from left to right: vertical edges.
    "sobel_x": _kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    # Sobel y responds to changes from top to bottom: horizontal edges.
    "sobel_y": _kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "sharpen": _kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "outline": _kernel([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "box_blur": _kernel([[1 / 9] * 3] * 3),
})


def same_padding(kernel: int) -> int:
    """Zero padding on each side that keeps the size at stride 1 (odd kernels only)."""
    if kernel < 1 or kernel % 2 == 0:
        raise ValueError(f"'same' padding by a whole number of pixels needs an odd kernel, got {kernel}.")
    return (kernel - 1) // 2


def pad(image: np.ndarray, padding: int, value: float = 0.0) -> np.ndarray:
    """``image`` (``(h, w)`` or ``(h, w, c)``) with ``padding`` pixels of ``value`` on each side."""
    image = np.asarray(image)
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}.")
    widths = [(padding, padding), (padding, padding)] + [(0, 0)] * (image.ndim - 2)
    return np.pad(image, widths, constant_values=value)


def _padding(padding: int | str, kernel: tuple[int, int]) -> int:
    if padding == "valid":
        return 0
    if padding == "same":
        if kernel[0] != kernel[1]:
            raise ValueError("'same' padding here needs a square kernel.")
        return same_padding(kernel[0])
    if not isinstance(padding, (int, np.integer)) or padding < 0:
        raise ValueError(f"padding must be 'valid', 'same' or an int >= 0, got {padding!r}.")
    return int(padding)


def conv2d(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int | str = 0,
           bias: float = 0.0) -> np.ndarray:
    """Slide ``kernel`` over ``image`` and take the sum of products at every position.

    ``image`` is ``(h, w)`` with a ``(kh, kw)`` kernel, or ``(h, w, c)`` with a
    ``(kh, kw, c)`` kernel (the products are then summed over the channels too, as one
    filter of a ``Conv2D`` layer does). ``padding`` is a number of zero pixels per side,
    ``"valid"`` (0) or ``"same"``. Returns a float array of size
    ``conv_output_size(n, k, stride, padding)`` per axis.
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim not in (2, 3) or kernel.ndim != image.ndim:
        raise ValueError(f"need a (h, w) image with a (kh, kw) kernel or (h, w, c) with "
                         f"(kh, kw, c); got {image.shape} and {kernel.shape}.")
    if image.ndim == 3 and image.shape[2] != kernel.shape[2]:
        raise ValueError(f"the kernel has {kernel.shape[2]} channels but the image has {image.shape[2]}.")
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}.")
    p = _padding(padding, kernel.shape[:2])
    padded = pad(image, p)
    kh, kw = kernel.shape[:2]
    if padded.shape[0] < kh or padded.shape[1] < kw:
        raise ValueError(f"kernel {kernel.shape[:2]} is larger than the padded image {padded.shape[:2]}.")
    # windows[i, j] is the patch under the kernel when its top-left corner is at (i, j).
    windows = sliding_window_view(padded, kernel.shape)
    windows = windows.reshape(windows.shape[0], windows.shape[1], *kernel.shape)[::stride, ::stride]
    axes = tuple(range(2, 2 + kernel.ndim))
    return np.tensordot(windows, kernel, axes=(axes, tuple(range(kernel.ndim)))) + bias


def position_terms(image: np.ndarray, kernel: np.ndarray, row: int, col: int,
                   stride: int = 1) -> str:
    """The sum of products for output position ``(row, col)`` written out, e.g.
    ``"3*0 + 3*1 + 2*2 + ... = 12"`` (2-D image and kernel, no padding)."""
    image, kernel = np.asarray(image), np.asarray(kernel)
    kh, kw = kernel.shape
    patch = image[row * stride:row * stride + kh, col * stride:col * stride + kw]
    if patch.shape != kernel.shape:
        raise ValueError(f"output position ({row}, {col}) is outside the image.")

    def fmt(v: float) -> str:
        return str(int(v)) if float(v).is_integer() else f"{v:g}"

    terms = " + ".join(f"{fmt(a)}*{fmt(b)}" for a, b in zip(patch.ravel(), kernel.ravel()))
    return f"{terms} = {fmt(float(np.sum(patch * kernel)))}"


def max_pool(x: np.ndarray, size: int = 2, stride: int | None = None) -> np.ndarray:
    """Max over ``size`` x ``size`` windows moved by ``stride`` (default ``size``), no padding;
    ``x`` is ``(h, w)`` or ``(h, w, c)`` (each channel pooled on its own)."""
    x = np.asarray(x)
    stride = size if stride is None else stride
    if size < 1 or stride < 1:
        raise ValueError(f"size and stride must be >= 1, got {size} and {stride}.")
    if x.ndim not in (2, 3) or x.shape[0] < size or x.shape[1] < size:
        raise ValueError(f"need a (h, w) or (h, w, c) input of at least {size}x{size}, got {x.shape}.")
    windows = sliding_window_view(x, (size, size), axis=(0, 1))[::stride, ::stride]
    return windows.max(axis=(-2, -1))


def conv_params(kernel: int, in_channels: int, filters: int, bias: bool = True) -> int:
    """Parameters of a ``Conv2D``: one ``kernel x kernel x in_channels`` weight block per
    filter, plus one bias per filter. Independent of the image size."""
    return kernel * kernel * in_channels * filters + (filters if bias else 0)


def dense_params(inputs: int, units: int, bias: bool = True) -> int:
    """Parameters of a ``Dense`` layer: one weight per (input, unit) pair plus one bias per unit."""
    return inputs * units + (units if bias else 0)


def locally_connected_params(out_h: int, out_w: int, kernel: int, in_channels: int,
                             filters: int, bias: bool = True) -> int:
    """Parameters of the same layer *without* weight sharing: every output position has its
    own filters (what a locally connected layer does)."""
    return out_h * out_w * conv_params(kernel, in_channels, filters, bias)
