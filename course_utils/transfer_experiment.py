"""Transfer learning, demonstrated: pretrain a small network on one task, reuse it on another.

Chapters 5-7 end with the source's "pretrained backbone" experiment. ImageNet weights need
the network; offline they do not exist, and the accuracy of a randomly initialised backbone
would mean nothing. So offline the course pretrains the chapter's own small network on a
*source* task and transfers it to a *different* target task, with other classes and only a
few labels each:

* source: the generated shapes disk, ring, square, frame, triangle, with plenty of images;
* target: the five other shapes (cross, star, crescent, dots, stripes), a few labelled
  images per class, and a held-out test set.

:func:`compare_transfer` then trains three models on the target's few labels with the same
epochs and batch size, each with its own learning rate, and measures each on the target's
test set:

* **from scratch**: the same architecture, randomly initialised;
* **feature extraction**: the pretrained body, frozen, with a new softmax head;
* **fine-tuning**: the pretrained body with a new head; the head trains alone for the first
  half of the epochs, then everything trains, at a smaller learning rate.

The pretrained model is never modified: every reuse starts from a clone.
:func:`imagenet_or_own_transfer` is the one branch chapters 5-7 share: with real ImageNet
weights (online) it trains a head on the frozen ImageNet backbone for cats vs dogs; offline it
says so in one line and runs :func:`compare_transfer` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_utils import data, metrics, runtime, training
from course_utils.analysis import count_params
from course_utils.models import pretrained as pretrained_models
from course_utils.models import transfer

SOURCE_SHAPES: tuple[str, ...] = ("disk", "ring", "square", "frame", "triangle")
TARGET_SHAPES: tuple[str, ...] = ("cross", "star", "crescent", "dots", "stripes")

SCRATCH, FEATURES, FINETUNE = "from scratch", "feature extraction", "fine-tuning"
METHODS: tuple[str, ...] = (SCRATCH, FEATURES, FINETUNE)
_KEYS = {SCRATCH: "scratch", FEATURES: "feature_extraction", FINETUNE: "fine_tuning"}

Build = Callable[..., Any]  # build(num_classes=k) -> a Keras classifier ending in its head


@dataclass
class TransferComparison:
    """What a transfer experiment measured.

    ``table`` has one row per method (trainable params, epochs, seconds, train and test
    accuracy, rounded for display); ``results`` holds the same numbers unrounded, by method.
    ``pretrain`` describes the pretraining run (absent for an ImageNet backbone), and
    ``pretrained`` is the pretrained model itself, untouched by the comparison.
    """

    table: Any
    results: dict[str, dict[str, float]]
    source: str
    target: str
    pretrain: dict[str, float] = field(default_factory=dict)
    pretrained: Any = None
    imagenet: bool = False

    def test_accuracy(self, method: str) -> float:
        """The unrounded target test accuracy of ``method`` (a row of the table)."""
        if method not in self.results:
            raise KeyError(f"No method {method!r}; measured: {', '.join(self.results)}.")
        return self.results[method]["test accuracy"]


# --- the two tasks -------------------------------------------------------------------------

def shape_tasks(*, source_per_class: int = 300, target_per_class: int = 10,
                test_per_class: int = 60, size: int = 32, seed: int = 0,
                source_classes: Sequence[str] = SOURCE_SHAPES,
                target_classes: Sequence[str] = TARGET_SHAPES,
                verbose: bool = True) -> tuple[data.ArrayData, data.ArrayData]:
    """``(source, target)``: two generated-shape tasks with no class in common.

    The source has ``source_per_class`` training images per class, the target only
    ``target_per_class``; both have ``test_per_class`` held-out test images per class.
    The two are drawn from different seeds, so they share no image either.
    """
    overlap = set(source_classes) & set(target_classes)
    if overlap:
        raise ValueError(f"source and target must not share classes; both have "
                         f"{', '.join(sorted(overlap))}.")
    source = data.generated_shapes(source_classes, train_per_class=source_per_class,
                                   test_per_class=test_per_class, size=size, seed=seed,
                                   verbose=verbose)
    target = data.generated_shapes(target_classes, train_per_class=target_per_class,
                                   test_per_class=test_per_class, size=size, seed=seed + 1,
                                   verbose=verbose)
    return source, target


# --- pretraining and the comparison --------------------------------------------------------

def _set_seed(seed: int) -> None:
    import keras

    keras.utils.set_random_seed(seed)


def _arrays(task: data.ArrayData) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Raw pixels (0-255) as float32: the models scale their inputs themselves."""
    return (task.x_train.astype(np.float32), task.y_train, task.x_test.astype(np.float32),
            task.y_test)


def body_of(model: Any, name: str = "pretrained_body") -> Any:
    """``model`` without its head, as a new functional model sharing ``model``'s layers
    (call it on a clone). The head is the last layer, a ``Dense``; when the last layer is a
    nested classifier (e.g. the wrapper of :func:`course_utils.models.layers.with_input_pipeline`:
    rescaling and augmentation, then the network), the head is looked for inside it and the
    layers before it are kept."""
    import keras

    last = model.layers[-1]
    if isinstance(last, keras.layers.Dense):
        return transfer.feature_body(model, name=name)
    if not isinstance(last, keras.Model):
        raise ValueError(f"{model.name}'s last layer {last.name!r} is a "
                         f"{type(last).__name__}, not the Dense head (or a nested model "
                         "ending in one).")
    inner = body_of(last, name=f"{last.name}_body")
    inputs = keras.Input(model.input_shape[1:], name="image")
    x = inputs
    for layer in model.layers[:-1]:  # a linear input pipeline (rescaling, augmentation)
        if not isinstance(layer, keras.layers.InputLayer):
            x = layer(x)
    return keras.Model(inputs, inner(x), name=name)


def _accuracy(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int = 256) -> float:
    """Test accuracy from direct calls in inference mode (a few hundred images: no compiled
    evaluation function to trace)."""
    predicted = np.concatenate([np.asarray(model(x[i:i + batch_size], training=False))
                                for i in range(0, len(x), batch_size)]).argmax(axis=1)
    return float(np.mean(predicted == y))


def _fit_and_measure(model: Any, task: data.ArrayData, *,
                     stages: Sequence[tuple[int, float, Callable[[], None] | None]],
                     batch_size: int) -> tuple[dict[str, Any], dict[str, float]]:
    """Fit on the task's training images in ``stages`` of ``(epochs, learning_rate,
    prepare)``: each calls ``prepare()`` (e.g. to unfreeze a body), recompiles with Adam and
    fits; then the model is evaluated once on the task's test images. Returns the table row
    (the one row format of :func:`course_utils.training.result_row`) and the unrounded
    numbers; trainable params are counted at the end, seconds summed over the stages."""
    x, y, x_test, y_test = _arrays(task)
    fits = []
    for epochs, learning_rate, prepare in stages:
        if epochs < 1:
            continue
        if prepare is not None:
            prepare()
        training.compile_classifier(model, learning_rate=learning_rate, optimizer="adam")
        fits.append(training.timed_fit(model, x, y, epochs=epochs, batch_size=batch_size,
                                       shuffle=True))
    fit = training.FitResult(
        history={k: [v for f in fits for v in f.history[k]] for k in fits[-1].history},
        seconds=sum(f.seconds for f in fits), epochs=sum(f.epochs for f in fits),
        epoch_seconds=[t for f in fits for t in f.epoch_seconds])
    accuracy = _accuracy(model, x_test, y_test)
    row = training.result_row(model, fit)
    row["test accuracy"] = round(float(accuracy), 3)
    raw = {"trainable params": float(count_params(model, trainable=True)),
           "epochs": float(fit.epochs), "seconds": fit.seconds,
           "train accuracy": fit.last("accuracy"), "test accuracy": float(accuracy)}
    return row, raw


def pretrain(build: Build, source: data.ArrayData, *, epochs: int, learning_rate: float,
             batch_size: int, seed: int) -> tuple[Any, dict[str, float]]:
    """``build(num_classes=...)`` trained on the source task: ``(model, numbers)``, where the
    numbers hold its trainable params, epochs, seconds, train and test accuracy."""
    _set_seed(seed)
    model = build(num_classes=len(source.class_names))
    _, raw = _fit_and_measure(model, source, stages=[(epochs, learning_rate, None)],
                              batch_size=batch_size)
    return model, raw


def transfer_models(pretrained: Any, num_classes: int, *,
                    seed: int) -> dict[str, Any]:
    """The two reuses of ``pretrained`` (a classifier whose last layer is its head), each
    built on its own clone so ``pretrained`` never changes: feature extraction (body frozen)
    and fine-tuning (body trainable), both with a new ``num_classes`` head from
    :func:`course_utils.models.transfer.with_new_head`, which calls the body with
    ``training=False``: BatchNormalization keeps the statistics of the source task, frozen
    or not, and dropout inside the body is off."""
    out: dict[str, Any] = {}
    for method, trainable in ((FEATURES, False), (FINETUNE, True)):
        _set_seed(seed)
        body = body_of(transfer.clone_pretrained(pretrained))
        if trainable:
            body.trainable = True
        else:
            transfer.freeze(body)
        out[method] = transfer.with_new_head(body, num_classes=num_classes,
                                             name=_KEYS[method])
    return out


def compare_on_target(build: Build, pretrained: Any, target: data.ArrayData, *, epochs: int,
                      learning_rate: float, finetune_learning_rate: float, batch_size: int,
                      seed: int, warmup_epochs: int | None = None
                      ) -> tuple[Any, dict[str, dict[str, float]]]:
    """From scratch, feature extraction and fine-tuning on ``target``'s few labels, each for
    ``epochs`` in batches of ``batch_size``: ``(table, raw numbers by method)``.

    From scratch and feature extraction train at ``learning_rate``. Fine-tuning first trains
    its new head alone for ``warmup_epochs`` (default ``epochs // 2``) at ``learning_rate``,
    then everything for the remaining epochs at ``finetune_learning_rate``: a random head's
    first large gradients would otherwise wreck the pretrained filters. ``pretrained`` is
    left as it was."""
    warmup = epochs // 2 if warmup_epochs is None else warmup_epochs
    if not 0 <= warmup < epochs:
        raise ValueError(f"warmup_epochs must be in [0, epochs), got {warmup} of {epochs}.")
    k = len(target.class_names)
    rows: dict[str, dict[str, Any]] = {}
    raw: dict[str, dict[str, float]] = {}
    _set_seed(seed)
    scratch = build(num_classes=k)
    rows[SCRATCH], raw[SCRATCH] = _fit_and_measure(
        scratch, target, stages=[(epochs, learning_rate, None)], batch_size=batch_size)
    reused = transfer_models(pretrained, k, seed=seed)
    _set_seed(seed)
    rows[FEATURES], raw[FEATURES] = _fit_and_measure(
        reused[FEATURES], target, stages=[(epochs, learning_rate, None)],
        batch_size=batch_size)
    body = reused[FINETUNE].get_layer("pretrained_body")

    def set_body(trainable: bool) -> Callable[[], None]:
        return lambda: setattr(body, "trainable", trainable)

    _set_seed(seed)
    rows[FINETUNE], raw[FINETUNE] = _fit_and_measure(
        reused[FINETUNE], target, batch_size=batch_size,
        stages=[(warmup, learning_rate, set_body(False)),
                (epochs - warmup, finetune_learning_rate, set_body(True))])
    return training.comparison_table(rows, index_name="method"), raw


def compare_transfer(build: Build, *, source: data.ArrayData, target: data.ArrayData,
                     pretrain_epochs: int, epochs: int, learning_rate: float,
                     finetune_learning_rate: float, batch_size: int, seed: int,
                     pretrain_learning_rate: float | None = None,
                     pretrain_batch_size: int | None = None,
                     verbose: bool = True) -> TransferComparison:
    """Pretrain ``build(num_classes=...)`` on ``source``, then compare training from scratch,
    feature extraction and fine-tuning on ``target``.

    ``build`` returns a Keras classifier that takes raw pixels (0-255, as the folder loaders
    give them: scale inside the model, e.g. with
    :func:`course_utils.models.layers.with_input_pipeline`) and whose last layer is its
    softmax head (see :func:`body_of`). Every model is built after
    ``keras.utils.set_random_seed(seed)``. On the target, from scratch and the new head use
    ``learning_rate`` and fine-tuning ``finetune_learning_rate``; all three use Adam, the
    same ``epochs`` and ``batch_size``. Pretraining runs ``pretrain_epochs`` with
    ``pretrain_learning_rate`` and ``pretrain_batch_size`` (by default ``learning_rate`` and
    ``batch_size``). Test accuracies are measured once, on held-out images.
    """
    if source.x_train.shape[1:] != target.x_train.shape[1:]:
        raise ValueError(f"source images {source.x_train.shape[1:]} and target images "
                         f"{target.x_train.shape[1:]} must have the same shape.")
    model, pre = pretrain(build, source, epochs=pretrain_epochs,
                          learning_rate=pretrain_learning_rate or learning_rate,
                          batch_size=pretrain_batch_size or batch_size, seed=seed)
    if verbose:
        print(f"Pretrained {model.name} on {source.provenance.name}: test accuracy "
              f"{pre['test accuracy']:.3f} after {pretrain_epochs} epochs.")
    table, raw = compare_on_target(build, model, target, epochs=epochs,
                                   learning_rate=learning_rate,
                                   finetune_learning_rate=finetune_learning_rate,
                                   batch_size=batch_size, seed=seed)
    table.attrs["target"] = target.provenance.name
    result = TransferComparison(table=table, results=raw, source=source.provenance.name,
                                target=target.provenance.name, pretrain=pre, pretrained=model)
    _record(result, source.provenance, target.provenance)
    return result


# --- ImageNet when available, the course's own backbone otherwise --------------------------

def imagenet_transfer(backbone: pretrained_models.Backbone, splits: data.ImageSplits, *,
                      epochs: int, learning_rate: float, name: str = "imagenet_transfer"
                      ) -> TransferComparison:
    """A new head on the frozen ImageNet ``backbone`` (its own preprocessing inside the
    model), trained on ``splits.train`` and measured once on ``splits.test``."""
    transfer.freeze(backbone.model)
    model = transfer.with_new_head(backbone.model, num_classes=len(splits.class_names),
                                   preprocess=backbone.preprocess, name=name)
    training.compile_classifier(model, learning_rate=learning_rate, optimizer="adam")
    fit = training.timed_fit(model, splits.train, validation_data=splits.val, epochs=epochs)
    _, accuracy = model.evaluate(splits.test, verbose=0)
    row = training.result_row(model, fit)
    row["test accuracy"] = round(float(accuracy), 3)
    raw = {"trainable params": float(count_params(model, trainable=True)),
           "epochs": float(fit.epochs), "seconds": fit.seconds,
           "train accuracy": fit.last("accuracy"), "test accuracy": float(accuracy)}
    table = training.comparison_table({FEATURES: row}, index_name="method")
    table.attrs["target"] = splits.provenance.name
    return TransferComparison(table=table, results={FEATURES: raw},
                              source=f"ImageNet ({backbone.model.name})",
                              target=splits.provenance.name, pretrained=backbone.model,
                              imagenet=True)


# The profile setting behind each argument of :func:`imagenet_or_own_transfer`, the same in
# every chapter that ends with the transfer experiment.
PROFILE_SETTINGS: dict[str, str] = {
    "image_size": "imagenet_image_size", "imagenet_epochs": "imagenet_epochs",
    "own_image_size": "transfer_image_size", "pretrain_epochs": "pretrain_epochs",
    "epochs": "transfer_epochs", "learning_rate": "transfer_learning_rate",
    "finetune_learning_rate": "transfer_finetune_learning_rate",
    "batch_size": "batch_size", "seed": "seed", "source_per_class": "source_per_class",
    "target_per_class": "target_per_class", "test_per_class": "test_per_class",
}


def settings_from_profile(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of :func:`imagenet_or_own_transfer`, read from a chapter's
    resolved profile (:data:`PROFILE_SETTINGS` says which setting feeds which argument)."""
    missing = sorted(key for key in PROFILE_SETTINGS.values() if key not in cfg)
    if missing:
        raise KeyError(f"The profile lacks the transfer settings {missing}; add them to the "
                       "chapter's entry in course_utils/profiles.py.")
    return {argument: cfg[key] for argument, key in PROFILE_SETTINGS.items()}


def imagenet_or_own_transfer(backbone: str, build: Build, *, image_size: int,
                             imagenet_epochs: int, pretrain_epochs: int, epochs: int,
                             learning_rate: float, finetune_learning_rate: float,
                             batch_size: int, seed: int,
                             pretrain_learning_rate: float | None = None,
                             pretrain_batch_size: int | None = None,
                             source_per_class: int = 300, target_per_class: int = 10,
                             test_per_class: int = 60, own_image_size: int = 32,
                             imagenet_batch_size: int = 32,
                             imagenet_data: Callable[[], data.ImageSplits] | None = None,
                             weights: str = "auto", verbose: bool = True
                             ) -> TransferComparison:
    """The transfer section of chapters 5-7, in one call.

    With ImageNet weights for ``backbone`` (``"vgg16"``, ``"inception_v3"`` or
    ``"resnet50"``; online): a new head on the frozen backbone, trained for
    ``imagenet_epochs`` with ``learning_rate`` on cats vs dogs at ``image_size`` in batches
    of ``imagenet_batch_size`` (or on ``imagenet_data()``, a loader returning
    :class:`~course_utils.data.ImageSplits`), and measured on its test split.

    Without them (offline, or ``weights="none"``): one line says so, and
    :func:`compare_transfer` pretrains ``build`` on the source task of :func:`shape_tasks`
    (``source_per_class``, ``own_image_size``) and compares the three ways to learn the
    target's ``target_per_class`` labels; the other arguments go to it.
    """
    if weights not in ("auto", "imagenet", "none"):
        raise ValueError(f"weights must be 'auto', 'imagenet' or 'none', got {weights!r}.")
    wanted = weights == "imagenet" or (weights == "auto" and not runtime.is_offline())
    # offline the backbone is not even built: its random weights would serve nothing here
    net = (pretrained_models.imagenet_backbone(backbone, (image_size, image_size, 3),
                                               weights=weights, verbose=False)
           if wanted else None)
    if net is not None and net.pretrained:
        if verbose:
            print(f"Backbone: {net.note}")
        splits = (imagenet_data() if imagenet_data is not None else
                  data.load_cats_vs_dogs(image_size=image_size, batch_size=imagenet_batch_size,
                                         seed=seed, verbose=verbose))
        result = imagenet_transfer(net, splits, epochs=imagenet_epochs,
                                   learning_rate=learning_rate, name=f"{backbone}_transfer")
        _record(result, None, splits.provenance)
        return result
    if verbose:
        why = "offline" if net is None else "they could not be downloaded"
        print(f"No ImageNet weights for {backbone} ({why}): transfer is shown with the "
              "chapter's own network, pretrained here on generated shapes.")
    source, target = shape_tasks(source_per_class=source_per_class,
                                 target_per_class=target_per_class,
                                 test_per_class=test_per_class, size=own_image_size,
                                 seed=seed, verbose=verbose)
    return compare_transfer(build, source=source, target=target,
                            pretrain_epochs=pretrain_epochs, epochs=epochs,
                            learning_rate=learning_rate,
                            finetune_learning_rate=finetune_learning_rate,
                            batch_size=batch_size, seed=seed,
                            pretrain_learning_rate=pretrain_learning_rate,
                            pretrain_batch_size=pretrain_batch_size, verbose=verbose)


def _record(result: TransferComparison, source: data.Provenance | None,
            target: data.Provenance) -> None:
    """Record the key numbers with the chapter's recorder, if one is running."""
    recorder = metrics.current()
    if recorder is None:
        return
    for provenance in (source, target):
        if provenance is not None:
            recorder.record_data(provenance)
    if result.imagenet:
        recorder.record(imagenet_transfer_test_accuracy=result.test_accuracy(FEATURES))
        recorder.record_timing(imagenet_transfer_seconds=result.results[FEATURES]["seconds"])
        return
    values: dict[str, Any] = {"transfer_source_test_accuracy": result.pretrain["test accuracy"]}
    timings: dict[str, float] = {"transfer_pretrain_seconds": result.pretrain["seconds"]}
    for method, numbers in result.results.items():
        values[f"transfer_{_KEYS[method]}_test_accuracy"] = numbers["test accuracy"]
        values[f"transfer_{_KEYS[method]}_trainable"] = int(numbers["trainable params"])
        timings[f"transfer_{_KEYS[method]}_seconds"] = numbers["seconds"]
    recorder.record(**values)
    recorder.record_timing(**timings)
