"""LeNet-5 (LeCun et al., 1998), the convolutional network the course's small CNNs descend
from, in today's Keras layers (chapter 3).

The paper's layers: C1, six 5x5 convolutions of the 32x32 input; S2, 2x2 subsampling; C3,
sixteen 5x5 convolutions; S4, 2x2 subsampling; C5, 120 5x5 convolutions (on S4's 5x5 maps,
so each unit sees all of them); F6, 84 units; and 10 output units. The builder keeps the
sizes and tanh; where the paper used something that has no Keras layer, it uses today's
plain counterpart, and :data:`PAPER_PARAMS` keeps the paper's counts beside it:

* S2 and S4 multiplied each map's 2x2 sum by a trainable coefficient and added a bias
  (2 parameters per map); here they are plain average pooling (none);
* C3 connected each of its 16 maps to a subset of S2's 6 (the paper's Table I); here every
  map sees all 6;
* the outputs were Euclidean radial-basis units (84 weights each, no bias); here a softmax
  layer (84 weights and a bias each).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from course_utils.models.layers import scaled

# Trainable parameters per layer in the paper (section II.B of LeCun et al., 1998).
PAPER_PARAMS: dict[str, int] = {"C1": 156, "S2": 12, "C3": 1_516, "S4": 32, "C5": 48_120,
                                "F6": 10_164, "output": 840}


def lenet5(*, input_shape: Sequence[int] = (32, 32, 1), num_classes: int = 10,
           width: float = 1.0, activation: str = "tanh", name: str = "lenet5") -> keras.Model:
    """LeNet-5's layer sizes with today's layers (module docstring); layers are named as in
    the paper (``C1``, ``S2``, ``C3``, ``S4``, ``C5``, ``F6``, ``output``)."""
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got "
                         f"{tuple(input_shape)}.")
    return keras.Sequential([
        keras.Input(tuple(input_shape), name="image"),
        keras.layers.Conv2D(scaled(6, width), 5, activation=activation, name="C1"),
        keras.layers.AveragePooling2D(2, name="S2"),
        keras.layers.Conv2D(scaled(16, width), 5, activation=activation, name="C3"),
        keras.layers.AveragePooling2D(2, name="S4"),
        keras.layers.Conv2D(scaled(120, width), 5, activation=activation, name="C5"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(scaled(84, width), activation=activation, name="F6"),
        keras.layers.Dense(num_classes, activation="softmax", name="output"),
    ], name=name)
