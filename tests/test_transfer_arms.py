"""Transfer through the runner: disjoint real-data tasks, one pretraining, three fair arms."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import experiment, transfer_arms
from course_utils.data.provenance import ArrayData, Provenance


def _images(per_class: int = 60) -> ArrayData:
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), per_class)
    x = (rng.random((len(y), 28, 28)) * 40).astype(np.uint8)
    for c in range(10):  # each class gets a bright patch of its own, so it can be learned
        x[y == c, 2 * c:2 * c + 6, 4:10] = 250
    names = [f"class {c}" for c in range(10)]
    return ArrayData(x, y, x.copy(), y.copy(), names, Provenance("toy", "generated", "test"))


def _prepare(x: np.ndarray) -> np.ndarray:
    return (x.astype("float32") / 255.0)[..., None]


def test_tasks_share_no_class_and_are_relabelled():
    tasks = transfer_arms.fashion_tasks(_images(), prepare=_prepare, source_train=20,
                                        source_val=5, source_test=5, target_per_class=3,
                                        target_val_per_class=4, target_test_per_class=5)
    assert tasks.source_classes == tuple(f"class {c}" for c in transfer_arms.SOURCE_CLASSES)
    assert tasks.target_classes == tuple(f"class {c}" for c in transfer_arms.TARGET_CLASSES)
    for split, n in ((tasks.target.y_train, 3), (tasks.target.y_val, 4),
                     (tasks.target.y_test, 5), (tasks.source.y_train, 20)):
        assert sorted(set(split.tolist())) == [0, 1, 2, 3, 4]
        assert np.bincount(split).tolist() == [n] * 5
    assert tasks.target.x_train.shape == (15, 28, 28, 1)
    assert tasks.target.name == "toy"


def test_overlapping_classes_or_too_few_images_are_refused():
    with pytest.raises(ValueError, match="share classes"):
        transfer_arms.fashion_tasks(_images(), prepare=_prepare, source_classes=(0, 1),
                                    target_classes=(1, 2))
    with pytest.raises(ValueError, match="fewer than"):
        transfer_arms.fashion_tasks(_images(10), prepare=_prepare, source_train=20)


def test_three_arms_reuse_a_copy_and_train_what_they_say(tf):
    import keras

    def net(num_classes: int) -> keras.Model:
        return keras.Sequential([
            keras.Input((28, 28, 1)), keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(16, activation="relu", name="hidden_1"),
            keras.layers.Dense(8, activation="relu", name="hidden_2"),
            keras.layers.Dense(num_classes, activation="softmax", name="head")])

    tasks = transfer_arms.fashion_tasks(_images(), prepare=_prepare, source_train=20,
                                        source_val=5, source_test=5, target_per_class=3,
                                        target_val_per_class=4, target_test_per_class=5)
    pretrained, accuracy = transfer_arms.pretrain(lambda: net(5), tasks.source, epochs=2)
    assert 0.0 <= accuracy <= 1.0
    before = [w.copy() for w in pretrained.get_weights()]
    arms = transfer_arms.arms(pretrained, scratch=lambda: net(5), num_classes=5,
                              cut="head", fine_tune_from="hidden_2")
    assert [a.name for a in arms] == [transfer_arms.SCRATCH, transfer_arms.FEATURES,
                                      transfer_arms.FINETUNE]
    models = {a.name: a.build() for a in arms}
    assert transfer_arms.trainable_params(models["feature extraction"]) == 8 * 5 + 5
    assert transfer_arms.trainable_params(models["fine-tuning"]) == (16 * 8 + 8) + 8 * 5 + 5
    assert transfer_arms.trainable_params(models["from scratch"]) == pretrained.count_params()
    body = models["feature extraction"].get_layer("body")
    assert np.allclose(body.get_layer("hidden_1").get_weights()[0], before[0])
    race = experiment.compare(arms, tasks.target, experiment.Budget(epochs=1),
                              seeds=(1,), tune_seed=1, min_seeds=1,
                              rates={a.name: 1e-3 for a in arms})
    assert set(race.arms) == {"from scratch", "feature extraction", "fine-tuning"}
    for a, b in zip(before, pretrained.get_weights()):  # the pretrained model is untouched
        assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="not a layer of the body"):
        transfer_arms.arms(pretrained, scratch=lambda: net(5), num_classes=5, cut="head",
                           fine_tune_from="head")
