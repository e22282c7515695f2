"""Timed fits, comparison rows and the metrics recorder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from course_utils import data, metrics, training


@pytest.fixture
def tiny(tf):
    import keras

    from course_utils.models.mlp import mlp

    keras.utils.set_random_seed(0)
    model = mlp(input_shape=(4,), hidden=(8,), num_classes=2)
    training.compile_classifier(model, learning_rate=0.1)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    return model, x, y


def test_timed_fit_measures_every_epoch(tiny):
    model, x, y = tiny
    fit = training.timed_fit(model, x, y, epochs=3, batch_size=16, validation_data=(x, y))
    assert fit.epochs == 3 and len(fit.epoch_seconds) == 3
    assert fit.seconds >= sum(fit.epoch_seconds) * 0.99
    assert 0 <= fit.last("val_accuracy") <= 1
    assert "3 epochs" in fit.describe("run")
    with pytest.raises(KeyError, match="No metric 'nope'"):
        fit.last("nope")


def test_timed_fit_refuses_progress_bars(tiny):
    model, x, y = tiny
    with pytest.raises(ValueError, match="verbose=1"):
        training.timed_fit(model, x, y, epochs=1, verbose=1)


def test_compile_rejects_unknown_optimizer(tiny):
    with pytest.raises(ValueError, match="Unknown optimizer"):
        training.compile_classifier(tiny[0], optimizer="rmsprop")


def test_result_row_and_table(tiny):
    model, x, y = tiny
    fit = training.timed_fit(model, x, y, epochs=1, validation_data=(x, y))
    row = training.result_row(model, fit, (x, y))
    assert row["trainable params"] == 4 * 8 + 8 + 8 * 2 + 2
    assert set(row) == {"trainable params", "epochs", "seconds", "train accuracy",
                        "val accuracy", "test accuracy"}
    assert row["epochs"] == 1 and 0 <= row["test accuracy"] <= 1
    assert row["test accuracy"] == round(row["test accuracy"], 3)
    without_test = training.result_row(model, fit)
    assert "test accuracy" not in without_test
    table = training.comparison_table({"a": row, "b": row})
    assert list(table.index) == ["a", "b"] and table.index.name == "run"


def test_recorder_writes_json_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(metrics.METRICS_ENV, raising=False)
    rec = metrics.start("01", "smoke")
    assert metrics.current() is rec
    rec.record(acc=np.float32(0.5))
    assert rec.path() is None
    monkeypatch.setenv(metrics.METRICS_ENV, str(tmp_path))
    rec.record(flag=True)
    rec.record_timing(speedup=2.0)
    saved = json.loads((tmp_path / "01.json").read_text())
    assert saved["metrics"] == {"acc": 0.5, "flag": True}
    assert saved["timings"] == {"speedup": 2.0} and saved["profile"] == "smoke"
    with pytest.raises(TypeError, match="must be a number"):
        rec.record(bad=[1, 2])


def test_loaders_record_their_provenance(tmp_path, monkeypatch):
    monkeypatch.setenv(metrics.METRICS_ENV, str(tmp_path))
    metrics.start("03", "smoke")
    digits = data.load_mnist(offline=True, verbose=False)
    saved = json.loads((tmp_path / "03.json").read_text())
    assert saved["data"][digits.provenance.name]["kind"] == digits.provenance.kind


def test_timer():
    with training.Timer() as t:
        sum(range(1000))
    assert t.seconds > 0


def test_best_epoch_is_the_one_a_checkpoint_keeps():
    fit = training.FitResult({"val_loss": [0.9, 0.5, 0.5, 0.7], "val_accuracy": [0.1, 0.6, 0.7, 0.6]},
                             1.0, 4)
    assert fit.best_epoch() == 2  # lowest loss, the first of equals
    assert fit.best_epoch("val_accuracy") == 3  # highest accuracy
    diverged = training.FitResult({"val_loss": [float("nan"), float("inf"), 3.0]}, 1.0, 3)
    assert diverged.best_epoch() == 3
    assert training.FitResult({"val_loss": [float("nan")] * 2}, 1.0, 2).best_epoch() == 2
    with pytest.raises(KeyError, match="No metric"):
        fit.best_epoch("loss")


def test_fit_best_reloads_the_kept_epoch(tiny, tmp_path):
    model, x, y = tiny
    path = tmp_path / "best.keras"
    path.write_text("an older run's file")  # must never be reloaded
    best, fit = training.fit_best(model, x, y, path=path, epochs=3, batch_size=16,
                                  validation_data=(x, y))
    assert fit.epochs == 3 and best is not model and path.exists()
    loss, _ = best.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(min(fit.history["val_loss"]), rel=1e-4)


def test_fit_best_without_path_uses_a_private_folder(tiny, tmp_path, monkeypatch):
    """Two processes fitting a model of the same name (the Colab lane runs two notebooks at
    once) must not share one checkpoint file: a shared path gave BadZipFile."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / "course_utils" / f"{tiny[0].name}_best.keras"
    shared.parent.mkdir()
    shared.write_text("another process's half-written file")
    best, _ = training.fit_best(*tiny, epochs=1, batch_size=16, validation_data=tiny[1:])
    assert best is not tiny[0] and shared.read_text() == "another process's half-written file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course_utils"]  # own folder removed


def test_cosine_by_epoch_falls_from_the_peak():
    schedule = training.cosine_by_epoch(0.1, 4)
    assert [round(schedule(e), 4) for e in range(4)] == [0.1, 0.0854, 0.05, 0.0146]
    with pytest.raises(ValueError, match="epochs"):
        training.cosine_by_epoch(0.1, 0)


def test_retrainer_runs_start_as_fresh_models_without_retracing(tf):
    import keras

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")

    def build():
        inputs = keras.Input((6,))
        h = keras.layers.Dense(8, activation="relu")(inputs)
        h = keras.layers.BatchNormalization()(h)
        return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(h))

    retrainer = training.Retrainer(build)
    kwargs = {"epochs": 3, "batch_size": 16, "shuffle": False}
    row_a, _ = retrainer.fit(x, y, seed=0, learning_rate=0.05, test=(x, y), **kwargs)
    train_function = retrainer.model.train_function
    row_b, fit_b = retrainer.fit(x, y, seed=1, learning_rate=0.01, **kwargs)
    assert retrainer.model.train_function is train_function  # traced once
    assert row_b["epochs"] == 3 and "test accuracy" in row_a and "test accuracy" not in row_b

    keras.utils.set_random_seed(1)  # the same run on a brand-new model
    fresh = training.compile_classifier(build(), learning_rate=0.01, optimizer="adam")
    schedule = keras.callbacks.LearningRateScheduler(training.cosine_by_epoch(0.01, 3))
    fresh.fit(x, y, callbacks=[schedule], verbose=0, **kwargs)
    for mine, theirs in zip(retrainer.model.get_weights(), fresh.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
    assert np.isclose(float(retrainer.model.optimizer.learning_rate),
                      training.cosine_by_epoch(0.01, 3)(2))


def test_retrainer_takes_weights_from_another_builder_of_the_same_shape(tf):
    import keras

    x = np.random.default_rng(1).standard_normal((32, 4)).astype("float32")
    y = (x[:, 1] > 0).astype("int64")

    def build(init="glorot_uniform", units=8):
        inputs = keras.Input((4,))
        h = keras.layers.Dense(units, activation="relu", kernel_initializer=init)(inputs)
        return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(h))

    retrainer = training.Retrainer(build)
    retrainer.fit(x, y, seed=0, learning_rate=0.01, epochs=1)
    keras.utils.set_random_seed(3)
    start = build("zeros").get_weights()
    retrainer.fit(x, y, seed=3, learning_rate=0.0, epochs=1, build=lambda: build("zeros"))
    for mine, fresh in zip(retrainer.model.get_weights(), start):
        np.testing.assert_allclose(mine, fresh)  # learning rate 0: still the zeros start
    with pytest.raises(ValueError, match="different architecture"):
        retrainer.fit(x, y, seed=0, learning_rate=0.01, epochs=1, build=lambda: build(units=5))
