"""The transfer experiment of chapters 5-7: two generated-shape tasks, pretraining, and the
comparison of training from scratch, feature extraction and fine-tuning; plus the ImageNet
branch, run with random weights (weights="none")."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

SIZE = 16
TINY = {"source_per_class": 6, "target_per_class": 2, "test_per_class": 2, "size": SIZE}
FIT = {"pretrain_epochs": 1, "epochs": 2, "learning_rate": 1e-3,
       "finetune_learning_rate": 1e-4, "batch_size": 5}  # divides every split: one trace


def tiny_cnn(*, num_classes: int):
    """A small CNN behind the course's input pipeline (raw pixels in, rescaled inside)."""
    from course_utils.models import layers, small_cnn

    net = small_cnn.small_cnn(input_shape=(SIZE, SIZE, 3), filters=(4, 8), dense=(8,),
                              num_classes=num_classes)
    return layers.with_input_pipeline(net, name="tiny_cnn")


def tiny_bn_net(*, num_classes: int):
    """A flat functional classifier with batch normalization and global average pooling."""
    import keras

    from course_utils.models import layers

    inputs = keras.Input((SIZE, SIZE, 3), name="image")
    x = keras.layers.Rescaling(1 / 255, name="rescale")(inputs)
    x = layers.conv_bn(x, 6, 3, name="conv")
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="head")(x)
    return keras.Model(inputs, outputs, name="tiny_bn_net")


def _numbers(table):
    return table.drop(columns="seconds")


@pytest.fixture(scope="module")
def tasks(tf):
    from course_utils import transfer_experiment as te

    return te.shape_tasks(seed=0, verbose=False, **TINY)


def test_make_images_chooses_classes_backward_compatibly():
    from course_utils import synthetic_images

    x, y, names = synthetic_images.make_images(2, 16, num_classes=3, seed=5)
    x2, y2, names2 = synthetic_images.make_images(2, 16, seed=5, classes=names)
    assert names2 == names and np.array_equal(x, x2) and np.array_equal(y, y2)
    x3, y3, names3 = synthetic_images.make_images(3, 16, seed=5, classes=("star", "disk"))
    assert names3 == ["star", "disk"] and x3.shape == (6, 16, 16, 3)
    assert np.bincount(y3).tolist() == [3, 3]
    with pytest.raises(ValueError, match="Unknown shape.*'blob'"):
        synthetic_images.make_images(2, 16, classes=("disk", "blob"))
    with pytest.raises(ValueError, match="two distinct"):
        synthetic_images.make_images(2, 16, classes=("disk", "disk"))


def test_shape_tasks_have_different_classes_and_honest_names(tasks, capsys):
    from course_utils import data
    from course_utils import transfer_experiment as te

    source, target = tasks
    assert source.class_names == list(te.SOURCE_SHAPES)
    assert target.class_names == list(te.TARGET_SHAPES)
    assert not set(source.class_names) & set(target.class_names)
    assert np.bincount(source.y_train).tolist() == [6] * 5
    assert np.bincount(target.y_train).tolist() == [2] * 5
    assert np.bincount(target.y_test).tolist() == [2] * 5
    assert source.x_train.shape[1:] == (SIZE, SIZE, 3) and source.x_train.dtype == np.uint8
    for task in (source, target):
        prov = task.provenance
        assert prov.name == "Generated shapes: " + ", ".join(task.class_names)
        assert prov.kind == "generated" and not prov.is_real
        for real in ("CIFAR", "MNIST", "Flowers", "Cats"):
            assert real not in prov.describe()
    with pytest.raises(ValueError, match="must not share classes.*disk"):
        te.shape_tasks(source_classes=("disk", "ring"), target_classes=("disk", "star"),
                       verbose=False, **TINY)
    data.generated_shapes(("disk", "ring"), train_per_class=1, test_per_class=1, size=16)
    assert "Data: Generated shapes: disk, ring (generated)" in capsys.readouterr().out


def test_body_of_finds_the_head_inside_an_input_pipeline(tf):
    import keras

    from course_utils import transfer_experiment as te

    wrapped = tiny_cnn(num_classes=3)
    body = te.body_of(wrapped)
    assert body.output_shape == (None, 8)
    x = np.random.default_rng(0).integers(0, 256, (2, SIZE, SIZE, 3)).astype("float32")
    inner = wrapped.layers[-1]
    expected = keras.Model(inner.inputs[0], inner.layers[-2].output)(x / 255)
    np.testing.assert_allclose(body(x), expected, rtol=1e-5, atol=1e-6)
    assert te.body_of(tiny_bn_net(num_classes=3)).output_shape == (None, 6)
    no_head = keras.Sequential([keras.Input((4,)), keras.layers.Activation("relu")])
    with pytest.raises(ValueError, match="not the Dense head"):
        te.body_of(no_head)


def test_feature_extraction_trains_only_the_head_and_keeps_batch_norm_frozen(tasks):
    from course_utils import analysis, training
    from course_utils import transfer_experiment as te

    source, target = tasks
    pretrained, _ = te.pretrain(tiny_bn_net, source, epochs=1, learning_rate=1e-3,
                                batch_size=5, seed=0)
    reused = te.transfer_models(pretrained, 5, seed=0)
    features = reused[te.FEATURES]
    assert [w.path for w in features.trainable_weights] == ["new_head/kernel", "new_head/bias"]
    assert analysis.count_params(features, trainable=True) == 6 * 5 + 5
    # fine-tuning trains everything: the body plus a new head as large as the old one
    assert analysis.count_params(reused[te.FINETUNE], trainable=True) == (
        analysis.count_params(pretrained, trainable=True))
    bn = features.get_layer("pretrained_body").get_layer("conv_bn")
    before = [w.numpy().copy() for w in bn.weights]
    training.compile_classifier(features, learning_rate=1e-2, optimizer="adam")
    features.fit(target.x_train.astype("float32"), target.y_train, epochs=2, verbose=0)
    for old, new in zip(before, bn.weights):
        np.testing.assert_array_equal(old, new.numpy())  # moving statistics included


def test_comparison_leaves_the_pretrained_model_alone_and_is_deterministic(tasks):
    from course_utils import transfer_experiment as te

    source, target = tasks
    pretrained, _ = te.pretrain(tiny_cnn, source, epochs=1, learning_rate=1e-3,
                                batch_size=5, seed=0)
    weights = [w.copy() for w in pretrained.get_weights()]
    kwargs = {k: FIT[k] for k in ("epochs", "learning_rate", "finetune_learning_rate",
                                  "batch_size")}
    first, raw = te.compare_on_target(tiny_cnn, pretrained, target, seed=3, **kwargs)
    second, _ = te.compare_on_target(tiny_cnn, pretrained, target, seed=3, **kwargs)
    for old, new in zip(weights, pretrained.get_weights()):
        np.testing.assert_array_equal(old, new)
    assert _numbers(first).equals(_numbers(second))
    assert raw[te.FEATURES]["trainable params"] == 8 * 5 + 5
    # fine-tuning ends with everything trainable, after its head-only warm-up
    assert raw[te.FINETUNE]["trainable params"] == raw[te.SCRATCH]["trainable params"]
    assert raw[te.FINETUNE]["epochs"] == kwargs["epochs"]
    with pytest.raises(ValueError, match="warmup_epochs"):
        te.compare_on_target(tiny_cnn, pretrained, target, seed=3, warmup_epochs=2, **kwargs)


def test_offline_branch_runs_compare_transfer_and_records_it(tf, tmp_path, monkeypatch,
                                                             capsys):
    from course_utils import metrics
    from course_utils import transfer_experiment as te
    from course_utils.models import pretrained

    def never(*args, **kwargs):
        raise AssertionError("with weights='none', no ImageNet backbone should be built")

    monkeypatch.setattr(pretrained, "imagenet_backbone", never)
    monkeypatch.setenv(metrics.METRICS_ENV, str(tmp_path))
    monkeypatch.setattr(metrics, "_current", None)
    metrics.start("05", "smoke")
    result = te.imagenet_or_own_transfer(
        "vgg16", tiny_cnn, image_size=224, own_image_size=SIZE, seed=0, weights="none",
        source_per_class=6, target_per_class=2, test_per_class=2, imagenet_epochs=1, **FIT)
    out = capsys.readouterr().out
    assert "No ImageNet weights for vgg16 (offline)" in out
    assert "random weights" not in out  # one line, not the backbone's own notice too
    assert "Pretrained tiny_cnn on Generated shapes: disk, ring" in out
    table = result.table
    assert list(table.index) == [te.SCRATCH, te.FEATURES, te.FINETUNE]
    assert table.index.name == "method"
    for column in ("trainable params", "epochs", "seconds", "test accuracy"):
        assert column in table.columns
    assert (table["epochs"] == FIT["epochs"]).all()
    assert table.loc[te.FEATURES, "trainable params"] == 8 * 5 + 5
    assert table.loc[te.SCRATCH, "trainable params"] == table.loc[te.FINETUNE,
                                                                  "trainable params"]
    assert all(0.0 <= result.test_accuracy(m) <= 1.0 for m in te.METHODS)
    assert not result.imagenet and result.target.startswith("Generated shapes: cross")
    assert result.pretrain["epochs"] == FIT["pretrain_epochs"]
    saved = json.loads((tmp_path / "05.json").read_text())
    assert saved["metrics"]["transfer_feature_extraction_trainable"] == 45
    assert saved["metrics"]["transfer_fine_tuning_test_accuracy"] == result.test_accuracy(
        te.FINETUNE)
    assert "transfer_pretrain_seconds" in saved["timings"]
    assert result.target in saved["data"] and result.source in saved["data"]
    metrics._current = None
    with pytest.raises(KeyError, match="No method 'nope'"):
        result.test_accuracy("nope")


def test_auto_weights_offline_build_no_backbone(tf, monkeypatch, capsys):
    from course_utils import transfer_experiment as te
    from course_utils.models import pretrained

    def never(*args, **kwargs):
        raise AssertionError("offline, no ImageNet backbone should be built")

    calls = []
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setattr(pretrained, "imagenet_backbone", never)
    monkeypatch.setattr(te, "shape_tasks", lambda **kw: ("source", "target"))
    monkeypatch.setattr(te, "compare_transfer", lambda build, **kw: calls.append(kw) or "ran")
    assert te.imagenet_or_own_transfer("resnet50", tiny_cnn, image_size=224, seed=0,
                                       imagenet_epochs=1, **FIT) == "ran"
    assert "No ImageNet weights for resnet50 (offline)" in capsys.readouterr().out
    assert calls[0]["source"] == "source" and calls[0]["epochs"] == FIT["epochs"]
    with pytest.raises(ValueError, match="weights must be"):
        te.imagenet_or_own_transfer("vgg16", tiny_cnn, image_size=32, seed=0,
                                    weights="imagenet21k", imagenet_epochs=1, **FIT)


def test_imagenet_branch_runs_with_random_weights(tf, keras_home, monkeypatch, capsys):
    from course_utils import data
    from course_utils import transfer_experiment as te
    from course_utils.models import pretrained

    real = pretrained.imagenet_backbone

    def pretend_imagenet(name, input_shape, weights="auto", verbose=True):
        assert weights == "imagenet"
        backbone = real(name, input_shape, weights="none", verbose=False)  # no download
        return dataclasses.replace(backbone, pretrained=True, note="pretend ImageNet")

    monkeypatch.setattr(pretrained, "imagenet_backbone", pretend_imagenet)

    loaded = []

    def cats_dogs():
        loaded.append(data.load_cats_vs_dogs(image_size=32, batch_size=8, seed=0, offline=True,
                                             standin_per_class=10, verbose=False))
        return loaded[-1]

    result = te.imagenet_or_own_transfer(
        "vgg16", tiny_cnn, image_size=32, seed=0, imagenet_data=cats_dogs, imagenet_epochs=1,
        weights="imagenet", **FIT)
    assert "Backbone: pretend ImageNet" in capsys.readouterr().out
    assert result.imagenet and list(result.table.index) == [te.FEATURES]
    assert result.table.loc[te.FEATURES, "trainable params"] == 512 * 2 + 2
    assert result.table.loc[te.FEATURES, "epochs"] == 1
    assert 0.0 <= result.test_accuracy(te.FEATURES) <= 1.0
    assert result.target == loaded[0].provenance.name
    assert result.source.startswith("ImageNet")


@pytest.mark.parametrize("chapter", ["06", "07"])
@pytest.mark.parametrize("profile", ["smoke", "book", "full"])
def test_settings_from_profile_feed_imagenet_or_own_transfer(chapter, profile):
    import inspect

    from course_utils import profiles
    from course_utils import transfer_experiment as te

    cfg = profiles.resolve(chapter, profile)
    settings = te.settings_from_profile(cfg)
    parameters = inspect.signature(te.imagenet_or_own_transfer).parameters
    assert set(settings) <= set(parameters)
    assert settings["epochs"] == cfg["transfer_epochs"]
    assert settings["image_size"] == cfg["imagenet_image_size"]
    assert settings["own_image_size"] == cfg["transfer_image_size"]


def test_settings_from_profile_names_what_is_missing():
    from course_utils import transfer_experiment as te

    cfg = {key: 1 for key in te.PROFILE_SETTINGS.values() if key != "transfer_epochs"}
    with pytest.raises(KeyError, match=r"\['transfer_epochs'\].*profiles.py"):
        te.settings_from_profile(cfg)
