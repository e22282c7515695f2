"""runtime.setup: seeds, determinism, environment detection, one line of output."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import runtime


def test_setup_prints_one_line_and_reports_cpu(tf, capsys):
    info = runtime.setup(seed=7)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("Runtime: local, CPU")
    assert info.gpus == 0 and info.seed == 7 and runtime.current() is info


def test_setup_seeds_numpy_and_tensorflow(tf):
    runtime.setup(seed=3, verbose=False)
    a = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    runtime.setup(seed=3, verbose=False)
    b = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_setup_rejects_bad_seed():
    with pytest.raises(ValueError, match="non-negative integer"):
        runtime.setup(seed=-1)


@pytest.mark.parametrize("value,expected", [("1", True), ("true", True), ("0", False), ("", False)])
def test_offline_flag(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_OFFLINE", value)
    assert runtime.is_offline() is expected


def test_strategy_is_default_on_one_device(tf):
    strategy = runtime.pick_strategy(0)
    assert strategy.num_replicas_in_sync == 1


def test_not_colab_here():
    assert runtime.is_colab() is False


def test_mirrored_strategy_trains_a_chapter_model_on_one_cpu_device(tf):
    """The multi-GPU path, exercised on CPU with one logical device: a model built and fitted
    the way the chapters do it (no explicit scope) runs under the global MirroredStrategy."""
    import keras

    from course_utils import training
    from course_utils.models.mlp import mlp

    strategy = runtime.pick_strategy(0, devices=["/cpu:0"])
    assert isinstance(strategy, tf.distribute.MirroredStrategy)
    runtime.use_strategy(strategy)
    try:
        keras.utils.set_random_seed(0)
        model = mlp(input_shape=(4,), hidden=(8,), num_classes=2)
        training.compile_classifier(model, learning_rate=0.1)
        assert model.distribute_strategy is strategy
        x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
        fit = training.timed_fit(model, x, (x[:, 0] > 0).astype("int64"), epochs=2, batch_size=8)
        assert fit.epochs == 2
    finally:
        tf.distribute.experimental_set_strategy(None)
