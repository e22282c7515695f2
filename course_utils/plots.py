"""Figures used across chapters: learning curves, image grids, predictions, filters.

Every function returns the matplotlib ``Figure`` it drew, with a title and axis labels, so a
notebook can write ``fig = plots.history_curves(...)`` (assigning keeps the repr out of the
stored outputs) and the book shows the figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

RIGHT, WRONG = "tab:green", "tab:red"


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
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


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
    fig, axes = plt.subplots(rows, cols, figsize=(cell[0] * cols, cell[1] * rows), squeeze=False)
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
    fig.tight_layout()
    return fig


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
    fig.suptitle(f"{title}: {correct} of {n} right")
    fig.tight_layout()
    return fig


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
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return fig


def channels(image: np.ndarray, names: Sequence[str] = ("red", "green", "blue"),
             title: str = "An RGB image is three matrices") -> plt.Figure:
    """The image and each of its channels side by side, each channel in its own colour map."""
    cmaps = ("Reds", "Greens", "Blues")
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.4))
    _show(axes[0], image)
    axes[0].set_title("image")
    for c, ax in enumerate(axes[1:]):
        im = ax.imshow(image[..., c], cmap=cmaps[c], vmin=0, vmax=255)
        ax.set_title(f"{names[c]} channel")
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(im, ax=ax, fraction=0.046)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def filters(kernels: np.ndarray, title: str = "First-layer filters", cols: int = 8) -> plt.Figure:
    """Conv kernels of shape ``(kh, kw, in, out)``: RGB when ``in == 3``, else channel 0."""
    k = np.asarray(kernels)
    fig, axes = _grid(k.shape[-1], cols, (1.2, 1.3))
    for i, ax in enumerate(axes):
        w = k[..., i]
        if w.shape[-1] == 3:
            w = (w - w.min()) / (np.ptp(w) + 1e-8)
            ax.imshow(w)
        else:
            ax.imshow(w[..., 0], cmap="gray")
        ax.set_title(str(i), fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def feature_maps(maps: np.ndarray, title: str = "Feature maps", cols: int = 8,
                 max_maps: int = 32) -> plt.Figure:
    """Channels of one activation tensor ``(h, w, c)`` as grey images."""
    maps = np.asarray(maps)
    fig, axes = _grid(min(maps.shape[-1], max_maps), cols, (1.3, 1.4))
    for i, ax in enumerate(axes):
        ax.imshow(maps[..., i], cmap="viridis")
        ax.set_title(str(i), fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def metric_vs_size(table: Any, xlabel: str, ylabel: str, title: str,
                   logx: bool = True, logy: bool = False) -> plt.Figure:
    """One line per column of ``table`` (a DataFrame indexed by a size, or by a step count),
    with markers; ``logy`` puts the values on a log scale too."""
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for column in table.columns:
        ax.plot(table.index, table[column], marker="o", label=str(column))
    if logx:
        ax.set_xscale("log")
        ax.set_xticks(list(table.index), [str(i) for i in table.index])
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


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
        ax.set_xlabel("layer")
        ax.set_ylabel(f"{column}{' (log scale)' if logy else ''}")
        ax.set_title(column)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


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
        ax.imshow(m, cmap="Blues", vmin=min(m.min(), 0), vmax=max(m.max(), 1) * 1.6)
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
    return fig


def filter_responses(images: Mapping[str, np.ndarray], title: str = "Filter responses",
                     cols: int = 3) -> plt.Figure:
    """Grey images (e.g. one photo filtered by several kernels), each scaled to its own range
    with a colour bar, so negative responses stay visible."""
    n = len(images)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.6 * rows), squeeze=False)
    for ax, (name, image) in zip(axes.flat, images.items()):
        im = ax.imshow(np.asarray(image, dtype=float), cmap="gray")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("x (pixels)")
        ax.set_ylabel("y (pixels)")
        fig.colorbar(im, ax=ax, fraction=0.046)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


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
    return fig


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
    return fig



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
        ax.set_ylabel(metric)
        ax.set_title(f"{metric} (band: lowest to highest seed)")
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
