"""The experiment runner: ladders, seeds, data order, kept models and verdicts."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from course_utils import experiment
from course_utils.experiment import Arm, Budget, Splits, draw_splits


def _blobs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    x = rng.normal(size=(n, 6)).astype("float32") + 1.5 * np.eye(6, dtype="float32")[y]
    return x, y.astype("int64")


@pytest.fixture
def splits():
    x, y = _blobs(120, 0)
    return Splits(x[:72], y[:72], x[72:96], y[72:96], x[96:], y[96:], name="blobs")


def _mlp(width: int = 8, dropout: float = 0.0):
    def build():
        import keras

        layers = [keras.Input((6,)), keras.layers.Dense(width, activation="relu")]
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
        layers.append(keras.layers.Dense(3, activation="softmax"))
        return keras.Sequential(layers)
    return build


# --- the ladder, on a fake trainer whose score is a known function of the rate ----------

class _FakeTrainer:
    def __init__(self, score):
        self.arm = Arm("fake", build=lambda: None)
        self.score = score
        self.tried: list[float] = []

    def run(self, data, seed, rate):
        self.tried.append(rate)
        row = {"val loss": self.score(rate)}
        return experiment.Run("fake", seed, rate, row, {}, 0.0)


def test_ladder_climbs_to_an_interior_best_and_stops():
    trainer = _FakeTrainer(lambda r: (math.log10(r) - math.log10(3e-3)) ** 2)
    tune = experiment.climb(trainer, None, ladder=experiment.LADDER, start=(1e-4,),
                            seed=0, metric="val loss")
    assert tune.learning_rate == 3e-3 and not tune.at_edge
    # a lone start rate is both ends: the climb looks below it first, then up to one past
    assert trainer.tried == [1e-4, 3e-5, 3e-4, 1e-3, 3e-3, 1e-2]


def test_ladder_fills_gaps_between_start_rates():
    trainer = _FakeTrainer(lambda r: abs(math.log10(r) + 3))
    tune = experiment.climb(trainer, None, ladder=experiment.LADDER, start=(1e-4, 1e-2),
                            seed=0, metric="val loss")
    assert trainer.tried == [1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
    assert tune.learning_rate == 1e-3 and not tune.at_edge


def test_a_best_at_the_end_of_the_ladder_is_marked():
    trainer = _FakeTrainer(lambda r: -r)  # larger is always better
    tune = experiment.climb(trainer, None, ladder=(1e-3, 1e-2, 0.1), start=(1e-3,),
                            seed=0, metric="val loss")
    assert tune.learning_rate == 0.1 and tune.at_edge
    assert trainer.tried == [1e-3, 1e-2, 0.1]


def test_accuracy_is_maximised_and_a_diverged_run_never_wins():
    trainer = _FakeTrainer(lambda r: math.nan if r > 0.01 else r)
    trainer.run_ = trainer.run

    def run(data, seed, rate):
        out = trainer.run_(data, seed, rate)
        out.row = {"val accuracy": out.row["val loss"]}
        return out
    trainer.run = run
    tune = experiment.climb(trainer, None, ladder=experiment.LADDER, start=(1e-3, 3e-3),
                            seed=0, metric="val accuracy")
    assert tune.learning_rate == 1e-2 and not tune.at_edge


def test_start_rates_must_be_on_the_ladder():
    with pytest.raises(ValueError, match="members of the ladder"):
        experiment.climb(_FakeTrainer(lambda r: r), None, ladder=(1e-3, 1e-2),
                         start=(5e-3,), seed=0, metric="val loss")


# --- verdicts --------------------------------------------------------------------------

def test_every_seed_verdict():
    v = experiment.verdict("A", [0.9, 0.8, 0.85], "B", [0.7, 0.75, 0.8],
                           metric="test accuracy")
    assert (v.kind, v.winner, v.wins) == ("every seed", "A", 3)
    assert v.text == "A beats B on every seed (3 of 3) on test accuracy"


def test_mean_only_verdict_names_the_better_arm_first():
    v = experiment.verdict("A", [0.72, 0.60, 0.60], "B", [0.70, 0.85, 0.85],
                           metric="test accuracy")
    assert (v.kind, v.first, v.second, v.wins) == ("mean only", "B", "A", 2)
    assert "B beats A on the mean only (2 of 3 seeds)" in v.text


def test_no_difference_verdict():
    v = experiment.verdict("A", [0.70, 0.80, 0.75], "B", [0.78, 0.74, 0.74],
                           metric="test accuracy")
    assert v.kind == "no difference" and v.winner is None
    assert "beyond the seed spread" in v.text


def test_errors_and_losses_are_lower_is_better():
    v = experiment.verdict("deep", [0.5, 0.6, 0.55], "shallow", [0.2, 0.3, 0.25],
                           metric="train error")
    assert v.kind == "every seed" and v.winner == "shallow"


def test_verdict_needs_paired_seeds():
    with pytest.raises(ValueError, match="same seeds"):
        experiment.verdict("A", [1, 2], "B", [1, 2, 3], metric="test accuracy")


# --- real runs --------------------------------------------------------------------------

def test_same_data_order_for_every_arm_under_one_seed(tf, splits):
    """Two arms trained under one seed see the same batches in the same order; another seed
    sees another order. A recording layer logs the first feature of every training batch."""
    import keras

    seen: dict[str, list[list[float]]] = {}

    class Record(keras.layers.Layer):
        def __init__(self, log, **kwargs):
            super().__init__(**kwargs)
            self.record = log.append  # a bound method: Keras does not wrap it

        def call(self, x, training=None):
            if training:
                self.record(np.asarray(x)[:, 0].round(5).tolist())
            return x

    def arm(name, width):
        def build():
            seen[name] = []
            return keras.Sequential([keras.Input((6,)), Record(seen[name]),
                                     keras.layers.Dense(width, activation="relu"),
                                     keras.layers.Dense(3, activation="softmax")])
        return Arm(name, build)

    budget = Budget(epochs=2, batch_size=16, steps_per_execution=2)
    tf.config.run_functions_eagerly(True)
    try:
        orders = {}
        for seed in (1, 2):
            for name, width in (("narrow", 4), ("wide", 16)):
                experiment.compare([arm(name, width)], splits, budget, seeds=(seed,),
                                   tune_seed=seed, start=(1e-2,), ladder=(1e-2,),
                                   min_seeds=1)
                orders[name, seed] = seen[name]
    finally:
        tf.config.run_functions_eagerly(False)
    assert len(orders["narrow", 1]) == 2 * math.ceil(72 / 16)
    assert orders["narrow", 1] == orders["wide", 1]
    assert orders["narrow", 2] == orders["wide", 2]
    assert orders["narrow", 1] != orders["narrow", 2]
    # a fresh pipeline reshuffles every epoch: the two epochs differ
    epoch = math.ceil(72 / 16)
    assert orders["narrow", 1][:epoch] != orders["narrow", 1][epoch:]


def test_batches_depend_only_on_the_seed(tf, splits):
    def order(seed):
        ds = experiment.batches(splits.x_train, splits.y_train, 16, seed)
        return [np.asarray(x)[:, 0].tolist() for _ in range(2) for x, _ in ds]
    first = order(3)
    tf.random.uniform(())  # other random ops in between change nothing
    assert order(3) == first and order(4) != first


@pytest.mark.parametrize("keep", ["last", "best"])
def test_every_number_in_a_row_comes_from_the_kept_model(tf, splits, keep):
    budget = Budget(epochs=4, batch_size=16, keep=keep, schedule="cosine")
    result = experiment.compare([Arm("mlp", _mlp(dropout=0.5))], splits, budget,
                                seeds=(1, 2, 3), start=(1e-2,), ladder=(3e-3, 1e-2, 3e-2))
    for run in result.runs["mlp"]:
        model = result.kept_model("mlp", run.seed)
        for split, (x, y) in splits.evaluated.items():
            loss, accuracy = model.evaluate(x, y, verbose=0)
            assert run[f"{split} accuracy"] == pytest.approx(accuracy)
            assert run[f"{split} loss"] == pytest.approx(loss, rel=1e-5)
        if keep == "best":
            losses = run.history["val_loss"]
            assert run["kept epoch"] == int(np.argmin(losses)) + 1
            assert run["val loss"] == pytest.approx(min(losses), rel=1e-4)
        else:
            assert run["kept epoch"] == 4
    # train accuracy is evaluated, not Keras' running mean with dropout on
    run = result.runs["mlp"][0]
    assert run["train accuracy"] != pytest.approx(run.history["accuracy"][-1])


def test_a_run_is_the_same_whatever_ran_before_it(tf, splits):
    """Resetting the compiled model (weights, optimizer, dropout seeds) makes a seed's run
    identical to the same run on a freshly built model."""
    budget = Budget(epochs=3, batch_size=16)
    arm = Arm("mlp", _mlp(dropout=0.3))
    many = experiment.compare([arm], splits, budget, seeds=(1, 2, 3), start=(1e-2,),
                              ladder=(1e-2,), tune_seed=5)
    alone = experiment.compare([arm], splits, budget, seeds=(2,), start=(1e-2,),
                               ladder=(1e-2,), tune_seed=2, min_seeds=1)
    for key in ("train loss", "val accuracy", "test loss"):
        assert many.runs["mlp"][1][key] == pytest.approx(alone.runs["mlp"][0][key], abs=1e-6)


def test_comparison_tables_and_verdict(tf, splits):
    budget = Budget(epochs=3, batch_size=16)
    result = experiment.compare(
        [Arm("small", _mlp(2)), Arm("big", _mlp(32))], splits, budget, seeds=(1, 2, 3),
        start=(1e-2,), ladder=(1e-2, 3e-2), rates={"small": 1e-2})
    table = result.table()
    assert list(table.index) == ["small", "big"] and table.index.name == "arm (blobs)"
    assert table.loc["small", "rate"] == "fixed, not tuned"
    assert table.loc["big", "rate"] == experiment.EDGE_NOTE  # a two-rung ladder: both edges
    assert table.loc["big", "seeds"] == 3
    assert {"test accuracy (mean)", "test accuracy (range)"} <= set(table.columns)
    tuning = result.tuning_table()
    assert tuning.loc["big"].str.endswith("*").sum() == 1
    v = result.verdict("small", "big", "test accuracy")
    assert v.kind in experiment.VERDICT_KINDS
    assert v.seeds == 3
    bands = result.histories("big", "error")
    assert len(bands) == 3 and len(bands[0]["training error"]) == 3


def test_refusals(tf, splits):
    budget = Budget(epochs=1)
    with pytest.raises(ValueError, match="at least 3 seeds"):
        experiment.compare([Arm("a", _mlp())], splits, budget, seeds=(1,))
    with pytest.raises(ValueError, match="never the test set"):
        experiment.compare([Arm("a", _mlp())], splits, budget, tune_on="test accuracy")
    with pytest.raises(ValueError, match="distinct names"):
        experiment.compare([Arm("a", _mlp()), Arm("a", _mlp())], splits, budget)
    with pytest.raises(ValueError, match="schedule"):
        Budget(epochs=1, schedule="linear")
    with pytest.raises(ValueError, match="as many labels"):
        Splits(splits.x_train, splits.y_train[:3], splits.x_val, splits.y_val)


def test_step_and_cosine_schedules():
    step = Budget(epochs=8, schedule="step")
    assert [step.rate(1.0, e) for e in (0, 3, 4, 5, 6, 7)] == pytest.approx(
        [1, 1, 0.1, 0.1, 0.01, 0.01])
    cosine = Budget(epochs=4, schedule="cosine")
    assert cosine.rate(1.0, 0) == 1.0 and cosine.rate(1.0, 2) == pytest.approx(0.5)


def _class_sorted_dataset(n_train: int = 200, n_test: int = 60) -> SimpleNamespace:
    # Two class-sorted splits, as some sources store them; image i holds the value i.
    y_train = np.repeat(np.arange(4), n_train // 4)
    y_test = np.repeat(np.arange(4), n_test // 4)
    return SimpleNamespace(
        x_train=np.broadcast_to(np.arange(n_train).reshape(-1, 1, 1), (n_train, 2, 2)),
        y_train=y_train,
        x_test=np.broadcast_to(np.arange(n_test).reshape(-1, 1, 1) + 200, (n_test, 2, 2)),
        y_test=y_test, provenance=SimpleNamespace(name="sorted blocks"))


def test_draw_splits_is_the_stratified_draw_every_chapter_made_by_hand():
    from course_utils import data

    dataset = _class_sorted_dataset()
    splits = draw_splits(dataset, train=40, val=20, test=16, seed=5)
    x_pool, y_pool = data.subsample(dataset.x_train, dataset.y_train, 60, seed=5)
    x_fit, y_fit, x_val, y_val = data.train_val_split(x_pool, y_pool, 20, seed=5)
    x_test, y_test = data.subsample(dataset.x_test, dataset.y_test, 16, seed=5)
    for mine, theirs in zip(
            (splits.x_train, splits.y_train, splits.x_val, splits.y_val, splits.x_test,
             splits.y_test), (x_fit, y_fit, x_val, y_val, x_test, y_test)):
        np.testing.assert_array_equal(mine, theirs)
    assert (len(splits.y_train), len(splits.y_val), len(splits.y_test)) == (40, 20, 16)
    for labels in (splits.y_train, splits.y_val, splits.y_test):
        assert set(labels.tolist()) == {0, 1, 2, 3}  # every class in every split
    train_ids = set(splits.x_train[:, 0, 0].tolist())
    assert not train_ids & set(splits.x_val[:, 0, 0].tolist())  # no image in both
    assert splits.x_test.min() >= 200  # test images only from the test set
    assert splits.name == "sorted blocks"
    other = draw_splits(dataset, train=40, val=20, test=16, seed=6)
    assert not np.array_equal(other.x_train, splits.x_train)  # the seed shuffles


def test_draw_splits_prepares_every_split_and_map_keeps_the_labels():

    dataset = _class_sorted_dataset()
    raw = draw_splits(dataset, train=40, val=20, test=16, seed=1)
    scaled = draw_splits(dataset, train=40, val=20, test=16, seed=1,
                         prepare=lambda x: x[..., None] / 255.0)
    assert scaled.x_train.shape == (40, 2, 2, 1) and scaled.x_test.shape == (16, 2, 2, 1)
    np.testing.assert_allclose(scaled.x_val[..., 0], raw.x_val / 255.0)
    np.testing.assert_array_equal(scaled.y_test, raw.y_test)
    no_test = Splits(raw.x_train, raw.y_train, raw.x_val, raw.y_val, name="n")
    mapped = no_test.map(lambda x: x * 2)
    assert mapped.x_test is None and mapped.name == "n"
    np.testing.assert_array_equal(mapped.x_train, raw.x_train * 2)


@pytest.mark.parametrize("sizes, message", [
    ({"train": 150, "val": 60, "test": 10}, "only 200"),
    ({"train": 0, "val": 20, "test": 10}, "train= must be a whole number"),
    ({"train": 40, "val": 2.5, "test": 10}, "val= must be a whole number"),
])
def test_draw_splits_refuses_sizes_it_cannot_draw(sizes, message):

    with pytest.raises(ValueError, match=message):
        draw_splits(_class_sorted_dataset(), seed=0, **sizes)
