"""Multilayer perceptrons for flattened images (chapters 1-3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras


def mlp(*, input_shape: Sequence[int] = (28, 28), hidden: Sequence[int] = (300, 100),
        num_classes: int = 10, activation: str = "leaky_relu",
        kernel_initializer: str | keras.initializers.Initializer = "he_normal",
        name: str = "mlp", output_initializer: Any = "glorot_uniform") -> keras.Model:
    """Flatten -> Dense(h) + activation for each ``h`` in ``hidden`` -> Dense softmax.

    The activation is a separate layer (as in the source) so that the hidden layers can be
    inspected and frozen one by one. Layers are named ``hidden_1``, ``act_1``, ... ``output``.
    ``output_initializer`` is the output layer's kernel initializer (Keras' default unless a
    chapter compares initializers across all layers). Pass initializers as strings or config
    dicts: one Keras 3 initializer *instance* repeats the same numbers in every layer.
    """
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2 for a softmax classifier, "
                         f"got {num_classes}.")
    layers: list[keras.layers.Layer] = [keras.Input(tuple(input_shape), name="image"),
                                        keras.layers.Flatten(name="flatten")]
    for i, units in enumerate(hidden, start=1):
        layers.append(keras.layers.Dense(units, kernel_initializer=kernel_initializer,
                                         name=f"hidden_{i}"))
        if activation == "leaky_relu":
            layers.append(keras.layers.LeakyReLU(name=f"act_{i}"))
        else:
            layers.append(keras.layers.Activation(activation, name=f"act_{i}"))
    layers.append(keras.layers.Dense(num_classes, activation="softmax",
                                     kernel_initializer=output_initializer, name="output"))
    return keras.Sequential(layers, name=name)
