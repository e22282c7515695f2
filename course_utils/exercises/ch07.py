"""Chapter 7 (ResNet) exercises. The notebook imports this module as ``exercises``:
``from course_utils.exercises import ch07 as exercises``."""

from __future__ import annotations

import numbers
from typing import Any

from course_utils.exercises import Chapter, Exercise, expect_whole_number

chapter = Chapter("07")

chapter.add(Exercise(
    id="07.bottleneck_weights",
    task="Convolution weights (no biases, no batch norm) of a bottleneck block on a 256-channel "
         "input: 1x1 to 64, 3x3 at 64, 1x1 back to 256, identity shortcut.",
    checker=expect_whole_number(256 * 64 + 9 * 64 * 64 + 64 * 256, known_mistakes={
        2 * 9 * 64 * 64: "that is a *basic* block of two 3x3 convolutions at 64 channels.",
        2 * 9 * 256 * 256: "that is a basic block at 256 channels: the bottleneck avoids it.",
        9 * 64 * 64: "add the two 1x1 convolutions: 256 -> 64 and 64 -> 256.",
        256 * 64 + 9 * 64 * 64 + 64 * 256 + 256 * 256: "an identity shortcut has no weights.",
        256 * 64 + 9 * 256 * 64 + 64 * 256: "the 3x3 convolution works at the reduced width: "
                                            "64 channels in and 64 out.",
    }),
    hints=("A k x k convolution from C_in to C_out channels has k * k * C_in * C_out weights.",
           "Add the three convolutions; what does the identity shortcut add?"),
    solution="answer = 256 * 64 + 3 * 3 * 64 * 64 + 64 * 256  # 69,632",
    reasoning="The first 1x1 convolution reduces 256 channels to 64: 256 x 64 = 16,384 weights. "
              "The 3x3 convolution works at the reduced width, 64 to 64: 9 x 64 x 64 = 36,864. "
              "The last 1x1 restores 256 channels: 64 x 256 = 16,384. The identity shortcut has "
              "no weights. Total 69,632, fewer than one 3x3 convolution at 256 channels "
              "(589,824).",
))


def _check_projection_shape(answer: Any) -> tuple[bool, str]:
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
                       "channels are the number of filters.")
    shape = tuple(int(v) for v in values)
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
    if shape[:2] in ((13, 13), (7, 7)):
        return False, ("a 'same' convolution with stride 2 gives ceil(28 / 2) = 14; the "
                       "stride applies once, in the first convolution only.")
    return False, f"{shape} is not it: work out the stride-2 'same' convolution's output size."


chapter.add(Exercise(
    id="07.projection_shape",
    task="Output shape (height, width, channels) of basic_block(x, filters=128, stride=2) on a "
         "28x28x64 input, whose shortcut is a 1x1 projection with stride 2.",
    checker=_check_projection_shape,
    hints=("A 'same' convolution with stride s turns n pixels into ceil(n / s).",
           "Both paths must produce the same shape to be added: which of the two fixes the "
           "channels?"),
    solution="answer = (14, 14, 128)",
    reasoning="The residual path's first 3x3 convolution has stride 2 and 'same' padding: "
              "ceil(28 / 2) = 14 pixels, with 128 filters; the second 3x3 has stride 1 and "
              "keeps 14x14x128. The input, 28x28x64, cannot be added to that, so the shortcut "
              "is a 1x1 convolution with stride 2 and 128 filters: 14x14x128 too. The block "
              "adds the two: (14, 14, 128).",
))

chapter.add(Exercise(
    id="07.cifar_depth",
    task="How many weighted layers does the CIFAR ResNet with n = 18 blocks per stage have "
         "(three stages of basic blocks, plus the first convolution and the classifier)?",
    checker=expect_whole_number(110, known_mistakes={
        108: "add the first 3x3 convolution and the final dense layer.",
        56: "that is n = 9; the question asks n = 18.",
        20: "that is n = 3.",
        54: "each basic block has *two* convolutions: 2 x 3 x 18 + 2.",
        38: "count the blocks of all three stages (3 x 18), each with two convolutions.",
    }),
    hints=("Each basic block has two convolutions; there are 3 stages of n blocks.",
           "Then add the layers outside the stages."),
    solution="answer = 6 * 18 + 2  # 110",
    reasoning="Each stage has n = 18 basic blocks of two 3x3 convolutions: 36 layers per stage, "
              "108 for the three stages. The first 3x3 convolution and the final dense layer "
              "add 2: 6n + 2 = 110 (ResNet-110 of the paper). Shortcuts, pooling and batch "
              "norm are not counted as weighted layers.",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
