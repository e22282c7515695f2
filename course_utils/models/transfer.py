"""Transfer learning done safely: clone, cut, freeze, add a head, cache features.

The source built its new model as ``Sequential(pretrained.layers[:-1])``: that *shares* the
layer objects, so training the new model silently changes the pretrained one (and for
ResNet50/InceptionV3 it fails outright). These helpers copy first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np


def clone_pretrained(model: keras.Model) -> keras.Model:
    """An independent copy (new layer objects, same weights) of a built model."""
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy


def feature_body(model: keras.Model, cut: int | str = -1, name: str = "body") -> keras.Model:
    """The model up to (not including) layer ``cut`` (an index or a layer name), as a new
    functional model. Call it on a clone if the original must stay untouched."""
    if isinstance(cut, str):
        names = [layer.name for layer in model.layers]
        if cut not in names:
            raise ValueError(f"No layer named {cut!r}; layers are: {', '.join(names)}.")
        cut = names.index(cut)
    last = model.layers[cut - 1] if cut != 0 else None
    if last is None:
        raise ValueError("cut=0 would leave an empty body.")
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # avoids a Keras warning
    return keras.Model(inputs, last.output, name=name)


def freeze(model: keras.Model, trainable_from: str | None = None) -> keras.Model:
    """Make ``model`` non-trainable; with ``trainable_from``, layers from that name on stay
    trainable (fine-tuning the top). Recompile afterwards: Keras reads ``trainable`` at compile.
    """
    model.trainable = True
    unfrozen = False
    names = [layer.name for layer in model.layers]
    if trainable_from is not None and trainable_from not in names:
        raise ValueError(f"No layer named {trainable_from!r}; layers are: {', '.join(names)}.")
    for layer in model.layers:
        unfrozen = unfrozen or layer.name == trainable_from
        layer.trainable = unfrozen
    return model


def with_new_head(body: keras.Model, *, num_classes: int,
                  preprocess: Callable[[Any], Any] | None = None, dropout: float = 0.0,
                  name: str = "transfer") -> keras.Model:
    """The one head builder: ``[preprocess ->] body (training=False) [-> Dropout] -> Dense
    softmax(num_classes)``.

    ``body`` must output a feature vector (pooled or flattened). It is called with
    ``training=False``, so a frozen body's BatchNormalization keeps its stored statistics
    even while the head trains. ``preprocess`` is the backbone's own input transform (e.g.
    ``keras.applications.resnet50.preprocess_input``), applied inside the model.
    """
    inputs = keras.Input(body.input_shape[1:], name="image")
    x = inputs
    if preprocess is not None:
        x = keras.layers.Lambda(preprocess, name="preprocess")(x)
    x = body(x, training=False)
    if dropout:
        x = keras.layers.Dropout(dropout, name="head_dropout")(x)
    head = keras.layers.Dense(num_classes, activation="softmax", name="new_head")(x)
    return keras.Model(inputs, head, name=name)


def extract_features(body: keras.Model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Run the frozen ``body`` once over ``x`` and return the features as a NumPy array."""
    return np.asarray(body.predict(x, batch_size=batch_size, verbose=0))
