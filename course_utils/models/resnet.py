"""Residual networks (chapter 7): blocks, ResNet-18 to 152, the CIFAR ResNets and their
plain twins, and the paper's tables as constants.

Layers are named ``<block>.<layer>`` (e.g. ``conv3_1.shortcut_conv``), so that
``analysis.layer_table(model, group_by_prefix=".")`` gives one row per block.

* :func:`basic_block` (two 3x3 convs) and :func:`bottleneck_block` (1x1 reduce, 3x3, 1x1
  expand), each with an identity shortcut, a projection shortcut (1x1 conv + BN) when the
  shape changes, a parameter-free zero-padding shortcut (the paper's option A), or none.
* :func:`imagenet_resnet`: ResNet-18/34/50/101/152 from :data:`RESNET_CONFIGS` (Table 1 of
  He et al., "Deep residual learning for image recognition", 2016).
* :func:`cifar_resnet`: the paper's 6n+2-layer CIFAR network (16/32/64 filters times
  ``width``); with ``residual=False`` it is the plain twin with exactly the same layers and
  parameters. :data:`CIFAR_PAPER` holds the paper's Table 6 for it.

Every builder takes keyword-only ``input_shape``, ``num_classes``, ``width`` (a multiplier
of the paper's channel counts, through :func:`course_utils.models.layers.scaled`) and
``name``; every conv + BN is :func:`course_utils.models.layers.conv_bn`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from course_utils.models.layers import conv_bn, scaled

# Table 1 of He et al. (2016): block type and number of blocks in conv2_x ... conv5_x.
RESNET_CONFIGS: dict[int, tuple[str, tuple[int, int, int, int]]] = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}
# The paper's "FLOPs" row of Table 1 (they are multiply-adds), x 10^9, for comparison only.
RESNET_PAPER_GMACS: dict[int, float] = {18: 1.8, 34: 3.6, 50: 3.8, 101: 7.6, 152: 11.3}
# Table 6 of He et al. (2016): the CIFAR-10 ResNets (option A shortcuts, 16/32/64 filters),
# depth -> (blocks per stage n, parameters in millions, test error in %). For ResNet-110 the
# paper gives the best of 5 runs (6.43) and, in brackets, mean +- std 6.61 +- 0.16. ResNet-1202
# reaches a training error below 0.1 %, like ResNet-110, but tests worse: overfitting.
CIFAR_PAPER: dict[int, tuple[int, float, float]] = {
    20: (3, 0.27, 8.75),
    32: (5, 0.46, 7.51),
    44: (7, 0.66, 7.17),
    56: (9, 0.85, 6.97),
    110: (18, 1.7, 6.43),
    1202: (200, 19.4, 7.93),
}
CIFAR_WIDTHS: tuple[int, int, int] = (16, 32, 64)
BOTTLENECK_EXPANSION = 4
SHORTCUTS = ("auto", "projection", "zero_pad", None)
# The initializer and epsilon of the paper's Caffe models and of keras.applications' ResNet.
_CONV = {"kernel_initializer": "he_normal", "bn_epsilon": 1.001e-5}


@keras.saving.register_keras_serializable(package="course_utils")
class ZeroPadChannels(keras.layers.Layer):
    """Append ``extra`` all-zero channels: the parameter-free shortcut of option A."""

    def __init__(self, extra: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extra = int(extra)

    def call(self, x: Any) -> Any:
        return keras.ops.pad(x, [[0, 0], [0, 0], [0, 0], [0, self.extra]])

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple:
        *lead, channels = input_shape
        return (*lead, None if channels is None else channels + self.extra)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "extra": self.extra}


def _shortcut(x: Any, out_channels: int, stride: int, kind: str, name: str,
              use_bias: bool, bn_momentum: float) -> Any:
    in_channels = int(x.shape[-1])
    same_shape = stride == 1 and in_channels == out_channels
    if kind == "projection" or (kind == "auto" and not same_shape):
        return conv_bn(x, out_channels, 1, name=f"{name}.shortcut", strides=stride,
                       use_bias=use_bias, activation=None, bn_momentum=bn_momentum, **_CONV)
    if kind == "zero_pad" and not same_shape:
        if out_channels < in_channels:
            raise ValueError("a zero-padding shortcut cannot reduce the channel count.")
        if stride > 1:  # keep every stride-th pixel, like the strided conv does
            x = keras.layers.MaxPooling2D(1, strides=stride, padding="same",
                                          name=f"{name}.shortcut_subsample")(x)
        return ZeroPadChannels(out_channels - in_channels, name=f"{name}.shortcut_pad")(x)
    return x


def _merge(x: Any, y: Any, shortcut: str | None, out_channels: int, stride: int, name: str,
           use_bias: bool, bn_momentum: float) -> Any:
    if shortcut is not None:
        short = _shortcut(x, out_channels, stride, shortcut, name, use_bias, bn_momentum)
        y = keras.layers.Add(name=f"{name}.add")([short, y])
    return keras.layers.Activation("relu", name=f"{name}.relu_out")(y)


def _check_shortcut(shortcut: str | None) -> None:
    if shortcut not in SHORTCUTS:
        raise ValueError(f"shortcut must be one of {SHORTCUTS}, got {shortcut!r}.")


def basic_block(x: Any, filters: int, *, stride: int = 1, shortcut: str | None = "auto",
                use_bias: bool = False, bn_momentum: float = 0.99,
                name: str = "block") -> Any:
    """Two 3x3 conv + BN layers (ReLU between); the input is added back before the final
    ReLU: ``relu(F(x) + shortcut(x))``. The first conv carries the ``stride``.

    ``shortcut``: ``"auto"`` (identity, or a 1x1 projection + BN when the shape changes:
    the paper's option B), ``"projection"`` (always project: option C), ``"zero_pad"``
    (strided identity with zero channels appended: option A, no parameters) or ``None``
    (no shortcut: the block of a plain network). ``bn_momentum`` of 0.9 suits short CPU runs.
    The residual branch's last layer is ``<name>.b_bn``.
    """
    _check_shortcut(shortcut)
    bn = {"use_bias": use_bias, "bn_momentum": bn_momentum}
    y = conv_bn(x, filters, 3, name=f"{name}.a", strides=stride, **bn, **_CONV)
    y = conv_bn(y, filters, 3, name=f"{name}.b", activation=None, **bn, **_CONV)
    return _merge(x, y, shortcut, filters, stride, name, **bn)


def bottleneck_block(x: Any, filters: int, *, stride: int = 1,
                     shortcut: str | None = "auto", use_bias: bool = False,
                     bn_momentum: float = 0.99, name: str = "block") -> Any:
    """1x1 conv to ``filters`` (carrying the stride, as in the paper and Keras' ResNet50),
    3x3 conv at ``filters``, 1x1 conv back up to ``4 * filters``; each with BN, ReLU between;
    added to the shortcut before the final ReLU. ``shortcut`` as in :func:`basic_block`."""
    _check_shortcut(shortcut)
    out = BOTTLENECK_EXPANSION * filters
    bn = {"use_bias": use_bias, "bn_momentum": bn_momentum}
    y = conv_bn(x, filters, 1, name=f"{name}.a", strides=stride, **bn, **_CONV)
    y = conv_bn(y, filters, 3, name=f"{name}.b", **bn, **_CONV)
    y = conv_bn(y, out, 1, name=f"{name}.c", activation=None, **bn, **_CONV)
    return _merge(x, y, shortcut, out, stride, name, **bn)


def preact_block(x: Any, filters: int, *, stride: int = 1, shortcut: str | None = "auto",
                 use_bias: bool = False, bn_momentum: float = 0.99,
                 name: str = "block") -> Any:
    """The pre-activation basic block of He et al., "Identity mappings in deep residual
    networks" (2016): BN + ReLU *before* each 3x3 conv, and nothing after the addition,
    ``x + F(x)`` with ``F = conv(relu(bn(conv(relu(bn(x))))))``; the shortcut stays a pure
    identity when the shape is unchanged.

    A projection shortcut (``"auto"`` on a shape change, or ``"projection"``) is a 1x1 conv
    without BN of its own, reading the pre-activated input as in that paper; ``"zero_pad"``
    and ``None`` as in :func:`basic_block`. Layers: ``<name>.pre_bn``, ``<name>.pre_relu``,
    ``<name>.a_conv``, ``<name>.a_bn``, ``<name>.a_relu``, ``<name>.b_conv``, ``<name>.add``.
    """
    _check_shortcut(shortcut)
    init = _CONV["kernel_initializer"]
    eps = _CONV["bn_epsilon"]
    pre = keras.layers.BatchNormalization(momentum=bn_momentum, epsilon=eps,
                                          name=f"{name}.pre_bn")(x)
    pre = keras.layers.Activation("relu", name=f"{name}.pre_relu")(pre)
    y = conv_bn(pre, filters, 3, name=f"{name}.a", strides=stride, use_bias=use_bias,
                bn_momentum=bn_momentum, **_CONV)
    y = keras.layers.Conv2D(filters, 3, padding="same", use_bias=use_bias,
                            kernel_initializer=init, name=f"{name}.b_conv")(y)
    if shortcut is None:
        return y
    same_shape = stride == 1 and int(x.shape[-1]) == filters
    if shortcut == "projection" or (shortcut == "auto" and not same_shape):
        short = keras.layers.Conv2D(filters, 1, strides=stride, use_bias=use_bias,
                                    kernel_initializer=init,
                                    name=f"{name}.shortcut_conv")(pre)
    else:
        short = _shortcut(x, filters, stride, shortcut, name, use_bias, bn_momentum)
    return keras.layers.Add(name=f"{name}.add")([short, y])


BLOCKS = {"basic": basic_block, "bottleneck": bottleneck_block}


def imagenet_resnet(*, depth: int = 50, input_shape: Sequence[int] = (224, 224, 3),
                    num_classes: int = 1000, width: float = 1.0, include_top: bool = True,
                    use_bias: bool = False, shortcut: str | None = "auto",
                    name: str | None = None) -> keras.Model:
    """ResNet-``depth`` (18, 34, 50, 101 or 152) from :data:`RESNET_CONFIGS`.

    Stem: 7x7/2 conv (64 filters) + BN + ReLU, 3x3/2 max pool; then the stages conv2_x ...
    conv5_x with 64, 128, 256, 512 filters (the first block of conv3_x to conv5_x halves the
    grid); global average pool and a ``num_classes`` softmax. ``width`` scales every filter
    count (1.0 = the paper; smaller for tests and CPU runs). ``use_bias=True`` adds the
    (redundant, BN follows) conv biases that Keras' ResNet50 keeps, which makes the parameter
    count identical to ``keras.applications.ResNet50``.
    """
    if depth not in RESNET_CONFIGS:
        raise ValueError(f"depth must be one of {sorted(RESNET_CONFIGS)}, got {depth}.")
    kind, repeats = RESNET_CONFIGS[depth]
    block = BLOCKS[kind]
    base = scaled(64, width)
    inputs = keras.Input(tuple(input_shape), name="image")
    x = conv_bn(inputs, base, 7, name="conv1.7x7", strides=2, use_bias=use_bias, **_CONV)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    for stage, count in enumerate(repeats):
        for j in range(count):
            stride = 2 if stage > 0 and j == 0 else 1
            x = block(x, base * 2 ** stage, stride=stride, shortcut=shortcut,
                      use_bias=use_bias, name=f"conv{stage + 2}_{j + 1}")
    x = keras.layers.GlobalAveragePooling2D(name="avgpool")(x)
    if include_top:
        x = keras.layers.Dense(num_classes, activation="softmax", name="fc")(x)
    return keras.Model(inputs, x, name=name or f"resnet{depth}")


def cifar_resnet(*, blocks_per_stage: int = 3, input_shape: Sequence[int] = (32, 32, 3),
                 num_classes: int = 10, width: float = 1.0, residual: bool = True,
                 shortcut: str | None = "zero_pad", bn_momentum: float = 0.99,
                 preact: bool = False, name: str | None = None) -> keras.Model:
    """The CIFAR-10 network of He et al. (2016, section 4.2): a 3x3 conv, then three stages
    of ``blocks_per_stage`` basic blocks at 16, 32 and 64 filters times ``width`` (the first
    block of each later stage halves the grid and widens), global average pool, softmax.
    Depth ``6 * blocks_per_stage + 2`` (20, 32, 44, 56, 110, 1202 for n = 3, 5, 7, 9, 18, 200).

    ``residual=False`` removes the shortcuts and nothing else: the plain twin. With the default
    zero-padding shortcut (option A) the two have exactly the same parameters, so any
    difference in training is the shortcuts' doing. ``shortcut="auto"`` uses 1x1 projections
    when the shape changes (the source's small ResNet: ``blocks_per_stage=2``).

    ``preact=True`` builds the pre-activation network (He et al., "Identity mappings", 2016)
    from :func:`preact_block`: the stem is a bare 3x3 conv, every block starts with BN + ReLU
    and ends at its addition, and one BN + ReLU (``post_bn``, ``post_relu``) precedes the
    pooling. It has the same weighted layers as the original; its name starts ``preact``.
    """
    if blocks_per_stage < 1:
        raise ValueError(f"need blocks_per_stage >= 1, got {blocks_per_stage}.")
    _check_shortcut(shortcut)
    widths = [scaled(channels, width) for channels in CIFAR_WIDTHS]
    depth = 6 * blocks_per_stage + 2
    kind = "resnet" if residual else "plain"
    inputs = keras.Input(tuple(input_shape), name="image")
    if preact:
        kind = "preact" if residual else "preact_plain"
        x = keras.layers.Conv2D(widths[0], 3, padding="same", use_bias=False,
                                kernel_initializer=_CONV["kernel_initializer"],
                                name="stem.3x3_conv")(inputs)
    else:
        x = conv_bn(inputs, widths[0], 3, name="stem.3x3", bn_momentum=bn_momentum,
                    **_CONV)
    block = preact_block if preact else basic_block
    for stage, filters in enumerate(widths):
        for j in range(blocks_per_stage):
            stride = 2 if stage > 0 and j == 0 else 1
            x = block(x, filters, stride=stride, shortcut=shortcut if residual else None,
                      bn_momentum=bn_momentum, name=f"stage{stage + 1}_{j + 1}")
    if preact:
        x = keras.layers.BatchNormalization(momentum=bn_momentum,
                                            epsilon=_CONV["bn_epsilon"], name="post_bn")(x)
        x = keras.layers.Activation("relu", name="post_relu")(x)
    x = keras.layers.GlobalAveragePooling2D(name="avgpool")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="fc")(x)
    return keras.Model(inputs, outputs, name=name or f"{kind}{depth}")


def cifar_weights(blocks_per_stage: int, *, num_classes: int = 10, width: float = 1.0) -> int:
    """The trainable parameters of :func:`cifar_resnet` (option A shortcuts, no conv biases),
    by arithmetic rather than by building it: a ResNet-1202 has some 5,000 Keras layers,
    too many to build just to count them. Tests hold it equal to the built model's count."""
    w1, w2, w3 = (scaled(channels, width) for channels in CIFAR_WIDTHS)
    n = blocks_per_stage
    convs = 9 * 3 * w1 + 2 * n * 9 * w1 * w1  # stem, stage 1
    convs += 9 * w1 * w2 + (2 * n - 1) * 9 * w2 * w2  # stage 2 (first conv widens)
    convs += 9 * w2 * w3 + (2 * n - 1) * 9 * w3 * w3  # stage 3
    bn = 2 * (w1 + 2 * n * (w1 + w2 + w3))  # gamma and beta after every conv
    return convs + bn + w3 * num_classes + num_classes


def depth_of(model: keras.Model) -> int:
    """Weighted layers on the main path (convolutions and dense, shortcuts not counted): the
    number in a ResNet's name."""
    count = 0
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)) \
                and ".shortcut" not in layer.name:
            count += 1
    return count

