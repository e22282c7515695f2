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


def test_channels_filters_feature_maps_and_size_plot():
    img = np.random.default_rng(0).integers(0, 255, (8, 8, 3), dtype=np.uint8)
    assert _titled(plots.channels(img))
    assert _titled(plots.filters(np.random.default_rng(0).normal(size=(3, 3, 3, 5))))
    assert _titled(plots.feature_maps(np.random.default_rng(0).normal(size=(6, 6, 4))))
    table = pd.DataFrame({"x": [0.5, 0.6]}, index=[10, 100])
    fig = plots.metric_vs_size(table, "n", "acc", "t")
    assert fig.axes[0].get_xlabel() == "n"


def test_size_plot_log_scales():
    table = pd.DataFrame({"a": [1.0, 0.01], "b": [1.0, 0.5]}, index=[1, 100])
    fig = plots.metric_vs_size(table, "step", "loss", "t", logy=True)
    assert fig.axes[0].get_yscale() == "log" and fig.axes[0].get_xscale() == "log"


def test_side_by_side_titles_each_image():
    rgb = np.random.default_rng(0).integers(0, 255, (6, 9, 3), dtype=np.uint8)
    fig = plots.side_by_side({"colour": rgb, "grey": rgb[..., 0]}, title="two")
    assert [ax.get_title() for ax in fig.axes] == ["colour", "grey"]
    assert fig.axes[0].get_xlabel() == "x (pixels)" and _titled(fig)


def test_pixel_values_writes_every_value():
    digit = np.zeros((4, 5), dtype=np.uint8)
    digit[1, 2] = 255
    fig = plots.pixel_values(digit[..., None], title="digit")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 20 and texts.count("255") == 1 and texts.count("0") == 19
    colours = {t.get_text(): t.get_color() for t in fig.axes[0].texts}
    assert colours["255"] == "black" and colours["0"] == "white"
    fractions = plots.pixel_values(np.array([[0.0, 0.25], [0.5, 1.0]]))
    assert [t.get_text() for t in fractions.axes[0].texts] == [".00", ".25", ".50", "1.00"]
    import pytest

    with pytest.raises(ValueError, match="grey"):
        plots.pixel_values(np.zeros((2, 2, 3)))


def test_curves_over_seeds_draws_a_mean_and_a_band_per_run():
    a = [{"loss": [2.0, 1.0], "val_accuracy": [0.2, 0.6]},
         {"loss": [2.2, 1.4], "val_accuracy": [0.1, 0.4]}]
    b = [{"loss": [2.3, 2.3], "val_accuracy": [0.1, 0.1]}] * 3
    fig = plots.curves_over_seeds({"a": a, "b": b}, title="Two networks")
    assert _titled(fig) and len(fig.axes) == 2
    ax = fig.axes[1]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "val_accuracy"
    assert len(ax.lines) == 2 and len(ax.collections) == 2  # one mean line, one band each
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.15, 0.5])
    assert "mean of 3 seeds" in ax.get_legend().get_texts()[1].get_text()
