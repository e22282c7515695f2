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
