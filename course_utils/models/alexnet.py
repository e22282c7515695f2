"""AlexNet (Krizhevsky, Sutskever and Hinton, 2012), as the paper drew it and as the source
trained it.

Two variants share one builder:

* ``variant="lrn"`` - the paper: ReLU, local response normalisation after the first two
  convolutions, overlapping 3x3/2 max pooling, dropout 0.5 in the first two fully connected
  layers. The paper split the network over two GPUs ("towers"): conv2, conv4 and conv5 only
  see the feature maps of their own GPU, which is a grouped convolution with ``groups=2``.
  ``towers=2`` (the default for this variant) reproduces that wiring, about 61.0 million
  parameters at 1,000 classes; ``towers=1`` is the single-tower network of most
  re-implementations and of the source's table, about 62.4 million.
* ``variant="batchnorm"`` - the source's Keras model: batch normalisation instead of LRN,
  after each pooling, after conv3 and conv4 and after each hidden dense layer; dropout 0.4,
  one tower.

Input size. The paper says 224x224, but an 11x11 stride-4 convolution only gives its 55x55
maps from 227x227 pixels (``(227 - 11) / 4 + 1 = 55``). The usual fixes are a 227-pixel input
with no padding or a 224-pixel input padded by 2 pixels on each side (``(224 + 4 - 11) // 4
+ 1 = 55``). ``conv1_padding=None`` chooses: no padding when ``(size - 11)`` is a multiple of
4, otherwise 2 pixels. The source fed 224 pixels without padding and got 54x54 maps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from course_utils.models.layers import conv_bn, scaled

VARIANTS = ("lrn", "batchnorm")

# The source's table of AlexNet (single tower, 227 px), column by column, as its own
# formulas compute them: "Number of Parameters" (its dense rows leave out the biases) and
# "Forward Computation" (it counts the bias addition as one more multiply-add per output).
SOURCE_PARAMS = {
    "conv1": (11 * 11 * 3 + 1) * 96, "conv2": (5 * 5 * 96 + 1) * 256,
    "conv3": (3 * 3 * 256 + 1) * 384, "conv4": (3 * 3 * 384 + 1) * 384,
    "conv5": (3 * 3 * 384 + 1) * 256,
    "fc6": 256 * 6 * 6 * 4096, "fc7": 4096 * 4096, "fc8": 4096 * 1000,
}
SOURCE_FORWARD = {
    "conv1": (11 * 11 * 3 + 1) * 96 * 55 * 55, "conv2": (5 * 5 * 96 + 1) * 256 * 27 * 27,
    "conv3": (3 * 3 * 256 + 1) * 384 * 13 * 13, "conv4": (3 * 3 * 384 + 1) * 384 * 13 * 13,
    "conv5": (3 * 3 * 384 + 1) * 256 * 13 * 13,
    "fc6": 256 * 6 * 6 * 4096, "fc7": 4096 * 4096, "fc8": 4096 * 1000,
}
# The paper's weight decay (section 5): v <- 0.9 v - 0.0005 * lr * w - lr * dL/dw.
PAPER_WEIGHT_DECAY = 5e-4
WEIGHT_LAYERS = ("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8")


@keras.saving.register_keras_serializable(package="course_utils")
class LocalResponseNormalization(keras.layers.Layer):
    """Local response normalisation across channels (AlexNet, section 3.3):

    ``b[c] = a[c] / (k + alpha * sum_{j = c - n/2}^{c + n/2} a[j]**2) ** beta``

    with the paper's constants ``k=2, n=5, alpha=1e-4, beta=0.75``. A thin wrapper around
    ``tf.nn.local_response_normalization`` (whose ``depth_radius`` is ``n // 2`` and whose
    ``alpha`` multiplies the plain sum, as in the paper; Caffe divides ``alpha`` by ``n``).
    It has no weights. TensorFlow backend only.
    """

    def __init__(self, k: float = 2.0, n: int = 5, alpha: float = 1e-4, beta: float = 0.75,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if n < 1 or n % 2 == 0:
            raise ValueError(f"n (the number of adjacent channels) must be odd and >= 1, got {n}.")
        self.k, self.n, self.alpha, self.beta = float(k), int(n), float(alpha), float(beta)

    def call(self, inputs: Any) -> Any:
        import tensorflow as tf

        return tf.nn.local_response_normalization(
            inputs, depth_radius=self.n // 2, bias=self.k, alpha=self.alpha, beta=self.beta)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "k": self.k, "n": self.n, "alpha": self.alpha,
                "beta": self.beta}


def auto_conv1_padding(size: int) -> int:
    """0 when an 11x11 stride-4 convolution tiles ``size`` exactly (227), else 2 (224)."""
    return 0 if (size - 11) % 4 == 0 else 2


def alexnet(*, input_shape: Sequence[int] = (227, 227, 3), num_classes: int = 1000,
            width: float = 1.0, name: str | None = None, variant: str = "lrn",
            dropout: float = 0.5, towers: int | None = None,
            conv1_padding: int | None = None, conv3_5_padding: str = "same",
            fc_units: int | None = None, kernel_initializer: Any = "glorot_uniform",
            bn_momentum: float = 0.99, weight_decay: float = 0.0) -> keras.Model:
    """AlexNet as a functional Keras model (keyword arguments only).

    Arguments:
        input_shape: ``(height, width, 3)``; 227 (or 224 with padding) in the paper.
        num_classes: size of the softmax output (1,000 for ImageNet).
        width: multiplies every convolution's filters and the dense units (0.25 = a
            quarter), through :func:`course_utils.models.layers.scaled`; 1.0 = the paper.
        name: the model's name (default ``"alexnet"`` or ``"alexnet_bn"``).
        variant: ``"lrn"`` (the paper) or ``"batchnorm"`` (the source's trained model).
        dropout: rate of the dropout after ``fc6`` and ``fc7`` (paper 0.5, source 0.4).
        towers: 2 = the paper's two-GPU grouped conv2/conv4/conv5, 1 = single tower.
            ``None``: 2 for ``"lrn"``, 1 for ``"batchnorm"``.
        conv1_padding: zero pixels added around the input before conv1 (``None``: see
            :func:`auto_conv1_padding`).
        conv3_5_padding: ``"same"`` (the paper: 13x13 maps) or ``"valid"`` (the source's
            Keras code, which shrinks them to 6x6).
        fc_units: units of ``fc6`` and ``fc7`` (default ``4096 * width``).
        kernel_initializer: Keras' default, or ``"zeros"`` to build the full-size network
            quickly when only its shapes and sizes are wanted.
        bn_momentum: momentum of the batch-norm moving averages (``"batchnorm"`` only;
            Keras' default 0.99 needs a few hundred steps before inference mode is reliable).
        weight_decay: the paper's SGD weight decay ``wd`` (:data:`PAPER_WEIGHT_DECAY`); its
            update ``- lr * wd * w`` is the gradient of the L2 penalty ``wd / 2 * ||w||^2``,
            so every kernel gets ``keras.regularizers.L2(wd / 2)``. 0 = none.

    Layers are named as in the paper's Caffe model: ``conv1`` (the convolution with its
    ReLU), ``norm1``, ``pool1``, ..., ``fc6``, ``relu6``, ``drop6``, ``fc7``, ``relu7``,
    ``drop7``, ``fc8``; the batch-norm variant adds ``bn1`` ... ``bn7`` where the source put
    them (after each pooling, after conv3 and conv4, after each dropout).
    """
    if variant not in VARIANTS:
        raise ValueError(f"Unknown variant {variant!r}. Valid: {', '.join(VARIANTS)}.")
    if towers is None:
        towers = 2 if variant == "lrn" else 1
    if towers not in (1, 2):
        raise ValueError(f"towers must be 1 or 2, got {towers}.")
    if conv3_5_padding not in ("same", "valid"):
        raise ValueError("conv3_5_padding must be 'same' or 'valid', "
                         f"got {conv3_5_padding!r}.")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}.")
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}.")
    size = int(input_shape[0])
    pad = auto_conv1_padding(size) if conv1_padding is None else int(conv1_padding)
    filters = [scaled(c, width, 2 * towers) for c in (96, 256, 384, 384, 256)]
    units = fc_units or scaled(4096, width)
    lrn = variant == "lrn"
    reg = keras.regularizers.L2(weight_decay / 2) if weight_decay else None
    layers = keras.layers

    inputs = keras.Input(tuple(input_shape), name="image")
    x = inputs
    if pad:
        x = layers.ZeroPadding2D(pad, name="pad1")(x)

    def conv(x: Any, i: int, kernel: int, stride: int, padding: str, groups: int) -> Any:
        return conv_bn(x, filters[i - 1], kernel, name=f"conv{i}", strides=stride,
                       padding=padding, batch_norm=False, groups=groups,
                       kernel_initializer=kernel_initializer, kernel_regularizer=reg)

    def after_conv(x: Any, i: int, pool: bool) -> Any:
        # The paper: ReLU -> LRN (conv1, conv2) -> pool. The source: ReLU -> pool -> BN.
        if lrn and i in (1, 2):
            x = LocalResponseNormalization(name=f"norm{i}")(x)
        if pool:
            x = layers.MaxPooling2D(3, strides=2, name=f"pool{i}")(x)  # overlapping
        if not lrn:
            x = layers.BatchNormalization(momentum=bn_momentum, name=f"bn{i}")(x)
        return x

    x = after_conv(conv(x, 1, 11, 4, "valid", 1), 1, pool=True)
    x = after_conv(conv(x, 2, 5, 1, "same", towers), 2, pool=True)
    # conv3 sees both towers; conv4 and conv5 stay within their tower.
    x = after_conv(conv(x, 3, 3, 1, conv3_5_padding, 1), 3, pool=False)
    x = after_conv(conv(x, 4, 3, 1, conv3_5_padding, towers), 4, pool=False)
    x = after_conv(conv(x, 5, 3, 1, conv3_5_padding, towers), 5, pool=True)
    x = layers.Flatten(name="flatten")(x)
    # Classifier: fc6 and fc7 with dropout, fc8 softmax.
    for i in (6, 7):
        x = layers.Dense(units, kernel_initializer=kernel_initializer,
                         kernel_regularizer=reg, name=f"fc{i}")(x)
        x = layers.ReLU(name=f"relu{i}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"drop{i}")(x)
        if not lrn:
            x = layers.BatchNormalization(momentum=bn_momentum, name=f"bn{i}")(x)
    outputs = layers.Dense(num_classes, activation="softmax", kernel_regularizer=reg,
                           kernel_initializer=kernel_initializer, name="fc8")(x)
    default = "alexnet" if lrn else "alexnet_bn"
    return keras.Model(inputs, outputs, name=name or default)
