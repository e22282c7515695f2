"""ImageNet backbones from ``keras.applications``, with an honest offline path.

Online, :func:`imagenet_backbone` loads the ImageNet weights (Keras downloads and caches
them). Offline (``COURSE_OFFLINE=1`` or no network) it builds the same architecture with
``weights=None`` and says so: the chapter must then not present the accuracy of a random
backbone as a transfer-learning result, but the code path - preprocessing,
freezing, the functional ``training=False`` pattern, the new head
(``transfer.with_new_head(backbone.model, num_classes=...,
preprocess=backbone.preprocess)``) - is still built and run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import keras

from course_utils import runtime

_APPS: dict[str, tuple[str, str]] = {
    # name: (keras.applications constructor, preprocessing module)
    "vgg16": ("VGG16", "vgg16"),
    "inception_v3": ("InceptionV3", "inception_v3"),
    "resnet50": ("ResNet50", "resnet50"),
}


@dataclass
class Backbone:
    """A headless ImageNet network, its input preprocessing and where its weights came from."""

    model: keras.Model
    preprocess: Callable[[Any], Any]
    pretrained: bool
    note: str


def imagenet_backbone(name: str, input_shape: tuple[int, int, int] = (224, 224, 3),
                      weights: str = "auto", verbose: bool = True) -> Backbone:
    """``keras.applications.<name>`` without its classifier (``include_top=False``, global
    average pooling), frozen.

    ``weights``: ``"auto"`` (ImageNet unless offline), ``"imagenet"`` or ``"none"``.
    """
    if name not in _APPS:
        raise ValueError(f"Unknown backbone {name!r}. Valid: {', '.join(_APPS)}.")
    if weights not in ("auto", "imagenet", "none"):
        raise ValueError(f"weights must be 'auto', 'imagenet' or 'none', got {weights!r}.")
    ctor_name, module = _APPS[name]
    ctor = getattr(keras.applications, ctor_name)
    preprocess = getattr(keras.applications, module).preprocess_input
    want = weights == "imagenet" or (weights == "auto" and not runtime.is_offline())
    model, note, loaded = None, "", False
    if want:
        try:
            model = ctor(include_top=False, weights="imagenet", input_shape=input_shape,
                         pooling="avg")
            note = f"{ctor_name} with ImageNet weights (keras.applications)."
            loaded = True
        except Exception as exc:  # no network: fall back, loudly
            if weights == "imagenet":
                raise
            note = f"ImageNet weights for {ctor_name} could not be downloaded ({type(exc).__name__})."
    if model is None:
        model = ctor(include_top=False, weights=None, input_shape=input_shape, pooling="avg")
        note = (note + " " if note else "") + (
            f"{ctor_name} built with random weights (offline): the architecture and the "
            "transfer code run, but its accuracy would mean nothing, so no result is reported.")
    model.trainable = False
    if verbose:
        print(f"Backbone: {note}")
    return Backbone(model=model, preprocess=preprocess, pretrained=loaded, note=note)
