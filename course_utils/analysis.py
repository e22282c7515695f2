"""Sizes computed from built models: per-layer parameters and multiply-adds, and the
arithmetic of convolution output sizes and receptive fields.

The chapters never type a table of parameters or operations: they build the network with
:mod:`course_utils.models` and call :func:`layer_table`, so the numbers shown are the
numbers of the code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def conv_output_size(n: int, kernel: int, stride: int = 1, padding: int | str = 0) -> int:
    """Output length of a convolution or pooling along one axis.

    ``padding`` is a number of pixels added on each side, ``"valid"`` (0) or ``"same"``
    (output ``ceil(n / stride)``, as in Keras). Formula: ``floor((n + 2p - k) / s) + 1``.
    """
    if n < 1 or kernel < 1 or stride < 1:
        raise ValueError(f"need n, kernel, stride >= 1; got n={n}, kernel={kernel}, stride={stride}.")
    if padding == "same":
        return -(-n // stride)
    if padding == "valid":
        padding = 0
    if not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be 'same', 'valid' or a non-negative int, got {padding!r}.")
    if n + 2 * padding < kernel:
        raise ValueError(f"kernel {kernel} is larger than the padded input {n + 2 * padding}.")
    return (n + 2 * padding - kernel) // stride + 1


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field ``size`` (pixels of the input seen by one output unit), ``jump``
    (input pixels between neighbouring output units) after a stack of layers."""

    size: int
    jump: int


def receptive_field(layers: Iterable[tuple[int, int]]) -> ReceptiveField:
    """Receptive field of a stack of ``(kernel, stride)`` layers, first layer first.

    Each layer grows the field by ``(kernel - 1) * jump`` and multiplies the jump by its
    stride: two stacked 3x3 stride-1 convolutions see 5x5, three see 7x7.
    """
    size, jump = 1, 1
    for kernel, stride in layers:
        if kernel < 1 or stride < 1:
            raise ValueError(f"kernel and stride must be >= 1, got {(kernel, stride)}.")
        size += (kernel - 1) * jump
        jump *= stride
    return ReceptiveField(size, jump)


def _shape(tensor_or_shape: Any) -> tuple:
    shape = getattr(tensor_or_shape, "shape", tensor_or_shape)
    return tuple(None if d is None else int(d) for d in shape)


def _port_shape(layer: Any, port: str) -> tuple:
    """The shape of a layer's ``"input"`` or ``"output"`` (its first, if it has several);
    ``()`` for a layer that was never called."""
    try:
        tensor = getattr(layer, port)
    except (AttributeError, ValueError):
        return ()
    if isinstance(tensor, (list, tuple)):
        return _shape(tensor[0])
    return _shape(tensor)


def _out_shape(layer: Any) -> tuple:
    return _port_shape(layer, "output")


def _in_shape(layer: Any) -> tuple:
    return _port_shape(layer, "input")


def layer_macs(layer: Any) -> int:
    """Multiply-adds of one layer for one input example (0 for layers without weights
    products: pooling, activations, normalisation, reshaping)."""
    import keras

    out = _out_shape(layer)
    inp = _in_shape(layer)
    spatial = int(np.prod([d for d in out[1:-1] if d is not None])) if len(out) > 2 else 1
    if isinstance(layer, keras.layers.DepthwiseConv2D):
        kh, kw = layer.kernel_size
        return spatial * out[-1] * kh * kw
    if isinstance(layer, keras.layers.SeparableConv2D):
        kh, kw = layer.kernel_size
        mid = inp[-1] * layer.depth_multiplier  # depthwise channels, then a 1x1 to out[-1]
        return spatial * mid * kh * kw + spatial * mid * out[-1]
    if isinstance(layer, keras.layers.Conv2D):
        kh, kw = layer.kernel_size
        return spatial * out[-1] * kh * kw * inp[-1] // layer.groups
    if isinstance(layer, keras.layers.Dense):
        lead = int(np.prod([d for d in inp[1:-1] if d is not None])) if len(inp) > 2 else 1
        return lead * inp[-1] * layer.units
    return 0


def flat_layers(model: Any) -> list[Any]:
    """Layers in order, nested models expanded, input layers skipped."""
    import keras

    out = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.extend(flat_layers(layer))
        elif not isinstance(layer, keras.layers.InputLayer):
            out.append(layer)
    return out


def layer_table(model: Any, group_by_prefix: str | None = None) -> Any:
    """A DataFrame with one row per layer: type, output shape, parameters, multiply-adds.

    With ``group_by_prefix="."`` layers named ``block.conv`` are summed into one row per
    ``block`` (e.g. one row per Inception module). Totals are in ``table.attrs``.
    """
    import pandas as pd

    rows = []
    for layer in flat_layers(model):
        params = int(sum(np.prod(w.shape) for w in layer.weights))
        rows.append({"layer": layer.name, "type": type(layer).__name__,
                     "output shape": str(_out_shape(layer)[1:]).replace(",)", ")"),
                     "params": params, "mult-adds": layer_macs(layer)})
    table = pd.DataFrame(rows)
    if group_by_prefix is not None and len(table):
        table["block"] = table["layer"].str.split(group_by_prefix).str[0]
        grouped = table.groupby("block", sort=False).agg(
            {"type": "last", "output shape": "last", "params": "sum", "mult-adds": "sum"})
        table = grouped.reset_index().rename(columns={"block": "layer"})
    table.attrs["total params"] = int(table["params"].sum()) if len(table) else 0
    table.attrs["total mult-adds"] = int(table["mult-adds"].sum()) if len(table) else 0
    return table.set_index("layer")


def split_by_type(table: Any, groups: dict[str, Sequence[str]] | None = None) -> Any:
    """Parameters and multiply-adds summed per kind of layer, with shares of the total.

    Default groups: ``conv`` (Conv2D and variants) and ``dense``; everything else is
    ``other``. This is the conv-vs-dense split behind "conv layers hold the compute, dense
    layers hold the parameters".
    """
    import pandas as pd

    groups = groups or {"conv": ("Conv2D", "DepthwiseConv2D", "SeparableConv2D"),
                        "dense": ("Dense",)}
    kind = table["type"].map(lambda t: next((g for g, ts in groups.items() if t in ts), "other"))
    summary = table.groupby(kind)[["params", "mult-adds"]].sum()
    summary = summary.reindex([g for g in [*groups, "other"] if g in summary.index])
    total = summary.sum()
    summary["params %"] = (100 * summary["params"] / max(total["params"], 1)).round(1)
    summary["mult-adds %"] = (100 * summary["mult-adds"] / max(total["mult-adds"], 1)).round(1)
    summary.index.name = "layer kind"
    return pd.DataFrame(summary)


def totals(model: Any) -> dict[str, int]:
    """Total parameters and multiply-adds of a model for one example."""
    table = layer_table(model)
    return {"params": table.attrs["total params"], "mult-adds": table.attrs["total mult-adds"]}


def count_params(model: Any, trainable: bool | None = None) -> int:
    """Number of parameters: all, only trainable (``True``) or only frozen (``False``)."""
    if trainable is None:
        weights = model.weights
    elif trainable:
        weights = model.trainable_weights
    else:
        weights = model.non_trainable_weights
    return int(sum(np.prod(w.shape) for w in weights))


def size_table(builders: Mapping[str, Callable[[], Any]], *,
               extra: Mapping[str, Mapping[str, Any]] | None = None,
               index_name: str = "model") -> Any:
    """One row per model: conv and dense parameters, total parameters and multiply-adds per
    example, computed from the model that ``builders[name]()`` builds.

    The models are built one at a time and the Keras session is cleared after each, so a
    family of full-size networks fits in memory (build them with
    ``kernel_initializer="zeros"`` when only their sizes matter). ``extra[name]`` adds
    columns before the computed ones, e.g. a paper's own numbers to compare against.
    """
    import keras
    import pandas as pd

    rows = {}
    for name, build in builders.items():
        model = build()
        table = layer_table(model)
        split = split_by_type(table)
        rows[name] = {**dict((extra or {}).get(name, {})),
                      "conv params": int(split["params"].get("conv", 0)),
                      "dense params": int(split["params"].get("dense", 0)),
                      "params": table.attrs["total params"],
                      "mult-adds": table.attrs["total mult-adds"]}
        del model
        keras.backend.clear_session()
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = index_name
    return frame


def activation_table(model: Any, x: Any, layers: Sequence[str], *,
                     training: bool = False) -> Any:
    """What the named layers of ``model`` output for the batch ``x``: one row per layer with
    the root mean square of the output (``"RMS"``) and the share of its units, the channels
    of the last axis, that are zero or below for every example and position (``"dead"``:
    a ReLU unit in that state passes no gradient to anything beneath it).

    ``training=True`` runs batch normalization on the batch's own statistics, as in a
    training step.
    """
    import keras
    import pandas as pd

    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # no Keras warning
    probe = keras.Model(inputs, [model.get_layer(n).output for n in layers])
    outputs = probe(x, training=training)
    if len(layers) == 1:
        outputs = [outputs]
    rows = {}
    for name, out in zip(layers, outputs):
        values = np.asarray(out, dtype=np.float64)
        units = values.reshape(-1, values.shape[-1])
        rows[name] = {"RMS": float(np.sqrt(np.mean(np.square(values)))),
                      "dead": float(np.mean(np.all(units <= 0, axis=0)))}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "layer"
    return table


def rounding_pct(printed: float) -> float:
    """How far, in percent of it, rounding can have moved a number printed as ``printed``:
    half a unit in its last printed digit (a whole number's trailing zeros count as
    printed). ``159`` -> 0.31, ``2.7`` -> 1.85, ``1`` -> 50."""
    from decimal import Decimal

    value = float(printed)
    if value == 0:
        raise ValueError("a printed 0 carries no relative precision.")
    place = 1.0 if value.is_integer() else 10.0 ** int(Decimal(repr(value)).as_tuple().exponent)
    return 100 * 0.5 * place / abs(value)


def paper_comparison(model: Any, paper: Mapping[str, tuple[float, float]], *,
                     prefix: str = ".", params_unit: tuple[str, float] = ("K", 1024),
                     ops_unit: tuple[str, float] = ("M", 1e6)) -> Any:
    """A model's weights and multiply-adds per block next to a paper's table of them.

    ``paper`` maps a block name (the part of the layer names before ``prefix``, as in
    ``layer_table(model, group_by_prefix=prefix)``) to the paper's ``(params, ops)`` as
    printed, in ``params_unit`` and ``ops_unit`` (a label and its size: GoogLeNet's paper
    writes "K" for 1,024 weights and "M" for a million multiply-adds). Weights are counted
    the way such tables count them: kernels only (no biases, no batch-normalization
    numbers).

    Columns, one row per row of the paper: the paper's params, ours, the difference in
    percent, and how far rounding can have moved the paper's number (:func:`rounding_pct`);
    then the same for ops. ``attrs`` holds the totals ("weights (no biases)", Keras'
    "params", "mult-adds", and the sums of the paper's columns, "paper weights" and
    "paper mult-adds") and, under "beyond rounding", the rows per column ("params", "ops")
    whose difference is larger than rounding can explain.
    """
    import pandas as pd

    table = layer_table(model, group_by_prefix=prefix)
    weights: dict[str, int] = {}
    for layer in flat_layers(model):
        for kernel in (getattr(layer, n, None) for n in
                       ("kernel", "depthwise_kernel", "pointwise_kernel")):
            if kernel is not None:
                block = layer.name.split(prefix)[0]
                weights[block] = weights.get(block, 0) + int(np.prod(kernel.shape))
    missing = [block for block in paper if block not in table.index]
    if missing:
        raise KeyError(f"the model has no block {', '.join(missing)}; its blocks are "
                       f"{', '.join(table.index)}.")
    (p_label, p_size), (o_label, o_size) = params_unit, ops_unit
    rows, beyond = {}, {"params": [], "ops": []}
    for block, (paper_params, paper_ops) in paper.items():
        ours = {"params": weights.get(block, 0) / p_size,
                "ops": int(table.loc[block, "mult-adds"]) / o_size}
        row: dict[str, float] = {}
        for column, printed, label in (("params", paper_params, p_label),
                                       ("ops", paper_ops, o_label)):
            diff = 100 * (ours[column] - printed) / printed
            bound = rounding_pct(printed)
            if abs(diff) > bound + 1e-9:
                beyond[column].append(block)
            row.update({f"{column} (paper, {label})": printed,
                        f"{column} (ours, {label})": round(ours[column], 1),
                        f"{column} diff %": round(diff, 2),
                        f"{column} rounding %": round(bound, 2)})
        rows[block] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "paper row"
    out.attrs.update({
        "weights (no biases)": sum(weights.values()),
        "params": table.attrs["total params"], "mult-adds": table.attrs["total mult-adds"],
        "paper weights": sum(p for p, _ in paper.values()) * p_size,
        "paper mult-adds": sum(o for _, o in paper.values()) * o_size,
        "beyond rounding": beyond})
    return out


def residual_ratios(model: Any, x: Any) -> dict[str, float]:
    """How large each residual branch's output is next to the shortcut it is added to.

    For every two-input ``Add`` layer of ``model`` (nested models are not searched), the
    root-mean-square of its *second* input (the residual branch ``F(x)``) divided by that of
    its *first* (the shortcut), over the examples ``x``, in inference mode. The builders of
    :mod:`course_utils.models.resnet` add ``[shortcut, branch]`` in that order. A ratio well
    below 1 means the block makes a small correction to its input.
    """
    import keras

    adds = [layer for layer in model.layers
            if isinstance(layer, keras.layers.Add) and len(layer.input) == 2]
    if not adds:
        raise ValueError(f"{model.name} has no two-input Add layer (no residual blocks).")
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # no Keras warning
    probe = keras.Model(inputs, [t for layer in adds for t in layer.input])
    values = [np.asarray(v, dtype=np.float64) for v in probe(x, training=False)]
    ratios = {}
    for i, layer in enumerate(adds):
        shortcut, branch = (float(np.sqrt(np.mean(np.square(v))))
                            for v in values[2 * i: 2 * i + 2])
        ratios[layer.name] = branch / max(shortcut, 1e-12)
    return ratios
