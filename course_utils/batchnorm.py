"""Batch-normalization statistics: how far a trained model's moving averages are from the
statistics of the data, and recomputing them from the training images.

A ``BatchNormalization`` layer normalises with the current batch's mean and variance in
training, and with moving averages of them at inference (validation, test, ``predict``).
The averages start at mean 0 and variance 1 and are updated once per training step,
``m <- momentum * m + (1 - momentum) * m_batch``: after ``n`` steps the initial values still
weigh ``momentum ** n``. When the data's real statistics are far from (0, 1) and training was
short, inference normalises with the wrong numbers, while training never notices.

:func:`recompute_statistics` replaces the moving averages by the average of the batch
statistics over the given data (what the moving averages would reach if training ran long
enough), and reports, per layer, how far off the old values were. Chapter 4 uses it to show
that the source's validation accuracy at chance came from the statistics, not the weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def batch_norm_layers(model: Any) -> list[Any]:
    """The model's ``BatchNormalization`` layers in order, nested models included."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(batch_norm_layers(layer))
        elif isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
    return found


def _batches(data: Any, batch_size: int) -> Iterable[Any]:
    """Images from a batched ``tf.data`` pipeline of ``(images, labels)`` or an array."""
    if hasattr(data, "shape"):
        array = np.asarray(data)
        for start in range(0, len(array), batch_size):
            yield array[start:start + batch_size]
        return
    for batch in data:
        yield batch[0] if isinstance(batch, (tuple, list)) else batch


def moving_statistics(model: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{layer name: (moving mean, moving variance)}`` as NumPy copies."""
    return {bn.name: (np.array(bn.moving_mean), np.array(bn.moving_variance))
            for bn in batch_norm_layers(model)}


def compare_statistics(before: dict[str, tuple[np.ndarray, np.ndarray]],
                       after: dict[str, tuple[np.ndarray, np.ndarray]],
                       epsilon: float | Mapping[str, float] = 1e-3) -> Any:
    """One row per layer, the old statistics (``before``) against the new (``after``):

    * ``divisor ratio``: the mean over channels of ``sqrt(old var + eps) / sqrt(new var +
      eps)``, how many times too large the number inference divides by was (batch
      normalization divides by ``sqrt(variance + epsilon)``, not by the standard deviation;
      ``epsilon`` is Keras' default 1e-3 unless given, per layer name or for all);
    * ``std ratio``: the root-mean-square over channels of the old standard deviations
      divided by that of the new ones (a ratio of standard deviations, which is the divisor
      ratio only when the variances are far above epsilon);
    * ``mean offset``: the mean over channels of ``|old mean - new mean|`` in units of the
      new divisor."""
    import pandas as pd

    rows = {}
    for name, (mean_a, var_a) in after.items():
        mean_b, var_b = before[name]
        eps = float(epsilon[name] if isinstance(epsilon, Mapping) else epsilon)
        rms_a = float(np.sqrt(np.mean(var_a)))
        divisor_a, divisor_b = np.sqrt(var_a + eps), np.sqrt(var_b + eps)
        rows[name] = {
            "divisor ratio": float(np.mean(divisor_b / divisor_a)),
            "std ratio": float(np.sqrt(np.mean(var_b))) / max(rms_a, 1e-30),
            "mean offset": float(np.mean(np.abs(mean_b - mean_a) / divisor_a)),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "layer"
    return table


def recompute_statistics(model: Any, data: Any, batch_size: int = 64) -> Any:
    """Set every batch-norm layer's moving mean and variance to the average of its batch
    statistics over ``data`` (the model run in training mode, weights unchanged), and return
    :func:`compare_statistics` of the old values against the new ones (each layer's own
    ``epsilon`` in the divisors).

    ``data`` is a batched ``tf.data`` pipeline of ``(images, labels)`` (e.g. the training
    split) or an array of inputs. The momentum of each layer is set to ``(k - 1) / k`` for
    the ``k``-th batch, so the moving averages become the plain average over all batches,
    then restored. Only the moving statistics change: no weight is trained. Random layers
    (augmentation, dropout) act as in training.
    """
    layers = batch_norm_layers(model)
    if not layers:
        raise ValueError(f"model {model.name!r} has no BatchNormalization layer.")
    before = moving_statistics(model)
    momenta = [bn.momentum for bn in layers]
    seen = 0
    try:
        for seen, images in enumerate(_batches(data, batch_size), start=1):
            for bn in layers:
                bn.momentum = (seen - 1) / seen
            model(images, training=True)
    finally:
        for bn, momentum in zip(layers, momenta):
            bn.momentum = momentum
    if not seen:
        raise ValueError("no data: the pipeline or array is empty.")
    return compare_statistics(before, moving_statistics(model),
                              {bn.name: float(bn.epsilon) for bn in layers})
