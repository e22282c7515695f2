"""Transfer learning done safely: clone, cut, freeze, add a head, cache features.

The source built its new model as ``Sequential(pretrained.layers[:-1])``: that *shares* the
layer objects, so training the new model silently changes the pretrained one (and for
ResNet50/InceptionV3 it fails outright). These helpers copy first.
"""

from __future__ import annotations

import keras
import numpy as np


def count_params(model: keras.Model, trainable: bool | None = None) -> int:
    """Number of parameters: all, only trainable (``True``) or only frozen (``False``)."""
    if trainable is None:
        weights = model.weights
    elif trainable:
        weights = model.trainable_weights
    else:
        weights = model.non_trainable_weights
    return int(sum(np.prod(w.shape) for w in weights))


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


def with_new_head(body: keras.Model, outputs: int, name: str = "transfer") -> keras.Model:
    """``body`` followed by a fresh softmax ``Dense(outputs)``. Frozen BatchNormalization in
    the body runs in inference mode (``training=False``)."""
    inputs = keras.Input(body.input_shape[1:], name="image")
    features = body(inputs, training=False)
    head = keras.layers.Dense(outputs, activation="softmax", name="new_head")(features)
    return keras.Model(inputs, head, name=name)


def extract_features(body: keras.Model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Run the frozen ``body`` once over ``x`` and return the features as a NumPy array."""
    return np.asarray(body.predict(x, batch_size=batch_size, verbose=0))
