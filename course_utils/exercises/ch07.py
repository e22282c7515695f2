"""Chapter 7 (ResNet) exercises. The notebook imports this module as ``exercises``:
``from course_utils.exercises import ch07 as exercises``.

None of the answers is printed in the chapter: each carries one of its computations to a
block, a network or a layer chain it did not show.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from course_utils.exercises import Chapter, Exercise, expect_whole_number

chapter = Chapter("07")

# --- 7.1: a conv5_x bottleneck block ------------------------------------------------------

_C5 = 2048 * 512 + 9 * 512 * 512 + 512 * 2048  # 4,456,448

chapter.add(Exercise(
    id="07.bottleneck_weights",
    task="Convolution weights (no biases, no batch norm) of one conv5_x block of ResNet-50: "
         "a 2048-channel input, 1x1 to 512, 3x3 at 512, 1x1 back to 2048, identity "
         "shortcut.",
    checker=expect_whole_number(_C5, known_mistakes={
        2 * 9 * 512 * 512: "that is a *basic* block of two 3x3 convolutions at 512 channels "
                           "(ResNet-34's conv5_x), not the bottleneck.",
        9 * 512 * 512: "add the two 1x1 convolutions: 2048 -> 512 and 512 -> 2048.",
        _C5 + 2048 * 2048: "an identity shortcut has no weights; only a projection (1x1, "
                           "2048 -> 2048) would add 2048 x 2048.",
        2048 * 512 + 9 * 2048 * 512 + 512 * 2048: "the 3x3 convolution works at the reduced "
                                                  "width: 512 channels in and 512 out.",
        1024 * 256 + 9 * 256 * 256 + 256 * 1024: "that is a conv4_x block (1024 -> 256 -> "
                                                 "1024); conv5_x doubles both widths.",
        256 * 64 + 9 * 64 * 64 + 64 * 256: "that is the conv2_x block the chapter counted; "
                                           "conv5_x has 2048 channels outside, 512 inside.",
    }),
    hints=("A k x k convolution from C_in to C_out channels has k * k * C_in * C_out weights.",
           "Three convolutions: which widths does each one connect? And what does an "
           "identity shortcut add?"),
    solution="answer = 2048 * 512 + 3 * 3 * 512 * 512 + 512 * 2048  # 4,456,448",
    reasoning="The first 1x1 convolution reduces 2048 channels to 512: 2048 x 512 = 1,048,576 "
              "weights. The 3x3 convolution works at the reduced width, 512 to 512: "
              "9 x 512 x 512 = 2,359,296. The last 1x1 restores 2048 channels: 512 x 2048 = "
              "1,048,576. The identity shortcut has no weights. Total 4,456,448: 64 times the "
              "conv2_x block (69,632), because every width is 8 times larger and weights grow "
              "with the product of two widths. A basic block of two 3x3 convolutions at 512 "
              "channels (ResNet-34) would have 4,718,592, a little more, on a representation "
              "four times narrower.",
))


# --- 7.2: the shape after a strided bottleneck block --------------------------------------

def _check_block_shape(answer: Any) -> tuple[bool, str]:
    if isinstance(answer, (str, bytes)):
        return False, f"answer a tuple (height, width, channels), got {answer!r}."
    try:
        values = list(answer)
    except TypeError:
        return False, f"answer a tuple (height, width, channels), got {answer!r}."
    if len(values) != 3:
        return False, f"answer three numbers (height, width, channels), got {len(values)}."
    if any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in values):
        return False, f"answer three numbers (height, width, channels), got {answer!r}."
    if any(float(v) != int(v) for v in values):
        return False, (f"{tuple(values)}: a shape holds whole numbers. A stride-2 'same' "
                       "convolution gives ceil(n / 2) pixels, an exact integer, and the "
                       "channels are a number of filters.")
    shape = tuple(int(v) for v in values)
    if shape == (8, 8, 512):
        return True, ("the first 1x1 convolution carries the stride: ceil(15 / 2) = 8 "
                      "pixels; the block ends with 4 x 128 = 512 channels, and the 1x1 "
                      "projection shortcut (stride 2, 512 filters) gives the same shape, so "
                      "the two can be added.")
    if shape[:2] == (7, 7):
        return False, ("a 'same' convolution with stride 2 gives ceil(15 / 2) = 8 pixels, "
                       "not floor(15 / 2): the padding keeps the last, odd pixel.")
    if shape[:2] == (15, 15):
        return False, "the block's first convolution (and its shortcut) has stride 2."
    if shape[:2] == (8, 8) and shape[2] == 128:
        return False, ("128 is the width *inside* the bottleneck; its last 1x1 convolution "
                       "expands the channels by 4.")
    if shape[:2] == (8, 8) and shape[2] == 256:
        return False, ("the projection shortcut exists precisely to change the channels: to "
                       "the block's output width, 4 x 128.")
    if shape[:2] == (8, 8) and shape[2] in (1024, 768, 640):
        return False, "a residual block adds its two paths; it does not concatenate them."
    if shape[:2] in ((4, 4), (3, 3)):
        return False, ("the stride applies once, in the block's first convolution (and the "
                       "shortcut); the 3x3 and the last 1x1 keep the grid.")
    return False, f"{shape} is not it: work out the stride-2 'same' convolution's output size."


chapter.add(Exercise(
    id="07.projection_shape",
    task="Output shape (height, width, channels) of bottleneck_block(x, filters=128, "
         "stride=2) on a 15x15x256 input; its shortcut is a 1x1 projection with stride 2.",
    checker=_check_block_shape,
    hints=("A 'same' convolution with stride s turns n pixels into ceil(n / s).",
           "A bottleneck block's last 1x1 convolution multiplies its `filters` by 4; both "
           "paths must have that shape to be added."),
    solution="answer = (8, 8, 512)",
    reasoning="The residual path's first 1x1 convolution has stride 2 and 'same' padding: "
              "ceil(15 / 2) = 8 pixels (a 'same' convolution pads the odd last pixel rather "
              "than dropping it), with 128 filters. The 3x3 keeps 8x8x128, and the last 1x1 "
              "expands to 4 x 128 = 512 channels. The input, 15x15x256, cannot be added to "
              "that, so the shortcut is a 1x1 convolution with stride 2 and 512 filters: "
              "8x8x512 too. The block adds the two: (8, 8, 512).",
))


# --- 7.3: depth of a bottleneck CIFAR ResNet ----------------------------------------------

chapter.add(Exercise(
    id="07.cifar_depth",
    task="A CIFAR ResNet built like the chapter's (a 3x3 convolution, three stages of n "
         "blocks, global pooling, one dense layer) but with bottleneck blocks (three "
         "convolutions each) instead of basic ones: how many weighted layers for n = 18?",
    checker=expect_whole_number(9 * 18 + 2, known_mistakes={
        6 * 18 + 2: "that is the basic-block network (two convolutions per block); a "
                    "bottleneck block has three.",
        9 * 18: "add the first 3x3 convolution and the final dense layer.",
        3 * 18 + 2: "each block has *three* convolutions: 3 stages x 18 blocks x 3.",
        3 * 18 * 3 + 2 + 3: "shortcuts are not counted as weighted layers, even where they "
                            "are 1x1 projections (they run beside the main path, not on it).",
        108: "108 is 6 x 18: that counts two convolutions per block and leaves out the first "
             "convolution and the classifier.",
    }),
    hints=("Count the convolutions on the main path of one block, then multiply by the "
           "number of blocks.",
           "Then add the layers outside the stages; shortcuts do not count."),
    solution="answer = 3 * 18 * 3 + 2  # 164",
    reasoning="Three stages of n = 18 bottleneck blocks are 54 blocks, each with three "
              "convolutions on its main path (1x1, 3x3, 1x1): 162 layers. The first 3x3 "
              "convolution and the final dense layer add 2: 9n + 2 = 164. Shortcuts, pooling "
              "and batch normalization are not counted as weighted layers. He et al.'s "
              "follow-up paper on identity mappings trained this network on CIFAR-10, and a "
              "1001-layer one (n = 111).",
))


# --- 7.4: ResNet-50 v1.5 ------------------------------------------------------------------

_V1 = 14 * 14 * 512 * 256    # conv4_1's first 1x1 with stride 2: a 14x14 output
_V15 = 28 * 28 * 512 * 256   # the same 1x1 with stride 1: a 28x28 output
_3X3 = 14 * 14 * 9 * 256 * 256

chapter.add(Exercise(
    id="07.v15_macs",
    task="ResNet-50 'v1.5' (torchvision's) moves the stride 2 of each downsampling "
         "bottleneck block from its first 1x1 convolution to its 3x3. How many more "
         "multiply-adds per image does that cost in conv4_1 (input 28x28x512, 256 filters "
         "inside, 1024 out)?",
    checker=expect_whole_number(_V15 - _V1, known_mistakes={
        _V15: "that is what the first 1x1 costs in v1.5; the question asks how many *more* "
              "than in v1, where it runs at stride 2.",
        _V1: "that is the v1 cost of the first 1x1 (a 14x14 output); v1.5 runs it on all "
             "28x28 positions. Take the difference.",
        0: "the 3x3's cost does not change (its output is 14x14 either way), but the first "
           "1x1 now runs at stride 1, on the full 28x28 grid.",
        3 * (_V15 - _V1): "that is for the three downsampling blocks together (conv3_1, "
                          "conv4_1, conv5_1); the question asks about conv4_1 alone.",
        (28 * 28 - 14 * 14) * 9 * 256 * 256: "the 3x3 with stride 2 still outputs 14x14: its "
                                             "cost is unchanged. The extra cost is in the "
                                             "first 1x1.",
        _V15 - _V1 + 28 * 28 * 512 * 1024 - 14 * 14 * 512 * 1024:
            "the projection shortcut keeps its stride 2 in v1.5: only the main path "
            "changes.",
    }),
    hints=("A 1x1 convolution costs (output positions) x C_in x C_out multiply-adds; the "
           "stride decides the output positions.",
           "Compare the first 1x1 in both versions (14x14 or 28x28 outputs), and check "
           "whether the 3x3's output grid changes."),
    solution="answer = 28 * 28 * 512 * 256 - 14 * 14 * 512 * 256  # 77,070,336",
    reasoning="In v1 the first 1x1 convolution (512 -> 256) has stride 2, so it runs on "
              "14 x 14 = 196 positions: 196 x 512 x 256 = 25,690,112 multiply-adds. In v1.5 "
              "it has stride 1 and runs on all 28 x 28 = 784 positions: 102,760,448, four "
              "times as many. The 3x3 convolution outputs 14x14 in both versions (stride 1 "
              "on a 14x14 input, or stride 2 on a 28x28 one), so its cost, 115,605,504, does "
              "not change; nor does the projection shortcut's. The difference is 77,070,336. "
              "conv3_1 and conv5_1 add exactly as much (the grid halves as the channels "
              "double), about 0.23 billion in all: 6% more than v1's 3.86 billion, for a "
              "main path that now reads every input position (a 1x1 convolution with stride "
              "2 skips three positions in four).",
))


# --- 7.5: the gradient through a chain of residual layers ---------------------------------

GRADIENT_CASES: tuple[tuple[tuple[float, ...], bool], ...] = (
    ((), False), ((), True), ((0.5, 0.2), False), ((0.5, 0.2), True),
    ((2.0, 3.0), True), ((-1.0, 0.5), True), ((0.5,) * 30, False),
    ((0.1, -0.1) * 15, True), ((0.3, -0.2, 0.05, -0.4, 0.25, 0.1, -0.15, 0.2), False),
    ((0.3, -0.2, 0.05, -0.4, 0.25, 0.1, -0.15, 0.2), True), ((1.5, -0.5, 0.25), False),
)


def _reference_gradient(slopes: tuple[float, ...], residual: bool) -> float:
    return float(np.prod([1.0 + a if residual else a for a in slopes]))


_GRADIENT_MISTAKES: tuple[tuple[Any, str], ...] = (
    (lambda s, r: float(np.prod(s)),
     "for residual=True every layer also passes its input through unchanged: its "
     "derivative is 1 + a_i, not a_i."),
    (lambda s, r: 1.0 + float(np.sum(s)) if r else float(np.prod(s)),
     "1 + sum(a_i) is only the first-order part: each a_i multiplies what the layers "
     "below already did, so the chain rule multiplies the factors (1 + a_i)."),
    (lambda s, r: (1.0 if r else 0.0) + float(np.prod(s)),
     "the 1 is in every layer's derivative, 1 + a_i, not added once at the end."),
    (lambda s, r: float(np.sum([1.0 + a if r else a for a in s])),
     "the derivatives of a chain of layers multiply (chain rule); they do not add."),
    (lambda s, r: float(np.prod([1.0 + a for a in s])),
     "for residual=False there is no shortcut: each layer's derivative is just a_i."),
)


def _check_gradient(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, f"define a function input_gradient(slopes, residual); got {fn!r}."
    for slopes, residual in GRADIENT_CASES:
        expected = _reference_gradient(slopes, residual)
        try:
            got = fn(list(slopes), residual)
        except Exception as exc:  # noqa: BLE001 - a student's bug is feedback
            return False, (f"input_gradient({list(slopes)}, {residual}) raised "
                           f"{type(exc).__name__}: {exc}")
        if isinstance(got, bool) or not isinstance(got, numbers.Real):
            return False, (f"input_gradient({list(slopes)}, {residual}) returned {got!r}: "
                           "return a number.")
        if math.isclose(float(got), expected, rel_tol=1e-6, abs_tol=1e-12):
            continue
        advice = next((text for wrong, text in _GRADIENT_MISTAKES
                       if math.isclose(float(got), wrong(slopes, residual), rel_tol=1e-6,
                                       abs_tol=1e-12)), "")
        if not slopes:
            advice = advice or "with no layers, x_L is x_0: the derivative is 1."
        return False, (f"input_gradient({list(slopes)}, residual={residual}) gave {got!r}, "
                       f"expected {expected:.6g}. "
                       + (advice or "apply the chain rule one layer at a time."))
    plain = _reference_gradient((0.5,) * 30, False)
    res = _reference_gradient((0.1, -0.1) * 15, True)
    return True, (f"checked on {len(GRADIENT_CASES)} chains. Thirty plain layers of slope 0.5 "
                  f"pass on {plain:.0e} of the gradient; thirty residual layers with slopes "
                  f"of +-0.1 pass on {res:.2f}. And a residual layer with a_i = -1 (its "
                  "branch cancels its input) blocks the gradient completely.")


chapter.add(Exercise(
    id="07.input_gradient",
    task="Write input_gradient(slopes, residual): for a chain of scalar layers where layer i "
         "computes x_i = a_i * x_{i-1} (plain) or x_i = x_{i-1} + a_i * x_{i-1} (residual), "
         "with slopes = [a_1, ..., a_L], return d x_L / d x_0.",
    checker=_check_gradient,
    hints=("Write the derivative of one layer, d x_i / d x_{i-1}, for each kind of layer.",
           "The chain rule multiplies the layers' derivatives, from the first to the last; "
           "an empty chain has derivative 1."),
    solution=("def input_gradient(slopes, residual):\n"
              "    \"\"\"d x_L / d x_0 for a chain of scalar layers with these slopes.\"\"\"\n"
              "    grad = 1.0\n"
              "    for a in slopes:\n"
              "        grad *= (1 + a) if residual else a  # d x_i / d x_{i-1}\n"
              "    return grad"),
    reasoning="A plain layer x_i = a_i x_{i-1} has derivative a_i; a residual layer "
              "x_i = x_{i-1} + a_i x_{i-1} has derivative 1 + a_i, the 1 coming from the "
              "shortcut. By the chain rule the derivative of the whole chain is the product: "
              "a_1 a_2 ... a_L, or (1 + a_1)(1 + a_2) ... (1 + a_L). With small slopes (a "
              "residual branch that changes its input a little) the plain product vanishes "
              "geometrically while the residual one stays near 1. Expanding the residual "
              "product gives 1 + sum of a_i + sum of pairs a_i a_j + ...: one term per path "
              "through the network, the '1' being the path through every shortcut. The "
              "chapter's formula, 1 + d/dx_l sum F(x_i), is the same thing: each F(x_i) "
              "depends on x_l through the layers below it, which is where the products come "
              "from.",
    answer_name="input_gradient",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
