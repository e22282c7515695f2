"""Chapter 5 (VGG) exercises. The notebook imports this module as ``exercises``:
``from course_utils.exercises import ch05 as exercises``.

None of the answers is printed in the chapter: each carries one of its computations to a
network or a layer the chapter does not show (VGG19's block 5, the receptive field of any
VGG-like stack, Glorot's variance where the channels double, He's standard deviation).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from course_utils.exercises import Chapter, Exercise, expect_number, expect_whole_number

chapter = Chapter("05")

# --- 5.1 VGG19's block 5 -------------------------------------------------------------------

VGG19_BLOCK5 = 4 * (3 * 3 * 512 * 512 + 512)  # 9,439,232

chapter.add(Exercise(
    id="05.vgg19_block5",
    task="How many parameters (biases included) does block 5 of VGG19 (configuration E) "
         "have?",
    checker=expect_whole_number(VGG19_BLOCK5, known_mistakes={
        4 * 3 * 3 * 512 * 512: "add the biases: 512 per convolution.",
        3 * (3 * 3 * 512 * 512 + 512): "that is VGG16's block 5 (three convolutions); "
                                       "configuration E stacks four in block 5.",
        3 * 3 * 512 * 512 + 512: "that is one convolution; block 5 of E has four.",
        (3 * 3 * 256 * 512 + 512) + 3 * (3 * 3 * 512 * 512 + 512):
            "block 5's first convolution sees block 4's 512 channels (block 4 already ends "
            "at 512), not 256.",
    }),
    hints=("Look up configuration E's block 5 in Table 1: how many convolutions, what kernel, "
           "how many filters, and how many channels come in from block 4?",
           "A k x k convolution from C_in to C_out channels has k*k*C_in*C_out weights plus "
           "C_out biases; every convolution of this block maps 512 channels to 512."),
    solution="answer = 4 * (3 * 3 * 512 * 512 + 512)  # 9,439,232",
    reasoning="Configuration E's block 5 is four conv3-512 layers. Block 4 already ends with "
              "512 channels, so all four map 512 channels to 512: 3 x 3 x 512 x 512 = "
              "2,359,296 weights plus 512 biases = 2,359,808 parameters each, 9,439,232 for "
              "the block: one convolution (2.4 million) more than VGG16's block 5. E's "
              "5.3 million convolution parameters beyond D's come from one extra convolution "
              "in each of blocks 3, 4 and 5 (0.59, 2.36 and 2.36 million).",
))


# --- 5.2 the receptive field of any VGG-like stack -----------------------------------------

def vgg_receptive_field(convs_per_block: Sequence[int]) -> int:
    """The reference: 3x3 stride-1 convolutions, each block closed by a 2x2 stride-2 pool."""
    field, jump = 1, 1
    for convs in convs_per_block:
        field += 2 * jump * convs  # each 3x3 layer adds one step of `jump` on each side
        field += jump              # the 2x2 pooling window adds one more step
        jump *= 2                  # after a stride-2 pooling, neighbours are 2x further apart
    return field


def _no_jump(convs_per_block: Sequence[int]) -> int:
    return 1 + sum(2 * c + 1 for c in convs_per_block)


def _no_pool_window(convs_per_block: Sequence[int]) -> int:
    field, jump = 1, 1
    for convs in convs_per_block:
        field += 2 * jump * convs
        jump *= 2
    return field


def _jump_too_early(convs_per_block: Sequence[int]) -> int:
    field, jump = 1, 1
    for convs in convs_per_block:
        field += 2 * jump * convs
        jump *= 2
        field += jump
    return field


def _without_last_pool(convs_per_block: Sequence[int]) -> int:
    blocks = list(convs_per_block)
    if not blocks:
        return 1
    return vgg_receptive_field(blocks[:-1]) + 2 * 2 ** (len(blocks) - 1) * blocks[-1]


_FIELD_MISTAKES: tuple[tuple[Callable[[Sequence[int]], int], str], ...] = (
    (_no_jump, "every layer adds the same 2 pixels in your function. After each stride-2 "
               "pooling, neighbouring units are twice as far apart in the input (the jump "
               "doubles), so each later 3x3 layer adds 2 x jump pixels."),
    (_no_pool_window, "the 2x2 pooling windows are missing: a pooling window adds "
                      "(2 - 1) x jump pixels, like any other window."),
    (_jump_too_early, "the pooling window is counted with the jump after the pooling; it "
                      "still sees neighbours at the old jump (add jump, then double it)."),
    (_without_last_pool, "you stop before the last pooling; the question asks for a unit "
                         "after it."),
)

# Configurations A, B and E (the chapter shows only D's 212), and other stacks.
FIELD_CASES: tuple[tuple[int, ...], ...] = (
    (1, 1, 2, 2, 2), (2, 2, 2, 2, 2), (2, 2, 4, 4, 4), (1,), (3,), (0, 0), (2, 3),
    (1, 2, 3, 4), (4, 4, 4, 4, 4, 4), (2, 2, 3, 3, 3),
)


def _check_vgg_receptive_field(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, ("pass your function itself (no parentheses), e.g. "
                       "check('05.vgg_receptive_field', vgg_rf).")
    for case in FIELD_CASES:
        expected = vgg_receptive_field(case)
        got = fn(list(case))
        if got == expected:
            continue
        advice = next((text for wrong, text in _FIELD_MISTAKES if got == wrong(case)), "")
        if not advice:
            advice = ("walk through the layers with two numbers, the field and the jump "
                      "(the distance in input pixels between neighbouring units).")
        return False, f"for {list(case)} your function gives {got!r}, expected {expected}: {advice}"
    return True, (f"checked on {len(FIELD_CASES)} stacks, including configurations A "
                  f"({vgg_receptive_field((1, 1, 2, 2, 2))} pixels), B "
                  f"({vgg_receptive_field((2, 2, 2, 2, 2))}) and E "
                  f"({vgg_receptive_field((2, 2, 4, 4, 4))}).")


chapter.add(Exercise(
    id="05.vgg_receptive_field",
    task="Write vgg_rf(convs_per_block): the receptive field (pixels along one side) of one "
         "unit after the last pooling of a VGG-like network whose block b has "
         "convs_per_block[b] 3x3 stride-1 convolutions followed by a 2x2 stride-2 max "
         "pooling. VGG16 is [2, 2, 3, 3, 3] (212 pixels).",
    checker=_check_vgg_receptive_field,
    hints=("Keep two numbers as you walk up the network: the field (pixels one unit sees) and "
           "the jump (input pixels between neighbouring units; 1 at the input).",
           "A k x k window with stride s adds (k - 1) x jump pixels to the field, then "
           "multiplies the jump by s. Apply that to every convolution and every pooling."),
    solution=("def vgg_rf(convs_per_block):\n"
              "    field, jump = 1, 1\n"
              "    for convs in convs_per_block:\n"
              "        field += 2 * jump * convs  # 3x3 layers: (3 - 1) x jump each\n"
              "        field += jump              # the 2x2 pooling: (2 - 1) x jump\n"
              "        jump *= 2                  # stride 2\n"
              "    return field"),
    answer_name="vgg_rf",
    reasoning="A window of k pixels with stride s, applied to units that are `jump` input "
              "pixels apart, widens the field by (k - 1) x jump and multiplies the jump by s. "
              "A 3x3 stride-1 convolution adds 2 x jump and keeps the jump; the 2x2 stride-2 "
              "pooling adds 1 x jump, then doubles the jump. So the same 3x3 layer adds 2 "
              "pixels in block 1, 4 in block 2, 8 in block 3, 16 in block 4 and 32 in block "
              "5: the deep blocks widen the field most. Configuration A ([1, 1, 2, 2, 2]) "
              "reaches 150 pixels, B 156, D 212 and E 268, more than the 224-pixel input "
              "(the outer units see padding).",
))


# --- 5.3 Glorot where the channels double --------------------------------------------------

chapter.add(Exercise(
    id="05.glorot_doubling",
    task="A 3x3 convolution maps C channels to 2C (as the first convolution of a VGG block "
         "does) and a ReLU follows. Its weights are Glorot-initialised (variance "
         "2 / (fan_in + fan_out), mean 0). By what factor is the mean square of the signal "
         "multiplied from the layer's input to the ReLU's output? Three decimals.",
    checker=expect_number(1 / 3, abs_tol=0.0015, known_mistakes={
        0.5: "that holds when fan-in equals fan-out. Here fan_out = 3*3*2C is twice "
             "fan_in = 3*3*C, so Glorot's variance is 2 / (3 fan_in), not 1 / fan_in.",
        2 / 3: "that is the convolution's output, before the ReLU; the ReLU zeroes the "
               "negative half of a symmetric signal and halves its mean square.",
        1.0: "Glorot keeps the variance only when fan-in equals fan-out, and only for a "
             "linear layer: neither holds here.",
        math.sqrt(1 / 3): "that is the factor on the RMS (the square root); the question "
                          "asks for the mean square.",
        0.25: "Glorot's variance averages fan-in and fan-out: 2 / (fan_in + fan_out), not "
              "1 / fan_out.",
    }),
    hints=("The pre-activation z = sum of fan_in products w * x, with independent zero-mean "
           "w: Var(z) = fan_in * Var(w) * mean(x^2).",
           "fan_in = 9C and fan_out = 18C. Then a ReLU on a zero-mean symmetric z keeps "
           "mean(relu(z)^2) = Var(z) / 2."),
    solution="answer = round(9 * 2 / (9 + 18) / 2, 3)  # 9C * Var(w) = 2/3; ReLU: / 2",
    reasoning="With fan_in = 3 x 3 x C = 9C and fan_out = 3 x 3 x 2C = 18C, Glorot sets "
              "Var(w) = 2 / (9C + 18C) = 2 / (27C). The pre-activation sums 9C products of "
              "independent zero-mean weights with the inputs, so Var(z) = 9C x 2 / (27C) x "
              "mean(x^2) = 2/3 mean(x^2): the convolution alone already loses a third. The "
              "weights are symmetric around 0, so z is too, and the ReLU keeps half of its "
              "mean square: 1/3 overall. Where fan-in equals fan-out the factor is 1/2 per "
              "layer; at the four places where VGG doubles its channels it is 1/3.",
))


# --- 5.4 He's standard deviation for a convolution -----------------------------------------

HE_STD_BLOCK4 = math.sqrt(2 / (3 * 3 * 256))  # 0.0295

chapter.add(Exercise(
    id="05.he_std",
    task="He initialisation (he_normal) for the first convolution of VGG16's block 4: 3x3 "
         "kernels, 256 input channels, 512 filters. What standard deviation do its weights "
         "get? Four decimals.",
    checker=expect_number(HE_STD_BLOCK4, abs_tol=0.00006, known_mistakes={
        math.sqrt(2 / 256): "the fan-in of a convolution counts the whole window: "
                            "3 x 3 x 256 inputs feed each output, not 256.",
        math.sqrt(1 / (9 * 256)): "He doubles the variance to make up for the ReLU: "
                                  "2 / fan_in (with fan_in = 3*3*256, this number is also "
                                  "sqrt(2 / fan_out)).",
        math.sqrt(2 / (9 * 256 + 9 * 512)): "that is Glorot's 2 / (fan_in + fan_out); He "
                                            "uses 2 / fan_in.",
        2 / (9 * 256): "that is the variance; the standard deviation is its square root.",
        0.1: "that is the VGG paper's fixed N(0, 0.01) (variance 0.01); He's depends on "
             "the layer's fan-in.",
    }),
    hints=("He: Var(w) = 2 / fan_in, where fan_in is the number of inputs of one output "
           "unit.",
           "For a k x k convolution on C_in channels, fan_in = k * k * C_in."),
    solution="answer = round((2 / (3 * 3 * 256)) ** 0.5, 4)  # 0.0295",
    reasoning="Each output of the convolution sums 3 x 3 x 256 = 2,304 products, so fan_in = "
              "2,304 and He's variance is 2 / 2,304 = 8.68e-4: a standard deviation of "
              "0.0295. The factor 2 makes up for the ReLU, which halves the mean square, "
              "so the signal keeps its size from layer to layer. The VGG paper's fixed "
              "standard deviation of 0.1 is more than three times larger here, and in block "
              "5 (fan_in 4,608) almost five times.",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
