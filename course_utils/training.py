"""Training helpers: compiling, timed fits, and the one comparison-row format.

Recording a chapter's key numbers lives apart, in :mod:`course_utils.metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
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


def compile_classifier(model: Any, learning_rate: float = 1e-3, optimizer: str = "sgd",
                       momentum: float = 0.0) -> Any:
    """Compile for integer labels with accuracy. ``optimizer`` is ``"sgd"`` or ``"adam"``.

    (Keras 3 spells the step size ``learning_rate``; the old ``lr=`` is rejected.)
    """
    import keras

    if optimizer == "sgd":
        opt = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    elif optimizer == "adam":
        opt = keras.optimizers.Adam(learning_rate=learning_rate)
    else:
        raise ValueError(f"Unknown optimizer {optimizer!r}; use 'sgd' or 'adam'.")
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
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
