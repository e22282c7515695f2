"""VGG networks (Simonyan and Zisserman, 2015): configurations A, A-LRN, B, C, D and E from
one table.

Every configuration is five blocks of convolutions, each block followed by a 2x2 stride-2
max pooling, then three fully connected layers (4096, 4096, classes). The blocks differ only
in how many convolutions they stack; configuration C adds 1x1 convolutions, A-LRN adds local
response normalisation after the first convolution. ``CONFIGS`` below is the paper's Table 1
written as data: a block is a list of ``(kernel, filters)``.

Layers are named ``block<b>.conv<i>``, ``block<b>.pool`` and ``classifier.*``, so
``analysis.layer_table(model, group_by_prefix=".")`` gives one row per block.

The paper's own numbers stay here as data (``PAPER_PARAMS_MILLIONS``, Table 2, and
``PAPER_SINGLE_SCALE_ERRORS``, Table 3); tables that compare them with built models are made
by the generic functions of :mod:`course_utils.analysis`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from course_utils.models.alexnet import LocalResponseNormalization
from course_utils.models.layers import conv_bn, scaled

Block = tuple[tuple[int, int], ...]


def _block(n3: int, filters: int, n1: int = 0) -> Block:
    return ((3, filters),) * n3 + ((1, filters),) * n1


CONFIGS: dict[str, tuple[Block, ...]] = {
    "A": (_block(1, 64), _block(1, 128), _block(2, 256), _block(2, 512), _block(2, 512)),
    "B": (_block(2, 64), _block(2, 128), _block(2, 256), _block(2, 512), _block(2, 512)),
    "C": (_block(2, 64), _block(2, 128), _block(2, 256, 1), _block(2, 512, 1),
          _block(2, 512, 1)),
    "D": (_block(2, 64), _block(2, 128), _block(3, 256), _block(3, 512), _block(3, 512)),
    "E": (_block(2, 64), _block(2, 128), _block(4, 256), _block(4, 512), _block(4, 512)),
}
CONFIGS["A-LRN"] = CONFIGS["A"]
CONFIG_NAMES: tuple[str, ...] = ("A", "A-LRN", "B", "C", "D", "E")
# The names the configurations are known by (weight layers = convolutions + 3 dense).
COMMON_NAMES = {"A": "VGG11", "A-LRN": "VGG11-LRN", "B": "VGG13", "C": "VGG16 (1x1)",
                "D": "VGG16", "E": "VGG19"}

# The paper's Table 2: parameters in millions, as printed (rounded to whole millions).
PAPER_PARAMS_MILLIONS: dict[str, int] = {"A": 133, "A-LRN": 133, "B": 133, "C": 134, "D": 138,
                                         "E": 144}

# The paper's Table 3: ImageNet (ILSVRC-2012) validation error at a single test scale.
# Rows: (configuration, training scale S, test scale Q, top-1 error %, top-5 error %).
# S = "256-512" is scale jittering, S drawn from [256, 512], tested at Q = 384.
PAPER_SINGLE_SCALE_ERRORS: tuple[tuple[str, str, int, float, float], ...] = (
    ("A", "256", 256, 29.6, 10.4),
    ("A-LRN", "256", 256, 29.7, 10.5),
    ("B", "256", 256, 28.7, 9.9),
    ("C", "256", 256, 28.1, 9.4),
    ("C", "384", 384, 28.1, 9.3),
    ("C", "256-512", 384, 27.3, 8.8),
    ("D", "256", 256, 27.0, 8.8),
    ("D", "384", 384, 26.8, 8.7),
    ("D", "256-512", 384, 25.6, 8.1),
    ("E", "256", 256, 27.3, 9.0),
    ("E", "384", 384, 26.9, 8.7),
    ("E", "256-512", 384, 25.5, 8.0),
)


def weight_layers(config: str) -> int:
    """Convolutions plus the three fully connected layers (11 for A ... 19 for E)."""
    return sum(len(block) for block in _config(config)) + 3


def _config(config: str) -> tuple[Block, ...]:
    key = str(config).upper()
    if key not in CONFIGS:
        raise ValueError(f"Unknown VGG configuration {config!r}. Valid: {', '.join(CONFIG_NAMES)}.")
    return CONFIGS[key]


def describe(config: str) -> list[str]:
    """The configuration in the paper's notation, one string per block, e.g.
    ``["conv3-64", "conv3-128", "conv3-256 conv3-256 conv1-256", ...]``; A-LRN's first
    block reads ``"conv3-64 LRN"``, as in the paper's Table 1 (the layer the builder adds)."""
    rows = [" ".join(f"conv{k}-{f}" for k, f in block) for block in _config(config)]
    if str(config).upper() == "A-LRN":
        first, *rest = rows[0].split(" ")
        rows[0] = " ".join([first, "LRN", *rest])
    return rows


def vgg(*, config: str = "D", input_shape: Sequence[int] = (224, 224, 3),
        num_classes: int = 1000, width: float = 1.0, name: str | None = None,
        batch_norm: bool = False, dropout: float = 0.5, fc_units: int | None = None,
        weight_decay: float = 0.0, global_pool: bool = False,
        kernel_initializer: Any = "glorot_uniform", bn_momentum: float = 0.99) -> keras.Model:
    """A VGG network of configuration ``config`` (``"A"``, ``"A-LRN"``, ``"B"``, ``"C"``,
    ``"D"`` = VGG16 or ``"E"`` = VGG19).

    Arguments (all keyword-only):
        input_shape: ``(height, width, 3)``; the five poolings need at least 32 pixels.
        num_classes: size of the softmax output.
        width: multiplies every convolution's filters (and the dense units, unless
            ``fc_units`` is given) through :func:`~course_utils.models.layers.scaled`:
            0.125 turns 64-512 filters into 8-64; 1.0 is the paper's network.
        name: the model's name (default ``vgg_<config>``).
        batch_norm: batch normalisation between each convolution (and hidden dense layer)
            and its ReLU (not in the paper, which predates it; it is what lets the deep
            configurations train from scratch without the paper's staged initialisation).
        dropout: rate after the first two dense layers (paper 0.5).
        fc_units: units of the two hidden dense layers (default ``4096 * width``).
        weight_decay: the paper's L2 weight decay (5e-4). SGD weight decay ``wd`` equals an L2
            penalty ``wd / 2 * ||w||^2``, so each kernel gets ``keras.regularizers.L2(wd / 2)``.
        global_pool: global average pooling instead of flattening the last maps (fewer
            parameters; not in the paper's Table 1).
        kernel_initializer: Keras' default, or e.g. ``"he_normal"``; ``"zeros"`` builds a
            full-size model quickly when only its shapes and sizes are wanted (random
            initialisation of 124 million dense weights takes seconds).
        bn_momentum: momentum of the batch-norm moving averages (Keras' default 0.99 needs a
            few hundred steps before the validation numbers, computed with them, mean much).

    Convolutions are named ``block<b>.conv<i>`` (with batch norm: ``block<b>.conv<i>_conv``,
    ``_bn``, ``_relu``, from :func:`~course_utils.models.layers.conv_bn`), poolings
    ``block<b>.pool``, the dense layers ``classifier.fc1``, ``classifier.fc1.relu``, ...
    """
    blocks = _config(config)
    key = str(config).upper()
    size = min(int(input_shape[0]), int(input_shape[1]))
    if size < 32:
        raise ValueError(f"VGG halves the input five times; it needs at least 32 pixels, "
                         f"got {tuple(input_shape)}.")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}.")
    kl = keras.layers
    reg = keras.regularizers.L2(weight_decay / 2) if weight_decay else None
    units = fc_units or scaled(4096, width)

    inputs = keras.Input(tuple(input_shape), name="image")
    x = inputs
    for b, block in enumerate(blocks, start=1):
        for i, (kernel, filters) in enumerate(block, start=1):
            x = conv_bn(x, scaled(filters, width), kernel, name=f"block{b}.conv{i}",
                        batch_norm=batch_norm, bn_momentum=bn_momentum,
                        kernel_initializer=kernel_initializer, kernel_regularizer=reg)
            if key == "A-LRN" and b == 1 and i == 1:
                x = LocalResponseNormalization(name="block1.lrn")(x)
        x = kl.MaxPooling2D(2, strides=2, name=f"block{b}.pool")(x)
    if global_pool:
        x = kl.GlobalAveragePooling2D(name="classifier.gap")(x)
    else:
        x = kl.Flatten(name="classifier.flatten")(x)
    for i in (1, 2):
        x = kl.Dense(units, use_bias=not batch_norm, kernel_regularizer=reg,
                     kernel_initializer=kernel_initializer, name=f"classifier.fc{i}")(x)
        if batch_norm:
            x = kl.BatchNormalization(momentum=bn_momentum, name=f"classifier.fc{i}.bn")(x)
        x = kl.ReLU(name=f"classifier.fc{i}.relu")(x)
        if dropout:
            x = kl.Dropout(dropout, name=f"classifier.dropout{i}")(x)
    outputs = kl.Dense(num_classes, activation="softmax", kernel_regularizer=reg,
                       kernel_initializer=kernel_initializer,
                       name="classifier.predictions")(x)
    default = "vgg_" + key.lower().replace("-", "_")
    return keras.Model(inputs, outputs, name=name or default)


def block_params(convs: int, in_channels: int, out_channels: int, kernel: int = 3,
                 bias: bool = True) -> int:
    """Parameters of a VGG block of ``convs`` convolutions ``kernel x kernel`` (the first maps
    ``in_channels`` to ``out_channels``, the others keep ``out_channels``)."""
    if convs < 1:
        raise ValueError(f"a block needs at least one convolution, got {convs}.")
    per = kernel * kernel
    total = per * in_channels * out_channels + per * out_channels * out_channels * (convs - 1)
    return total + (convs * out_channels if bias else 0)
