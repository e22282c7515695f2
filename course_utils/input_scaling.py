"""Why pixels are rescaled (chapter 3): the loss surface of one unit, in closed form.

A unit with one weight ``w`` on a pixel value ``x`` and a bias ``b``, fitted by least squares
to targets ``y = w* x + b*``, has the loss ``L(w, b) = mean((w x + b - y)^2)``. It is a
quadratic bowl whose Hessian (curvature) is

    H = 2 [[mean(x^2), mean(x)],
           [mean(x),   1      ]],

so the curvature along the weight grows with the square of the pixel scale while the bias
always sees an input of 1. With raw pixels (0 to 255) the bowl is thousands of times steeper
along one direction than along the other: an elongated bowl. Gradient descent with a constant
step must keep the step below 2 / (largest curvature) or it diverges along the steep
direction, and then it crawls along the flat one; the number of steps it needs grows with the
ratio of the two curvatures, the condition number. These functions compute all of that
exactly, with no training.

:func:`standardization` and :func:`with_input_scaling` put the scaling inside a network, as
its first (weightless) layer, so the experiment runner can train raw, rescaled and
standardized inputs side by side on one data set, from the same initial weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def weight_and_bias_hessian(x: np.ndarray) -> np.ndarray:
    """The Hessian of ``mean((w x + b - y)^2)`` with respect to ``(w, b)`` for inputs ``x``
    (any shape; every value is one input)."""
    x = np.asarray(x, dtype=np.float64).ravel()
    if x.size == 0:
        raise ValueError("need at least one input value.")
    m1, m2 = x.mean(), (x * x).mean()
    return 2.0 * np.array([[m2, m1], [m1, 1.0]])


def curvatures(hessian: np.ndarray) -> tuple[float, float]:
    """The largest and smallest curvature (eigenvalues) of a symmetric positive-definite
    Hessian."""
    values = np.linalg.eigvalsh(np.asarray(hessian, dtype=np.float64))
    if values[0] <= 1e-12 * abs(values[-1]):
        raise ValueError("the Hessian is not positive definite: the inputs are all equal, so "
                         "the weight and the bias cannot be told apart.")
    return float(values[-1]), float(values[0])


def condition_number(hessian: np.ndarray) -> float:
    """Largest over smallest curvature: how elongated the bowl is (1 = round)."""
    largest, smallest = curvatures(hessian)
    return largest / smallest


def best_learning_rate(hessian: np.ndarray) -> float:
    """The constant step that makes gradient descent converge fastest on this bowl,
    ``2 / (largest + smallest curvature)``; any step above ``2 / largest`` diverges."""
    largest, smallest = curvatures(hessian)
    return 2.0 / (largest + smallest)


def excess_loss(hessian: np.ndarray, start: np.ndarray, steps: np.ndarray | int,
                learning_rate: float | None = None) -> np.ndarray:
    """``L - L*`` after each number of gradient-descent steps in ``steps`` (an int ``n`` means
    0..n), starting ``start = (w - w*, b - b*)`` away from the minimum, with a constant
    ``learning_rate`` (default :func:`best_learning_rate`). Computed exactly: along each
    eigen-direction of the Hessian the error shrinks by ``|1 - lr * curvature|`` per step."""
    h = np.asarray(hessian, dtype=np.float64)
    lr = best_learning_rate(h) if learning_rate is None else float(learning_rate)
    t = np.arange(steps + 1) if np.isscalar(steps) else np.asarray(steps)
    values, vectors = np.linalg.eigh(h)
    coords = vectors.T @ np.asarray(start, dtype=np.float64)
    factors = (1.0 - lr * values)[None, :] ** (2 * t.astype(np.float64))[:, None]
    return 0.5 * (factors * (values * coords ** 2)[None, :]).sum(axis=1)


def steps_to_reach(hessian: np.ndarray, start: np.ndarray, fraction: float,
                   learning_rate: float | None = None, max_steps: int = 10**9) -> int:
    """The fewest gradient-descent steps after which ``L - L*`` is at most ``fraction`` of its
    starting value; raises if the step diverges or it takes more than ``max_steps``."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}.")
    h = np.asarray(hessian, dtype=np.float64)
    lr = best_learning_rate(h) if learning_rate is None else float(learning_rate)
    largest, _ = curvatures(h)
    if lr >= 2.0 / largest:
        raise ValueError(f"learning rate {lr:g} diverges: it must stay below "
                         f"2 / {largest:.4g} = {2.0 / largest:.4g}.")
    target = fraction * float(excess_loss(h, start, [0], lr)[0])
    lo, hi = 0, 1
    while float(excess_loss(h, start, [hi], lr)[0]) > target:
        lo, hi = hi, hi * 2
        if hi > 2 * max_steps:
            raise ValueError(f"more than {max_steps} steps.")
    while hi - lo > 1:  # the excess loss falls monotonically: bisect
        mid = (lo + hi) // 2
        if float(excess_loss(h, start, [mid], lr)[0]) > target:
            lo = mid
        else:
            hi = mid
    if hi > max_steps:
        raise ValueError(f"more than {max_steps} steps.")
    return hi


def predicted_steps(condition: float, fraction: float) -> int:
    """The textbook estimate of :func:`steps_to_reach` at the best constant step: the error
    shrinks at least by ``(k - 1) / (k + 1)`` per step for condition number ``k``."""
    rate = (condition - 1.0) / (condition + 1.0)
    return math.ceil(math.log(fraction) / (2.0 * math.log(rate))) if rate > 0 else 1


def standardization(x: np.ndarray) -> tuple[float, float]:
    """The mean and standard deviation of every value of ``x`` (the training images): the
    shift and scale that give the inputs zero mean and unit variance."""
    x = np.asarray(x, dtype=np.float64)
    std = float(x.std())
    if x.size == 0 or std == 0.0:
        raise ValueError("need inputs that are not all equal to standardize them.")
    return float(x.mean()), std


def with_input_scaling(build: Callable[[], Any], *, input_shape: Sequence[int],
                       shift: float = 0.0, scale: float = 1.0,
                       name: str | None = None) -> Callable[[], Any]:
    """A builder of ``build()``'s network behind a weightless first layer that computes
    ``(x - shift) * scale``: raw pixels go in, and the network sees them rescaled (``scale =
    1/255``) or standardized (``shift, 1/std`` from :func:`standardization`). Under one seed
    its initial weights are those of ``build()``."""

    def make() -> Any:
        import keras

        inner = build()
        inputs = keras.Input(tuple(input_shape))
        x = keras.layers.Rescaling(scale, offset=-shift * scale,
                                   name="input_scaling")(inputs)
        return keras.Model(inputs, inner(x), name=name or f"{inner.name}_scaled")

    return make
