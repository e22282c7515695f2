"""Chapter 1 (transfer learning) exercises. The notebook imports this module as
``exercises``: ``from course_utils.exercises import ch01 as exercises``."""

from __future__ import annotations

from typing import Any

from course_utils.exercises import Chapter, Exercise, expect_statements, expect_whole_number

chapter = Chapter("01")


def _mlp(outputs: int = 10) -> Any:
    import keras

    return keras.Sequential([
        keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(30),
        keras.layers.LeakyReLU(), keras.layers.Dense(20), keras.layers.LeakyReLU(),
        keras.layers.Dense(outputs, activation="softmax")])


def _deeper_model() -> Any:
    """A model the chapter never showed: more layers, a different head."""
    import keras

    return keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3), keras.layers.ReLU(),
        keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(6),
        keras.layers.Dense(3, activation="softmax")])


def _count(weights: Any) -> int:
    total = 0
    for w in weights:
        n = 1
        for s in w.shape:
            n *= int(s)
        total += n
    return total


def _check_freeze(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, "pass the function itself (no parentheses), e.g. check(..., freeze_body)."
    for build in (_mlp, _deeper_model):
        model = build()
        result = fn(model)
        model = result if result is not None else model
        if not getattr(model, "trainable", True):
            return False, ("`model.trainable = False` freezes the whole model, head included; "
                           "set `trainable` layer by layer and leave the last one trainable.")
        flags = [layer.trainable for layer in model.layers]
        if flags[-1] is not True:
            return False, "the last layer must stay trainable: it is the new head."
        if any(flags[:-1]):
            names = [layer.name for layer in model.layers[:-1] if layer.trainable]
            return False, (f"on a {len(flags)}-layer model these layers are still trainable: "
                           f"{', '.join(names)}. Loop over all layers but the last "
                           "(model.layers[:-1]) rather than over fixed positions.")
    trainable = _count(model.trainable_weights)
    return True, (f"only the head trains now (checked on two models; {trainable} trainable "
                  "parameters in the second).")


chapter.add(Exercise(
    id="01.head_params",
    task="How many trainable parameters does a new 10-class softmax head have on top of the "
         "frozen 100-unit layer?",
    checker=expect_whole_number(1010, known_mistakes={
        1000: "that counts the weights only; each of the 10 output units also has a bias.",
        202: "that is the 2-unit odd/even head; this head has 10 units.",
        110: "each of the 10 units has one weight per input (100 inputs), not one in total.",
        266610: "that is the whole network; only the head is trainable.",
    }),
    hints=("A Dense layer has one weight per (input, output) pair.",
           "Add one bias per output unit: inputs x outputs + outputs."),
    solution="answer = 100 * 10 + 10  # 1,010",
    reasoning="The head is one Dense layer from the 100 features of the frozen layer to 10 "
              "classes. Each of its 10 units has one weight per input, 100 x 10 = 1,000 "
              "weights, plus one bias per unit, 10 biases: 1,010 trainable parameters. The "
              "frozen body has many more parameters, but none of them is trainable.",
))

chapter.add(Exercise(
    id="01.freeze",
    task="Write freeze_body(model) that makes every layer except the last non-trainable.",
    checker=_check_freeze,
    hints=("Every Keras layer has a boolean attribute `trainable`.",
           "Loop over all the layers but the last (a slice of model.layers), and leave the "
           "last one as it is.",
           "Remember to compile again after changing `trainable` when you train for real."),
    solution="def freeze_body(model):\n    for layer in model.layers[:-1]:\n"
             "        layer.trainable = False\n    return model",
    answer_name="freeze_body",
    reasoning="Freezing is a per-layer switch: a layer with trainable = False keeps its weights "
              "during fit. The head is the last layer, so we switch off every layer before it, "
              "model.layers[:-1], whatever the model's depth; fixed positions such as "
              "layers[0] and layers[1] break on a model of another depth. Setting "
              "model.trainable = False would freeze the head too. Keras reads the flags when "
              "the model is compiled, so compile after freezing.",
))

chapter.add(Exercise(
    id="01.cached_epoch_cost",
    task="With cached features, which of these statements about one training epoch are true? "
         "(a) the frozen body runs forward; (b) the frozen body runs backward; (c) the head "
         "runs forward; (d) the head's weights receive gradients; (e) the epoch takes longer "
         "when the frozen body is larger. Answer the set of letters of the true statements.",
    checker=expect_statements("cd", {
        "a": "the body ran forward once, before training, to compute the cached "
             "features; an epoch reads them from memory.",
        "b": "a frozen layer never needs gradients, and with cached features the body "
             "is not even part of the model being trained.",
        "c": "the head computes its predictions from the cached features every step.",
        "d": "the head is the only part that learns, so it is the only part that gets "
             "gradients.",
        "e": "that is freezing *without* caching, where the frozen body still runs "
             "forward every step; with caching an epoch costs what the head costs.",
    }),
    hints=("Think about what the cached array already contains, and when it was computed.",
           "The features were computed once by the frozen body, before training; training "
           "then fits a model that consists of the head alone."),
    solution='answer = {"c", "d"}',
    reasoning="Caching runs the frozen body once over the data set and stores its output. "
              "Training then fits the head alone on that array: each step runs the head "
              "forward (c) and backward (d), and the body does not run at all (not a, not b). "
              "So an epoch costs what the head costs, whatever the size of the body (not e). "
              "Freezing without caching is different: the frozen body still runs forward every "
              "step; freezing saves only its backward pass and its weight updates.",
))

chapter.add(Exercise(
    id="01.break_even",
    task="Extracting the features once takes 3.0 s. An epoch through the frozen body takes "
         "1.0 s; an epoch on the cached features takes 0.2 s. After how many whole epochs is "
         "caching, extraction included, strictly faster in total?",
    checker=expect_whole_number(4, known_mistakes={
        3: "after 3 epochs caching has cost 3.0 + 3 x 0.2 = 3.6 s against 3.0 s through the "
           "frozen body: each cached epoch still costs 0.2 s, so compare the extraction with "
           "the time saved per epoch, 1.0 - 0.2 s.",
        15: "3.0 / 0.2 compares the extraction with the cached epoch; what pays for the "
            "extraction is the time *saved* per epoch, 1.0 - 0.2 = 0.8 s.",
        3.75: "3.0 / 0.8 = 3.75 epochs is right as a ratio, but training runs whole epochs: "
              "round up.",
    }),
    hints=("Write the total time of both ways as a function of the number of epochs k.",
           "Caching: 3.0 + 0.2 k seconds. Frozen body: 1.0 k seconds. When is the first "
           "smaller?"),
    solution="answer = 4  # 3.0 / (1.0 - 0.2) = 3.75, rounded up to a whole epoch",
    reasoning="After k epochs, training through the frozen body has cost 1.0 k seconds and "
              "caching 3.0 + 0.2 k seconds (the extraction once, then the cheap epochs). "
              "Caching is faster when 3.0 + 0.2 k < 1.0 k, that is k > 3.0 / 0.8 = 3.75: "
              "from the 4th epoch on (3.8 s against 4.0 s). The extraction is repaid by the "
              "time saved per epoch, not by the cached epoch's own cost; and the larger the "
              "frozen body's share of a step, the sooner it is repaid.",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
