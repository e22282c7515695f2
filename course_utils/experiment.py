"""The one experiment runner: every comparison in the course, fair by construction.

A comparison trains several *arms* (networks, initializers, activations, ...) on the same
data with the same budget (epochs, batch size, schedule), each at its own learning rate:

* **Its own learning rate.** Each arm climbs a ladder of rates on a tuning seed of its own
  (by default not one of the result seeds). It starts from a few rates and keeps stepping
  along the ladder until the best rate has a worse neighbour on each side; when the ladder
  ends first, the tables say the rate is "at the edge of the rates tried".
* **Several seeds, the same data order.** The chosen rate is then trained once per result
  seed. Under one seed every arm gets the same initial random state and the same batch order,
  from a fresh ``tf.data`` pipeline built for that run.
* **One kept model per row.** A run keeps either its last epoch or the epoch with the lowest
  validation loss; train, validation and test numbers are all *evaluated* on that kept model
  in inference mode (not Keras' running mean over an epoch, with dropout on).
* **A verdict.** :meth:`Comparison.verdict` compares two arms seed by seed and says one of
  "A beats B on every seed", "A beats B on the mean only" or "no difference beyond the seed
  spread"; the prose quotes it and a lesson test asserts it.

Each arm's network is compiled once; before every run the runner loads the variables a fresh
build gets under that run's seed (weights, batch-norm statistics, dropout seed states) and
zeroes the optimizer's state, so a run starts exactly as a new model would, while Keras traces
the training step once per arm. Compiling with ``steps_per_execution`` runs several steps
per call, which on a CPU cuts a small network's step time by up to half.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# A ladder in steps of about 3x: the default for Adam (and, shifted, for SGD).
LADDER: tuple[float, ...] = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)
EDGE_NOTE = "at the edge of the rates tried"
VERDICT_KINDS = ("every seed", "mean only", "no difference")


# --- inputs ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Splits:
    """Arrays for one comparison: train and validation (the runner never tunes on test),
    an optional test set evaluated once per kept model, and the data's name for titles."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    name: str = "data"

    def __post_init__(self) -> None:
        pairs = {"train": (self.x_train, self.y_train), "val": (self.x_val, self.y_val)}
        if self.x_test is not None or self.y_test is not None:
            pairs["test"] = (self.x_test, self.y_test)
        for split, (x, y) in pairs.items():
            if x is None or y is None or len(x) != len(y) or len(x) == 0:
                raise ValueError(f"the {split} split needs as many labels as images (at least "
                                 f"one); got {None if x is None else len(x)} images and "
                                 f"{None if y is None else len(y)} labels.")

    @property
    def evaluated(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The splits every kept model is evaluated on, in row order."""
        out = {"train": (self.x_train, self.y_train), "val": (self.x_val, self.y_val)}
        if self.x_test is not None:
            out["test"] = (self.x_test, self.y_test)
        return out

    def map(self, prepare: Callable[[np.ndarray], np.ndarray]) -> Splits:
        """The same images and labels with ``prepare`` applied to every split's images (to
        scale, resize or centre them for a network), under the same name."""
        x_test = None if self.x_test is None else prepare(self.x_test)
        return Splits(prepare(self.x_train), self.y_train, prepare(self.x_val), self.y_val,
                      x_test, self.y_test, name=self.name)


def draw_splits(dataset: Any, *, train: int, val: int, test: int, seed: int,
                prepare: Callable[[np.ndarray], np.ndarray] | None = None) -> Splits:
    """A comparison's data, drawn from a data set with a training and a test set (such as
    :func:`course_utils.data.load_fashion_mnist`'s): ``train + val`` images from its training
    set, cut into training and validation, and ``test`` images from its test set.

    Every draw is stratified by class after a shuffle with ``seed``
    (:func:`~course_utils.data.subsample`, :func:`~course_utils.data.train_val_split`), so
    a class-sorted source still gives every class to every split, and the test set is never
    seen while tuning. ``prepare``, if given, is applied to each split's images
    (:meth:`Splits.map`); the splits are named after ``dataset.provenance.name``.
    """
    from course_utils import data

    for label, size in (("train", train), ("val", val), ("test", test)):
        if int(size) != size or size < 1:
            raise ValueError(f"{label}= must be a whole number of images, at least 1; "
                             f"got {size!r}.")
    if train + val > len(dataset.y_train):
        raise ValueError(f"train + val = {train + val:,} images, but the data set's training "
                         f"set has only {len(dataset.y_train):,}: ask for fewer.")
    x_pool, y_pool = data.subsample(dataset.x_train, dataset.y_train, train + val, seed=seed)
    x_fit, y_fit, x_val, y_val = data.train_val_split(x_pool, y_pool, val, seed=seed)
    x_test, y_test = data.subsample(dataset.x_test, dataset.y_test, test, seed=seed)
    splits = Splits(x_fit, y_fit, x_val, y_val, x_test, y_test,
                    name=dataset.provenance.name)
    return splits if prepare is None else splits.map(prepare)


@dataclass(frozen=True)
class Arm:
    """One side of a comparison: a builder of a fresh, uncompiled classifier (softmax
    output, integer labels) and the optimizer it trains with."""

    name: str
    build: Callable[[], Any]
    optimizer: str = "adam"
    momentum: float = 0.0


@dataclass(frozen=True)
class Budget:
    """What every arm gets: the same epochs, batch size and schedule.

    ``schedule`` is ``"constant"``, ``"cosine"`` (from the peak rate towards 0, one value per
    epoch) or ``"step"`` (divided by 10 at half and at three quarters of the epochs, the
    shape of the ResNet paper's schedule). ``keep`` is ``"last"`` (the last epoch's model)
    or ``"best"`` (the epoch with the lowest validation loss). ``validate`` evaluates the
    validation set after every epoch (for the curves, and needed by ``keep="best"``); the
    kept model is evaluated on every split at the end either way.
    """

    epochs: int
    batch_size: int = 32
    schedule: str = "constant"
    keep: str = "last"
    steps_per_execution: int = 16
    validate: bool = True

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or self.steps_per_execution < 1:
            raise ValueError("epochs, batch_size and steps_per_execution must be at least 1, "
                             f"got {self.epochs}, {self.batch_size}, "
                             f"{self.steps_per_execution}.")
        if self.schedule not in ("constant", "cosine", "step"):
            raise ValueError(f"schedule must be 'constant', 'cosine' or 'step', "
                             f"got {self.schedule!r}.")
        if self.keep not in ("last", "best"):
            raise ValueError(f"keep must be 'last' or 'best', got {self.keep!r}.")
        if self.keep == "best" and not self.validate:
            raise ValueError("keep='best' picks the epoch by validation loss: it needs "
                             "validate=True.")

    def rate(self, peak: float, epoch: int) -> float:
        """The learning rate of (0-based) ``epoch`` for a run whose peak rate is ``peak``."""
        if self.schedule == "cosine":
            return peak * 0.5 * (1.0 + math.cos(math.pi * epoch / self.epochs))
        if self.schedule == "step":
            return peak * 0.1 ** sum(epoch >= f * self.epochs for f in (0.5, 0.75))
        return peak


# --- one run -----------------------------------------------------------------------------

def batches(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> Any:
    """A fresh training pipeline whose batch order depends only on ``seed``: reshuffled every
    epoch, the same sequence of orders for every arm run under that seed."""
    import tensorflow as tf

    tf.random.set_seed(seed)  # the shuffle's seed pair is (global, op): fix both
    return (tf.data.Dataset.from_tensor_slices((x, y))
            .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
            .batch(batch_size)
            .prefetch(tf.data.AUTOTUNE))


def _metric(split: str, name: str) -> str:
    return f"{split} {name}"


@dataclass
class Run:
    """One training run: its row (every number from the kept model) and its per-epoch
    history (Keras' running means for training, evaluated numbers for validation)."""

    arm: str
    seed: int
    learning_rate: float
    row: dict[str, Any]
    history: dict[str, list[float]]
    seconds: float
    weights: list[np.ndarray] = field(repr=False, default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.row[key]


class _Trainer:
    """One compiled model per arm, reset to a fresh build's state before every run."""

    def __init__(self, arm: Arm, budget: Budget) -> None:
        self.arm = arm
        self.budget = budget
        self.model: Any = None

    def _reset(self, seed: int, learning_rate: float) -> None:
        import keras

        from course_utils.training import compile_classifier

        keras.utils.set_random_seed(seed)
        fresh = self.arm.build()
        if self.model is None:
            self.model = fresh
            compile_classifier(fresh, learning_rate=learning_rate,
                               optimizer=self.arm.optimizer, momentum=self.arm.momentum,
                               steps_per_execution=self.budget.steps_per_execution)
            self.model.optimizer.build(self.model.trainable_variables)
            return
        if len(fresh.variables) != len(self.model.variables) or any(
                tuple(a.shape) != tuple(b.shape)
                for a, b in zip(fresh.variables, self.model.variables)):
            raise ValueError(f"arm {self.arm.name!r}: build() made a different architecture "
                             "from its first call; a builder must make the same network "
                             "every time.")
        for target, value in zip(self.model.variables, fresh.variables):
            target.assign(value)  # weights, batch-norm statistics and dropout seed states
        for variable in self.model.optimizer.variables:
            value = learning_rate if "learning_rate" in variable.path else 0
            variable.assign(np.full(variable.shape, value, variable.dtype))

    def run(self, data: Splits, seed: int, learning_rate: float) -> Run:
        import keras

        budget = self.budget
        self._reset(seed, learning_rate)
        model = self.model
        train = batches(data.x_train, data.y_train, budget.batch_size, seed)
        kept: dict[str, Any] = {"loss": math.inf, "epoch": budget.epochs, "weights": None}

        class _Schedule(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
                model.optimizer.learning_rate.assign(budget.rate(learning_rate, epoch))

            def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
                loss = (logs or {}).get("val_loss", math.nan)
                if budget.keep == "best" and math.isfinite(loss) and loss < kept["loss"]:
                    kept.update(loss=loss, epoch=epoch + 1, weights=model.get_weights())

        start = time.perf_counter()
        validation = (data.x_val, data.y_val) if budget.validate else None
        fit = model.fit(train, validation_data=validation,
                        validation_batch_size=256, epochs=budget.epochs, verbose=0,
                        shuffle=False, callbacks=[_Schedule()])  # the pipeline shuffles
        seconds = time.perf_counter() - start
        if kept["weights"] is not None:
            model.set_weights(kept["weights"])
        row: dict[str, Any] = {"arm": self.arm.name, "seed": seed,
                               "learning rate": learning_rate, "kept epoch": kept["epoch"]}
        for split, (x, y) in data.evaluated.items():
            loss, accuracy = model.evaluate(x, y, batch_size=256, verbose=0)
            row[_metric(split, "loss")] = float(loss)
            row[_metric(split, "accuracy")] = float(accuracy)
            row[_metric(split, "error")] = 1.0 - float(accuracy)
        row["seconds"] = round(seconds, 2)
        history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
        return Run(self.arm.name, seed, learning_rate, row, history, seconds,
                   model.get_weights())


# --- tuning ------------------------------------------------------------------------------

def _lower_is_better(metric: str) -> bool:
    return metric.endswith("loss") or metric.endswith("error")


def _score(run: Run, metric: str) -> float:
    """Smaller is better; a diverged run scores +inf."""
    value = run.row[metric]
    if not math.isfinite(value):
        return math.inf
    return value if _lower_is_better(metric) else -value


@dataclass
class Tuning:
    """One arm's climb along the ladder: the runs it tried on the tuning seed, keyed by
    rate, the chosen rate and whether it sits at the edge of the rates tried."""

    arm: str
    seed: int
    metric: str
    runs: dict[float, Run]
    learning_rate: float
    at_edge: bool
    fixed: bool = False  # the rate was given, not tuned


def climb(trainer: Any, data: Splits, *, ladder: Sequence[float], start: Sequence[float],
          seed: int, metric: str) -> Tuning:
    """Try the ``start`` rates (members of ``ladder``), then step along the ladder from the
    best while it is the lowest or the highest rate tried, until it has a worse neighbour on
    each side or the ladder ends. Ties go to the rate tried first."""
    ladder = sorted(set(ladder))
    unknown = [r for r in start if r not in ladder]
    if not start or unknown:
        raise ValueError(f"start rates must be members of the ladder {ladder}; "
                         f"got {list(start)}.")
    position = {rate: i for i, rate in enumerate(ladder)}
    # fill the gaps so the rates tried are always neighbours on the ladder
    low, high = min(position[r] for r in start), max(position[r] for r in start)
    queue = ladder[low:high + 1]
    runs: dict[float, Run] = {}
    best: float | None = None
    while queue:
        rate = queue.pop(0)
        runs[rate] = trainer.run(data, seed, rate)
        if best is None or _score(runs[rate], metric) < _score(runs[best], metric):
            best = rate
        if not queue:
            i = position[best]
            if best == min(runs) and i > 0:
                queue = [ladder[i - 1]]
            elif best == max(runs) and i < len(ladder) - 1:
                queue = [ladder[i + 1]]
    assert best is not None
    i = position[best]
    worse_below = i > 0 and ladder[i - 1] in runs
    worse_above = i < len(ladder) - 1 and ladder[i + 1] in runs
    return Tuning(trainer.arm.name, seed, metric, runs, best,
                  at_edge=not (worse_below and worse_above))


# --- the comparison ----------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    """What a seed-by-seed comparison of two arms on one metric shows."""

    kind: str  # one of VERDICT_KINDS
    first: str
    second: str
    metric: str
    wins: int
    seeds: int
    difference: float  # mean of (first - second), in the metric's own units

    @property
    def winner(self) -> str | None:
        """The better arm, unless there is no difference beyond the seed spread."""
        return None if self.kind == "no difference" else self.first

    @property
    def text(self) -> str:
        if self.kind == "every seed":
            return (f"{self.first} beats {self.second} on every seed "
                    f"({self.wins} of {self.seeds}) on {self.metric}")
        if self.kind == "mean only":
            return (f"{self.first} beats {self.second} on the mean only "
                    f"({self.wins} of {self.seeds} seeds) on {self.metric}")
        return (f"no difference between {self.first} and {self.second} on {self.metric} "
                "beyond the seed spread")

    def __str__(self) -> str:
        return self.text


def verdict(first: str, a: Sequence[float], second: str, b: Sequence[float], *,
            metric: str) -> Verdict:
    """Compare paired per-seed values ``a`` (arm ``first``) and ``b`` (arm ``second``).

    With ``d`` the per-seed advantage of one arm: *every seed* when it is positive on every
    seed; *mean only* when its mean is positive and larger than half the range of ``d`` (the
    spread the seeds alone produce); otherwise *no difference beyond the seed spread*. The
    better arm is always named first.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.size == 0:
        raise ValueError(f"need the same seeds for both arms; got {a.size} and {b.size} "
                         "values.")
    sign = -1.0 if _lower_is_better(metric) else 1.0
    d = sign * (a - b)
    if d.mean() < 0:
        first, second, a, b, d = second, first, b, a, -d
    wins = int((d > 0).sum())
    if wins == d.size:
        kind = "every seed"
    elif d.mean() > (d.max() - d.min()) / 2:
        kind = "mean only"
    else:
        kind = "no difference"
    return Verdict(kind, first, second, metric, wins, int(d.size), float((a - b).mean()))


@dataclass
class Comparison:
    """Every arm's tuning and its runs at the chosen rate, one per result seed."""

    data: str
    budget: Budget
    seeds: list[int]
    tuning: dict[str, Tuning]
    runs: dict[str, list[Run]]
    models: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def arms(self) -> list[str]:
        return list(self.runs)

    def values(self, arm: str, metric: str) -> np.ndarray:
        """``metric`` (a row key such as ``"test accuracy"``) of ``arm``, one per seed."""
        if arm not in self.runs:
            raise KeyError(f"no arm {arm!r}; arms: {', '.join(self.runs)}.")
        return np.array([run.row[metric] for run in self.runs[arm]], dtype=float)

    def verdict(self, first: str, second: str, metric: str = "test accuracy") -> Verdict:
        """The seed-by-seed verdict of ``first`` against ``second`` on ``metric``."""
        return verdict(first, self.values(first, metric), second,
                       self.values(second, metric), metric=metric)

    def table(self, metrics: Sequence[str] = ("train accuracy", "val accuracy",
                                              "test accuracy")) -> Any:
        """One row per arm: its rate (and whether it is at the edge), the seed it was tuned
        on ("(reused)" when that run is also one of the result seeds), the number of seeds,
        and each metric's mean and range over the seeds, all from the kept models."""
        import pandas as pd

        rows = {}
        for arm, runs in self.runs.items():
            tune = self.tuning[arm]
            reused = tune.seed in self.seeds
            note = "fixed, not tuned" if tune.fixed else (
                EDGE_NOTE if tune.at_edge else "interior")
            row: dict[str, Any] = {"learning rate": f"{tune.learning_rate:g}", "rate": note,
                                   "tuned on": f"seed {tune.seed}"
                                   + (" (reused)" if reused else ""),
                                   "seeds": len(runs)}
            for metric in metrics:
                values = self.values(arm, metric)
                row[f"{metric} (mean)"] = round(float(values.mean()), 3)
                row[f"{metric} (range)"] = f"{values.min():.3f}-{values.max():.3f}"
            rows[arm] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = f"arm ({self.data})"
        return frame

    def tuning_table(self) -> Any:
        """Per arm (rows) and learning rate (columns): the tuning metric on the tuning seed;
        blank where a rate was not tried. The chosen rate is marked with ``*``."""
        import pandas as pd

        rates = sorted({r for t in self.tuning.values() for r in t.runs})
        rows = {}
        for arm, tune in self.tuning.items():
            rows[arm] = {f"{r:g}": (f"{tune.runs[r].row[tune.metric]:.3f}"
                                    + ("*" if r == tune.learning_rate else ""))
                         if r in tune.runs else "" for r in rates}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        metric = next(iter(self.tuning.values())).metric
        frame.index.name = f"{metric}, seed {next(iter(self.tuning.values())).seed}"
        frame.columns.name = "learning rate"
        return frame

    def histories(self, arm: str, metric: str = "loss") -> list[dict[str, list[float]]]:
        """Per seed, ``{label: values per epoch}`` for :func:`course_utils.plots.seed_bands`;
        the label is the metric in words ("training error" for ``"error"``)."""
        out = []
        for run in self.runs[arm]:
            if metric == "error":
                out.append({"training error": [1 - a for a in run.history["accuracy"]]})
            elif metric == "val_error":
                out.append({"validation error":
                            [1 - a for a in run.history["val_accuracy"]]})
            else:
                out.append({metric: run.history[metric]})
        return out

    def kept_model(self, arm: str, seed: int) -> Any:
        """The arm's network loaded with the kept weights of its run under ``seed``."""
        run = next((r for r in self.runs[arm] if r.seed == seed), None)
        if run is None:
            raise KeyError(f"arm {arm!r} has no run with seed {seed}; seeds: {self.seeds}.")
        model = self.models[arm]
        model.set_weights(run.weights)
        return model


def compare(arms: Sequence[Arm], data: Splits, budget: Budget, *,
            seeds: Sequence[int] = (1, 2, 3), tune_seed: int = 0,
            start: Sequence[float] = (1e-3, 3e-3), ladder: Sequence[float] = LADDER,
            tune_on: str = "val loss", min_seeds: int = 3,
            rates: Mapping[str, float] | None = None) -> Comparison:
    """Train every arm at its own learning rate on every seed, with the same ``budget``.

    Each arm climbs ``ladder`` from the ``start`` rates on ``tune_seed`` (lowest ``tune_on``
    wins: a loss or error; or the highest accuracy), then trains at the chosen rate once per
    seed of ``seeds``. A tuning seed that is also a result seed has its tuning run reused
    (``Comparison.table`` reports the seeds it used; use a separate ``tune_seed`` to keep
    them apart, the default). ``rates`` fixes an arm's rate instead of tuning it (its tuning
    is then that single run, and the table says "fixed, not tuned"). A ranked comparison needs at least
    ``min_seeds`` seeds.
    """
    if len(seeds) < min_seeds:
        raise ValueError(f"a ranked comparison needs at least {min_seeds} seeds, got "
                         f"{len(seeds)}; pass min_seeds=1 for a smoke run.")
    names = [arm.name for arm in arms]
    if len(set(names)) != len(names) or not names:
        raise ValueError(f"arms need distinct names, got {names}.")
    if tune_on.split(" ")[0] not in ("train", "val") or tune_on.split(" ")[-1] not in (
            "loss", "accuracy", "error"):
        raise ValueError("tune_on is a train or val metric, e.g. 'val loss' or "
                         f"'train loss' (never the test set); got {tune_on!r}.")
    tuning: dict[str, Tuning] = {}
    runs: dict[str, list[Run]] = {}
    models: dict[str, Any] = {}
    for arm in arms:
        trainer = _Trainer(arm, budget)
        if rates and arm.name in rates:
            rate = rates[arm.name]
            tuning[arm.name] = Tuning(arm.name, tune_seed, tune_on,
                                      {rate: trainer.run(data, tune_seed, rate)}, rate,
                                      at_edge=True, fixed=True)
        else:
            tuning[arm.name] = climb(trainer, data, ladder=ladder, start=start,
                                     seed=tune_seed, metric=tune_on)
        chosen = tuning[arm.name]
        runs[arm.name] = [chosen.runs[chosen.learning_rate] if seed == tune_seed
                          else trainer.run(data, seed, chosen.learning_rate)
                          for seed in seeds]
        models[arm.name] = trainer.model
    return Comparison(data.name, budget, list(seeds), tuning, runs, models)
