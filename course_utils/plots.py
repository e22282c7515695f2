"""Figures used across chapters: learning curves, image grids, predictions, filters.

Every function returns the matplotlib ``Figure`` it drew, with a title and axis labels, so a
notebook can write ``fig = plots.history_curves(...)`` (assigning keeps the repr out of the
stored outputs) and the book shows the figure.

The helpers are built so that a figure cannot mislead:

* signed quantities (kernels, filters, feature maps, filter responses) use a diverging map
  (or grey) centred at zero on a symmetric range, with a colour bar;
* a channel panel gets brighter as its value grows (black to the channel's colour);
* epoch axes have whole-number ticks, log axes label only the values plotted or the decades;
* axis labels are words ("validation accuracy"), never history keys (``val_accuracy``);
* grid captions sit in space of their own, never over the image above them;
* curves over seeds draw the band from the lowest to the highest seed.

Every figure also carries a description for readers who cannot see it: :func:`describe` sets
its alt text and caption (each helper writes a default alt text from what it drew), and in a
notebook the description travels with the image output's metadata, where ``make refresh``
picks it up (:func:`description`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter, NullLocator

RIGHT, WRONG = "tab:green", "tab:red"
DIVERGING = "RdBu_r"  # blue below zero, white at zero, red above
METADATA_KEY = "course_utils"  # where a figure's description rides in the output metadata

# History keys as words, for axis labels and legends.
LABELS = {
    "loss": "training loss", "val_loss": "validation loss",
    "accuracy": "training accuracy", "val_accuracy": "validation accuracy",
    "error": "training error", "val_error": "validation error",
    "top5": "training top-5 accuracy", "val_top5": "validation top-5 accuracy",
}


def label(key: str) -> str:
    """A metric key in words: ``"val_accuracy"`` -> ``"validation accuracy"``."""
    if key in LABELS:
        return LABELS[key]
    words = key.replace("_", " ")
    return "validation " + words[4:] if words.startswith("val ") else words


def describe(fig: Figure, alt: str | None = None, caption: str | None = None) -> Figure:
    """Attach ``alt`` text (what the figure shows: its axes and the point to notice) and a
    ``caption`` to ``fig``; either may be left as it is. Returns ``fig``."""
    text = dict(getattr(fig, "_course_description", {}) or {})
    for key, value in (("alt", alt), ("caption", caption)):
        if value is not None:
            value = " ".join(str(value).split())
            if not value:
                raise ValueError(f"an empty {key} describes nothing: write what the figure shows")
            text[key] = value
    fig._course_description = text
    return fig


def description(fig: Figure) -> dict[str, str]:
    """The alt text and caption attached to ``fig`` (empty when none)."""
    return dict(getattr(fig, "_course_description", {}) or {})


def _names(names: Sequence[str]) -> str:
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def integer_ticks(ax: plt.Axes, axis: str = "x") -> None:
    """Whole-number ticks (epochs, layers, steps) on ``axis``."""
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(integer=True))


def log_ticks(ax: plt.Axes, axis: str = "x", values: Sequence[float] | None = None) -> None:
    """A readable log axis: labels at ``values`` (those plotted) or at the decades only, with
    unlabelled minor ticks, so no two labels collide."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    if values is not None:
        target.set_major_locator(FixedLocator([float(v) for v in values]))
        target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        target.set_minor_locator(NullLocator())
    target.set_minor_formatter(NullFormatter())


def symmetric_limit(values: np.ndarray, percentile: float = 100.0) -> float:
    """The half-width of a range centred at zero that holds ``percentile`` % of ``|values|``."""
    values = np.abs(np.asarray(values, dtype=float))
    limit = float(np.percentile(values, percentile)) if values.size else 0.0
    return limit if limit > 0 else 1.0


def _black_to(colour: str) -> LinearSegmentedColormap:
    return LinearSegmentedColormap.from_list(f"black-{colour}", ["black", colour])


def _as_history(h: Any) -> Mapping[str, Sequence[float]]:
    """Accept a Keras ``History``, a :class:`~course_utils.training.FitResult` or a dict."""
    if hasattr(h, "history"):
        h = h.history
    return h


def history_curves(histories: Mapping[str, Any], metrics: Sequence[str] = ("loss", "accuracy"),
                   title: str = "Learning curves", validation: bool = True) -> plt.Figure:
    """One panel per metric; one colour per run; training solid, validation dashed."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.8), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes[0], metrics):
        for i, (name, h) in enumerate(histories.items()):
            hist = _as_history(h)
            colour = colours[i % len(colours)]
            if metric in hist:
                epochs = np.arange(1, len(hist[metric]) + 1)
                ax.plot(epochs, hist[metric], color=colour, label=f"{name} (train)")
            if validation and f"val_{metric}" in hist:
                epochs = np.arange(1, len(hist[f"val_{metric}"]) + 1)
                ax.plot(epochs, hist[f"val_{metric}"], color=colour, linestyle="--",
                        label=f"{name} (validation)")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label(metric).removeprefix("training "))
        ax.set_title(label(metric).removeprefix("training "))
        integer_ticks(ax)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    kinds = "training solid, validation dashed" if validation else "training"
    return describe(fig, alt=(
        f"Line charts of {_names([label(m).removeprefix('training ') for m in metrics])} "
        f"against epoch for {_names(list(histories))} ({kinds})."))


def _show(ax: plt.Axes, image: np.ndarray) -> None:
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.dtype != np.uint8 and image.max() > 1.0:
        image = image / 255.0
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
    ax.set_xticks([])
    ax.set_yticks([])


def _grid(n: int, cols: int, cell: tuple[float, float]) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure with ``n`` axes in rows of ``cols`` (no ticks); spare cells are hidden."""
    rows = int(np.ceil(n / cols))
    # Constrained layout gives every caption its own space above its image.
    fig, axes = plt.subplots(rows, cols, figsize=(cell[0] * cols, cell[1] * rows + 0.4),
                             squeeze=False, layout="constrained")
    flat = list(axes.flat)
    for ax in flat:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in flat[n:]:
        ax.axis("off")
    return fig, flat[:n]


def image_grid(images: np.ndarray, labels: Sequence[int] | None = None,
               class_names: Sequence[str] | None = None, cols: int = 8,
               title: str = "Sample images") -> plt.Figure:
    """A grid of images with their class names as captions."""
    fig, axes = _grid(len(images), cols, (1.4, 1.55))
    for i, ax in enumerate(axes):
        _show(ax, images[i])
        if labels is not None:
            label = labels[i]
            ax.set_title(class_names[label] if class_names is not None else str(label), fontsize=8)
    fig.suptitle(title)
    shown = "" if labels is None else ", each captioned with its class"
    return describe(fig, alt=f"A grid of {len(images)} images{shown}.")


def prediction_grid(images: np.ndarray, y_true: Sequence[int], y_pred: Sequence[int],
                    class_names: Sequence[str], cols: int = 8,
                    title: str = "Predictions (green right, red wrong)") -> plt.Figure:
    """Images captioned ``prediction (true)``, green when right and red when wrong."""
    n = len(images)
    fig, axes = _grid(n, cols, (1.5, 1.7))
    for i, ax in enumerate(axes):
        _show(ax, images[i])
        ok = int(y_true[i]) == int(y_pred[i])
        ax.set_title(f"{class_names[int(y_pred[i])]}\n({class_names[int(y_true[i])]})",
                     fontsize=7, color=RIGHT if ok else WRONG)
    correct = int(np.sum(np.asarray(y_true[:n]) == np.asarray(y_pred[:n])))
    # The count says something only when the grid mixes right and wrong predictions.
    fig.suptitle(f"{title}: {correct} of {n} right" if 0 < correct < n else title)
    return describe(fig, alt=(
        f"A grid of {n} images, each captioned with the predicted class above the true class "
        f"in brackets; {correct} of the {n} predictions are right."))


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], class_names: Sequence[str],
                     title: str = "Confusion matrix") -> plt.Figure:
    """Counts of true (rows) vs predicted (columns) classes, annotated."""
    k = len(class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (np.asarray(y_true, int), np.asarray(y_pred, int)), 1)
    fig, ax = plt.subplots(figsize=(0.55 * k + 2.5, 0.55 * k + 2))
    im = ax.imshow(counts, cmap="Blues")
    for i in range(k):
        for j in range(k):
            ax.text(j, i, counts[i, j], ha="center", va="center", fontsize=7,
                    color="white" if counts[i, j] > counts.max() / 2 else "black")
    ax.set_xticks(range(k), class_names, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(k), class_names, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.046, label="images")
    fig.tight_layout()
    right = int(np.trace(counts))
    return describe(fig, alt=(
        f"A {k} by {k} table of counts, true class in rows and predicted class in columns, "
        f"darker for larger counts; {right} of {int(counts.sum())} images lie on the diagonal "
        "(predicted right)."))


def channels(image: np.ndarray, names: Sequence[str] = ("red", "green", "blue"),
             title: str = "An RGB image is three matrices") -> plt.Figure:
    """The image and each of its channels side by side. A channel panel runs from black (0)
    to its own colour (255), so it is brighter where the channel's value is larger, as the
    channel contributes to the image."""
    colours = ("red", "lime", "blue")  # pure colours: full brightness at 255
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.4))
    _show(axes[0], image)
    axes[0].set_title("image")
    for c, ax in enumerate(axes[1:]):
        im = ax.imshow(image[..., c], cmap=_black_to(colours[c]), vmin=0, vmax=255)
        ax.set_title(f"{names[c]} channel")
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(im, ax=ax, fraction=0.046, label="value")
    fig.suptitle(title)
    fig.tight_layout()
    return describe(fig, alt=(
        f"An image and its {_names(list(names))} channels as separate panels, each channel "
        "drawn from black at 0 to its own colour at 255, so brighter means a larger value."))


def filters(kernels: np.ndarray, title: str = "First-layer filters", cols: int = 8) -> plt.Figure:
    """Conv kernels of shape ``(kh, kw, in, out)`` on one symmetric scale shared by all.

    With three input channels each kernel is drawn as colour: every channel's weight maps
    linearly from -m (0 of that colour) to +m (full colour), so a weight of 0 is mid-grey.
    Otherwise channel 0 is drawn in a diverging map, blue below zero and red above. The
    colour bar gives m, the largest absolute weight."""
    k = np.asarray(kernels, dtype=float)
    limit = symmetric_limit(k)
    rgb = k.shape[2] == 3
    fig, axes = _grid(k.shape[-1], cols, (1.2, 1.3))
    for i, ax in enumerate(axes):
        w = k[..., i]
        if rgb:
            ax.imshow(np.clip(w / (2 * limit) + 0.5, 0.0, 1.0))
        else:
            ax.imshow(w[..., 0], cmap=DIVERGING, vmin=-limit, vmax=limit)
        ax.set_title(str(i), fontsize=7)
    bar = ScalarMappable(Normalize(-limit, limit), cmap="gray" if rgb else DIVERGING)
    fig.colorbar(bar, ax=axes, shrink=0.8,
                 label="weight, each colour channel" if rgb else "weight")
    fig.suptitle(title)
    how = ("in colour, mid-grey for zero" if rgb
           else "blue for negative, white for zero and red for positive weights")
    return describe(fig, alt=(
        f"A grid of {k.shape[-1]} {k.shape[0]} by {k.shape[1]} convolution kernels on one "
        f"scale from -{limit:.2g} to {limit:.2g}, {how}."))


def feature_maps(maps: np.ndarray, title: str = "Feature maps", cols: int = 8,
                 max_maps: int = 32) -> plt.Figure:
    """Channels of one activation tensor ``(h, w, c)`` on one scale shared by all: a diverging
    map centred at zero when some values are negative, else black (0) to bright (the
    largest value), with a colour bar."""
    maps = np.asarray(maps, dtype=float)
    n = min(maps.shape[-1], max_maps)
    shown = maps[..., :n]
    signed = bool(np.any(shown < 0))
    if signed:
        limit = symmetric_limit(shown)
        cmap, norm = DIVERGING, Normalize(-limit, limit)
    else:
        cmap, norm = "magma", Normalize(0.0, float(shown.max()) or 1.0)
    fig, axes = _grid(n, cols, (1.3, 1.4))
    for i, ax in enumerate(axes):
        ax.imshow(shown[..., i], cmap=cmap, norm=norm)
        ax.set_title(str(i), fontsize=7)
    fig.colorbar(ScalarMappable(norm, cmap=cmap), ax=axes, shrink=0.8, label="activation")
    fig.suptitle(title)
    how = ("blue below zero, white at zero, red above" if signed
           else "black at zero, brighter for larger values")
    return describe(fig, alt=(
        f"A grid of {n} feature maps of {maps.shape[0]} by {maps.shape[1]} values on one "
        f"scale, {how}."))


def metric_vs_size(table: Any, xlabel: str, ylabel: str, title: str,
                   logx: bool = True, logy: bool = False, low: Any = None,
                   high: Any = None) -> plt.Figure:
    """One line per column of ``table`` (a DataFrame indexed by a size, or by a step count),
    with markers; ``logy`` puts the values on a log scale too. ``low`` and ``high`` (tables
    of the same shape: the lowest and highest seed) draw each line's seed band."""
    fig, ax = plt.subplots(figsize=(6, 3.8))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, column in enumerate(table.columns):
        colour = colours[i % len(colours)]
        ax.plot(table.index, table[column], marker="o", label=str(column), color=colour)
        if low is not None and high is not None:
            ax.fill_between(table.index, low[column], high[column], color=colour, alpha=0.2)
    if logx:
        ax.set_xscale("log")
        log_ticks(ax, "x", list(table.index))
    if logy:
        ax.set_yscale("log")
        log_ticks(ax, "y")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    band = ", each with a band from the lowest to the highest seed" if low is not None else ""
    scale = " on log scales" if logx and logy else " on a log scale" if logx else ""
    return describe(fig, alt=(
        f"Line chart of {ylabel} against {xlabel}{scale} for {_names(list(map(str, table.columns)))}"
        f"{band}."))


def activation_statistics(stats: Mapping[str, Any],
                          columns: Sequence[str] = ("activation std", "gradient std"),
                          title: str = "Signals per layer at initialization",
                          logy: bool = True) -> plt.Figure:
    """One panel per column of per-layer tables (e.g. from
    :func:`course_utils.initialization.layer_statistics`), one line per run, layers in order
    on the x axis. On a log scale a run whose values are exactly 0 cannot be drawn: its zeros
    are left out and its legend entry says so."""
    fig, axes = plt.subplots(1, len(columns), figsize=(5.5 * len(columns), 3.8), squeeze=False)
    for ax, column in zip(axes[0], columns):
        names: list[str] = []
        for name, table in stats.items():
            values = np.asarray(table[column], dtype=float)
            names = [str(i) for i in table.index] if len(table.index) > len(names) else names
            label = name
            if logy and np.any(values <= 0):
                label = f"{name} (zeros not drawn)"
                values = np.where(values > 0, values, np.nan)
            ax.plot(np.arange(1, len(values) + 1), values, marker="o", label=label)
        ax.set_xticks(np.arange(1, len(names) + 1), names, rotation=45, ha="right", fontsize=8)
        if logy:
            ax.set_yscale("log")
            log_ticks(ax, "y")
        ax.set_xlabel("layer")
        ax.set_ylabel(f"{column}{' (log scale)' if logy else ''}")
        ax.set_title(column)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return describe(fig, alt=(
        f"Line charts of {_names(list(columns))} per layer, in order from the input, for "
        f"{_names(list(stats))}{' on a log scale' if logy else ''}."))


def matrices(panels: Mapping[str, np.ndarray], highlight: Mapping[str, tuple[int, int, int, int]]
             | None = None, title: str = "Matrices", fmt: str = "{:g}") -> plt.Figure:
    """Small 2-D arrays side by side with every value written in its cell; ``highlight`` maps
    a panel name to a ``(row, col, height, width)`` window to outline in red (e.g. the patch
    under a kernel and the output value it produces)."""
    from matplotlib.patches import Rectangle

    highlight = highlight or {}
    widths = [max(np.asarray(m).shape[1], 1) for m in panels.values()]
    fig, axes = plt.subplots(1, len(panels), figsize=(0.55 * sum(widths) + 1.2 * len(panels), 3.2),
                             gridspec_kw={"width_ratios": widths}, squeeze=False)
    for ax, (name, m) in zip(axes[0], panels.items()):
        m = np.asarray(m, dtype=float)
        if np.any(m < 0):  # signed (a kernel, a filtered patch): diverging, centred at zero
            limit = symmetric_limit(m) * 1.6
            ax.imshow(m, cmap=DIVERGING, vmin=-limit, vmax=limit)
        else:
            ax.imshow(m, cmap="Blues", vmin=0, vmax=max(m.max(), 1) * 1.6)
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=9)
        if name in highlight:
            r, c, h, w = highlight[name]
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor=WRONG, lw=2.5))
        ax.set_xticks(range(m.shape[1]))
        ax.set_yticks(range(m.shape[0]))
        ax.set_xlabel("column")
        ax.set_ylabel("row")
        ax.set_title(f"{name} ({m.shape[0]}x{m.shape[1]})", fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    shapes = _names([f"{name} ({np.shape(m)[0]} by {np.shape(m)[1]})" for name, m in panels.items()])
    marked = f"; outlined in red: {_names(list(highlight))}" if highlight else ""
    return describe(fig, alt=f"Matrices with every value written in its cell: {shapes}{marked}.")


def filter_responses(images: Mapping[str, np.ndarray], title: str = "Filter responses",
                     cols: int = 3) -> plt.Figure:
    """Grey images (e.g. one photo filtered by several kernels), each with a colour bar. A
    signed response is drawn on a range centred at zero that clips the largest 1 % of
    ``|response|`` (mid-grey is 0, dark negative, light positive), so a few extreme pixels do
    not wash the edges out; an image without negative values runs from 0 to its 99.5th
    percentile."""
    n = len(images)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.6 * rows), squeeze=False)
    for ax, (name, image) in zip(axes.flat, images.items()):
        image = np.asarray(image, dtype=float)
        if np.any(image < 0):
            limit = symmetric_limit(image, 99.0)
            im = ax.imshow(image, cmap="gray", vmin=-limit, vmax=limit)
        else:
            im = ax.imshow(image, cmap="gray", vmin=0,
                           vmax=float(np.percentile(image, 99.5)) or 1.0)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("x (pixels)")
        ax.set_ylabel("y (pixels)")
        fig.colorbar(im, ax=ax, fraction=0.046, extend="both", label="response")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return describe(fig, alt=(
        f"{n} grey panels, {_names(list(images))}; in a signed response mid-grey is zero, "
        "dark is negative and light is positive."))


def side_by_side(images: Mapping[str, np.ndarray], title: str = "Images",
                 cols: int | None = None) -> plt.Figure:
    """Colour (``(h, w, 3)``) or grey (``(h, w)``) images, each titled, with pixel axes:
    e.g. one photo before and after a colour conversion. uint8 images are shown as they are
    (0 to 255), floats as values in [0, 1]."""
    n = len(images)
    cols = cols or n
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5.0 * cols, 3.6 * rows), squeeze=False)
    for ax, (name, image) in zip(axes.flat, images.items()):
        image = np.asarray(image)
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("x (pixels)")
        ax.set_ylabel("y (pixels)")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return describe(fig, alt=f"{n} images side by side: {_names(list(images))}.")


def pixel_values(image: np.ndarray, title: str = "An image is a matrix of numbers",
                 cell: float = 0.42) -> plt.Figure:
    """A grey image with every pixel's value written on it (dark text on light pixels and
    light text on dark ones), rows and columns numbered."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(f"need a grey (h, w) image, got shape {image.shape}.")
    h, w = image.shape
    fig, ax = plt.subplots(figsize=(cell * w + 1.0, cell * h + 1.0))
    ax.imshow(image, cmap="gray")
    threshold = image.min() + 0.5 * (image.max() - image.min())
    whole = np.issubdtype(image.dtype, np.integer) or bool(np.all(image == np.round(image)))
    for (i, j), v in np.ndenumerate(image):
        text = str(int(v)) if whole else f"{v:.2f}".lstrip("0")
        ax.text(j, i, text, ha="center", va="center", fontsize=6,
                color="black" if v > threshold else "white")
    ax.set_xticks(range(0, w, max(1, w // 7)))
    ax.set_yticks(range(0, h, max(1, h // 7)))
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_title(title)
    fig.tight_layout()
    return describe(fig, alt=(
        f"A {h} by {w} grey image with each pixel's value written on it, from "
        f"{image.min():g} (black) to {image.max():g} (white)."))



def curves_over_seeds(runs: Mapping[str, Sequence[Any]],
                      metrics: Sequence[str] = ("loss", "val_accuracy"),
                      title: str = "Learning curves over seeds") -> plt.Figure:
    """One panel per metric; per run (e.g. a network), the mean over its seeds as a line and
    the range from the lowest to the highest seed as a shaded band, so a reader sees the trend
    and how much of it a single seed could have changed. ``runs[name]`` is a sequence of
    histories (Keras ``History``, :class:`~course_utils.training.FitResult` or dicts) of the
    same length in epochs."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.8), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes[0], metrics):
        for i, (name, histories) in enumerate(runs.items()):
            values = np.array([_as_history(h)[metric] for h in histories], dtype=float)
            epochs = np.arange(1, values.shape[1] + 1)
            colour = colours[i % len(colours)]
            ax.plot(epochs, values.mean(axis=0), color=colour, marker="o", markersize=3,
                    label=f"{name} (mean of {len(values)} seeds)")
            ax.fill_between(epochs, values.min(axis=0), values.max(axis=0), color=colour,
                            alpha=0.2)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label(metric))
        ax.set_title(f"{label(metric)} (band: lowest to highest seed)")
        integer_ticks(ax)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return describe(fig, alt=(
        f"Line charts of {_names([label(m) for m in metrics])} against epoch for "
        f"{_names(list(runs))}: each line is the mean over seeds, with a band from the lowest "
        "to the highest seed."))


# --- descriptions in notebooks ------------------------------------------------------------


def generic_description(fig: Figure) -> dict[str, str]:
    """A description read off a figure drawn without a helper: its title and, per panel, its
    title, axis labels and legend entries. Better than a file name, short of the point to
    notice, which :func:`describe` adds."""
    title = fig._suptitle.get_text().strip() if fig._suptitle is not None else ""
    panels = []
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        parts = []
        if ax.get_title():
            parts.append(f"'{ax.get_title()}'")
        if ax.get_xlabel() or ax.get_ylabel():
            parts.append(f"{ax.get_ylabel() or 'values'} against {ax.get_xlabel() or 'position'}")
        legend = ax.get_legend()
        if legend is not None:
            parts.append("for " + _names([t.get_text() for t in legend.get_texts()]))
        if ax.images and not (ax.get_xlabel() or ax.get_ylabel()):
            parts.append("an image")
        if parts:
            panels.append(" ".join(parts))
    if len(panels) > 6:
        panels = panels[:6] + [f"and {len(panels) - 6} more panels"]
    kind = "A figure" if len(panels) <= 1 else f"A figure of {len(panels)} panels"
    caption = title or (fig.axes[0].get_title() if fig.axes else "")
    alt = f"{kind}{(' titled ' + repr(title)) if title else ''}: {'; '.join(panels) or 'a drawing'}."
    return {"alt": " ".join(alt.split()), **({"caption": caption} if caption else {})}


def _with_description(draw: Any) -> Any:
    def draw_with_description(fig: Figure, *args: Any, **kwargs: Any) -> Any:
        data = draw(fig, *args, **kwargs)
        metadata = None
        if isinstance(data, tuple) and len(data) == 2:
            data, metadata = data
        text = {**generic_description(fig), **description(fig)}
        if "caption" not in text and fig._suptitle is not None:
            text["caption"] = fig._suptitle.get_text()
        return data, {**(metadata or {}), METADATA_KEY: text}

    draw_with_description.course_utils_wrapped = True
    return draw_with_description


def carry_descriptions_in_notebook() -> bool:
    """In a Jupyter kernel, make every figure's PNG output carry its description in the
    output's metadata (``metadata["image/png"]["course_utils"]``), where ``make refresh``
    finds it and writes the alt text and caption into the cell's ``mystnb`` metadata.
    True when it is in place."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    import matplotlib

    if "inline" in str(matplotlib.get_backend()).lower():
        plt.switch_backend(matplotlib.get_backend())  # registers the inline PNG formatter now
    png = shell.display_formatter.formatters.get("image/png")
    try:
        draw = png.lookup_by_type(Figure)
    except (KeyError, AttributeError):
        return False
    if not getattr(draw, "course_utils_wrapped", False):
        png.for_type(Figure, _with_description(draw))
    return True


carry_descriptions_in_notebook()
