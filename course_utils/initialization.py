"""Weight initialization: the variance formulas, and what a network's signals look like at
initialization (chapter 2).

* :func:`fans`, :func:`theoretical_std` and :func:`uniform_limit` give the numbers behind
  Glorot (Xavier) and He initialization for a kernel shape;
* :func:`initializer` turns a short name (``"zeros"``, ``"small_normal"``,
  ``"glorot_uniform"``, ``"he_normal"``, ...) into a Keras identifier that creates a *fresh*
  initializer for every layer (one reused, unseeded Keras 3 initializer instance returns the
  same numbers on every call);
* :func:`layer_statistics` runs one forward and backward pass over a fixed batch with
  ``tf.GradientTape`` and reports, per layer with a kernel, the standard deviation of its
  weights, of the activations it produces and of the gradient of the loss with respect to its
  weights: the quantities whose collapse or explosion makes training fail;
* :func:`distinct_units` counts how many different units a layer really has, to show why
  identical (e.g. all-zero) initial weights never break symmetry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

# Short names used by the chapter -> Keras identifiers. Strings and config dicts make Keras
# build a new initializer (with a new seed drawn from the global seed) for every layer.
INITIALIZERS: dict[str, Any] = {
    "zeros": "zeros",
    "small_normal": {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.01}},
    "glorot_uniform": "glorot_uniform",
    "glorot_normal": "glorot_normal",
    "he_normal": "he_normal",
    "he_uniform": "he_uniform",
    "lecun_normal": "lecun_normal",
}

SCHEMES: tuple[str, ...] = ("glorot", "he", "lecun")


def initializer(name: str) -> Any:
    """The Keras identifier for ``name`` (a key of :data:`INITIALIZERS`), to pass as
    ``kernel_initializer=``. A copy is returned, so callers cannot alter the table."""
    if name not in INITIALIZERS:
        raise ValueError(f"Unknown initializer {name!r}. Valid names: {', '.join(INITIALIZERS)}.")
    spec = INITIALIZERS[name]
    if isinstance(spec, dict):
        return {"class_name": spec["class_name"], "config": dict(spec["config"])}
    return spec


def fans(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a kernel, as Keras computes them.

    A Dense kernel ``(inputs, units)`` gives ``(inputs, units)``; a convolution kernel
    ``(kh, kw, in_channels, filters)`` gives ``(kh*kw*in_channels, kh*kw*filters)``.
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) < 2:
        raise ValueError(f"a kernel has at least two axes (inputs, outputs), got shape {shape}.")
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def theoretical_std(scheme: str, fan_in: int, fan_out: int | None = None) -> float:
    """The weight standard deviation a scheme prescribes.

    * ``"glorot"``: ``Var(W) = 2 / (fan_in + fan_out)`` (keeps forward and backward variance
      balanced for activations that are linear around 0, like tanh; Glorot & Bengio, 2010);
    * ``"he"``: ``Var(W) = 2 / fan_in`` (ReLU zeroes half its inputs, so the weights must make
      up a factor 2; He et al., 2015);
    * ``"lecun"``: ``Var(W) = 1 / fan_in``.

    The normal and uniform versions of a scheme share this standard deviation.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"Unknown scheme {scheme!r}. Valid schemes: {', '.join(SCHEMES)}.")
    if fan_in < 1:
        raise ValueError(f"fan_in must be at least 1, got {fan_in}.")
    if scheme == "glorot":
        if fan_out is None or fan_out < 1:
            raise ValueError("Glorot initialization needs fan_out (at least 1) as well as fan_in.")
        return math.sqrt(2.0 / (fan_in + fan_out))
    if scheme == "he":
        return math.sqrt(2.0 / fan_in)
    return math.sqrt(1.0 / fan_in)


def uniform_limit(scheme: str, fan_in: int, fan_out: int | None = None) -> float:
    """``a`` such that ``U(-a, a)`` has the scheme's variance: ``a = sqrt(3) * std``
    (the variance of ``U(-a, a)`` is ``a**2 / 3``). Glorot uniform: ``sqrt(6 / (fan_in +
    fan_out))``; He uniform: ``sqrt(6 / fan_in)``."""
    return math.sqrt(3.0) * theoretical_std(scheme, fan_in, fan_out)


def _kernel_layers(model: Any) -> list[Any]:
    return [layer for layer in model.layers if getattr(layer, "kernel", None) is not None]


def scheme_table(model: Any) -> Any:
    """Per layer with a kernel: fans, the Glorot and He standard deviations, and the standard
    deviation of the kernel the model actually holds (a pandas DataFrame)."""
    import pandas as pd

    rows = {}
    for layer in _kernel_layers(model):
        kernel = np.asarray(layer.kernel, dtype=np.float64)
        fan_in, fan_out = fans(kernel.shape)
        rows[layer.name] = {"fan_in": fan_in, "fan_out": fan_out,
                            "Glorot std": theoretical_std("glorot", fan_in, fan_out),
                            "He std": theoretical_std("he", fan_in),
                            "actual std": float(kernel.std())}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "layer"
    return table


def layer_statistics(model: Any, x: Any, y: Any, loss: Any = None) -> Any:
    """One forward and backward pass over the batch ``(x, y)``, summarised per layer.

    The model must be a chain of layers (a ``Sequential`` model). Layers are grouped into
    *blocks*: a layer with a kernel (Dense, Conv) and the layers after it up to the next
    kernel layer (its activation). For each block the DataFrame row (indexed by the kernel
    layer's name) holds ``depth`` (1, 2, ...), ``fan_in``, ``fan_out``, ``weight std``,
    ``activation std`` (the standard deviation of the block's output over the batch and its
    units) and ``gradient std`` (of the loss gradient with respect to the kernel).
    ``loss`` defaults to sparse categorical cross-entropy on the model's softmax output.
    Layers run in inference mode; the weights are not changed.
    """
    import keras
    import pandas as pd
    import tensorflow as tf

    if loss is None:
        loss = keras.losses.SparseCategoricalCrossentropy()
    kernel_layers = _kernel_layers(model)
    if not kernel_layers:
        raise ValueError(f"model {model.name!r} has no layer with a kernel to summarise.")
    h = tf.convert_to_tensor(x)
    block_outputs: dict[str, Any] = {}
    current: str | None = None
    with tf.GradientTape() as tape:
        for layer in model.layers:
            h = layer(h, training=False)
            if getattr(layer, "kernel", None) is not None:
                current = layer.name
            if current is not None:
                block_outputs[current] = h
        value = loss(y, h)
    kernels = [layer.kernel for layer in kernel_layers]
    grads = tape.gradient(value, kernels, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    rows = {}
    for depth, (layer, grad) in enumerate(zip(kernel_layers, grads), start=1):
        kernel = np.asarray(layer.kernel, dtype=np.float64)
        fan_in, fan_out = fans(kernel.shape)
        rows[layer.name] = {"depth": depth, "fan_in": fan_in, "fan_out": fan_out,
                            "weight std": float(kernel.std()),
                            "activation std": _std(block_outputs[layer.name]),
                            "gradient std": _std(grad)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "layer"
    return table


def _std(tensor: Any) -> float:
    """Standard deviation over all entries, summed in float64 (steadier across CPUs)."""
    return float(np.std(np.asarray(tensor, dtype=np.float64)))


def distinct_units(kernel: Any, tol: float = 1e-6) -> int:
    """How many *different* units (columns of a Dense kernel) a layer has, up to ``tol``.

    Units that start identical receive identical gradients and stay identical: a layer of
    256 copies of one unit is, in effect, a layer of one unit.
    """
    w = np.asarray(kernel, dtype=np.float64)
    columns = w.reshape(-1, w.shape[-1]).T
    representatives: list[np.ndarray] = []
    for column in columns:
        if not any(np.max(np.abs(column - r)) <= tol for r in representatives):
            representatives.append(column)
    return len(representatives)


def compare(stats: Mapping[str, Any], column: str) -> Any:
    """One row per run, one column per layer (in network order): ``column`` of each of the
    per-layer tables in ``stats`` (e.g. ``{"He normal": layer_statistics(...), ...}``)."""
    import pandas as pd

    if not stats:
        raise ValueError("stats is empty: pass at least one per-layer table.")
    layers = list(next(iter(stats.values())).index)
    table = pd.DataFrame({name: t[column] for name, t in stats.items()}).T.reindex(columns=layers)
    table.index.name = "run"
    table.columns.name = "layer"
    return table
