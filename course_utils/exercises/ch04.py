"""Chapter 4 (AlexNet) exercises. The notebook imports this module as ``exercises``:
``from course_utils.exercises import ch04 as exercises``.

The chapter prints the paper's sizes and counts; these exercises carry the same arithmetic to
networks it does not print (ZFNet's first layer, the source's own Keras model) and turn the
batch-norm story into a function the checker runs on unseen cases.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from course_utils.exercises import Chapter, Exercise, expect_whole_number

chapter = Chapter("04")

chapter.add(Exercise(
    id="04.zfnet_conv1",
    task="ZFNet's first layer: 96 filters 7x7, stride 2, on a 224x224 input with 1 pixel of "
         "zero padding on each side. Output size (height = width)?",
    checker=expect_whole_number(110, known_mistakes={
        110.5: "round down first: (224 + 2 - 7) / 2 = 109.5, and a window that would stick "
               "out of the padded image is not computed, so floor(109.5) + 1.",
        111: "that rounds (224 + 2 - 7) / 2 = 109.5 up; the formula takes the floor: a window "
             "that would stick out of the padded image is not computed.",
        109: "that forgets the padding ((224 - 7) // 2 + 1) or the + 1: with 1 pixel on each "
             "side the padded input has 226 pixels, and the first position counts too.",
        112: "that is 'same' padding, ceil(224 / 2); here the padding is exactly 1 pixel, "
             "too little for 'same' with a 7x7 window.",
        220: "divide by the stride: the filter moves 2 pixels at a time.",
    }),
    hints=("Output = floor((n + 2p - k) / s) + 1, with n the input size, p the padding on "
           "each side, k the kernel and s the stride.",
           "Here n = 224, p = 1, k = 7, s = 2. The division does not come out even: what does "
           "the floor do with the half?"),
    solution="answer = (224 + 2 * 1 - 7) // 2 + 1  # 110",
    reasoning="With 1 pixel of padding on each side the input is 226 pixels wide. A 7x7 window "
              "fits at left edges 0 to 226 - 7 = 219. Stride 2 visits 0, 2, ..., 218: that is "
              "floor(219 / 2) + 1 = 109 + 1 = 110 positions (220 would need a column the "
              "padded image does not have). The usual slips are to keep the .5 (110.5), to "
              "round it up (111), to forget the padding or the + 1 (109), and to use 'same' "
              "padding's ceil(224 / 2) = 112. ZFNet's paper draws this layer as 110x110.",
))

chapter.add(Exercise(
    id="04.source_fc6_params",
    task="The source's Keras AlexNet: 224x224 input, conv1 11x11/4 without padding, 3x3/2 "
         "max pooling after conv1, conv2 and conv5, conv2 'same', conv3-5 3x3 'valid'. "
         "Parameters of its first dense layer (4,096 units), biases included?",
    checker=expect_whole_number(4_198_400, known_mistakes={
        37_752_832: "that is the paper's fc6, on 6x6x256 maps. The source's 'valid' conv3-5 "
                    "and its unpadded 224-pixel input shrink pool5 further: trace the size "
                    "layer by layer.",
        4_194_304: "add the 4,096 biases, one per unit.",
        1024 * 4096 * 2 + 4096: "that doubles the weights: a dense layer has inputs x units "
                                "weights, here (2 x 2 x 256) x 4,096.",
        9_441_280: "that is 3x3x256 flattened inputs: check the pooling arithmetic, "
                   "floor((6 - 3) / 2) + 1 = 2.",
        16_781_312: "that is a 4,096-input layer (the source's second dense layer).",
    }),
    hints=("Trace the spatial size: each layer gives floor((n + 2p - k) / s) + 1; 'same' with "
           "stride 1 keeps n, 'valid' means p = 0.",
           "conv1 gives 54, pool1 26, conv2 keeps 26, pool2 12, and each 'valid' 3x3 removes "
           "2 pixels. Then flatten pool5 (256 channels) and count weights plus biases."),
    solution=("# 224 -conv1-> 54 -pool1-> 26 -conv2 (\"same\")-> 26 -pool2-> 12\n"
              "#     -conv3-> 10 -conv4-> 8 -conv5-> 6 -pool5-> 2\n"
              "answer = 2 * 2 * 256 * 4096 + 4096  # 4,198,400"),
    reasoning="Trace the size: conv1 (224 - 11) // 4 + 1 = 54; pool1 (54 - 3) // 2 + 1 = 26; "
              "conv2 'same' keeps 26; pool2 (26 - 3) // 2 + 1 = 12; the three 'valid' 3x3 "
              "convolutions give 10, 8 and 6; pool5 (6 - 3) // 2 + 1 = 2. Flattened, pool5 "
              "holds 2 x 2 x 256 = 1,024 values, so the dense layer has 1,024 x 4,096 = "
              "4,194,304 weights plus 4,096 biases: 4,198,400, the number in the source's own "
              "model summary and nine times fewer than the paper's fc6. Its total of 24.8 "
              "million parameters, against the paper's 62 million, comes from this shrinking.",
))


# --- 04.steps_to_settle: a function, checked on the chapter's case and five more ---------

# (momentum, variance, tolerance): the source's doubly divided inputs, a shallow layer with
# momentum 0.9, a slow 0.999, a variance above 1, an already settled layer, a loose tolerance.
SETTLE_CASES: tuple[tuple[float, float, float], ...] = (
    (0.99, 2e-7, 0.01), (0.9, 0.05, 0.01), (0.999, 0.3, 0.05), (0.95, 4.0, 0.02),
    (0.99, 1.0, 0.01), (0.9, 3e-6, 0.1),
)


def settle_steps(momentum: float, variance: float, tolerance: float = 0.01) -> int:
    """The reference: after n steps the moving variance is ``variance + momentum**n *
    (1 - variance)``, so the smallest n with ``momentum**n * |1 - variance| <= tolerance *
    variance``."""
    gap = abs(1.0 - variance)
    if gap <= tolerance * variance:
        return 0
    return math.ceil(math.log(tolerance * variance / gap) / math.log(momentum))


def _ignores_variance(momentum: float, variance: float, tolerance: float = 0.01) -> int:
    return max(0, math.ceil(math.log(tolerance) / math.log(momentum)))


def _absolute(momentum: float, variance: float, tolerance: float = 0.01) -> int:
    gap = abs(1.0 - variance)
    return 0 if gap <= tolerance else math.ceil(math.log(tolerance / gap) / math.log(momentum))


def _one_minus(momentum: float, variance: float, tolerance: float = 0.01) -> int:
    return settle_steps(1.0 - momentum, variance, tolerance)


def _one_short(momentum: float, variance: float, tolerance: float = 0.01) -> int:
    return max(0, settle_steps(momentum, variance, tolerance) - 1)


def _one_over(momentum: float, variance: float, tolerance: float = 0.01) -> int:
    return settle_steps(momentum, variance, tolerance) + 1


SETTLE_MISTAKES: tuple[tuple[Callable[..., int], str], ...] = (
    (_ignores_variance,
     "your function waits until the initial value's weight momentum**n drops below the "
     "tolerance, whatever the variance. What must be small is the leftover "
     "momentum**n * (1 - variance) compared with the variance itself: a tiny variance (the "
     "source's inputs divided twice) needs many more steps."),
    (_absolute,
     "your tolerance is absolute (|v - variance| <= tolerance). It is relative: "
     "|v - variance| <= tolerance * variance, so a small variance needs a small error."),
    (_one_minus,
     "after one step the initial value keeps the weight momentum, not 1 - momentum: "
     "v = momentum * v + (1 - momentum) * variance, so after n steps it weighs momentum**n."),
    (_one_short,
     "one step short: return the first n at which the moving variance IS within the "
     "tolerance (after n updates it is variance + momentum**n * (1 - variance))."),
    (_one_over,
     "one step too many: return the first n at which the moving variance is within the "
     "tolerance, and 0 when it already is before any step."),
)


def _as_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _check_settle(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, ("expected your function steps_to_settle itself (no parentheses), "
                       f"got {type(fn).__name__}.")
    answers = {case: fn(*case) for case in SETTLE_CASES}
    default = fn(0.99, 0.5)  # the tolerance must default to 0.01
    for case, value in answers.items():
        if _as_count(value) is None:
            return False, (f"steps_to_settle{case} returned {value!r}: return a whole number "
                           "of steps (an int), e.g. with math.ceil or by counting in a loop.")
    got = {case: _as_count(value) for case, value in answers.items()}
    expected = {case: settle_steps(*case) for case in SETTLE_CASES}
    if got == expected:
        if _as_count(default) != settle_steps(0.99, 0.5):
            return False, ("right when the tolerance is given, but steps_to_settle(0.99, 0.5) "
                           f"returned {default!r}: make tolerance default to 0.01.")
        shown = ", ".join(f"{case}: {n}" for case, n in list(expected.items())[:3])
        return True, (f"right on all {len(expected)} cases ({shown}, ...). With the source's "
                      "inputs divided twice, the moving variance needs thousands of steps; "
                      "the source ran 85.")
    for mistake, advice in SETTLE_MISTAKES:
        if all(got[case] == mistake(*case) for case in SETTLE_CASES):
            return False, advice
    case = next(c for c in SETTLE_CASES if got[c] != expected[c])
    return False, (f"steps_to_settle{case} returned {got[case]}, expected {expected[case]}. "
                   "After n steps the moving variance is variance + momentum**n * "
                   "(1 - variance): find the first n at which it is within tolerance * "
                   "variance of the variance.")


chapter.add(Exercise(
    id="04.steps_to_settle",
    task="Write steps_to_settle(momentum, variance, tolerance=0.01): the smallest number of "
         "steps after which a batch-norm moving variance that starts at 1, updated as "
         "v = momentum * v + (1 - momentum) * variance, is within tolerance * variance of "
         "variance.",
    checker=_check_settle,
    hints=("Write out two steps: v1 = momentum + (1 - momentum) * variance, so "
           "v1 - variance = momentum * (1 - variance). What is vn - variance?",
           "vn - variance = momentum**n * (1 - variance). Either loop, counting updates until "
           "|v - variance| <= tolerance * variance, or solve momentum**n * |1 - variance| <= "
           "tolerance * variance for n with logarithms (and round up).",
           "Do not forget the case where v already is close enough before any step: the "
           "answer is then 0."),
    solution='''def steps_to_settle(momentum, variance, tolerance=0.01):
    """Steps until the moving variance (starting at 1) is within
    `tolerance * variance` of `variance`."""
    moving, steps = 1.0, 0
    while abs(moving - variance) > tolerance * variance:
        moving = momentum * moving + (1 - momentum) * variance
        steps += 1
    return steps''',
    reasoning="Each step keeps a fraction momentum of the old value, so the distance to the "
              "real variance shrinks by that factor every step: after n steps "
              "v - variance = momentum**n * (1 - variance). The moving variance is close "
              "enough once momentum**n * |1 - variance| <= tolerance * variance, i.e. "
              "n >= log(tolerance * variance / |1 - variance|) / log(momentum), rounded up; a "
              "loop that applies the update and counts gives the same number. The tolerance "
              "is relative, so the smaller the real variance, the longer it takes: with "
              "momentum 0.99, a variance of 2e-7 (inputs divided by 255 twice) needs 1,993 "
              "steps, against 459 for a variance of 0.5. The usual mistakes stop when "
              "momentum**n alone is below the tolerance, use an absolute tolerance, or count "
              "one step too few or too many.",
    answer_name="steps_to_settle",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
