"""Chapter 5 (VGG) exercises. The notebook imports this module as ``exercises``:
``from course_utils.exercises import ch05 as exercises``."""

from __future__ import annotations

from typing import Any

from course_utils.exercises import Chapter, Exercise, expect_number, expect_whole_number

chapter = Chapter("05")

chapter.add(Exercise(
    id="05.block_params",
    task="Parameters of VGG16's block 3: three 3x3 convolutions with 256 filters, on block 2's "
         "128 channels, biases included.",
    checker=expect_whole_number(1_475_328, known_mistakes={
        1_474_560: "add the biases: 256 per convolution.",
        1_770_240: "the first convolution of the block sees block 2's 128 channels, not 256.",
        885_120: "that is one 3x3 convolution from 256 to 384 channels (AlexNet's conv3).",
        295_168: "that is only the first convolution (128 -> 256); the block has three.",
    }),
    hints=("A k x k convolution from C_in to C_out channels has k*k*C_in*C_out weights and "
           "C_out biases.",
           "The first convolution of the block sees 128 channels, the other two see 256."),
    solution="answer = (9 * 128 * 256 + 256) + 2 * (9 * 256 * 256 + 256)  # 1,475,328",
    reasoning="Block 3 opens with a convolution from block 2's 128 channels to 256: 3 x 3 x "
              "128 x 256 + 256 = 295,168 parameters. The next two go from 256 to 256 channels: "
              "3 x 3 x 256 x 256 + 256 = 590,080 each. Together 295,168 + 2 x 590,080 = "
              "1,475,328.",
))


def _check_receptive_field(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, "pass a function of n (no parentheses), e.g. check(..., rf)."
    from course_utils import analysis

    for n in range(1, 13):
        expected = analysis.receptive_field([(3, 1)] * n).size
        got = fn(n)
        if got != expected:
            hint = ""
            if got == 3 * n:
                hint = " Stacked windows overlap: each new layer adds 2 pixels, not 3."
            elif got == 3 ** n:
                hint = " The field grows additively with stride 1, not multiplicatively."
            elif got == 2 * n:
                hint = " Start from the one pixel the last layer sees: 1 + 2n."
            elif got == 2 * n + 3 or got == 2 * (n + 1) + 1:
                hint = " rf(1) is 3: a single 3x3 layer sees 3 pixels."
            return False, f"for n = {n} your function gives {got!r}, expected {expected}.{hint}"
    return True, "n stacked 3x3 stride-1 convolutions see 2n + 1 pixels (n = 1..12 checked)."


chapter.add(Exercise(
    id="05.receptive_field",
    task="Write rf(n): the receptive field (in pixels, along one side) of n stacked 3x3 "
         "convolutions with stride 1.",
    checker=_check_receptive_field,
    hints=("One 3x3 convolution sees 3 pixels; each further one adds one pixel on each side.",
           "Work out rf(1), rf(2) and rf(3) by hand, then find the pattern."),
    solution="def rf(n):\n    return 2 * n + 1",
    answer_name="rf",
    reasoning="One output pixel of the last layer sees 3 pixels of the layer below. Each of "
              "those sees 3 pixels of the layer below it, but neighbouring windows overlap: "
              "together they cover 3 + 2 = 5 pixels. Every further 3x3 stride-1 layer widens "
              "the field by one pixel on each side, so n layers see 1 + 2n pixels: two layers "
              "see 5 (like a 5x5), three see 7 (like a 7x7).",
))

chapter.add(Exercise(
    id="05.stack_saving",
    task="By what percentage do three stacked 3x3 convolutions (C channels in and out) have "
         "fewer weights than one 7x7 convolution with the same receptive field? Percent, one "
         "decimal.",
    checker=expect_number(44.9, abs_tol=0.06, known_mistakes={
        55.1: "that is the share that remains (27/49); the question asks for the saving.",
        81.6: "a stack of three 3x3 layers has 3 * 9 = 27 C^2 weights, not 9 C^2.",
        0.449: "answer in percent, not as a fraction.",
        63.3: "that counts two 3x3 layers (18 C^2), whose field is only 5x5; a 7x7 field "
              "takes three (27 C^2).",
    }, unit="%"),
    hints=("Count the weights of both in units of C^2: a k x k layer has k * k * C * C.",
           "Saving = 1 - (stack's weights) / (7x7's weights), in percent."),
    solution="answer = round(100 * (1 - 27 / 49), 1)  # 44.9",
    reasoning="Three 3x3 layers, each from C to C channels, have 3 x 9 x C^2 = 27 C^2 weights; "
              "one 7x7 layer has 49 C^2. The stack needs 27/49 = 55.1% of the weights, a "
              "saving of 44.9%, and it adds two more non-linearities on top.",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
