"""Small convolutional networks of the classic pattern (chapter 3): conv-pool blocks, then dense
layers, then a softmax."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from course_utils.models.layers import scaled


def small_cnn(*, input_shape: Sequence[int] = (28, 28, 1), filters: Sequence[int] = (32, 64),
              dense: Sequence[int] = (64,), num_classes: int = 10, width: float = 1.0,
              kernel_size: int = 3, conv_dropout: float = 0.0, dense_dropout: float = 0.0,
              activation: str = "relu", kernel_initializer: Any = "glorot_uniform",
              output_initializer: Any = "glorot_uniform",
              name: str = "small_cnn") -> keras.Model:
    """``[Conv2D(f, kernel_size, padding="same", relu) -> MaxPooling2D(2)]`` for each ``f`` in
    ``filters``, then ``Dropout(conv_dropout)`` (if > 0), ``Flatten``, ``[Dense(u, relu) ->
    Dropout(dense_dropout)]`` for each ``u`` in ``dense``, and a ``Dense(num_classes)`` softmax.

    ``width`` multiplies every filter and unit count (through
    :func:`course_utils.models.layers.scaled`); 1.0 is the network as written.

    The source's MNIST network is ``small_cnn(input_shape=(28, 28, 1), filters=(32, 64),
    dense=(64,))`` (220,234 parameters); its CIFAR-10 network is
    ``small_cnn(input_shape=(32, 32, 3), filters=(16, 32, 64), dense=(500,), conv_dropout=0.3,
    dense_dropout=0.4)`` (541,094). Layers are named ``conv_1``, ``pool_1``, ..., ``flatten``,
    ``dense_1``, ..., ``output``.

    ``activation`` (ReLU by default) is used by every convolution and hidden dense layer,
    whose weights start from ``kernel_initializer``; the softmax layer's weights start from
    ``output_initializer`` (both Keras' default, Glorot uniform, unless given: chapter 4
    compares ReLU and tanh with the paper's ``RandomNormal(stddev=0.01)`` and with He).
    """
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got "
                         f"{tuple(input_shape)}: a grayscale image has 1 channel, "
                         "e.g. (28, 28, 1).")
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2 for a softmax classifier, "
                         f"got {num_classes}.")
    for rate in (conv_dropout, dense_dropout):
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"dropout rates must be in [0, 1), got {rate}.")
    layers: list[keras.layers.Layer] = [keras.Input(tuple(input_shape), name="image")]
    for i, f in enumerate(filters, start=1):
        layers += [keras.layers.Conv2D(scaled(f, width), kernel_size, padding="same",
                                       activation=activation,
                                       kernel_initializer=kernel_initializer,
                                       name=f"conv_{i}"),
                   keras.layers.MaxPooling2D(2, name=f"pool_{i}")]
    if conv_dropout:
        layers.append(keras.layers.Dropout(conv_dropout, name="dropout_conv"))
    layers.append(keras.layers.Flatten(name="flatten"))
    for i, units in enumerate(dense, start=1):
        layers.append(keras.layers.Dense(scaled(units, width), activation=activation,
                                         kernel_initializer=kernel_initializer,
                                         name=f"dense_{i}"))
        if dense_dropout:
            layers.append(keras.layers.Dropout(dense_dropout, name=f"dropout_{i}"))
    layers.append(keras.layers.Dense(num_classes, activation="softmax",
                                     kernel_initializer=output_initializer, name="output"))
    return keras.Sequential(layers, name=name)
