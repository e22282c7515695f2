"""Chapter 2 (weight initialization) exercises. The notebook imports this module as
``exercises``: ``from course_utils.exercises import ch02 as exercises``.

The chapter works with dense layers; the exercises carry its formulas to convolution layers,
to other widths and to activations the chapter never runs, so their answers are printed
nowhere in the chapter.
"""

from __future__ import annotations

import math
from typing import Any

from course_utils.exercises import Chapter, Exercise, expect_number, expect_statements

chapter = Chapter("02")

chapter.add(Exercise(
    id="02.conv_he_std",
    task="A convolution layer has 3x3 kernels and 64 input channels (and 128 filters). What "
         "standard deviation does He normal initialization give its weights?",
    checker=expect_number(math.sqrt(2 / 576), rel_tol=0.01, known_mistakes={
        math.sqrt(2 / 64): "that counts the input channels only. Each output value of a "
                           "convolution sums over the whole 3x3 window of every channel: "
                           "fan_in = 3 * 3 * 64.",
        2 / 576: "that is the variance 2/fan_in; the standard deviation is its square root.",
        math.sqrt(2 / (3 * 3 * 128)): "that uses the filters (fan_out); He normal uses fan_in, "
                                      "the inputs each output value sums.",
        math.sqrt(2 / 9): "that counts the kernel's 9 positions but not the 64 channels.",
    }),
    hints=("He initialization sets Var(W) = 2 / fan_in, where fan_in is the number of inputs "
           "one output value sums.",
           "One output value of a 3x3 convolution sums over a 3x3 window in each of the 64 "
           "input channels."),
    solution="answer = (2 / (3 * 3 * 64)) ** 0.5  # 0.0589",
    reasoning="The argument of the chapter holds for any layer whose outputs are sums of "
              "products w * x: what counts is how many products one output sums. One output "
              "value of a 3x3 convolution sums 3 * 3 = 9 positions in each of 64 channels, "
              "fan_in = 576 (Keras computes it the same way, from the kernel shape "
              "(3, 3, 64, 128)). He: Var(W) = 2 / 576, standard deviation sqrt(2 / 576) = "
              "0.0589. The number of filters does not enter: it is the fan_out.",
))

chapter.add(Exercise(
    id="02.conv_glorot_limit",
    task="A first convolution layer has 5x5 kernels, 3 input channels (RGB) and 32 filters. "
         "Glorot uniform draws its weights from U(-a, a). What is a?",
    checker=expect_number(math.sqrt(6 / (75 + 800)), rel_tol=0.01, known_mistakes={
        math.sqrt(6 / 35): "that uses the channels only (3 + 32). Keras multiplies both fans "
                           "by the kernel's 25 positions: fan_in = 5*5*3, fan_out = 5*5*32.",
        math.sqrt(2 / 875): "that is the standard deviation; the limit of U(-a, a) is sqrt(3) "
                            "times larger, because Var(U(-a, a)) = a**2 / 3.",
        math.sqrt(6 / 75): "that is He uniform's limit from fan_in alone; Glorot averages "
                           "fan_in and fan_out.",
        6 / 875: "take the square root: a = sqrt(6 / (fan_in + fan_out)).",
    }),
    hints=("Keras' fans of a convolution kernel of shape (kh, kw, c_in, c_out): fan_in = "
           "kh * kw * c_in and fan_out = kh * kw * c_out.",
           "Glorot: Var(W) = 2 / (fan_in + fan_out); U(-a, a) has variance a**2 / 3."),
    solution="answer = (6 / (5 * 5 * 3 + 5 * 5 * 32)) ** 0.5  # 0.0828",
    reasoning="fan_in = 5 * 5 * 3 = 75 inputs per output value; fan_out = 5 * 5 * 32 = 800, the "
              "outputs each input value feeds. Glorot asks for Var(W) = 2 / (75 + 800), and a "
              "uniform U(-a, a) has variance a^2 / 3, so a = sqrt(6 / 875) = 0.0828. The fans "
              "are very unequal here (75 against 800), so Glorot's compromise is far from "
              "either He's fan_in choice (a = sqrt(6 / 75) = 0.28) or the fan_out one.",
))

chapter.add(Exercise(
    id="02.zeros_why",
    task="Copies of the 784-256-128-10 network train with SGD. The first two start with all "
         "weights and biases zero and hidden units the chapter never ran: ELU (ELU(0) = 0, "
         "derivative 1 at 0) and softplus (softplus(0) = ln 2). Which statements are true? "
         "(a) with ELU, every hidden weight is still exactly zero after training; (b) with "
         "ELU, a larger learning rate would move the hidden weights; (c) with softplus, the "
         "output layer's weights change at the first step; (d) with softplus, the 256 units "
         "of the first layer end up different from each other. Two more copies start with "
         "zero hidden weights and biases but random (Glorot) output weights: (e) with ReLU, "
         "the hidden weights and biases stay exactly zero, because TensorFlow takes ReLU's "
         "derivative at 0 to be 0; (f) with tanh, the hidden weights and biases stay exactly "
         "zero too. Answer the set of letters of the true statements.",
    checker=expect_statements("ace", {
        "a": "ELU(0) = 0, so the weights into the output get zero inputs, and every hidden "
             "unit gets a zero gradient because the weights above it are zero. Its "
             "derivative of 1 at 0 does not help: it multiplies a zero.",
        "b": "every hidden weight's gradient is exactly zero, and zero times any step size "
             "is zero.",
        "c": "softplus(0) = ln 2 is not zero, so each output weight's gradient, (its input) x "
             "(the output's gradient), is not zero at the first step.",
        "d": "every unit of a layer computes the same ln 2 and receives the same gradient, so "
             "the units change together and stay copies of one unit.",
        "e": "the hidden activations are ReLU(0) = 0, so the output weights get zero inputs. "
             "The gradient reaching a hidden unit is (its derivative) x (the weights above "
             "it x the gradient there): the random output weights make the second factor "
             "non-zero, and the derivative, 0 in TensorFlow, makes the product zero. So the "
             "derivative is a sufficient reason here.",
        "f": "tanh's derivative at 0 is 1, so the second hidden layer's units do receive the "
             "gradient from the random output weights, and their biases move (their weights "
             "do not, because their inputs tanh(0) are zero). The derivative decides this "
             "case; in (a) it did not matter.",
    }),
    hints=("Write f(0) and f'(0) for each activation. A weight's gradient is (its input) x "
           "(the gradient arriving at its unit).",
           "The gradient arriving at a hidden unit is f'(its pre-activation) times a sum, "
           "over the weights above it, of weight x gradient there. Which factor is zero in "
           "each case?"),
    solution='answer = {"a", "c", "e"}',
    reasoning="A weight's gradient is (its input) x (the gradient at its unit), and the "
              "gradient at a hidden unit is f'(z) x (sum over the weights above it of weight "
              "x gradient). With every weight zero, that sum is zero whatever f'(0) is, so "
              "the hidden weights move only if the output weights can: their input is f(0). "
              "ELU(0) = 0, so nothing hidden ever moves, at any rate (a; not b). softplus(0) "
              "= ln 2, so the output weights move at once (c) and gradient then reaches the "
              "hidden layers, but the same for every unit of a layer (not d). With random "
              "output weights the sum is no longer zero, and f'(0) decides: 0 for ReLU in "
              "TensorFlow, so nothing hidden moves (e), 1 for tanh, so the second hidden "
              "layer's biases move (not f). A zero derivative is enough to stop the "
              "gradient, but the all-zero networks show it is not needed.",
))

chapter.add(Exercise(
    id="02.relu_factor",
    task="A deep ReLU network has 200 units per hidden layer, weights drawn from "
         "N(0, 0.05**2) and zero biases. By what factor does the root mean square of the "
         "activations change from one hidden layer to the next?",
    checker=expect_number(0.05 * math.sqrt(200 / 2), rel_tol=0.02, known_mistakes={
        0.05 * math.sqrt(200): "that is the factor for a linear (or tanh near 0) layer; ReLU "
                               "zeroes half of the pre-activations, halving the second moment.",
        0.25: "that is the factor on the second moment (the square); the root mean square "
              "changes by its square root.",
        0.05: "that is the weight's standard deviation alone; each unit sums 200 products.",
        0.5 ** 0.5: "that is ReLU's halving alone; the weights' scale enters too.",
    }),
    hints=("E[z^2] = n_in * Var(W) * E[x^2] for the pre-activation; ReLU then keeps half of "
           "E[z^2].",
           "Multiply the three factors for the second moment, then take the square root."),
    solution="answer = 0.05 * (200 / 2) ** 0.5  # 0.5",
    reasoning="A pre-activation sums 200 products, so E[z^2] = 200 * 0.05^2 * E[x^2] = "
              "0.5 E[x^2]. ReLU keeps the positive half of a symmetric z, so the activation's "
              "second moment is half of that: 0.25 E[x^2]. The root mean square is multiplied "
              "by sqrt(0.25) = 0.5 per layer: ten layers shrink the signal about a thousand "
              "times. He initialization would use Var(W) = 2 / 200, a standard deviation of "
              "0.1, and a factor of exactly 1.",
))


def _expected_std(shape: tuple[int, ...], scheme: str) -> float:
    receptive = 1
    for size in shape[:-2]:
        receptive *= size
    fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
    return math.sqrt(2 / fan_in if scheme == "he" else 2 / (fan_in + fan_out))


# Shapes the chapter never shows: convolutions of several sizes, a 1x1, a 1-D kernel.
_CASES = [((3, 3, 64, 128), "he"), ((5, 5, 3, 96), "glorot"), ((1, 1, 256, 64), "he"),
          ((784, 10), "glorot"), ((7, 512, 256), "glorot"), ((11, 11, 3, 96), "he")]


def _check_init_std(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, "pass the function itself (no parentheses), e.g. check(..., init_std)."
    for shape, scheme in _CASES:
        got = fn(shape, scheme)
        want = _expected_std(shape, scheme)
        try:
            value = float(got)
        except (TypeError, ValueError):
            return False, f"init_std({shape}, {scheme!r}) returned {got!r}, not a number."
        if math.isclose(value, want, rel_tol=1e-6):
            continue
        receptive = math.prod(shape[:-2])
        if math.isclose(value, want ** 2, rel_tol=1e-6):
            advice = "that is the variance; return its square root."
        elif receptive > 1 and math.isclose(value, want * math.sqrt(receptive), rel_tol=1e-6):
            advice = ("the kernel's spatial size is missing from the fans: multiply the "
                      "channel counts by the product of the leading dimensions.")
        else:
            advice = ("fan_in is the product of all dimensions but the last, fan_out the "
                      "product of all but the second-to-last.")
        return False, f"init_std({shape}, {scheme!r}) returned {value:.4g}, expected {want:.4g}: {advice}"
    return True, f"right on {len(_CASES)} kernel shapes, dense, 1-D and 2-D convolutions."


chapter.add(Exercise(
    id="02.init_std",
    task="Write init_std(shape, scheme) that returns the standard deviation of He normal "
         "(scheme 'he') or Glorot normal (scheme 'glorot') weights for a Keras kernel of "
         "shape (n_in, n_out) or (k..., c_in, c_out).",
    checker=_check_init_std,
    hints=("The last dimension of a Keras kernel is the number of outputs (units or filters), "
           "the second-to-last the number of input channels; any leading dimensions are the "
           "kernel's window.",
           "fan_in = window size * c_in, fan_out = window size * c_out; then He: "
           "sqrt(2 / fan_in), Glorot: sqrt(2 / (fan_in + fan_out))."),
    solution=("def init_std(shape, scheme):\n"
              "    window = 1\n"
              "    for size in shape[:-2]:\n"
              "        window *= size\n"
              "    fan_in, fan_out = window * shape[-2], window * shape[-1]\n"
              "    if scheme == \"he\":\n"
              "        return (2 / fan_in) ** 0.5\n"
              "    return (2 / (fan_in + fan_out)) ** 0.5"),
    answer_name="init_std",
    reasoning="Both schemes need the fans. An output value of a layer sums one product per "
              "input value in its window: for a dense kernel (n_in, n_out) that is n_in, for a "
              "convolution kernel (kh, kw, c_in, c_out) it is kh * kw * c_in. The fan_out "
              "counts, the same way, how many outputs each input feeds: kh * kw * c_out. So "
              "multiply the window (all leading dimensions, 1 for a dense kernel) by the last "
              "two. He keeps the forward signal of ReLU layers: Var = 2 / fan_in. Glorot "
              "compromises between forward and backward: Var = 2 / (fan_in + fan_out). Return "
              "the square root, the standard deviation.",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
