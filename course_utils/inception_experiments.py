"""Chapter 6's training experiments on a small Inception network: the v3 paper's label
smoothing, its batch-normalized auxiliary classifier and its lower-resolution inputs
(Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", 2016),
measured at a size a CPU trains in seconds.

:func:`compare` trains each :class:`Variant` with the same epochs, batch size and optimizer
(Adam), and the same schedule: the learning rate starts at the variant's rate and decays
along a half cosine over the epochs (:func:`cosine_decay`). Each variant gets its own rate:
the one of ``learning_rates`` whose run on the first seed has the best validation accuracy
of the main classifier; that rate is then repeated on the other seeds, and every run is
measured once on the test images.

Tracing the training step of a network of some seventy layers costs several seconds on a
CPU, more than a short run itself, so :func:`compare` compiles one model per architecture and
reuses it for all its runs: before each run the weights (and dropout's random state) are
copied from a fresh build under the run's seed, and the optimizer's state is zeroed. A run is
then the same as one on a newly built and compiled model (``tests`` checks it weight for
weight).

Label smoothing is applied to the targets (:func:`smooth_labels`), so a variant that differs
from another only in its smoothing shares that variant's compiled model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils import analysis, data


@dataclass(frozen=True)
class Arrays:
    """Images (raw pixels, float32) and integer labels of a train / validation / test split."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]

    @property
    def image_size(self) -> int:
        return int(self.x_train.shape[1])


def arrays_from(splits: data.ImageSplits, *, classes: int | None = None,
                train_size: int | None = None, seed: int = 42) -> Arrays:
    """The three pipelines of ``splits`` read into arrays (each read to its end once).

    ``classes`` keeps only the images of the first ``classes`` classes (a smaller task);
    ``train_size`` keeps a stratified random subset of that many training images
    (:func:`course_utils.data.subsample`)."""
    def read(pipeline: Any) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = zip(*[(np.asarray(x), np.asarray(y)) for x, y in pipeline])
        x, y = np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int64)
        if classes is not None:
            keep = y < classes
            x, y = x[keep], y[keep]
        return x, y

    names = tuple(splits.class_names)[:classes]
    x_train, y_train = read(splits.train)
    if train_size is not None:
        x_train, y_train = data.subsample(x_train, y_train, train_size, seed=seed)
    return Arrays(x_train, y_train, *read(splits.val), *read(splits.test), class_names=names)


def downsample(arrays: Arrays, factor: int) -> Arrays:
    """Every image shrunk by an integer ``factor`` by averaging ``factor x factor`` blocks
    of pixels (an area resize: no aliasing), labels unchanged."""
    if factor < 1 or arrays.image_size % factor:
        raise ValueError(f"factor must divide the image size {arrays.image_size}, got "
                         f"{factor}.")

    def shrink(x: np.ndarray) -> np.ndarray:
        n, h, w, c = x.shape
        blocks = x.reshape(n, h // factor, factor, w // factor, factor, c)
        return blocks.mean(axis=(2, 4), dtype=np.float64).astype(np.float32)

    return Arrays(shrink(arrays.x_train), arrays.y_train, shrink(arrays.x_val), arrays.y_val,
                  shrink(arrays.x_test), arrays.y_test, arrays.class_names)


def smooth_labels(labels: np.ndarray, num_classes: int, epsilon: float) -> np.ndarray:
    """Label-smoothed targets: ``(1 - epsilon)`` times the one-hot target plus ``epsilon``
    spread evenly over all ``num_classes`` classes (the paper's u(k) = 1/K), so the true
    class gets ``1 - epsilon + epsilon / K`` and every other class ``epsilon / K``."""
    if not 0.0 <= epsilon < 1.0:
        raise ValueError(f"epsilon must be in [0, 1), got {epsilon}.")
    one_hot = np.eye(num_classes, dtype=np.float32)[np.asarray(labels, dtype=np.int64)]
    return (1.0 - epsilon) * one_hot + epsilon / num_classes


@dataclass(frozen=True)
class Variant:
    """One arm of a comparison. ``build()`` returns a Keras model that takes raw pixels and
    whose first output is the main softmax classifier; further outputs are auxiliary
    classifiers, trained with loss weight ``aux_weight`` and ignored when measuring.
    ``data`` names the entry of :func:`compare`'s ``data`` it trains on (e.g. a resolution)."""

    build: Callable[[], Any]
    data: str = "default"
    label_smoothing: float = 0.0
    aux_weight: float = 0.3


@dataclass
class Comparison:
    """What :func:`compare` measured: ``table`` (one row per variant), ``runs`` (one dict per
    run: variant, seed, learning rate, validation and test accuracy, confidence, seconds)
    and ``learning_rates`` (the rate chosen for each variant)."""

    table: Any
    runs: list[dict[str, Any]]
    learning_rates: dict[str, float]

    def mean(self, variant: str, key: str = "test accuracy") -> float:
        """The mean of ``key`` over the seeds of ``variant``'s chosen learning rate."""
        values = [r[key] for r in self._final(variant)]
        if not values:
            raise KeyError(f"No variant {variant!r}; measured: {', '.join(self.learning_rates)}.")
        return float(np.mean(values))

    def _final(self, variant: str) -> list[dict[str, Any]]:
        rate = self.learning_rates.get(variant)
        return [r for r in self.runs if r["variant"] == variant and r["learning rate"] == rate]


def main_output(model: Any) -> Any:
    """The model without its auxiliary outputs: what inference keeps (the same layers)."""
    import keras

    if len(model.outputs) == 1:
        return model
    return keras.Model(model.inputs, model.outputs[0], name=f"{model.name}_main")


def _compile(model: Any, aux_weight: float) -> None:
    import keras

    n = len(model.outputs)
    loss = keras.losses.CategoricalCrossentropy()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=loss if n == 1 else [loss] * n,
                  loss_weights=None if n == 1 else [1.0] + [aux_weight] * (n - 1))


def restart(model: Any, build: Callable[[], Any], *, seed: int, learning_rate: float) -> None:
    """Make the compiled ``model`` start afresh: the weights and random state of a new
    ``build()`` made after ``keras.utils.set_random_seed(seed)``, a zeroed optimizer state
    (Adam's moments and step count) and ``learning_rate``. The global random state is left
    as building that model leaves it, so the next ``fit`` shuffles as a new model's would."""
    import keras

    keras.utils.set_random_seed(seed)
    fresh = build()
    if len(fresh.variables) != len(model.variables):
        raise ValueError("build() made a different architecture from the compiled model.")
    for target, source in zip(model.variables, fresh.variables):
        target.assign(source)
    for variable in model.optimizer.variables:
        variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
    model.optimizer.learning_rate = learning_rate


def cosine_decay(learning_rate: float, epochs: int) -> Any:
    """A callback that sets the learning rate of epoch ``e`` (from 0) to
    ``learning_rate * (1 + cos(pi * e / epochs)) / 2``: the full rate first, then smoothly
    down, so that every run ends at a small rate and its final weights are less noisy."""
    import math

    import keras

    return keras.callbacks.LearningRateScheduler(
        lambda epoch: learning_rate * 0.5 * (1 + math.cos(math.pi * epoch / epochs)))


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    out = model.predict(x, batch_size=256, verbose=0)
    return np.asarray(out[0] if isinstance(out, list) else out)


def _run(model: Any, variant: Variant, arrays: Arrays, *, seed: int, learning_rate: float,
         epochs: int, batch_size: int) -> dict[str, Any]:
    restart(model, variant.build, seed=seed, learning_rate=learning_rate)
    k = len(arrays.class_names)
    targets = smooth_labels(arrays.y_train, k, variant.label_smoothing)
    y = targets if len(model.outputs) == 1 else [targets] * len(model.outputs)
    start = time.perf_counter()
    model.fit(arrays.x_train, y, epochs=epochs, batch_size=batch_size, shuffle=True,
              verbose=0, callbacks=[cosine_decay(learning_rate, epochs)])
    seconds = time.perf_counter() - start
    val = _predict(model, arrays.x_val)
    test = _predict(model, arrays.x_test)
    return {"seed": seed, "learning rate": learning_rate,
            "val accuracy": float(np.mean(val.argmax(1) == arrays.y_val)),
            "test accuracy": float(np.mean(test.argmax(1) == arrays.y_test)),
            "confidence": float(np.mean(test.max(1))), "seconds": seconds}


def compare(variants: Mapping[str, Variant], data: Mapping[str, Arrays], *, epochs: int,
            batch_size: int, learning_rates: Sequence[float], seeds: Sequence[int]
            ) -> Comparison:
    """Train every variant as described in the module's docstring and tabulate them.

    The table has one row per variant: its chosen learning rate, the test accuracy of the
    main classifier (mean, lowest and highest over ``seeds``), its confidence (the mean
    highest softmax probability on the test images), and the multiply-adds per image of
    the network inference keeps (auxiliary classifiers left out).
    """
    import pandas as pd

    if not learning_rates or not seeds:
        raise ValueError("need at least one learning rate and one seed.")
    compiled: dict[tuple[Any, ...], Any] = {}
    runs: list[dict[str, Any]] = []
    chosen: dict[str, float] = {}
    rows: dict[str, dict[str, Any]] = {}
    for name, variant in variants.items():
        arrays = data[variant.data]
        key = (variant.build, variant.data, variant.aux_weight)
        if key not in compiled:
            compiled[key] = variant.build()
            _compile(compiled[key], variant.aux_weight)
        model = compiled[key]
        common = {"epochs": epochs, "batch_size": batch_size}
        sweep = [_run(model, variant, arrays, seed=seeds[0], learning_rate=rate, **common)
                 for rate in learning_rates]
        best = max(range(len(sweep)), key=lambda i: (sweep[i]["val accuracy"], -i))
        chosen[name] = float(learning_rates[best])
        repeats = [_run(model, variant, arrays, seed=s, learning_rate=chosen[name], **common)
                   for s in seeds[1:]]
        runs += [{"variant": name, **r} for r in sweep + repeats]
        final = [sweep[best], *repeats]
        tests = [r["test accuracy"] for r in final]
        inference = main_output(model)
        rows[name] = {"learning rate": chosen[name],
                      "test accuracy": round(float(np.mean(tests)), 3),
                      "lowest": round(min(tests), 3), "highest": round(max(tests), 3),
                      "confidence": round(float(np.mean([r["confidence"] for r in final])), 3),
                      "mult-adds (M)": round(analysis.totals(inference)["mult-adds"] / 1e6,
                                             2)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = f"variant ({len(seeds)} seed{'s' if len(seeds) > 1 else ''})"
    return Comparison(table=table, runs=runs, learning_rates=chosen)
