"""The degradation experiment's helper: a learning-rate sweep on the first seed, the winner
repeated on the other seeds, one compiled model re-initialised for every run."""

from __future__ import annotations

import numpy as np
import pytest


def _tiny_task(n=48, size=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    x = rng.normal(size=(n, size, size, 3)).astype("float32") + y[:, None, None, None]
    return x, y


def _build(size=6, classes=3):
    import keras

    return keras.Sequential([
        keras.Input((size, size, 3)), keras.layers.Flatten(),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(classes, activation="softmax")])


def test_step_decay_divides_at_the_fractions(tf):
    from course_utils import degradation

    schedule = degradation.step_decay(1e-2, 8, at=(0.5, 0.75))
    rates = [schedule.schedule(epoch, 0.0) for epoch in range(8)]
    assert rates == pytest.approx([1e-2] * 4 + [1e-3] * 2 + [1e-4] * 2)


def test_train_over_seeds_sweeps_then_repeats_the_best_rate(tf):
    from course_utils import degradation

    x, y = _tiny_task()
    runs = degradation.train_over_seeds(_build, x, y, learning_rates=(1e-4, 3e-2),
                                        seeds=(1, 2, 3), epochs=4, batch_size=16,
                                        test=(x[:12], y[:12]))
    losses = {rate: fit.last("loss") for rate, fit in runs.sweep.items()}
    assert runs.learning_rate == min(losses, key=losses.get)
    assert runs.seeds == [1, 2, 3] and len(runs.fits) == len(runs.weights) == 3
    assert runs.fits[0] is runs.sweep[runs.learning_rate]
    assert [row["seed"] for row in runs.rows] == [1, 2, 3]
    assert all(row["learning rate"] == runs.learning_rate for row in runs.rows)
    assert {"trainable params", "epochs", "train accuracy", "test accuracy"} <= set(runs.rows[0])
    errors = runs.training_errors()
    assert errors.shape == (3, 4)
    np.testing.assert_allclose(errors[:, -1], [1 - r["train accuracy"] for r in runs.rows],
                               atol=1e-3)
    assert runs.histories()[0]["training error"] == pytest.approx(list(errors[0]))
    summary = degradation.summary({"net": runs})
    assert summary.loc["net", "seeds"] == 3
    assert summary.loc["net", "lowest"] <= summary.loc["net", "training error"] \
        <= summary.loc["net", "highest"]
    assert "test error" in summary.columns
    sweep = degradation.sweep_table({"net": runs})
    assert list(sweep.columns) == ["0.0001", "0.03"]


def test_each_run_starts_from_the_seeds_own_initial_weights(tf):
    """Reusing one compiled model gives the same result as a fresh model per run: the
    seed's initial weights, a fresh optimizer, the seed's shuffling order."""
    import keras
    import tensorflow

    from course_utils import degradation, training

    x, y = _tiny_task()
    runs = degradation.train_over_seeds(_build, x, y, learning_rates=(1e-2,), seeds=(5, 7),
                                        epochs=2, batch_size=16)
    keras.utils.set_random_seed(7)
    fresh = training.compile_classifier(_build(), learning_rate=1e-2, optimizer="adam")
    batches = (tensorflow.data.Dataset.from_tensor_slices((x, y))
               .shuffle(len(x), seed=7, reshuffle_each_iteration=True).batch(16))
    fit = training.timed_fit(fresh, batches, epochs=2,
                             callbacks=[degradation.step_decay(1e-2, 2)])
    np.testing.assert_allclose(runs.fits[1].history["loss"], fit.history["loss"], rtol=1e-5)
    for ours, theirs in zip(runs.weights[1], fresh.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_runs_are_reproducible(tf):
    from course_utils import degradation

    x, y = _tiny_task()
    kwargs = {"learning_rates": (1e-3, 1e-2), "seeds": (1, 2), "epochs": 2, "batch_size": 16}
    first = degradation.train_over_seeds(_build, x, y, **kwargs)
    second = degradation.train_over_seeds(_build, x, y, **kwargs)
    np.testing.assert_array_equal(first.training_errors(), second.training_errors())


def test_train_over_seeds_needs_rates_and_seeds():
    from course_utils import degradation

    x, y = _tiny_task()
    with pytest.raises(ValueError, match="at least one"):
        degradation.train_over_seeds(_build, x, y, learning_rates=(), seeds=(1,), epochs=1,
                                     batch_size=8)


def test_accuracy_agrees_with_evaluate(tf):
    from course_utils import degradation, training

    x, y = _tiny_task(n=30)
    model = training.compile_classifier(_build(), optimizer="adam")
    _, expected = model.evaluate(x, y, verbose=0)
    assert degradation.accuracy(model, x, y, batch_size=7) == pytest.approx(expected)
