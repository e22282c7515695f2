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
* ``variant="batchnorm"`` - the source's Keras model: batch normalisation after each pooling
  and each hidden dense layer instead of LRN, dropout 0.4, one tower.

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

VARIANTS = ("lrn", "batchnorm")


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


def scaled(channels: int, width: float, multiple: int = 1) -> int:
    """``channels * width`` rounded to a multiple of ``multiple`` (at least ``multiple``)."""
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}.")
    return max(multiple, int(round(channels * width / multiple)) * multiple)


def auto_conv1_padding(size: int) -> int:
    """0 when an 11x11 stride-4 convolution tiles ``size`` exactly (227), else 2 (224)."""
    return 0 if (size - 11) % 4 == 0 else 2


def alexnet(num_classes: int = 1000, input_shape: Sequence[int] = (227, 227, 3),
            variant: str = "lrn", width: float = 1.0, dropout: float = 0.5,
            towers: int | None = None, conv1_padding: int | None = None,
            conv3_5_padding: str = "same", fc_units: int | None = None,
            kernel_initializer: Any = "glorot_uniform", bn_momentum: float = 0.99,
            name: str | None = None) -> keras.Model:
    """AlexNet as a functional Keras model.

    Arguments:
        num_classes: size of the softmax output (1,000 for ImageNet).
        input_shape: ``(height, width, 3)``; 227 (or 224 with padding) in the paper.
        variant: ``"lrn"`` (the paper) or ``"batchnorm"`` (the source's trained model).
        width: multiplies every convolution's filters and the dense units (0.25 = a quarter).
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

    Layers are named as in the paper's Caffe model: ``conv1, relu1, norm1, pool1, ...,
    fc6, relu6, drop6, fc7, relu7, drop7, fc8``.
    """
    if variant not in VARIANTS:
        raise ValueError(f"Unknown variant {variant!r}. Valid: {', '.join(VARIANTS)}.")
    if towers is None:
        towers = 2 if variant == "lrn" else 1
    if towers not in (1, 2):
        raise ValueError(f"towers must be 1 or 2, got {towers}.")
    if conv3_5_padding not in ("same", "valid"):
        raise ValueError(f"conv3_5_padding must be 'same' or 'valid', got {conv3_5_padding!r}.")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}.")
    size = int(input_shape[0])
    pad = auto_conv1_padding(size) if conv1_padding is None else int(conv1_padding)
    filters = [scaled(c, width, 2 * towers) for c in (96, 256, 384, 384, 256)]
    units = fc_units or scaled(4096, width)
    lrn = variant == "lrn"
    layers = keras.layers

    inputs = keras.Input(tuple(input_shape), name="image")
    x = inputs
    if pad:
        x = layers.ZeroPadding2D(pad, name="pad1")(x)

    def conv(x: Any, i: int, kernel: int, stride: int, padding: str, groups: int) -> Any:
        x = layers.Conv2D(filters[i - 1], kernel, strides=stride, padding=padding,
                          groups=groups, kernel_initializer=kernel_initializer,
                          name=f"conv{i}")(x)
        return layers.ReLU(name=f"relu{i}")(x)

    def pool(x: Any, i: int) -> Any:
        return layers.MaxPooling2D(3, strides=2, name=f"pool{i}")(x)

    # Block 1 and 2: conv -> ReLU -> (LRN) -> overlapping pool -> (BN: the source's order)
    x = conv(x, 1, 11, 4, "valid", 1)
    if lrn:
        x = LocalResponseNormalization(name="norm1")(x)
    x = pool(x, 1)
    if not lrn:
        x = layers.BatchNormalization(momentum=bn_momentum, name="bn1")(x)
    x = conv(x, 2, 5, 1, "same", towers)
    if lrn:
        x = LocalResponseNormalization(name="norm2")(x)
    x = pool(x, 2)
    if not lrn:
        x = layers.BatchNormalization(momentum=bn_momentum, name="bn2")(x)
    # Block 3-5: conv3 sees both towers; conv4 and conv5 stay within their tower.
    x = conv(x, 3, 3, 1, conv3_5_padding, 1)
    if not lrn:
        x = layers.BatchNormalization(momentum=bn_momentum, name="bn3")(x)
    x = conv(x, 4, 3, 1, conv3_5_padding, towers)
    if not lrn:
        x = layers.BatchNormalization(momentum=bn_momentum, name="bn4")(x)
    x = conv(x, 5, 3, 1, conv3_5_padding, towers)
    x = pool(x, 5)
    if not lrn:
        x = layers.BatchNormalization(momentum=bn_momentum, name="bn5")(x)
    x = layers.Flatten(name="flatten")(x)
    # Classifier: fc6 and fc7 with dropout, fc8 softmax.
    for i in (6, 7):
        x = layers.Dense(units, kernel_initializer=kernel_initializer, name=f"fc{i}")(x)
        x = layers.ReLU(name=f"relu{i}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"drop{i}")(x)
        if not lrn:
            x = layers.BatchNormalization(momentum=bn_momentum, name=f"bn{i}")(x)
    outputs = layers.Dense(num_classes, activation="softmax",
                           kernel_initializer=kernel_initializer, name="fc8")(x)
    default = "alexnet" if lrn else "alexnet_bn"
    return keras.Model(inputs, outputs, name=name or default)
