"""Training helpers: compiling, timed fits, and the one comparison-row format.

Recording a chapter's key numbers lives apart, in :mod:`course_utils.metrics`.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class FitResult:
    """A Keras ``History`` plus the wall time the fit took."""

    history: dict[str, list[float]]
    seconds: float
    epochs: int
    epoch_seconds: list[float] = field(default_factory=list)

    @property
    def seconds_per_epoch(self) -> float:
        """Steady-state time per epoch: the median epoch after the first (which also pays for
        tracing the graph), or the only epoch when there is one."""
        steady = sorted(self.epoch_seconds[1:]) or self.epoch_seconds
        if not steady:
            return self.seconds / max(self.epochs, 1)
        return float(steady[len(steady) // 2])

    def last(self, metric: str) -> float:
        """The final value of ``metric`` (e.g. ``"val_accuracy"``)."""
        if metric not in self.history:
            raise KeyError(f"No metric {metric!r}; recorded: {', '.join(self.history)}.")
        return float(self.history[metric][-1])

    def describe(self, label: str = "fit") -> str:
        """One line: epochs, seconds and the final metrics, e.g. for a training cell's output."""
        finals = ", ".join(f"{k} {v[-1]:.4f}" for k, v in self.history.items())
        return f"{label}: {self.epochs} epochs in {self.seconds:.1f} s ({finals})"

    def best(self, metric: str) -> float:
        """The best value of ``metric`` over the epochs (max, or min for losses)."""
        values = self.history[metric]
        return float(min(values) if "loss" in metric else max(values))

    def best_epoch(self, metric: str = "val_loss") -> int:
        """The epoch (1-based) with the best ``metric`` (lowest for losses, highest otherwise;
        the first of equals): the epoch a ``save_best_only`` checkpoint keeps. Epochs whose
        value is not finite never count; if none is finite, the last epoch."""
        if metric not in self.history:
            raise KeyError(f"No metric {metric!r}; recorded: {', '.join(self.history)}.")
        sign = 1.0 if "loss" in metric else -1.0
        scores = [sign * v if math.isfinite(v) else math.inf for v in self.history[metric]]
        if all(math.isinf(v) for v in scores):
            return len(scores)
        return scores.index(min(scores)) + 1


def compile_classifier(model: Any, learning_rate: float = 1e-3, optimizer: str = "sgd",
                       momentum: float = 0.0, steps_per_execution: int = 1) -> Any:
    """Compile for integer labels with accuracy. ``optimizer`` is ``"sgd"`` or ``"adam"``.

    (Keras 3 spells the step size ``learning_rate``; the old ``lr=`` is rejected.)
    ``steps_per_execution`` > 1 runs that many training steps per call into TensorFlow,
    which on a CPU saves most of a small network's per-step overhead.
    """
    import keras

    if optimizer == "sgd":
        opt = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    elif optimizer == "adam":
        opt = keras.optimizers.Adam(learning_rate=learning_rate)
    else:
        raise ValueError(f"Unknown optimizer {optimizer!r}; use 'sgd' or 'adam'.")
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


def timed_fit(model: Any, *args: Any, verbose: int = 0, **kwargs: Any) -> FitResult:
    """``model.fit(*args, **kwargs)`` that also measures the wall time.

    ``verbose`` defaults to 0 (the notebooks show a table or plot instead of a log); Keras'
    ``verbose=1`` progress bar is refused because its bytes vary with speed.
    """
    if verbose not in (0, 2):
        raise ValueError("Use verbose=0 (quiet) or verbose=2 (one line per epoch); "
                         "verbose=1 writes progress bars that change run to run.")
    import keras

    epoch_seconds: list[float] = []

    class _EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self._t = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            epoch_seconds.append(time.perf_counter() - self._t)

    callbacks = list(kwargs.pop("callbacks", None) or []) + [_EpochTimer()]
    if args and not hasattr(args[0], "shape"):  # a tf.data pipeline shuffles itself; Keras
        kwargs.setdefault("shuffle", False)     # would warn that shuffle=True is ignored
    start = time.perf_counter()
    history = model.fit(*args, verbose=verbose, callbacks=callbacks, **kwargs)
    seconds = time.perf_counter() - start
    hist = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    return FitResult(hist, seconds, len(epoch_seconds), epoch_seconds)


@dataclass
class Timer:
    """``with Timer() as t: ...`` then ``t.seconds``."""

    seconds: float = 0.0
    _start: float = field(default=0.0, repr=False)

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def comparison_table(rows: Mapping[str, Mapping[str, Any]], index_name: str = "run") -> Any:
    """A pandas DataFrame with one row per run; floats rounded for display."""
    import pandas as pd

    table = pd.DataFrame.from_dict({k: dict(v) for k, v in rows.items()}, orient="index")
    table.index.name = index_name
    return table.round(4)


def result_row(model: Any, fit: FitResult, test: Any = None) -> dict[str, Any]:
    """One row of a comparison table, the same keys in every chapter.

    ``test`` is a ``tf.data`` pipeline or an ``(x, y)`` pair, evaluated once; leave it out
    when the comparison reports validation accuracy only. Accuracies are rounded to three
    decimals, seconds to one.
    """
    from course_utils.analysis import count_params

    row: dict[str, Any] = {"trainable params": count_params(model, trainable=True),
                           "epochs": fit.epochs, "seconds": round(fit.seconds, 1)}
    if "accuracy" in fit.history:
        row["train accuracy"] = round(fit.last("accuracy"), 3)
    if "val_accuracy" in fit.history:
        row["val accuracy"] = round(fit.last("val_accuracy"), 3)
    if test is not None:
        if isinstance(test, tuple):
            _, accuracy = model.evaluate(*test, verbose=0)
        else:
            _, accuracy = model.evaluate(test, verbose=0)
        row["test accuracy"] = round(float(accuracy), 3)
    return row


def fit_best(model: Any, x: Any, y: Any = None, *,
             path: str | Path | None = None, monitor: str = "val_loss",
             **fit_kwargs: Any) -> tuple[Any, FitResult]:
    """Fit while a checkpoint keeps the best epoch, then reload that epoch.

    Returns ``(best_model, fit)``: the model saved at the epoch with the best
    ``monitor`` (see ``FitResult.best_epoch``) and the whole fit. Without ``path`` the
    checkpoint goes to a temporary folder of this call's own (removed afterwards), so runs
    in parallel processes never read each other's half-written files.
    """
    import keras

    scratch = None
    if path is None:
        scratch = Path(tempfile.mkdtemp(prefix="course_utils-best-"))
        path = scratch / f"{model.name}_best.keras"
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # never reload an older run's file
        keep_best = keras.callbacks.ModelCheckpoint(
            path, monitor=monitor, save_best_only=True)
        callbacks = [*fit_kwargs.pop("callbacks", []), keep_best]
        fit = timed_fit(model, x, y, callbacks=callbacks, **fit_kwargs)
        if not path.exists():  # no finite value of `monitor`: nothing saved
            return model, fit
        return keras.models.load_model(path), fit
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def cosine_by_epoch(peak: float, epochs: int) -> Callable[[int], float]:
    """``epoch -> learning rate``: a cosine from ``peak`` (epoch 0) towards 0, one value per
    epoch: ``peak * (1 + cos(pi * epoch / epochs)) / 2``."""
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}.")
    return lambda epoch: peak * 0.5 * (1.0 + math.cos(math.pi * epoch / epochs))


class Retrainer:
    """Train one architecture many times (a learning-rate sweep, several seeds) while Keras
    traces its training step only once.

    Keras traces a model's training and evaluation steps into a graph the first time they
    run; for a deep network that costs several seconds of CPU, more than an epoch of a small
    one. A ``Retrainer`` compiles one model; before every later run it loads the weights a
    fresh ``build()`` gets under that run's seed (batch-norm statistics included) and zeroes
    the optimizer's state (step count, moments), so each run starts as a new model would,
    without tracing again. The learning rate follows :func:`cosine_by_epoch` from the run's
    peak, set through the optimizer's learning-rate variable at the start of every epoch.
    A run may take its fresh weights from another builder of the same architecture (e.g.
    another initializer): ``fit(..., build=...)``.
    """

    def __init__(self, build: Callable[[], Any], *, optimizer: str = "adam",
                 momentum: float = 0.0) -> None:
        self.build = build
        self.optimizer = optimizer
        self.momentum = momentum
        self.model: Any = None

    def _start(self, seed: int, learning_rate: float,
               build: Callable[[], Any] | None = None) -> None:
        import keras

        keras.utils.set_random_seed(seed)
        fresh = (build or self.build)()
        if self.model is None:
            self.model = compile_classifier(fresh, learning_rate=learning_rate,
                                            optimizer=self.optimizer, momentum=self.momentum)
            return
        shapes = [tuple(w.shape) for w in self.model.weights]
        if [tuple(w.shape) for w in fresh.weights] != shapes:
            raise ValueError("this run's builder makes a different architecture from the "
                             "retrainer's model: its weights do not fit.")
        self.model.set_weights(fresh.get_weights())
        for variable in self.model.optimizer.variables:
            if "learning_rate" not in variable.path:
                variable.assign(keras.ops.zeros(variable.shape, variable.dtype))

    def fit(self, *args: Any, seed: int, learning_rate: float, epochs: int,
            test: Any = None, build: Callable[[], Any] | None = None,
            **fit_kwargs: Any) -> tuple[dict[str, Any], FitResult]:
        """One run from fresh weights under ``seed`` (from ``build``, default the
        retrainer's): ``(row, fit)``, where ``row`` is :func:`result_row` (with ``test``
        evaluated once, at the end) and ``fit`` the :class:`FitResult`. ``args`` and
        ``fit_kwargs`` go to ``model.fit``."""
        import keras

        self._start(seed, learning_rate, build)
        schedule = keras.callbacks.LearningRateScheduler(cosine_by_epoch(learning_rate, epochs))
        callbacks = [*fit_kwargs.pop("callbacks", []), schedule]
        fit = timed_fit(self.model, *args, epochs=epochs, callbacks=callbacks, **fit_kwargs)
        return result_row(self.model, fit, test), fit
