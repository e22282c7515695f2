"""Inception (GoogLeNet) modules and networks, v1 to Inception-ResNet (chapter 6).

Layers are named ``<block>.<layer>`` (e.g. ``inception_3a.b2_3x3``), so that
``analysis.layer_table(model, group_by_prefix=".")`` gives one row per module, the rows of
the paper's Table 1 (Szegedy et al., "Going deeper with convolutions", 2015).

* :func:`naive_inception_module` and :func:`inception_module` (with 1x1 reductions): v1.
* :func:`googlenet`: v1 built from :data:`GOOGLENET_TABLE1`, the paper's Table 1 as data,
  optionally with the two auxiliary classifiers; ``width`` shrinks it for CPU training.
* :func:`factorized_module` (5x5 -> two 3x3), :func:`asymmetric_module` (n x n ->
  1 x n + n x 1) and :func:`grid_reduction` (parallel strided conv and pooling): v3.
* :func:`inception_resnet_block`: an Inception-ResNet-A block with residual scaling.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import keras
from keras import layers


class ModuleSpec(NamedTuple):
    """The filter counts of one v1 Inception module, as the columns of Table 1."""

    n1x1: int
    n3x3_reduce: int
    n3x3: int
    n5x5_reduce: int
    n5x5: int
    pool_proj: int

    @property
    def out_channels(self) -> int:
        return self.n1x1 + self.n3x3 + self.n5x5 + self.pool_proj


# GoogLeNet, Table 1 of Szegedy et al. (2015): the stem, then modules and max pools in order.
# The builder reads only this; nothing about sizes is typed anywhere else.
GOOGLENET_TABLE1: tuple[tuple[str, ModuleSpec | None], ...] = (
    ("inception_3a", ModuleSpec(64, 96, 128, 16, 32, 32)),
    ("inception_3b", ModuleSpec(128, 128, 192, 32, 96, 64)),
    ("pool3", None),
    ("inception_4a", ModuleSpec(192, 96, 208, 16, 48, 64)),
    ("inception_4b", ModuleSpec(160, 112, 224, 24, 64, 64)),
    ("inception_4c", ModuleSpec(128, 128, 256, 24, 64, 64)),
    ("inception_4d", ModuleSpec(112, 144, 288, 32, 64, 64)),
    ("inception_4e", ModuleSpec(256, 160, 320, 32, 128, 128)),
    ("pool4", None),
    ("inception_5a", ModuleSpec(256, 160, 320, 32, 128, 128)),
    ("inception_5b", ModuleSpec(384, 192, 384, 48, 128, 128)),
)
GOOGLENET_STEM = {"conv1": (64, 7, 2), "conv2_reduce": 64, "conv2": 192}
GOOGLENET_AUX_AFTER = ("inception_4a", "inception_4d")

# The paper's own "params" and "ops" columns of Table 1, for comparison only (the builder
# never reads them): params in K = 1024 weights (biases not counted), ops in millions of
# multiply-adds.
GOOGLENET_PAPER_TABLE1: dict[str, tuple[float, float]] = {
    "conv1": (2.7, 34), "conv2": (112, 360),
    "inception_3a": (159, 128), "inception_3b": (380, 304),
    "inception_4a": (364, 73), "inception_4b": (437, 88), "inception_4c": (463, 100),
    "inception_4d": (580, 119), "inception_4e": (840, 170),
    "inception_5a": (1072, 54), "inception_5b": (1388, 71),
    "linear": (1000, 1),
}


def _scaled(n: int, width: float) -> int:
    return max(1, round(n * width))


def conv(x: Any, filters: int, kernel: int | tuple[int, int], name: str, strides: int = 1,
         padding: str = "same", batch_norm: bool = False,
         activation: str | None = "relu", bn_momentum: float = 0.99) -> Any:
    """Convolution + ReLU (v1), or convolution without bias + BatchNorm + ReLU (v2 on).

    With ``batch_norm`` the bias is dropped: BatchNormalization subtracts the mean, so a bias
    before it would be cancelled (its own shift ``beta`` plays that role). A lower
    ``bn_momentum`` (e.g. 0.9) lets the moving statistics used at inference catch up within
    the few hundred steps of a CPU-sized training run.
    """
    x = layers.Conv2D(filters, kernel, strides=strides, padding=padding,
                      use_bias=not batch_norm, name=f"{name}_conv" if batch_norm else name,
                      activation=None if batch_norm else activation)(x)
    if batch_norm:
        x = layers.BatchNormalization(momentum=bn_momentum, name=f"{name}_bn")(x)
        if activation is not None:
            x = layers.Activation(activation, name=f"{name}_relu")(x)
    return x


# --- v1 ----------------------------------------------------------------------------------

def naive_inception_module(x: Any, n1x1: int, n3x3: int, n5x5: int, name: str = "naive") -> Any:
    """Figure 2(a): 1x1, 3x3 and 5x5 convolutions and a 3x3 max pool side by side on the
    same input, concatenated. The pool branch passes all input channels through, so the
    output only grows from module to module."""
    b1 = conv(x, n1x1, 1, f"{name}.b1_1x1")
    b2 = conv(x, n3x3, 3, f"{name}.b2_3x3")
    b3 = conv(x, n5x5, 5, f"{name}.b3_5x5")
    b4 = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}.b4_pool")(x)
    return layers.Concatenate(name=f"{name}.concat")([b1, b2, b3, b4])


def inception_module(x: Any, spec: ModuleSpec | Sequence[int], name: str = "inception",
                     batch_norm: bool = False, bn_momentum: float = 0.99) -> Any:
    """Figure 2(b): the module with dimension reductions. Four branches: 1x1; 1x1 reduce ->
    3x3; 1x1 reduce -> 5x5; 3x3 max pool -> 1x1 projection; concatenated along channels."""
    s = ModuleSpec(*spec)
    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}
    b1 = conv(x, s.n1x1, 1, f"{name}.b1_1x1", **bn)
    b2 = conv(x, s.n3x3_reduce, 1, f"{name}.b2_3x3_reduce", **bn)
    b2 = conv(b2, s.n3x3, 3, f"{name}.b2_3x3", **bn)
    b3 = conv(x, s.n5x5_reduce, 1, f"{name}.b3_5x5_reduce", **bn)
    b3 = conv(b3, s.n5x5, 5, f"{name}.b3_5x5", **bn)
    b4 = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}.b4_pool")(x)
    b4 = conv(b4, s.pool_proj, 1, f"{name}.b4_pool_proj", **bn)
    return layers.Concatenate(name=f"{name}.concat")([b1, b2, b3, b4])


def _aux_classifier(x: Any, num_classes: int, name: str, width: float) -> Any:
    """Section 5: 5x5/3 average pool, 1x1 conv (128), FC 1024, 70% dropout, softmax."""
    size = min(5, int(x.shape[1]), int(x.shape[2]))
    x = layers.AveragePooling2D(size, strides=3, name=f"{name}.avgpool")(x)
    x = conv(x, _scaled(128, width), 1, f"{name}.conv")
    x = layers.Flatten(name=f"{name}.flatten")(x)
    x = layers.Dense(_scaled(1024, width), activation="relu", name=f"{name}.fc")(x)
    x = layers.Dropout(0.7, name=f"{name}.dropout")(x)
    return layers.Dense(num_classes, activation="softmax", name=f"{name}.linear")(x)


def googlenet(input_shape: Sequence[int] = (224, 224, 3), num_classes: int = 1000,
              aux_classifiers: bool = False, width: float = 1.0, stem: str = "imagenet",
              batch_norm: bool = False, bn_momentum: float = 0.99, dropout: float = 0.4,
              table: Sequence[tuple[str, ModuleSpec | None]] = GOOGLENET_TABLE1,
              name: str = "googlenet") -> keras.Model:
    """GoogLeNet (Inception v1) from :data:`GOOGLENET_TABLE1`.

    ``stem="imagenet"`` is the paper's 7x7/2 conv, 3x3/2 pool, 1x1 + 3x3 convs, 3x3/2 pool
    (224 -> 28 before the first module); ``stem="small"`` is one 3x3 conv and one 2x2 pool
    for small images (64 -> 32). ``width`` scales every filter count (a small width gives a
    network that trains on a CPU, best with ``batch_norm=True, bn_momentum=0.9``). The
    paper's local response normalisation layers are left out (they have no parameters; v2
    replaced them by batch normalization, ``batch_norm=True``).
    The 7x7 average pool is a global average pool, so any input size works. With
    ``aux_classifiers`` the model has three softmax outputs: main, after 4a, after 4d.
    """
    if stem not in ("imagenet", "small"):
        raise ValueError(f"stem must be 'imagenet' or 'small', got {stem!r}.")
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}.")
    inputs = keras.Input(tuple(input_shape), name="image")
    c1_filters, c1_kernel, c1_stride = GOOGLENET_STEM["conv1"]
    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}
    if stem == "imagenet":
        x = conv(inputs, _scaled(c1_filters, width), c1_kernel, "conv1.7x7",
                 strides=c1_stride, **bn)
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
        x = conv(x, _scaled(GOOGLENET_STEM["conv2_reduce"], width), 1, "conv2.3x3_reduce", **bn)
        x = conv(x, _scaled(GOOGLENET_STEM["conv2"], width), 3, "conv2.3x3", **bn)
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    else:
        x = conv(inputs, _scaled(c1_filters, width), 3, "conv1.3x3", **bn)
        x = layers.MaxPooling2D(2, name="pool1")(x)
    aux_outputs = []
    for block, spec in table:
        if spec is None:
            x = layers.MaxPooling2D(3, strides=2, padding="same", name=block)(x)
            continue
        x = inception_module(x, [_scaled(n, width) for n in spec], block, **bn)
        if aux_classifiers and block in GOOGLENET_AUX_AFTER:
            aux_outputs.append(_aux_classifier(x, num_classes, f"aux_{block[-2:]}", width))
    x = layers.GlobalAveragePooling2D(name="avgpool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="linear")(x)
    return keras.Model(inputs, [outputs, *aux_outputs] if aux_outputs else outputs, name=name)


# --- v3: factorized convolutions and grid reduction ---------------------------------------

def factorized_module(x: Any, n1x1: int, n3x3_reduce: int, n3x3: int, n5x5_reduce: int,
                      n5x5: int, pool_proj: int, name: str = "inception_v3a") -> Any:
    """Figure 5 of Szegedy et al. (2016): the v1 module with its 5x5 branch replaced by two
    stacked 3x3 convolutions (same 5x5 receptive field, 18/25 of the cost). BN throughout."""
    b1 = conv(x, n1x1, 1, f"{name}.b1_1x1", batch_norm=True)
    b2 = conv(x, n3x3_reduce, 1, f"{name}.b2_3x3_reduce", batch_norm=True)
    b2 = conv(b2, n3x3, 3, f"{name}.b2_3x3", batch_norm=True)
    b3 = conv(x, n5x5_reduce, 1, f"{name}.b3_reduce", batch_norm=True)
    b3 = conv(b3, n5x5, 3, f"{name}.b3_3x3a", batch_norm=True)
    b3 = conv(b3, n5x5, 3, f"{name}.b3_3x3b", batch_norm=True)
    b4 = layers.AveragePooling2D(3, strides=1, padding="same", name=f"{name}.b4_pool")(x)
    b4 = conv(b4, pool_proj, 1, f"{name}.b4_pool_proj", batch_norm=True)
    return layers.Concatenate(name=f"{name}.concat")([b1, b2, b3, b4])


def asymmetric_module(x: Any, n1x1: int, n_reduce: int, n_out: int, pool_proj: int,
                      n: int = 7, name: str = "inception_v3b") -> Any:
    """Figure 6: every n x n convolution factorized into 1 x n followed by n x 1 (cost 2n
    instead of n*n per output and channel pair). Branches: 1x1; 1x1 -> 1xn -> nx1;
    1x1 -> (1xn -> nx1) twice; average pool -> 1x1."""
    b1 = conv(x, n1x1, 1, f"{name}.b1_1x1", batch_norm=True)
    b2 = conv(x, n_reduce, 1, f"{name}.b2_reduce", batch_norm=True)
    b2 = conv(b2, n_reduce, (1, n), f"{name}.b2_1x{n}", batch_norm=True)
    b2 = conv(b2, n_out, (n, 1), f"{name}.b2_{n}x1", batch_norm=True)
    b3 = conv(x, n_reduce, 1, f"{name}.b3_reduce", batch_norm=True)
    b3 = conv(b3, n_reduce, (n, 1), f"{name}.b3_{n}x1a", batch_norm=True)
    b3 = conv(b3, n_reduce, (1, n), f"{name}.b3_1x{n}a", batch_norm=True)
    b3 = conv(b3, n_reduce, (n, 1), f"{name}.b3_{n}x1b", batch_norm=True)
    b3 = conv(b3, n_out, (1, n), f"{name}.b3_1x{n}b", batch_norm=True)
    b4 = layers.AveragePooling2D(3, strides=1, padding="same", name=f"{name}.b4_pool")(x)
    b4 = conv(b4, pool_proj, 1, f"{name}.b4_pool_proj", batch_norm=True)
    return layers.Concatenate(name=f"{name}.concat")([b1, b2, b3, b4])


def grid_reduction(x: Any, n3x3_reduce: int, n3x3: int, n_double_reduce: int, n_double: int,
                   name: str = "reduction") -> Any:
    """Figure 10: halve the grid and widen the filter bank at once, without a
    representational bottleneck. A stride-2 conv branch (1x1 -> 3x3/2), a deeper stride-2
    branch (1x1 -> 3x3 -> 3x3/2) and a 3x3/2 max pool run in parallel and are concatenated:
    output channels = ``n3x3 + n_double + input channels``."""
    b1 = conv(x, n3x3_reduce, 1, f"{name}.b1_reduce", batch_norm=True)
    b1 = conv(b1, n3x3, 3, f"{name}.b1_3x3_s2", strides=2, padding="valid", batch_norm=True)
    b2 = conv(x, n_double_reduce, 1, f"{name}.b2_reduce", batch_norm=True)
    b2 = conv(b2, n_double, 3, f"{name}.b2_3x3", batch_norm=True)
    b2 = conv(b2, n_double, 3, f"{name}.b2_3x3_s2", strides=2, padding="valid", batch_norm=True)
    b3 = layers.MaxPooling2D(3, strides=2, padding="valid", name=f"{name}.b3_pool")(x)
    return layers.Concatenate(name=f"{name}.concat")([b1, b2, b3])


# --- Inception-ResNet ---------------------------------------------------------------------

def inception_resnet_block(x: Any, scale: float = 0.1, filters: Sequence[int] = (32, 32, 48, 64),
                           name: str = "inception_resnet_a") -> Any:
    """Inception-ResNet-A (Szegedy et al. 2017, Figure 16) with residual scaling (Figure 20).

    Branches 1x1; 1x1 -> 3x3; 1x1 -> 3x3 -> 3x3 (filter counts from ``filters``: the 1x1s,
    then the 3x3s of the deeper branch), concatenated, projected back to the input's channel
    count by a linear 1x1 conv, multiplied by ``scale`` and added to the input; then ReLU.
    ``scale`` of 0.1-0.3 kept very wide residual Inception networks from dying early in
    training; ``scale=1`` is the plain residual sum.
    """
    f1, f2, f3a, f3b = filters
    channels = int(x.shape[-1])
    b1 = conv(x, f1, 1, f"{name}.b1_1x1", batch_norm=True)
    b2 = conv(x, f1, 1, f"{name}.b2_reduce", batch_norm=True)
    b2 = conv(b2, f2, 3, f"{name}.b2_3x3", batch_norm=True)
    b3 = conv(x, f1, 1, f"{name}.b3_reduce", batch_norm=True)
    b3 = conv(b3, f3a, 3, f"{name}.b3_3x3a", batch_norm=True)
    b3 = conv(b3, f3b, 3, f"{name}.b3_3x3b", batch_norm=True)
    mixed = layers.Concatenate(name=f"{name}.concat")([b1, b2, b3])
    up = layers.Conv2D(channels, 1, name=f"{name}.linear_1x1")(mixed)  # linear: no activation
    up = layers.Rescaling(scale, name=f"{name}.scale")(up)
    out = layers.Add(name=f"{name}.add")([x, up])
    return layers.Activation("relu", name=f"{name}.relu")(out)


def table1_comparison(model: keras.Model) -> Any:
    """GoogLeNet's Table 1 recomputed from ``model`` next to the paper's columns.

    One row per row of the paper that has numbers: our weights in K = 1024 with biases left
    out (the paper's convention: 3a's 163,328 weights are its "159K"), the paper's params,
    our multiply-adds in millions, the paper's ops, and the differences in percent.
    """
    import numpy as np
    import pandas as pd

    from course_utils import analysis

    table = analysis.layer_table(model, group_by_prefix=".")
    weights: dict[str, int] = {}
    for layer in analysis.flat_layers(model):
        kernel = getattr(layer, "kernel", None)
        if kernel is not None:
            block = layer.name.split(".")[0]
            weights[block] = weights.get(block, 0) + int(np.prod(kernel.shape))
    rows = {}
    for block, (paper_params, paper_ops) in GOOGLENET_PAPER_TABLE1.items():
        ours_k = weights.get(block, 0) / 1024
        ours_m = int(table.loc[block, "mult-adds"]) / 1e6
        rows[block] = {"params (paper, K)": paper_params, "params (ours, K)": round(ours_k, 1),
                       "params diff %": round(100 * (ours_k - paper_params) / paper_params, 1),
                       "ops (paper, M)": paper_ops, "ops (ours, M)": round(ours_m, 1),
                       "ops diff %": round(100 * (ours_m - paper_ops) / paper_ops, 1)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "Table 1 row"
    out.attrs["weights (no biases)"] = sum(weights.values())
    out.attrs["params"] = table.attrs["total params"]
    out.attrs["mult-adds"] = table.attrs["total mult-adds"]
    return out


def block_model(block: Any, input_shape: Sequence[int], **kwargs: Any) -> keras.Model:
    """A model made of one block function applied to an input, for counting and testing:
    ``block_model(inception_module, (28, 28, 192), spec=..., name="3a")``. Keyword arguments
    (``name`` included) go to the block; the model is named after the block."""
    inputs = keras.Input(tuple(input_shape), name="features")
    return keras.Model(inputs, block(inputs, **kwargs), name=kwargs.get("name", "block"))
