"""Chapter 3's locality experiment: a network that sees every image with its pixels in one
fixed shuffled order.

:func:`shuffled_pixels` wraps a builder so that its network first reorders the pixels of
each image by a fixed permutation, then runs unchanged. Trained through the experiment
runner beside the plain network, it sees the same images, in the same batches, from the same
initial weights: the only difference is whether neighbouring pixels are still neighbours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def permutation(n: int, seed: int = 0) -> np.ndarray:
    """A fixed random order of ``n`` pixel positions."""
    return np.random.default_rng(seed).permutation(n)


def shuffle_images(x: np.ndarray, perm: np.ndarray) -> np.ndarray:
    """``x`` (``(n, h, w[, c])``) with the ``h * w`` pixel positions of every image
    reordered by ``perm`` (the channels of a pixel stay together)."""
    n, h, w = x.shape[:3]
    if len(perm) != h * w:
        raise ValueError(f"the permutation has {len(perm)} positions; the images have "
                         f"{h} x {w} = {h * w}.")
    flat = x.reshape(n, h * w, -1)[:, perm]
    return flat.reshape(x.shape)


def shuffled_pixels(build: Callable[[], Any], perm: np.ndarray,
                    input_shape: Sequence[int], name: str | None = None
                    ) -> Callable[[], Any]:
    """A builder of ``build()``'s network behind a fixed pixel shuffle (:func:`shuffle_images`
    as the first, weightless layer). Its weights and their initial values under one seed are
    those of ``build()``."""
    perm = np.asarray(perm, dtype="int32")
    h, w = int(input_shape[0]), int(input_shape[1])
    channels = int(input_shape[2]) if len(input_shape) > 2 else 1
    if len(perm) != h * w:
        raise ValueError(f"the permutation has {len(perm)} positions; the input has "
                         f"{h} x {w} = {h * w}.")

    def make() -> Any:
        import keras

        inner = build()
        inputs = keras.Input(tuple(input_shape))
        x = keras.layers.Reshape((h * w, channels))(inputs)
        x = keras.layers.Lambda(lambda t: keras.ops.take(t, perm, axis=1),
                                name="shuffle_pixels")(x)
        x = keras.layers.Reshape(tuple(input_shape))(x)
        return keras.Model(inputs, inner(x), name=name or f"{inner.name}_shuffled")

    return make


def receptive_fields(model: Any) -> Any:
    """Per layer of a plain convolutional ``model`` (convolutions and pooling, up to its
    first ``Flatten``): kernel, stride, output shape and the receptive field, the square of
    input pixels one output unit depends on (:func:`course_utils.analysis.receptive_field`),
    with the jump, the input pixels between neighbouring units. A pandas DataFrame."""
    import keras
    import pandas as pd

    from course_utils.analysis import receptive_field

    stack: list[tuple[int, int]] = []
    rows = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.Flatten):
            break
        if isinstance(layer, keras.layers.Conv2D):
            kernel, stride = layer.kernel_size[0], layer.strides[0]
        elif isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)):
            kernel, stride = layer.pool_size[0], layer.strides[0]
        else:
            continue
        stack.append((int(kernel), int(stride)))
        field = receptive_field(stack)
        rows[layer.name] = {"type": type(layer).__name__, "kernel": int(kernel),
                            "stride": int(stride),
                            "output": "x".join(str(d) for d in layer.output.shape[1:]),
                            "receptive field": f"{field.size}x{field.size}",
                            "jump": field.jump}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "layer"
    return frame
