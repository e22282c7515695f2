"""Chapter 7's degradation experiment: how well networks of different depth fit the same
training images, each with its own learning rate, over several seeds.

:func:`train_over_seeds` gives one network its own learning rate (a sweep on the first seed,
won by the lowest final *training* loss: the experiment is about fitting the training data,
and the test set plays no part), then repeats the winner on the other seeds. Every run has
the same epochs, batch size and schedule: the learning rate is divided by 10 at half and at
three quarters of the epochs, the shape of the paper's schedule, so the curves settle by
the end.

The network is built and compiled once; each run loads the seed's initial weights (those
of a fresh build after ``keras.utils.set_random_seed(seed)``, made before any training),
resets the optimizer's state, shuffles the training images in an order fixed by the seed,
and reuses the traced training step. On a CPU, tracing a 32-layer network's training step
costs as much as a hundred steps, so this is what makes several seeds and learning rates
affordable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils import training


@dataclass
class SeedRuns:
    """One network's runs: ``sweep`` maps each learning rate to its fit on ``seeds[0]``;
    ``fits``, ``rows`` and ``weights`` hold the runs at the chosen ``learning_rate``, one per
    seed (the first is the sweep's own run). Each row is
    :func:`course_utils.training.result_row` plus the seed and learning rate; ``weights`` are
    the trained weights, to load into ``model`` (which holds the last run's)."""

    learning_rate: float
    sweep: dict[float, training.FitResult]
    seeds: list[int]
    fits: list[training.FitResult]
    rows: list[dict[str, Any]]
    weights: list[list[np.ndarray]]
    model: Any

    def training_errors(self) -> np.ndarray:
        """Training error (1 - accuracy) per seed (rows) and epoch (columns)."""
        return np.array([[1 - a for a in fit.history["accuracy"]] for fit in self.fits])

    def histories(self) -> list[dict[str, list[float]]]:
        """One ``{"training error": [...]}`` per seed, for
        :func:`course_utils.plots.curves_over_seeds`."""
        return [{"training error": list(errors)} for errors in self.training_errors()]


def step_decay(learning_rate: float, epochs: int, at: Sequence[float] = (0.5, 0.75),
               factor: float = 0.1) -> Any:
    """A Keras callback: ``learning_rate``, multiplied by ``factor`` at each fraction ``at``
    of the ``epochs`` (the paper divides by 10 at about 50% and 75% of its iterations)."""
    import keras

    def rate(epoch: int, _: float) -> float:
        drops = sum(epoch >= fraction * epochs for fraction in at)
        return float(learning_rate * factor ** drops)

    return keras.callbacks.LearningRateScheduler(rate)


def accuracy(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int = 256) -> float:
    """The accuracy of ``model`` on ``(x, y)``, computed eagerly in inference mode: unlike
    ``model.evaluate`` it traces nothing, which matters for small sets on a CPU."""
    predicted = np.concatenate([
        np.asarray(model(x[i:i + batch_size], training=False)).argmax(axis=-1)
        for i in range(0, len(x), batch_size)])
    return float(np.mean(predicted == np.asarray(y)))


def train_over_seeds(build: Callable[[], Any], x: np.ndarray, y: np.ndarray, *,
                     learning_rates: Sequence[float], seeds: Sequence[int], epochs: int,
                     batch_size: int, decay_at: Sequence[float] = (0.5, 0.75),
                     test: tuple[np.ndarray, np.ndarray] | None = None) -> SeedRuns:
    """Train ``build()`` (a classifier for integer labels) on ``(x, y)`` with Adam: each of
    ``learning_rates`` on ``seeds[0]``, then the one with the lowest final training loss on
    every other seed. Same ``epochs``, ``batch_size`` and schedule (:func:`step_decay` at
    ``decay_at``) for every run; ``test``, if given, is measured after each run (with
    :func:`accuracy`) for its row.
    """
    import keras
    import tensorflow as tf

    if not learning_rates or not seeds:
        raise ValueError("need at least one learning rate and one seed.")
    # Every seed's initial weights first: setting TensorFlow's seed clears its kernel caches,
    # which would cost a partial re-trace if it happened between runs.
    initial = {}
    for seed in dict.fromkeys(seeds):
        keras.utils.set_random_seed(seed)
        initial[seed] = build().get_weights()
    model = training.compile_classifier(build(), learning_rate=learning_rates[0],
                                        optimizer="adam")
    model.optimizer.build(model.trainable_variables)
    fresh_optimizer = [np.array(v) for v in model.optimizer.variables]

    def run(rate: float, seed: int) -> tuple[training.FitResult, dict[str, Any]]:
        model.set_weights(initial[seed])
        for variable, value in zip(model.optimizer.variables, fresh_optimizer):
            variable.assign(value)
        batches = (tf.data.Dataset.from_tensor_slices((x, y))
                   .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
                   .batch(batch_size))
        fit = training.timed_fit(model, batches, epochs=epochs,
                                 callbacks=[step_decay(rate, epochs, decay_at)])
        row = training.result_row(model, fit)
        if test is not None:
            row["test accuracy"] = round(accuracy(model, *test), 3)
        row.update({"seed": seed, "learning rate": rate})
        return fit, row

    sweep: dict[float, training.FitResult] = {}
    first: dict[float, tuple[dict[str, Any], list[np.ndarray]]] = {}
    for rate in learning_rates:
        sweep[rate], row = run(rate, seeds[0])
        first[rate] = (row, model.get_weights())
    losses = {rate: fit.last("loss") for rate, fit in sweep.items()}
    best = min(losses, key=lambda r: losses[r] if np.isfinite(losses[r]) else np.inf)
    fits, rows, weights = [sweep[best]], [first[best][0]], [first[best][1]]
    for seed in seeds[1:]:
        fit, row = run(best, seed)
        fits.append(fit)
        rows.append(row)
        weights.append(model.get_weights())
    return SeedRuns(best, sweep, list(seeds), fits, rows, weights, model)


def summary(runs: Mapping[str, SeedRuns]) -> Any:
    """One row per network: its learning rate, and the final training error (and test
    error, if measured) as the mean and the range over the seeds."""
    import pandas as pd

    table = {}
    for name, run in runs.items():
        errors = run.training_errors()[:, -1]
        row: dict[str, Any] = {"learning rate": run.learning_rate, "seeds": len(run.seeds),
                               "training error": errors.mean(), "lowest": errors.min(),
                               "highest": errors.max()}
        if all("test accuracy" in r for r in run.rows):
            test = np.array([1 - r["test accuracy"] for r in run.rows])
            row["test error"] = test.mean()
        table[name] = row
    frame = pd.DataFrame.from_dict(table, orient="index").round(3)
    frame.index.name = "network"
    return frame


def sweep_table(runs: Mapping[str, SeedRuns]) -> Any:
    """Final training loss per network (rows) and learning rate (columns) on the first seed."""
    import pandas as pd

    frame = pd.DataFrame({name: {f"{rate:g}": fit.last("loss") for rate, fit in run.sweep.items()}
                          for name, run in runs.items()}).T.round(3)
    frame.index.name = "network"
    frame.columns.name = "learning rate"
    return frame
