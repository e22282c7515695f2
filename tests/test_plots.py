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
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "validation accuracy"
    assert len(ax.lines) == 2 and len(ax.collections) == 2  # one mean line, one band each
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.15, 0.5])
    assert "mean of 3 seeds" in ax.get_legend().get_texts()[1].get_text()


# --- figures that cannot mislead (issue: figures a reader can read) ------------------------

from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402


def _drawn(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def test_grid_captions_never_overlap_the_images_around_them():
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 255, (16, 28, 28), dtype=np.uint8)
    names = ["ankle boot", "pullover", "T-shirt/top", "sandal"]
    true = rng.integers(0, 4, 16)
    pred = rng.integers(0, 4, 16)
    for fig in (plots.prediction_grid(imgs, true, pred, names, cols=8),
                plots.image_grid(imgs, true, names, cols=8)):
        renderer = _drawn(fig)
        axes = [ax for ax in fig.axes if ax.get_visible() and ax.images]
        boxes = [ax.get_window_extent(renderer) for ax in axes]
        for i, ax in enumerate(axes):
            caption = ax.title.get_window_extent(renderer)
            for j, box in enumerate(boxes):
                assert not caption.overlaps(box), f"caption of image {i} covers image {j}"
        title = fig._suptitle.get_window_extent(renderer)
        assert not any(title.overlaps(box) for box in boxes)


def test_a_grid_of_mistakes_does_not_count_them():
    imgs = np.zeros((3, 4, 4), dtype=np.uint8)
    fig = plots.prediction_grid(imgs, [0, 1, 0], [1, 0, 1], ["a", "b"], title="Mistakes")
    assert fig._suptitle.get_text() == "Mistakes"


def test_kernels_use_a_symmetric_diverging_scale_with_a_colour_bar():
    k = np.random.default_rng(0).normal(size=(3, 3, 1, 4))
    k[0, 0, 0, 0] = 5.0
    fig = plots.filters(k)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert all(im.get_cmap().name == plots.DIVERGING for im in images)
    assert all(im.get_clim() == (-5.0, 5.0) for im in images)  # one scale, centred at zero
    assert any(ax.get_label() == "<colorbar>" for ax in fig.axes)
    rgb = np.zeros((3, 3, 3, 2))
    rgb[0, 0, 0, 0] = 1.0
    fig = plots.filters(rgb)
    data = fig.axes[0].images[0].get_array()
    assert np.allclose(data[1, 1], 0.5) and np.isclose(data[0, 0, 0], 1.0)  # zero is mid-grey


def test_feature_maps_signed_diverge_and_unsigned_rise_from_black():
    maps = np.random.default_rng(0).normal(size=(5, 5, 3))
    fig = plots.feature_maps(maps)
    im = fig.axes[0].images[0]
    low, high = im.get_clim()
    assert im.get_cmap().name == plots.DIVERGING and np.isclose(low, -high)
    fig = plots.feature_maps(np.abs(maps))
    im = fig.axes[0].images[0]
    assert im.get_clim()[0] == 0 and im.get_cmap().name != plots.DIVERGING
    assert any(ax.get_label() == "<colorbar>" for ax in fig.axes)


def test_channel_panels_get_brighter_as_the_value_grows():
    img = np.random.default_rng(0).integers(0, 255, (6, 6, 3), dtype=np.uint8)
    fig = plots.channels(img)
    for ax, colour in zip(fig.axes[1:4], ("red", "lime", "blue")):
        cmap = ax.images[0].get_cmap()
        assert np.allclose(cmap(0.0)[:3], 0.0)
        assert np.allclose(cmap(1.0)[:3], to_rgb(colour))


def test_filter_responses_clip_extremes_on_a_symmetric_range():
    response = np.random.default_rng(0).normal(size=(50, 50))
    response[0, 0] = 1000.0
    fig = plots.filter_responses({"edges": response, "photo": np.abs(response)})
    low, high = fig.axes[0].images[0].get_clim()
    assert np.isclose(low, -high) and high < 10  # one pixel does not set the range


def test_epoch_ticks_are_whole_numbers():
    hist = {"loss": [1.0, 0.8, 0.6], "val_accuracy": [0.2, 0.3, 0.5], "accuracy": [0.1, 0.3, 0.4]}
    for fig in (plots.history_curves({"a": hist}),
                plots.curves_over_seeds({"a": [hist, hist]}, metrics=("loss", "val_accuracy"))):
        _drawn(fig)
        for ax in fig.axes:
            ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
            assert ticks and all(float(t).is_integer() for t in ticks), ticks


def test_log_axes_label_only_the_values_plotted():
    table = pd.DataFrame({"a": [0.5, 0.6, 0.7, 0.8]}, index=[25, 50, 100, 200])
    fig = plots.metric_vs_size(table, "labelled images", "accuracy", "t")
    ax = fig.axes[0]
    _drawn(fig)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["25", "50", "100", "200"]
    assert isinstance(ax.xaxis.get_minor_formatter(), NullFormatter)


def test_comparison_figures_draw_the_seed_band():
    table = pd.DataFrame({"a": [0.5, 0.6]}, index=[10, 100])
    fig = plots.metric_vs_size(table, "n", "accuracy", "t", low=table - 0.1, high=table + 0.1)
    assert fig.axes[0].collections, "no seed band"
    fig = plots.curves_over_seeds({"a": [{"loss": [1, 0.5]}, {"loss": [1.2, 0.4]}]},
                                  metrics=("loss",))
    assert fig.axes[0].collections


def test_axis_labels_are_words_not_history_keys():
    assert plots.label("val_accuracy") == "validation accuracy"
    assert plots.label("val_top_5") == "validation top 5"
    fig = plots.curves_over_seeds({"a": [{"val_accuracy": [0.1, 0.2]}] * 2},
                                  metrics=("val_accuracy",))
    assert fig.axes[0].get_ylabel() == "validation accuracy"
    hist = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
    for ax in plots.history_curves({"a": hist}, metrics=("loss",)).axes:
        assert "_" not in ax.get_ylabel() + ax.get_title()


def test_every_helper_describes_its_figure():
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 255, (4, 8, 8, 3), dtype=np.uint8)
    table = pd.DataFrame({"x": [0.5, 0.6]}, index=[10, 100])
    figures = [
        plots.history_curves({"a": {"loss": [1, 0.5]}}, metrics=("loss",)),
        plots.image_grid(imgs, [0, 1, 0, 1], ["a", "b"]),
        plots.prediction_grid(imgs, [0, 1, 0, 1], [0, 0, 0, 1], ["a", "b"]),
        plots.confusion_matrix([0, 1], [0, 1], ["a", "b"]),
        plots.channels(imgs[0]),
        plots.filters(rng.normal(size=(3, 3, 3, 2))),
        plots.feature_maps(rng.normal(size=(4, 4, 2))),
        plots.metric_vs_size(table, "n", "acc", "t"),
        plots.matrices({"k": np.array([[1, -1], [0, 2]])}),
        plots.filter_responses({"a": rng.normal(size=(5, 5))}),
        plots.side_by_side({"a": imgs[0]}),
        plots.pixel_values(imgs[0, ..., 0]),
        plots.curves_over_seeds({"a": [{"loss": [1, 0.5]}] * 2}, metrics=("loss",)),
    ]
    for fig in figures:
        alt = plots.description(fig)["alt"]
        assert len(alt.split()) >= 6 and alt.endswith("."), alt
    fig = plots.describe(figures[0], caption="Figure caption.", alt="Loss falls   over epochs.")
    assert plots.description(fig) == {"alt": "Loss falls over epochs.", "caption": "Figure caption."}
    with pytest.raises(ValueError, match="describes nothing"):
        plots.describe(fig, alt="  ")


def test_a_figure_drawn_without_a_helper_is_described_from_its_labels():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4], label="He")
    ax.plot([1, 2], [4, 5], label="Glorot")
    ax.set_xlabel("layer")
    ax.set_ylabel("activation std")
    ax.legend()
    fig.suptitle("Signals per layer")
    text = plots.generic_description(fig)
    assert text["caption"] == "Signals per layer"
    assert "activation std against layer" in text["alt"] and "He and Glorot" in text["alt"]
    plt.close(fig)


import pytest  # noqa: E402
