"""Transfer learning through the experiment runner, on real data.

Chapters 5 to 7 end by reusing a network they pretrained. Offline there are no ImageNet
weights, so the course pretrains the chapter's own network on a *source* task and reuses it
on a *target* task whose classes the source never saw, both cut from Fashion-MNIST:

* :func:`fashion_tasks` splits the classes (by default the source gets T-shirt, trouser,
  pullover, dress and coat; the target sandal, shirt, sneaker, bag and ankle boot), gives the
  target only a few labelled images per class, and relabels each task 0..k-1;
* :func:`pretrain` trains the source network once, with one seed and one learning rate
  (the pretraining is the starting point of the comparison, not one of its arms);
* :func:`arms` turns the pretrained network into the three ways of learning the target,
  each a fresh :class:`~course_utils.experiment.Arm` for :func:`experiment.compare`:
  **from scratch** (the same architecture, random weights), **feature extraction** (a clone
  of the pretrained body, frozen, with a new softmax head) and **fine-tuning** (the same
  with the body's top layers, from ``fine_tune_from`` on, trainable too, in one stage).

Every arm's build clones the pretrained network, so training an arm never changes it, and
under each seed the runner starts every arm from the same pretrained body with a seeded new
head. Each arm gets its own learning rate and the same budget, as in every comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils.experiment import Arm, Splits, batches

SCRATCH, FEATURES, FINETUNE = "from scratch", "feature extraction", "fine-tuning"
SOURCE_CLASSES: tuple[int, ...] = (0, 1, 2, 3, 4)   # T-shirt/top, trouser, pullover, dress, coat
TARGET_CLASSES: tuple[int, ...] = (5, 6, 7, 8, 9)   # sandal, shirt, sneaker, bag, ankle boot


@dataclass(frozen=True)
class Tasks:
    """The source and target tasks, and the class names of each (in label order)."""

    source: Splits
    target: Splits
    source_classes: tuple[str, ...]
    target_classes: tuple[str, ...]


def _per_class(y: np.ndarray, classes: Sequence[int], counts: Sequence[int],
               rng: np.random.Generator) -> list[np.ndarray]:
    """For each count, disjoint index sets holding ``count`` images of every class."""
    out: list[list[int]] = [[] for _ in counts]
    for c in classes:
        idx = rng.permutation(np.flatnonzero(y == c))
        need = sum(counts)
        if len(idx) < need:
            raise ValueError(f"class {c} has {len(idx)} images, fewer than the {need} asked "
                             f"for ({', '.join(map(str, counts))}); ask for fewer per class.")
        start = 0
        for k, count in enumerate(counts):
            out[k].extend(idx[start:start + count])
            start += count
    return [rng.permutation(np.array(ids, dtype=np.int64)) for ids in out]


def _relabel(y: np.ndarray, classes: Sequence[int]) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(classes)}
    return np.array([lookup[int(v)] for v in y], dtype=np.int64)


def fashion_tasks(images: Any, *, prepare: Callable[[np.ndarray], np.ndarray],
                  source_classes: Sequence[int] = SOURCE_CLASSES,
                  target_classes: Sequence[int] = TARGET_CLASSES,
                  source_train: int = 300, source_val: int = 60, source_test: int = 100,
                  target_per_class: int = 10, target_val_per_class: int = 30,
                  target_test_per_class: int = 100, seed: int = 42) -> Tasks:
    """Source and target tasks cut from ``images`` (an ``ArrayData``, e.g.
    ``data.load_fashion_mnist()``), every count *per class*, shuffled with ``seed``.

    Training and validation images come from the training split, test images from the test
    split; ``prepare`` maps a uint8 batch ``(n, 28, 28)`` to the network's input (scaling,
    resizing, a channel axis). The two tasks share no class.
    """
    if set(source_classes) & set(target_classes):
        raise ValueError(f"the source and target share classes "
                         f"{sorted(set(source_classes) & set(target_classes))}: transfer is "
                         "measured on classes the source never saw.")
    rng = np.random.default_rng(seed)
    names = list(images.class_names)

    def task(classes: Sequence[int], train: int, val: int, test: int) -> Splits:
        fit, hold = _per_class(images.y_train, classes, (train, val), rng)
        (tested,) = _per_class(images.y_test, classes, (test,), rng)
        return Splits(prepare(images.x_train[fit]), _relabel(images.y_train[fit], classes),
                      prepare(images.x_train[hold]), _relabel(images.y_train[hold], classes),
                      prepare(images.x_test[tested]), _relabel(images.y_test[tested], classes),
                      name=images.provenance.name)

    return Tasks(task(source_classes, source_train, source_val, source_test),
                 task(target_classes, target_per_class, target_val_per_class,
                      target_test_per_class),
                 tuple(names[c] for c in source_classes),
                 tuple(names[c] for c in target_classes))


def pretrain(build: Callable[[], Any], source: Splits, *, epochs: int, batch_size: int = 32,
             learning_rate: float = 1e-3, seed: int = 42) -> tuple[Any, float]:
    """Train ``build()`` (a softmax classifier for the source's classes) on ``source`` with
    Adam, once; returns the trained model and its accuracy on the source's test images."""
    import keras

    from course_utils.training import compile_classifier

    keras.utils.set_random_seed(seed)
    model = build()
    compile_classifier(model, learning_rate=learning_rate, optimizer="adam")
    model.fit(batches(source.x_train, source.y_train, batch_size, seed), epochs=epochs,
              validation_data=(source.x_val, source.y_val), verbose=0,
              shuffle=False)  # the pipeline shuffles
    x, y = (source.x_test, source.y_test) if source.x_test is not None else (
        source.x_val, source.y_val)
    _, accuracy = model.evaluate(x, y, batch_size=256, verbose=0)
    return model, float(accuracy)


def arms(pretrained: Any, *, scratch: Callable[[], Any], num_classes: int, cut: int | str = -1,
         fine_tune_from: str | None = None, optimizer: str = "adam") -> list[Arm]:
    """The three ways to learn the target, as runner arms (see the module docstring).

    ``scratch`` builds the architecture for the target's ``num_classes`` with fresh
    weights; ``cut`` is the pretrained model's layer (name or index) where its body ends,
    the head is everything from there on; ``fine_tune_from`` is the first body layer that
    fine-tuning trains (``None``: the whole body).
    """
    from course_utils.models import transfer

    body_names = [layer.name for layer in transfer.feature_body(pretrained, cut).layers]
    if fine_tune_from is not None and fine_tune_from not in body_names:
        raise ValueError(f"fine_tune_from={fine_tune_from!r} is not a layer of the body; "
                         f"its layers are: {', '.join(body_names)}.")

    def reused(trainable_from: str | None, frozen: bool) -> Callable[[], Any]:
        def build() -> Any:
            body = transfer.feature_body(transfer.clone_pretrained(pretrained), cut)
            if frozen:
                body.trainable = False
            else:
                transfer.freeze(body, trainable_from=trainable_from)
            return transfer.with_new_head(body, num_classes=num_classes,
                                          name="transfer")
        return build

    first = fine_tune_from or body_names[0]
    return [Arm(SCRATCH, scratch, optimizer),
            Arm(FEATURES, reused(None, frozen=True), optimizer),
            Arm(FINETUNE, reused(first, frozen=False), optimizer)]


def trainable_params(model: Any) -> int:
    """Weights the optimizer updates (what feature extraction saves)."""
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))
