"""Inception (GoogLeNet) modules and networks, v1 to Inception-ResNet (chapter 6).

Layers are named ``<block>.<layer>`` (e.g. ``inception_3a.b2_3x3``), so that
``analysis.layer_table(model, group_by_prefix=".")`` gives one row per module, the rows of
the paper's Table 1 (Szegedy et al., "Going deeper with convolutions", 2015), and
``analysis.paper_comparison(model, GOOGLENET_PAPER_TABLE1)`` sets them beside the paper's.

* :func:`naive_inception_module` and :func:`inception_module` (with 1x1 reductions): v1.
* :func:`googlenet`: v1 built from :data:`GOOGLENET_TABLE1`, the paper's Table 1 as data,
  optionally with batch normalization (v2), the two auxiliary classifiers (plain, or
  batch-normalized as in v3) and a small stem for small images; ``width`` shrinks it for
  CPU training.
* :func:`factorized_module` (5x5 -> two 3x3), :func:`asymmetric_module` (n x n ->
  1 x n + n x 1) and :func:`grid_reduction` (parallel strided conv and pooling): v3.
* :func:`inception_resnet_block`: an Inception-ResNet-A block with residual scaling.

Every convolution goes through :func:`course_utils.models.layers.conv_bn` and every filter
count through :func:`course_utils.models.layers.scaled`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import keras

from course_utils.models.layers import conv_bn, scaled


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


# GoogLeNet, Table 1 of Szegedy et al. (2015): the modules and max pools in order after
# the stem. The builder reads only this; nothing about sizes is typed anywhere else.
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

# The paper's own "params" and "ops" columns of Table 1, as printed, for comparison only
# (the builder never reads them): params in K = 1024 weights (biases not counted), ops in
# millions of multiply-adds. See analysis.paper_comparison.
GOOGLENET_PAPER_TABLE1: dict[str, tuple[float, float]] = {
    "conv1": (2.7, 34), "conv2": (112, 360),
    "inception_3a": (159, 128), "inception_3b": (380, 304),
    "inception_4a": (364, 73), "inception_4b": (437, 88), "inception_4c": (463, 100),
    "inception_4d": (580, 119), "inception_4e": (840, 170),
    "inception_5a": (1072, 54), "inception_5b": (1388, 71),
    "linear": (1000, 1),
}


# --- v1 ----------------------------------------------------------------------------------

def naive_inception_module(x: Any, *, n1x1: int, n3x3: int, n5x5: int,
                           name: str = "naive") -> Any:
    """Figure 2(a): 1x1, 3x3 and 5x5 convolutions and a 3x3 max pool side by side on the
    same input, concatenated. The pool branch passes all input channels through, so the
    output only grows from module to module."""
    b1 = conv_bn(x, n1x1, 1, name=f"{name}.b1_1x1", batch_norm=False)
    b2 = conv_bn(x, n3x3, 3, name=f"{name}.b2_3x3", batch_norm=False)
    b3 = conv_bn(x, n5x5, 5, name=f"{name}.b3_5x5", batch_norm=False)
    b4 = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}.b4_pool")(x)
    return keras.layers.Concatenate(name=f"{name}.concat")([b1, b2, b3, b4])


def inception_module(x: Any, spec: ModuleSpec | Sequence[int], *, name: str = "inception",
                     batch_norm: bool = False, bn_momentum: float = 0.99) -> Any:
    """Figure 2(b): the module with dimension reductions. Four branches: 1x1; 1x1 reduce ->
    3x3; 1x1 reduce -> 5x5; 3x3 max pool -> 1x1 projection; concatenated along channels.
    ``spec`` holds the six filter counts in Table 1's column order."""
    s = ModuleSpec(*spec)
    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}
    b1 = conv_bn(x, s.n1x1, 1, name=f"{name}.b1_1x1", **bn)
    b2 = conv_bn(x, s.n3x3_reduce, 1, name=f"{name}.b2_3x3_reduce", **bn)
    b2 = conv_bn(b2, s.n3x3, 3, name=f"{name}.b2_3x3", **bn)
    b3 = conv_bn(x, s.n5x5_reduce, 1, name=f"{name}.b3_5x5_reduce", **bn)
    b3 = conv_bn(b3, s.n5x5, 5, name=f"{name}.b3_5x5", **bn)
    b4 = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}.b4_pool")(x)
    b4 = conv_bn(b4, s.pool_proj, 1, name=f"{name}.b4_pool_proj", **bn)
    return keras.layers.Concatenate(name=f"{name}.concat")([b1, b2, b3, b4])


def source_inception_block(x: Any, filters: Sequence[int], *, name: str = "source") -> Any:
    """The source document's ``inception_block``, reproduced to show its error (do not use
    it as an Inception module). It has three branches, 1x1 -> 3x3, 1x1 -> 5x5 and
    pool -> 1x1, with no plain 1x1 branch, and reads five numbers, which the source took
    from the first five columns of Table 1 (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5):
    each lands one slot to the left of its column, and the pool projection gets the #5x5
    count."""
    f = list(filters)
    if len(f) != 5:
        raise ValueError(f"the source's block reads five numbers, got {len(f)}.")
    b1 = conv_bn(x, f[0], 1, name=f"{name}.t1_1x1", batch_norm=False)
    b1 = conv_bn(b1, f[1], 3, name=f"{name}.t1_3x3", batch_norm=False)
    b2 = conv_bn(x, f[2], 1, name=f"{name}.t2_1x1", batch_norm=False)
    b2 = conv_bn(b2, f[3], 5, name=f"{name}.t2_5x5", batch_norm=False)
    b3 = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}.t3_pool")(x)
    b3 = conv_bn(b3, f[4], 1, name=f"{name}.t3_1x1", batch_norm=False)
    return keras.layers.Concatenate(name=f"{name}.concat")([b1, b2, b3])


def _aux_classifier(x: Any, *, num_classes: int, name: str, width: float,
                    batch_norm: bool, fc_batch_norm: bool, bn_momentum: float) -> Any:
    """Section 5 of the paper: 5x5/3 average pool, 1x1 conv (128), FC 1024 + ReLU, 70%
    dropout, softmax. The conv is batch-normalized when the network is; with
    ``fc_batch_norm`` the fully connected layer is too (v3's "BN-auxiliary")."""
    size = min(5, int(x.shape[1]), int(x.shape[2]))
    x = keras.layers.AveragePooling2D(size, strides=3, name=f"{name}.avgpool")(x)
    x = conv_bn(x, scaled(128, width), 1, name=f"{name}.conv", batch_norm=batch_norm,
                bn_momentum=bn_momentum)
    x = keras.layers.Flatten(name=f"{name}.flatten")(x)
    units = scaled(1024, width)
    if fc_batch_norm:
        x = keras.layers.Dense(units, use_bias=False, name=f"{name}.fc")(x)
        x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"{name}.fc_bn")(x)
        x = keras.layers.Activation("relu", name=f"{name}.fc_relu")(x)
    else:
        x = keras.layers.Dense(units, activation="relu", name=f"{name}.fc")(x)
    x = keras.layers.Dropout(0.7, name=f"{name}.dropout")(x)
    return keras.layers.Dense(num_classes, activation="softmax", name=f"{name}.linear")(x)


def googlenet(*, input_shape: Sequence[int] = (224, 224, 3), num_classes: int = 1000,
              width: float = 1.0, name: str = "googlenet", stem: str = "imagenet",
              stem_strides: int = 1, stem_pool: bool = True, batch_norm: bool = False,
              bn_momentum: float = 0.99, dropout: float = 0.4,
              aux_classifiers: bool = False, aux_batch_norm: bool = False,
              aux_after: Sequence[str] = GOOGLENET_AUX_AFTER,
              table: Sequence[tuple[str, ModuleSpec | None]] = GOOGLENET_TABLE1
              ) -> keras.Model:
    """GoogLeNet (Inception v1) from :data:`GOOGLENET_TABLE1` (or the first rows of it).

    ``stem="imagenet"`` is the paper's 7x7/2 conv, 3x3/2 pool, 1x1 + 3x3 convs, 3x3/2 pool
    (224 -> 28 before the first module). ``stem="small"`` is one 3x3 conv (stride
    ``stem_strides``) and, with ``stem_pool``, one 2x2 max pool, for small images: 32 -> 16
    by default; with stride 2 and the pool, 64 -> 16; with neither, 16 -> 16 (the v3
    paper's low-resolution experiment kept the cost constant this way). ``width`` scales
    every filter count (:func:`course_utils.models.layers.scaled`); a small width gives a
    network that trains on a CPU, best with ``batch_norm=True, bn_momentum=0.9``. The
    paper's local response normalisation layers are left out (they have no parameters; v2
    replaced them by batch normalization, ``batch_norm=True``). The 7x7 average pool is a
    global average pool, so any input size works.

    With ``aux_classifiers`` the model has one more softmax output after each module named
    in ``aux_after`` (the paper: after 4a and 4d), in that order after the main output;
    ``aux_batch_norm`` batch-normalizes their fully connected layer too.
    """
    if stem not in ("imagenet", "small"):
        raise ValueError(f"stem must be 'imagenet' or 'small', got {stem!r}.")
    if stem == "imagenet" and (stem_strides != 1 or not stem_pool):
        raise ValueError("stem_strides and stem_pool apply to stem='small' only.")
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}.")
    modules = [block for block, spec in table if spec is not None]
    if aux_classifiers:
        missing = [block for block in aux_after if block not in modules]
        if missing:
            raise ValueError(f"aux_after names {', '.join(missing)}, not a module of this "
                             f"network ({', '.join(modules)}).")
    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}
    inputs = keras.Input(tuple(input_shape), name="image")
    c1_filters, c1_kernel, c1_stride = GOOGLENET_STEM["conv1"]
    if stem == "imagenet":
        x = conv_bn(inputs, scaled(c1_filters, width), c1_kernel, name="conv1.7x7",
                    strides=c1_stride, **bn)
        x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
        x = conv_bn(x, scaled(GOOGLENET_STEM["conv2_reduce"], width), 1,
                    name="conv2.3x3_reduce", **bn)
        x = conv_bn(x, scaled(GOOGLENET_STEM["conv2"], width), 3, name="conv2.3x3", **bn)
        x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    else:
        x = conv_bn(inputs, scaled(c1_filters, width), 3, name="conv1.3x3",
                    strides=stem_strides, **bn)
        if stem_pool:
            x = keras.layers.MaxPooling2D(2, name="pool1")(x)
    aux_outputs = {}
    for block, spec in table:
        if spec is None:
            x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name=block)(x)
            continue
        x = inception_module(x, [scaled(n, width) for n in spec], name=block, **bn)
        if aux_classifiers and block in aux_after:
            aux_outputs[block] = _aux_classifier(
                x, num_classes=num_classes, name=f"aux_{block.split('_')[-1]}", width=width,
                batch_norm=batch_norm, fc_batch_norm=aux_batch_norm, bn_momentum=bn_momentum)
    x = keras.layers.GlobalAveragePooling2D(name="avgpool")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="linear")(x)
    extra = [aux_outputs[block] for block in aux_after if block in aux_outputs]
    return keras.Model(inputs, [outputs, *extra] if extra else outputs, name=name)


def auxiliary_classifier(x: Any, *, num_classes: int = 1000, width: float = 1.0,
                         batch_norm: bool = False, fc_batch_norm: bool = False,
                         bn_momentum: float = 0.99, name: str = "aux") -> Any:
    """The auxiliary head that :func:`googlenet` attaches after (4a) and (4d), on its own
    (for drawing and counting it): 5x5/3 average pool, 1x1 conv (128), FC 1024 + ReLU, 70%
    dropout, softmax; ``fc_batch_norm`` gives v3's "BN-auxiliary"."""
    return _aux_classifier(x, num_classes=num_classes, name=name, width=width,
                           batch_norm=batch_norm, fc_batch_norm=fc_batch_norm,
                           bn_momentum=bn_momentum)


# --- v3: factorized convolutions and grid reduction ---------------------------------------

def factorized_module(x: Any, *, n1x1: int, n3x3_reduce: int, n3x3: int, n5x5_reduce: int,
                      n5x5: int, pool_proj: int, name: str = "inception_v3a") -> Any:
    """Figure 5 of Szegedy et al. (2016): the v1 module with its 5x5 branch replaced by two
    stacked 3x3 convolutions (same 5x5 receptive field, 18/25 of the cost). BN throughout."""
    b1 = conv_bn(x, n1x1, 1, name=f"{name}.b1_1x1")
    b2 = conv_bn(x, n3x3_reduce, 1, name=f"{name}.b2_3x3_reduce")
    b2 = conv_bn(b2, n3x3, 3, name=f"{name}.b2_3x3")
    b3 = conv_bn(x, n5x5_reduce, 1, name=f"{name}.b3_reduce")
    b3 = conv_bn(b3, n5x5, 3, name=f"{name}.b3_3x3a")
    b3 = conv_bn(b3, n5x5, 3, name=f"{name}.b3_3x3b")
    b4 = keras.layers.AveragePooling2D(3, strides=1, padding="same", name=f"{name}.b4_pool")(x)
    b4 = conv_bn(b4, pool_proj, 1, name=f"{name}.b4_pool_proj")
    return keras.layers.Concatenate(name=f"{name}.concat")([b1, b2, b3, b4])


def asymmetric_module(x: Any, *, n1x1: int, n_reduce: int, n_out: int, pool_proj: int,
                      n: int = 7, name: str = "inception_v3b") -> Any:
    """Figure 6: every n x n convolution factorized into 1 x n followed by n x 1 (cost 2n
    instead of n*n per output and channel pair). Branches: 1x1; 1x1 -> 1xn -> nx1;
    1x1 -> (nx1 -> 1xn) twice; average pool -> 1x1. BN throughout."""
    b1 = conv_bn(x, n1x1, 1, name=f"{name}.b1_1x1")
    b2 = conv_bn(x, n_reduce, 1, name=f"{name}.b2_reduce")
    b2 = conv_bn(b2, n_reduce, (1, n), name=f"{name}.b2_1x{n}")
    b2 = conv_bn(b2, n_out, (n, 1), name=f"{name}.b2_{n}x1")
    b3 = conv_bn(x, n_reduce, 1, name=f"{name}.b3_reduce")
    b3 = conv_bn(b3, n_reduce, (n, 1), name=f"{name}.b3_{n}x1a")
    b3 = conv_bn(b3, n_reduce, (1, n), name=f"{name}.b3_1x{n}a")
    b3 = conv_bn(b3, n_reduce, (n, 1), name=f"{name}.b3_{n}x1b")
    b3 = conv_bn(b3, n_out, (1, n), name=f"{name}.b3_1x{n}b")
    b4 = keras.layers.AveragePooling2D(3, strides=1, padding="same", name=f"{name}.b4_pool")(x)
    b4 = conv_bn(b4, pool_proj, 1, name=f"{name}.b4_pool_proj")
    return keras.layers.Concatenate(name=f"{name}.concat")([b1, b2, b3, b4])


def grid_reduction(x: Any, *, n3x3_reduce: int | None, n3x3: int, n_double_reduce: int,
                   n_double: int, name: str = "reduction") -> Any:
    """Figure 10: halve the grid and widen the filter bank at once, without a
    representational bottleneck. A stride-2 conv branch (1x1 -> 3x3/2), a deeper stride-2
    branch (1x1 -> 3x3 -> 3x3/2) and a 3x3/2 max pool run in parallel and are concatenated:
    output channels = ``n3x3 + n_double + input channels``. ``n3x3_reduce=None`` leaves out
    the first branch's 1x1: InceptionV3's 35x35 -> 17x17 reduction (Keras' ``mixed3``) has
    none, its stride-2 3x3 reads the input directly."""
    b1 = x if n3x3_reduce is None else conv_bn(x, n3x3_reduce, 1, name=f"{name}.b1_reduce")
    b1 = conv_bn(b1, n3x3, 3, name=f"{name}.b1_3x3_s2", strides=2, padding="valid")
    b2 = conv_bn(x, n_double_reduce, 1, name=f"{name}.b2_reduce")
    b2 = conv_bn(b2, n_double, 3, name=f"{name}.b2_3x3")
    b2 = conv_bn(b2, n_double, 3, name=f"{name}.b2_3x3_s2", strides=2, padding="valid")
    b3 = keras.layers.MaxPooling2D(3, strides=2, padding="valid", name=f"{name}.b3_pool")(x)
    return keras.layers.Concatenate(name=f"{name}.concat")([b1, b2, b3])


# --- Inception-ResNet ---------------------------------------------------------------------

def inception_resnet_block(x: Any, *, scale: float = 0.1,
                           filters: Sequence[int] = (32, 32, 48, 64),
                           name: str = "inception_resnet_a") -> Any:
    """Inception-ResNet-A (Szegedy et al. 2017, Figure 16) with residual scaling (Figure 20).

    Branches 1x1; 1x1 -> 3x3; 1x1 -> 3x3 -> 3x3 (filter counts from ``filters``: the 1x1s,
    then the 3x3s of the deeper branch), concatenated, projected back to the input's channel
    count by a linear 1x1 conv, multiplied by ``scale`` and added to the input; then ReLU.
    The paper scaled by 0.1-0.3 because its residual variants with more than 1,000 filters
    otherwise "died" early in training; ``scale=1`` is the plain residual sum.
    """
    f1, f2, f3a, f3b = filters
    channels = int(x.shape[-1])
    b1 = conv_bn(x, f1, 1, name=f"{name}.b1_1x1")
    b2 = conv_bn(x, f1, 1, name=f"{name}.b2_reduce")
    b2 = conv_bn(b2, f2, 3, name=f"{name}.b2_3x3")
    b3 = conv_bn(x, f1, 1, name=f"{name}.b3_reduce")
    b3 = conv_bn(b3, f3a, 3, name=f"{name}.b3_3x3a")
    b3 = conv_bn(b3, f3b, 3, name=f"{name}.b3_3x3b")
    mixed = keras.layers.Concatenate(name=f"{name}.concat")([b1, b2, b3])
    up = conv_bn(mixed, channels, 1, name=f"{name}.linear_1x1", batch_norm=False,
                 activation=None)  # linear: no activation, with its bias
    up = keras.layers.Rescaling(scale, name=f"{name}.scale")(up)
    out = keras.layers.Add(name=f"{name}.add")([x, up])
    return keras.layers.Activation("relu", name=f"{name}.relu")(out)
