"""Exercise checkers and hints.

In a notebook an exercise is a prompt, a cell where the student writes an answer, and a
call to :func:`check`, which prints immediate feedback. :func:`hint` reveals the hints one
at a time. Each exercise is registered here once, with its checker; chapters add their own
section below.

A checker takes the student's answer and returns ``(passed, message)``. It never raises on a
wrong answer: a wrong type, shape or value becomes a message saying what to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Checker = Callable[[Any], "tuple[bool, str]"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: an id like ``"01.head_params"``, a one-line task, a checker, hints."""

    id: str
    task: str
    checker: Checker
    hints: tuple[str, ...]
    solution: str = ""


EXERCISES: dict[str, Exercise] = {}
_hints_shown: dict[str, int] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (ids are unique)."""
    if exercise.id in EXERCISES:
        raise ValueError(f"Exercise {exercise.id!r} is registered twice.")
    EXERCISES[exercise.id] = exercise
    return exercise


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; an unknown id lists the valid ones."""
    if exercise_id not in EXERCISES:
        chapter = exercise_id.split(".", 1)[0]
        same = [e for e in EXERCISES if e.startswith(chapter + ".")] or sorted(EXERCISES)
        raise KeyError(f"Unknown exercise {exercise_id!r}. Valid ids: {', '.join(same)}.")
    return EXERCISES[exercise_id]


def evaluate(exercise_id: str, answer: Any) -> tuple[bool, str]:
    """Run the checker without printing; used by :func:`check` and by the tests."""
    exercise = get(exercise_id)
    if answer is Ellipsis or answer is None:
        return False, "Replace `...` with your answer, run the cell, then check again."
    try:
        return exercise.checker(answer)
    except Exception as exc:  # a broken student function is feedback, not a crash
        return False, f"Your answer raised {type(exc).__name__}: {exc}"


def check(exercise_id: str, answer: Any) -> None:
    """Print feedback on ``answer`` (use :func:`evaluate` to get the result as a value)."""
    passed, message = evaluate(exercise_id, answer)
    mark = "Correct" if passed else "Not yet"
    extra = "" if passed else f"  (stuck? run exercises.hint({exercise_id!r}))"
    print(f"[{exercise_id}] {mark}: {message}{extra}")


def hint(exercise_id: str, level: int | None = None) -> None:
    """Print the next hint (or hint number ``level``, 1-based)."""
    exercise = get(exercise_id)
    if level is None:
        level = min(_hints_shown.get(exercise_id, 0) + 1, len(exercise.hints))
    if not 1 <= level <= len(exercise.hints):
        raise ValueError(f"Exercise {exercise_id!r} has hints 1 to {len(exercise.hints)}.")
    _hints_shown[exercise_id] = max(level, _hints_shown.get(exercise_id, 0))
    print(f"[{exercise_id}] Hint {level} of {len(exercise.hints)}: {exercise.hints[level - 1]}")


# --- reusable checkers -------------------------------------------------------------------

def expect_number(expected: float, rel_tol: float = 0.0, abs_tol: float = 0.0,
                  known_mistakes: Mapping[float, str] | None = None,
                  unit: str = "") -> Checker:
    """A checker for a number; ``known_mistakes`` maps typical wrong answers to advice."""
    mistakes = dict(known_mistakes or {})

    def checker(answer: Any) -> tuple[bool, str]:
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return False, f"expected a number, got {type(answer).__name__} {answer!r}."
        tol = max(abs_tol, rel_tol * abs(expected))
        if abs(value - expected) <= tol:
            return True, f"{answer}{unit} is right."
        for wrong, advice in mistakes.items():
            if abs(value - wrong) <= max(tol, 1e-9):
                return False, f"{answer}{unit}: {advice}"
        direction = "too high" if value > expected else "too low"
        return False, f"{answer}{unit} is {direction}."

    return checker


def expect_choice(expected: str, explanations: Mapping[str, str]) -> Checker:
    """A checker for a multiple-choice letter; ``explanations`` says why each is right/wrong."""

    def checker(answer: Any) -> tuple[bool, str]:
        choice = str(answer).strip().lower()
        if choice not in explanations:
            return False, f"answer one of {', '.join(sorted(explanations))}; got {answer!r}."
        return choice == expected, explanations[choice]

    return checker


# === Chapter 1: transfer learning ========================================================

def _mlp_for_exercise(outputs: int = 10) -> Any:
    import keras

    return keras.Sequential([
        keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(30),
        keras.layers.LeakyReLU(), keras.layers.Dense(20), keras.layers.LeakyReLU(),
        keras.layers.Dense(outputs, activation="softmax")])


def _check_freeze(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, "pass the function itself (no parentheses), e.g. check(..., freeze_body)."
    model = _mlp_for_exercise()
    result = fn(model)
    model = result if result is not None else model
    flags = [layer.trainable for layer in model.layers]
    if flags[-1] is not True:
        return False, "the last layer must stay trainable: it is the new head."
    if any(flags[:-1]):
        names = [layer.name for layer in model.layers[:-1] if layer.trainable]
        return False, f"these layers are still trainable: {', '.join(names)}."
    trainable = sum(int(w.shape.num_elements() if hasattr(w.shape, "num_elements")
                        else _prod(w.shape)) for w in model.trainable_weights)
    return True, f"only the head trains now ({trainable} trainable parameters in the test model)."


def _prod(shape: Sequence[int]) -> int:
    out = 1
    for s in shape:
        out *= int(s)
    return out


register(Exercise(
    id="01.head_params",
    task="How many trainable parameters does a new 10-class softmax head have on top of the "
         "frozen 100-unit layer?",
    checker=expect_number(1010, known_mistakes={
        1000: "that counts the weights only; each of the 10 output units also has a bias.",
        202: "that is the 2-unit odd/even head; this head has 10 units.",
        266610: "that is the whole network; only the head is trainable.",
    }),
    hints=("A Dense layer has one weight per (input, output) pair.",
           "Add one bias per output unit: inputs x outputs + outputs."),
    solution="answer = 100 * 10 + 10",
))

register(Exercise(
    id="01.freeze",
    task="Write freeze_body(model) that makes every layer except the last non-trainable.",
    checker=_check_freeze,
    hints=("Every Keras layer has a boolean attribute `trainable`.",
           "Loop over model.layers[:-1] and set layer.trainable = False; leave the last one.",
           "Remember to compile again after changing `trainable` when you train for real."),
    solution="def freeze_body(model):\n    for layer in model.layers[:-1]:\n"
             "        layer.trainable = False\n    return model",
))

register(Exercise(
    id="01.cached_epoch_cost",
    task="With cached features, which part of the network runs in each training epoch? "
         "(a) the whole network, forward and backward; (b) the whole network forward, only "
         "the head backward; (c) only the head, forward and backward.",
    checker=expect_choice("c", {
        "a": "that is training from scratch: every layer runs both ways.",
        "b": "that is freezing without caching: the frozen layers still run forward every "
             "step, which is why freezing alone saved little time.",
        "c": "the frozen body ran once to produce the features; each epoch only touches "
             "the small head, hence the speed-up.",
    }),
    hints=("Think about what the cached array already contains.",
           "The features were computed once by the frozen body, before training."),
    solution='answer = "c"',
))


# === Chapter 2: weight initialization ====================================================

register(Exercise(
    id="02.he_std",
    task="What standard deviation does He initialization give the weights of a layer with "
         "fan_in 256 (e.g. the 256 -> 128 layer)?",
    checker=expect_number((2 / 256) ** 0.5, rel_tol=0.01, known_mistakes={
        2 / 256: "that is the variance 2/fan_in; the standard deviation is its square root.",
        (1 / 256) ** 0.5: "that is LeCun's sqrt(1/fan_in); He doubles the variance for ReLU.",
        (2 / 384) ** 0.5: "that is Glorot's sqrt(2/(fan_in + fan_out)); He uses fan_in only.",
        (6 / 256) ** 0.5: "that is the limit of He *uniform*, sqrt(6/fan_in), not the standard "
                            "deviation.",
    }),
    hints=("He initialization sets Var(W) = 2 / fan_in.",
           "The standard deviation is sqrt(2 / 256)."),
    solution="answer = (2 / 256) ** 0.5",
))

register(Exercise(
    id="02.glorot_limit",
    task="Glorot uniform draws W from U(-a, a). What is a for the first layer of the "
         "784-256-128-10 network (fan_in 784, fan_out 256)?",
    checker=expect_number((6 / 1040) ** 0.5, rel_tol=0.01, known_mistakes={
        (2 / 1040) ** 0.5: "that is the standard deviation; the limit of U(-a, a) is sqrt(3) "
                             "times larger, because Var(U(-a, a)) = a**2 / 3.",
        6 / 1040: "take the square root: a = sqrt(6 / (fan_in + fan_out)).",
        (6 / 784) ** 0.5: "that is He uniform (fan_in only); Glorot averages fan_in and fan_out.",
        (3 / 1040) ** 0.5: "the variance 2/(fan_in + fan_out) times 3 is 6/(fan_in + fan_out).",
    }),
    hints=("Glorot sets Var(W) = 2 / (fan_in + fan_out); a uniform U(-a, a) has variance a**2 / 3.",
           "Solve a**2 / 3 = 2 / (784 + 256) for a."),
    solution="answer = (6 / (784 + 256)) ** 0.5",
))

register(Exercise(
    id="02.zeros_why",
    task="Why does the ReLU network initialized with zeros stay at chance? (a) its gradients "
         "explode; (b) every hidden unit outputs ReLU(0) = 0 and ReLU's gradient at 0 is 0, so "
         "only the output biases ever change; (c) the learning rate is too small; (d) the units "
         "are identical, but they still learn, as one unit.",
    checker=expect_choice("b", {
        "a": "no gradient grows here: every weight gradient is exactly zero (see the table of "
             "per-layer statistics).",
        "b": "with all weights zero every hidden activation is 0, no gradient reaches a weight, "
             "and the output biases can only learn the class frequencies: chance accuracy.",
        "c": "no learning rate helps: a zero gradient times any step size is zero.",
        "d": "that is what happens with a *non-zero* constant, or with zeros and tanh: units "
             "stay copies of each other. With zeros and ReLU it is worse: nothing learns at all.",
    }),
    hints=("Compute the hidden activations of the first layer when W = 0 and b = 0.",
           "The gradient of a hidden weight is (input) x (gradient arriving at its unit); what "
           "is the gradient of ReLU at 0, and what are the inputs of the second layer?"),
    solution='answer = "b"',
))

register(Exercise(
    id="02.small_normal_ratio",
    task="In the 10-layer tanh network with 100 units per layer and weights drawn from "
         "N(0, 0.01**2), by what factor does the activation standard deviation shrink from one "
         "hidden layer to the next?",
    checker=expect_number(0.1, rel_tol=0.1, known_mistakes={
        0.01: "that is the weight std alone; each unit sums 100 inputs, which multiplies the "
              "std by sqrt(100).",
        0.0001: "that is the factor on the *variance* without the fan_in; use std, and "
                "Var(z) = fan_in * Var(W) * Var(x).",
        1.0: "that would be the case for Var(W) = 1/fan_in (Glorot at equal fans); here the "
             "weights are much smaller.",
        0.5 ** 0.5 * 0.1: "tanh passes small values almost unchanged (tanh(z) ~ z near 0); "
                              "halving the variance is what ReLU does.",
    }),
    hints=("Near 0, tanh(z) ~ z, so the layer is almost linear.",
           "Var(z) = fan_in * Var(W) * Var(x) = 100 * 0.0001 * Var(x); take the square root."),
    solution="answer = 0.01 * 100 ** 0.5",
))


# === Chapter 3: CNN foundations ==========================================================

register(Exercise(
    id="03.conv_output_size",
    task="A Conv2D layer with 5x5 kernels, stride 2 and no padding ('valid') gets a 32x32x3 "
         "image. How many pixels high is its output?",
    checker=expect_number(14, known_mistakes={
        14.5: "round down: a window that would stick out of the image is not computed, so "
              "floor((n + 2p - k) / s) + 1.",
        28: "that is the output at stride 1; stride 2 visits every second position.",
        27: "that forgets the + 1 and the stride: floor((32 - 5) / 2) + 1.",
        16: "that is 'same' padding (ceil(32 / 2)); this layer uses no padding.",
        13: "do not forget the + 1: the first window position counts too.",
    }),
    hints=("Output size = floor((n + 2p - k) / s) + 1 with n the input size, k the kernel, "
           "p the padding per side and s the stride.",
           "Here n = 32, k = 5, p = 0, s = 2."),
    solution="answer = (32 + 2 * 0 - 5) // 2 + 1",
))

register(Exercise(
    id="03.conv_params",
    task="How many trainable parameters does that layer have if it has 64 filters?",
    checker=expect_number(4864, known_mistakes={
        4800: "that counts the weights only; each of the 64 filters also has one bias.",
        1664: "each filter spans all 3 input channels: it has 5 x 5 x 3 weights, not 5 x 5.",
        1600: "each filter has 5 x 5 x 3 weights (all input channels) and one bias.",
        14 * 14 * 4864: "a convolution shares its weights across positions: the count does "
                        "not depend on the output size.",
    }),
    hints=("One filter has a weight for every (row, column, input channel) of its window, "
           "plus one bias.",
           "k x k x c_in x filters + filters."),
    solution="answer = 5 * 5 * 3 * 64 + 64",
))


def _diagonal_edge_images(size: int = 16) -> dict[str, Any]:
    import numpy as np

    r, c = np.mgrid[0:size, 0:size]
    return {
        "flat": np.full((size, size), 0.7),
        # the target: dark above-left, bright below-right of an edge from bottom-left to top-right
        "target": (r + c >= size).astype(float),
        # the other diagonal: an edge from top-left to bottom-right, bright above-right
        "other_diagonal": (c - r >= 1).astype(float),
    }


def _check_edge_kernel(kernel: Any) -> tuple[bool, str]:
    import numpy as np

    from course_utils.convolution import conv2d

    try:
        k = np.asarray(kernel, dtype=float)
    except (TypeError, ValueError):
        return False, f"expected a 3x3 array of numbers, got {type(kernel).__name__}."
    if k.shape != (3, 3):
        return False, f"expected a 3x3 kernel, got shape {k.shape}."
    if not np.all(np.isfinite(k)) or not np.any(k):
        return False, "the kernel must hold finite numbers, not all zero."
    images = _diagonal_edge_images()
    flat = np.abs(conv2d(images["flat"], k)).max()
    target = conv2d(images["target"], k).max()
    target_min = conv2d(images["target"], k).min()
    other = np.abs(conv2d(images["other_diagonal"], k)).max()
    if flat > 1e-6 * max(np.abs(k).sum(), 1):
        return False, (f"it responds to a flat grey region ({flat:.3g}): an edge detector's "
                       "weights should sum to 0.")
    if target <= 1e-9:
        if target_min < 0:
            return False, ("it responds negatively to the edge: it detects bright-to-dark. "
                           "Flip the signs.")
        return False, "it does not respond to the diagonal edge at all."
    if other > 0.5 * target:
        return False, (f"it responds almost as much to the other diagonal ({other:.3g} vs "
                       f"{target:.3g}): a detector of vertical, horizontal or all edges sees "
                       "both diagonals. Put the negative weights above-left and the positive "
                       "ones below-right.")
    return True, (f"peak response {target:.3g} on the target edge, {other:.3g} on the other "
                  "diagonal and 0 on a flat region.")


register(Exercise(
    id="03.edge_kernel",
    task="Design a 3x3 kernel that responds positively to a diagonal edge running from "
         "bottom-left to top-right with dark pixels above-left and bright pixels below-right, "
         "gives 0 on flat regions and at most half as much on the other diagonal.",
    checker=_check_edge_kernel,
    hints=("The kernel is laid over a patch and the products are summed (no flipping). Where "
           "should the bright pixels' weights be positive?",
           "Zero sum: as much negative weight as positive. Sobel x puts -1, -2, -1 on the left "
           "and 1, 2, 1 on the right; rotate that idea by 45 degrees.",
           "Try [[-2, -1, 0], [-1, 0, 1], [0, 1, 2]]."),
    solution="answer = [[-2, -1, 0], [-1, 0, 1], [0, 1, 2]]",
))


# === Chapter 6: Inception ================================================================

register(Exercise(
    id="06.branch_cost",
    task="Multiply-adds per image of inception (3a)'s 3x3 branch without its 1x1 reduction: "
         "28x28x192 input, 128 filters of 3x3, 'same' padding.",
    checker=expect_number(28 * 28 * 128 * 9 * 192, known_mistakes={
        28 * 28 * (192 * 96 + 9 * 96 * 128): "that is the branch *with* its 1x1 reduction to "
                                             "96 channels; the question asks without it.",
        128 * 9 * 192: "that is the number of weights: each of the 28x28 output positions "
                       "repeats those multiply-adds.",
        28 * 28 * 128 * 9: "each output value reads a 3x3 window in all 192 input channels.",
    }),
    hints=("Count the multiply-adds of one output value first: a 3x3 window over every input "
           "channel.",
           "One output value costs 3 * 3 * 192; there are 28 * 28 * 128 output values."),
    solution="answer = 28 * 28 * 128 * 3 * 3 * 192  # 173,408,256",
))

register(Exercise(
    id="06.module_channels",
    task="Output channels of inception (4e): 256 1x1, 160 3x3 reduce, 320 3x3, 32 5x5 reduce, "
         "128 5x5, 128 pool projection.",
    checker=expect_number(832, known_mistakes={
        1024: "the 3x3 and 5x5 *reduce* convolutions feed their branch's next convolution; "
              "only the last layer of each branch reaches the concatenation.",
        704: "the pooling branch is concatenated too (through its 1x1 projection).",
    }),
    hints=("The module concatenates the outputs of its four branches along the channel axis.",
           "Each branch contributes the filters of its last layer: 1x1, 3x3, 5x5, pool projection."),
    solution="answer = 256 + 320 + 128 + 128  # 832",
))

register(Exercise(
    id="06.asymmetric_saving",
    task="Percentage of multiply-adds saved by factorizing a 7x7 convolution into 1x7 followed "
         "by 7x1 (same channels in and out), to one decimal.",
    checker=expect_number(round(100 * (1 - 14 / 49), 1), abs_tol=0.051, known_mistakes={
        round(100 * 14 / 49, 1): "that is the cost that remains (14/49); the saving is the rest.",
        0.714: "answer in percent, not as a fraction.",
        round(100 * (1 - 18 / 49), 1): "1x7 + 7x1 costs 7 + 7 per output and channel pair, not "
                                       "two 3x3 kernels.",
    }, unit="%"),
    hints=("Per output value and channel pair, a k1 x k2 kernel costs k1 * k2 multiply-adds.",
           "Before: 7 * 7 = 49. After: 7 + 7 = 14. Saving = 1 - 14/49."),
    solution="answer = round(100 * (1 - (7 + 7) / (7 * 7)), 1)  # 71.4",
))


# === Chapter 7: ResNet ===================================================================

register(Exercise(
    id="07.bottleneck_weights",
    task="Convolution weights (no biases, no batch norm) of a bottleneck block on a 256-channel "
         "input: 1x1 to 64, 3x3 at 64, 1x1 back to 256, identity shortcut.",
    checker=expect_number(256 * 64 + 9 * 64 * 64 + 64 * 256, known_mistakes={
        2 * 9 * 64 * 64: "that is a *basic* block of two 3x3 convolutions at 64 channels.",
        2 * 9 * 256 * 256: "that is a basic block at 256 channels: the bottleneck avoids it.",
        9 * 64 * 64: "add the two 1x1 convolutions: 256 -> 64 and 64 -> 256.",
        256 * 64 + 9 * 64 * 64 + 64 * 256 + 256 * 256: "an identity shortcut has no weights.",
    }),
    hints=("A k x k convolution from C_in to C_out channels has k * k * C_in * C_out weights.",
           "Add 1*1*256*64, 3*3*64*64 and 1*1*64*256."),
    solution="answer = 256 * 64 + 3 * 3 * 64 * 64 + 64 * 256  # 69,632",
))


def _check_projection_shape(answer: Any) -> tuple[bool, str]:
    try:
        shape = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        return False, f"answer a tuple (height, width, channels), got {answer!r}."
    if len(shape) != 3:
        return False, f"answer three numbers (height, width, channels), got {len(shape)}."
    if shape == (14, 14, 128):
        return True, ("the first 3x3 convolution has stride 2 (28 -> 14) and 128 filters; the "
                      "projection shortcut, a 1x1 convolution with stride 2 and 128 filters, "
                      "gives the same shape, so the two can be added.")
    if shape == (28, 28, 128):
        return False, "the block's first convolution (and its shortcut) has stride 2."
    if shape[:2] == (14, 14) and shape[2] == 64:
        return False, ("the projection exists precisely to change the channels: to 128, the "
                       "block's filters.")
    if shape == (14, 14, 192):
        return False, "a residual block adds its two paths; it does not concatenate them."
    return False, f"{shape} is not it: work out the stride-2 'same' convolution's output size."


register(Exercise(
    id="07.projection_shape",
    task="Output shape (height, width, channels) of basic_block(x, filters=128, stride=2) on a "
         "28x28x64 input, whose shortcut is a 1x1 projection with stride 2.",
    checker=_check_projection_shape,
    hints=("A 'same' convolution with stride s turns n pixels into ceil(n / s).",
           "Both paths must produce the same shape to be added: 14 x 14 with 128 channels."),
    solution="answer = (14, 14, 128)",
))

register(Exercise(
    id="07.cifar_depth",
    task="How many weighted layers does the CIFAR ResNet with n = 18 blocks per stage have "
         "(three stages of basic blocks, plus the first convolution and the classifier)?",
    checker=expect_number(110, known_mistakes={
        108: "add the first 3x3 convolution and the final dense layer.",
        56: "that is n = 9; the question asks n = 18.",
        20: "that is n = 3.",
    }),
    hints=("Each basic block has two convolutions; there are 3 stages of n blocks.",
           "6n + 2 layers."),
    solution="answer = 6 * 18 + 2  # 110",
))


# === Chapter 4: AlexNet ==================================================================

register(Exercise(
    id="04.conv1_output",
    task="Output size (height = width) of AlexNet's conv1 on a 227x227 input: 11x11 filters, "
         "stride 4, no padding.",
    checker=expect_number(55, known_mistakes={
        54: "that is a 224-pixel input without padding (the source's Keras model); here the "
            "input has 227 pixels.",
        56: "use floor((n - k) / s) + 1, not n / s.",
        217: "divide by the stride: the filter moves 4 pixels at a time.",
    }),
    hints=("Output = floor((n + 2p - k) / s) + 1.",
           "n = 227, k = 11, s = 4, p = 0: (227 - 11) / 4 + 1."),
    solution="answer = (227 - 11) // 4 + 1  # 55",
))

register(Exercise(
    id="04.fc6_params",
    task="Parameters of fc6: 6x6x256 flattened inputs, 4,096 units.",
    checker=expect_number(37_752_832, known_mistakes={
        37_748_736: "that is the source's number: it forgets the 4,096 biases, one per unit.",
        16_781_312: "that is fc7 (4,096 inputs); fc6's inputs are the 6x6x256 pool5 maps.",
        9_216: "that is the number of inputs; each of the 4,096 units has one weight per input.",
    }),
    hints=("A dense layer has inputs x units weights and units biases.",
           "Inputs: 6 * 6 * 256 = 9,216."),
    solution="answer = 6 * 6 * 256 * 4096 + 4096  # 37,752,832",
))

register(Exercise(
    id="04.conv4_two_towers",
    task="Parameters of the paper's conv4: 384 filters 3x3 on 384 channels, groups=2 (each "
         "filter sees half of the input channels), biases included.",
    checker=expect_number(663_936, known_mistakes={
        1_327_488: "that is the single-tower conv4; with two towers each filter sees only 192 "
                   "of the 384 input channels.",
        663_552: "add the 384 biases, one per filter.",
        332_160: "all 384 filters remain (192 per tower); only their inputs are halved.",
    }),
    hints=("A grouped convolution's filter sees in_channels / groups channels.",
           "3 * 3 * 192 weights per filter, 384 filters, plus 384 biases."),
    solution="answer = 3 * 3 * (384 // 2) * 384 + 384  # 663,936",
))


# === Chapter 5: VGG ======================================================================

register(Exercise(
    id="05.block_params",
    task="Parameters of VGG16's block 3: three 3x3 convolutions with 256 filters, on block 2's "
         "128 channels, biases included.",
    checker=expect_number(1_475_328, known_mistakes={
        1_474_560: "add the biases: 256 per convolution.",
        1_770_240: "the first convolution of the block sees block 2's 128 channels, not 256.",
        885_120: "that is one 3x3 convolution from 256 to 384 channels (AlexNet's conv3).",
        295_168: "that is only the first convolution (128 -> 256); the block has three.",
    }),
    hints=("A k x k convolution from C_in to C_out channels has k*k*C_in*C_out weights and "
           "C_out biases.",
           "9*128*256 + 256 for the first, 9*256*256 + 256 for each of the other two."),
    solution="answer = (9 * 128 * 256 + 256) + 2 * (9 * 256 * 256 + 256)  # 1,475,328",
))


def _check_receptive_field(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, "pass a function of n (no parentheses), e.g. check(..., rf)."
    from course_utils import analysis

    for n in range(1, 9):
        expected = analysis.receptive_field([(3, 1)] * n).size
        got = fn(n)
        if got != expected:
            hint = ""
            if got == 3 * n:
                hint = " Stacked windows overlap: each new layer adds 2 pixels, not 3."
            elif got == 3 ** n:
                hint = " The field grows additively with stride 1, not multiplicatively."
            return False, f"for n = {n} your function gives {got}, expected {expected}.{hint}"
    return True, "n stacked 3x3 stride-1 convolutions see 2n + 1 pixels (n = 1..8 checked)."


register(Exercise(
    id="05.receptive_field",
    task="Write rf(n): the receptive field (in pixels, along one side) of n stacked 3x3 "
         "convolutions with stride 1.",
    checker=_check_receptive_field,
    hints=("One 3x3 convolution sees 3 pixels; each further one adds one pixel on each side.",
           "rf(1) = 3, rf(2) = 5, rf(3) = 7."),
    solution="def rf(n):\n    return 2 * n + 1\n\nanswer = rf",
))

register(Exercise(
    id="05.stack_saving",
    task="By what percentage do three stacked 3x3 convolutions (C channels in and out) have "
         "fewer weights than one 7x7 convolution with the same receptive field? Percent, one "
         "decimal.",
    checker=expect_number(44.9, abs_tol=0.06, known_mistakes={
        55.1: "that is the share that remains (27/49); the question asks for the saving.",
        81.6: "a stack of three 3x3 layers has 3 * 9 = 27 C^2 weights, not 9 C^2.",
    }, unit="%"),
    hints=("Three 3x3 layers: 3 * 3 * 3 * C * C = 27 C^2 weights; one 7x7: 49 C^2.",
           "Saving = 1 - 27/49, in percent."),
    solution="answer = round(100 * (1 - 27 / 49), 1)  # 44.9",
))
