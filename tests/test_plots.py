"""Every figure helper draws a titled figure with labelled axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from course_utils import plots  # noqa: E402


def _titled(fig) -> bool:
    return bool(fig._suptitle and fig._suptitle.get_text()) or any(ax.get_title() for ax in fig.axes)


def test_history_curves_labels_runs_and_axes():
    hist = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8],
            "val_accuracy": [0.4, 0.7]}
    fig = plots.history_curves({"a": hist, "b": hist})
    assert _titled(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert len(ax.lines) == 4


def test_image_grids_and_predictions():
    imgs = np.random.default_rng(0).integers(0, 255, (5, 8, 8, 3), dtype=np.uint8)
    fig = plots.image_grid(imgs, [0, 1, 0, 1, 0], ["a", "b"], cols=3)
    assert _titled(fig)
    fig = plots.prediction_grid(imgs, [0, 1, 0, 1, 0], [0, 0, 0, 1, 1], ["a", "b"], cols=3)
    assert "3 of 5 right" in fig._suptitle.get_text()
    colours = [ax.title.get_color() for ax in fig.axes[:5]]
    assert colours.count(plots.WRONG) == 2


def test_confusion_matrix_counts():
    fig = plots.confusion_matrix([0, 0, 1], [0, 1, 1], ["a", "b"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["1", "1", "0", "1"]
    assert fig.axes[0].get_xlabel() == "predicted class"


def test_channels_filters_feature_maps_bar_and_size_plot():
    img = np.random.default_rng(0).integers(0, 255, (8, 8, 3), dtype=np.uint8)
    assert _titled(plots.channels(img))
    assert _titled(plots.filters(np.random.default_rng(0).normal(size=(3, 3, 3, 5))))
    assert _titled(plots.feature_maps(np.random.default_rng(0).normal(size=(6, 6, 4))))
    assert _titled(plots.bar_comparison({"a": 1.0, "b": 2.0}, "seconds", "t"))
    table = pd.DataFrame({"x": [0.5, 0.6]}, index=[10, 100])
    fig = plots.metric_vs_size(table, "n", "acc", "t")
    assert fig.axes[0].get_xlabel() == "n"
