"""Building blocks shared by the architecture families: the one conv + batch-norm helper,
the one width scaler, the input pipeline wrapper and a one-block model for counting."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras


def scaled(channels: int, width: float, multiple: int = 1) -> int:
    """``channels * width`` rounded to the nearest multiple of ``multiple`` (at least one
    multiple). Every builder's ``width`` goes through here: 1.0 is the paper's network."""
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}.")
    return max(multiple, int(round(channels * width / multiple)) * multiple)


def conv_bn(x: Any, filters: int, kernel_size: int | tuple[int, int], *, name: str,
            strides: int = 1, padding: str = "same", batch_norm: bool = True,
            activation: str | None = "relu", bn_momentum: float = 0.99,
            bn_epsilon: float = 1e-3, use_bias: bool | None = None,
            kernel_initializer: Any = "glorot_uniform", groups: int = 1,
            kernel_regularizer: Any = None) -> Any:
    """Convolution, then (with ``batch_norm``) BatchNormalization, then ``activation``.

    With batch normalization the convolution has no bias by default: the normalization
    subtracts the mean, so a bias would be cancelled (its shift ``beta`` plays that role).
    Layers are named ``<name>_conv``, ``<name>_bn`` and ``<name>_relu``; without batch
    normalization the convolution carries the activation and is named ``name``. A lower
    ``bn_momentum`` (e.g. 0.9) lets the moving statistics catch up within a short CPU run.
    ``groups`` > 1 makes a grouped convolution (AlexNet's two towers); ``kernel_regularizer``
    (e.g. ``keras.regularizers.L2(wd / 2)`` for SGD weight decay ``wd``) goes to the kernel.
    """
    bias = (not batch_norm) if use_bias is None else use_bias
    if not batch_norm:
        return keras.layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                                   use_bias=bias, activation=activation, groups=groups,
                                   kernel_initializer=kernel_initializer,
                                   kernel_regularizer=kernel_regularizer, name=name)(x)
    x = keras.layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                            use_bias=bias, kernel_initializer=kernel_initializer,
                            groups=groups, kernel_regularizer=kernel_regularizer,
                            name=f"{name}_conv")(x)
    x = keras.layers.BatchNormalization(momentum=bn_momentum, epsilon=bn_epsilon,
                                        name=f"{name}_bn")(x)
    if activation is not None:
        x = keras.layers.Activation(activation, name=f"{name}_relu")(x)
    return x


AUGMENTATIONS: dict[str, Callable[[], keras.layers.Layer]] = {
    "flip": lambda: keras.layers.RandomFlip("horizontal", name="flip"),
    "shift": lambda: keras.layers.RandomTranslation(0.1, 0.1, name="shift"),
}


def with_input_pipeline(body: keras.Model, *, augment: Sequence[str] = (),
                        scale: float = 1 / 255, name: str | None = None) -> keras.Model:
    """``body`` behind ``Rescaling(scale)`` (pixels 0-255 to [0, 1]) and the chosen random
    ``augment`` layers (``"flip"``, ``"shift"``), all inside the model: the same model
    then takes raw images in training, evaluation and prediction, and augmentation runs only
    in training."""
    unknown = [a for a in augment if a not in AUGMENTATIONS]
    if unknown:
        raise ValueError(f"Unknown augmentation {unknown[0]!r}; valid: {', '.join(AUGMENTATIONS)}.")
    inputs = keras.Input(body.input_shape[1:], name="image")
    x = keras.layers.Rescaling(scale, name="rescale")(inputs)
    for kind in augment:
        x = AUGMENTATIONS[kind]()(x)
    return keras.Model(inputs, body(x), name=name or body.name)


def block_model(block: Callable[..., Any], *, input_shape: Sequence[int],
                **kwargs: Any) -> keras.Model:
    """A model made of one block function applied to an input, for counting and testing:
    ``block_model(inception.inception_module, input_shape=(28, 28, 192), spec=...,
    name="3a")``. Other keyword arguments (``name`` included) go to the block; the model is
    named after the block."""
    inputs = keras.Input(tuple(input_shape), name="features")
    return keras.Model(inputs, block(inputs, **kwargs), name=kwargs.get("name", "block"))
