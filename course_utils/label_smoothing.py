"""Label smoothing for the experiment runner, without a new loss.

The runner (:mod:`course_utils.experiment`) compiles every arm with the same loss, sparse
categorical cross-entropy on integer labels, which has no ``label_smoothing`` option. But
label smoothing needs no labels beyond that loss: with the smoothed target
``q'(k) = (1 - eps) [k = y] + eps / K``, the cross-entropy of a softmax output ``p`` is

    -sum_k q'(k) log p(k) = (1 - eps) CE(y, p) + eps U(p),   U(p) = -(1/K) sum_k log p(k),

and ``U`` depends on the output alone. :func:`with_label_smoothing` appends a layer that, in
training only, adds ``eps / (1 - eps) * U(p)`` to the model's losses. The runner's loss
then becomes the smoothed loss divided by ``1 - eps``: the same minimum and, for Adam
(whose steps do not depend on the loss's scale), the same training. Evaluation
(``training=False``) reports the plain cross-entropy, the same quantity for every arm.
"""

from __future__ import annotations

from typing import Any

import keras


class UniformCrossEntropy(keras.layers.Layer):
    """Passes probabilities through; in training adds ``weight`` times their mean
    cross-entropy against the uniform distribution to the model's losses."""

    def __init__(self, weight: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.weight = float(weight)

    def call(self, probabilities: Any, training: bool | None = None) -> Any:
        if training:
            clipped = keras.ops.clip(probabilities, 1e-7, 1.0)
            self.add_loss(self.weight * keras.ops.mean(-keras.ops.log(clipped)))
        return probabilities

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "weight": self.weight}


def with_label_smoothing(model: keras.Model, epsilon: float,
                         name: str | None = None) -> keras.Model:
    """``model`` (a softmax classifier) trained as if against targets smoothed by
    ``epsilon`` (0 < epsilon < 1); its predictions are unchanged."""
    if not 0.0 < epsilon < 1.0:
        raise ValueError(f"epsilon must be between 0 and 1, got {epsilon}.")
    outputs = UniformCrossEntropy(epsilon / (1.0 - epsilon),
                                  name="label_smoothing")(model.output)
    return keras.Model(model.input, outputs, name=name or model.name)


def confidence(model: keras.Model, x: Any, batch_size: int = 256) -> float:
    """The mean, over the images ``x``, of the highest predicted probability."""
    import numpy as np

    probabilities = np.asarray(model.predict(x, batch_size=batch_size, verbose=0))
    return float(probabilities.max(axis=1).mean())
