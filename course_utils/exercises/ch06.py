"""Chapter 6 (Inception) exercises. The notebook imports this module as ``exercises``:
``from course_utils.exercises import ch06 as exercises``."""

from __future__ import annotations

from course_utils.exercises import Chapter, Exercise, expect_number, expect_whole_number

chapter = Chapter("06")

chapter.add(Exercise(
    id="06.branch_cost",
    task="Multiply-adds per image of inception (3a)'s 3x3 branch without its 1x1 reduction: "
         "28x28x192 input, 128 filters of 3x3, 'same' padding.",
    checker=expect_whole_number(28 * 28 * 128 * 9 * 192, known_mistakes={
        28 * 28 * (192 * 96 + 9 * 96 * 128): "that is the branch *with* its 1x1 reduction to "
                                             "96 channels; the question asks without it.",
        128 * 9 * 192: "that is the number of weights: each of the 28x28 output positions "
                       "repeats those multiply-adds.",
        28 * 28 * 128 * 9: "each output value reads a 3x3 window in all 192 input channels.",
        26 * 26 * 128 * 9 * 192: "'same' padding keeps the 28x28 size; 26x26 is 'valid'.",
    }),
    hints=("Count the multiply-adds of one output value first: a 3x3 window over every input "
           "channel.",
           "Then count the output values: 'same' padding keeps the height and width."),
    solution="answer = 28 * 28 * 128 * 3 * 3 * 192  # 173,408,256",
    reasoning="One output value is a sum over a 3x3 window in all 192 input channels: 3 x 3 x "
              "192 = 1,728 multiply-adds. 'Same' padding keeps the 28x28 size, and there are "
              "128 filters, so 28 x 28 x 128 = 100,352 output values: 173,408,256 "
              "multiply-adds per image. A 1x1 reduction to 96 channels first cuts that to "
              "about 101 million, which is why GoogLeNet reduces before its large kernels.",
))

chapter.add(Exercise(
    id="06.module_channels",
    task="Output channels of inception (4e): 256 1x1, 160 3x3 reduce, 320 3x3, 32 5x5 reduce, "
         "128 5x5, 128 pool projection.",
    checker=expect_whole_number(832, known_mistakes={
        1024: "the 3x3 and 5x5 *reduce* convolutions feed their branch's next convolution; "
              "only the last layer of each branch reaches the concatenation.",
        704: "the pooling branch is concatenated too (through its 1x1 projection).",
        576: "the 1x1 branch (256) is concatenated too.",
    }),
    hints=("The module concatenates the outputs of its four branches along the channel axis.",
           "Only the last layer of each branch reaches the concatenation."),
    solution="answer = 256 + 320 + 128 + 128  # 832",
    reasoning="An Inception module concatenates its four branches along the channel axis, and "
              "each branch contributes the filters of its last layer: the 1x1 branch 256, the "
              "3x3 branch 320, the 5x5 branch 128 and the pooling branch's 1x1 projection 128. "
              "The reduce convolutions (160, 32) only feed their branch's next layer. Total: "
              "832 channels.",
))

chapter.add(Exercise(
    id="06.asymmetric_saving",
    task="Percentage of multiply-adds saved by factorizing a 7x7 convolution into 1x7 followed "
         "by 7x1 (same channels in and out), to one decimal.",
    checker=expect_number(round(100 * (1 - 14 / 49), 1), abs_tol=0.051, known_mistakes={
        round(100 * 14 / 49, 1): "that is the cost that remains (14/49); the saving is the rest.",
        0.714: "answer in percent, not as a fraction.",
        round(100 * (1 - 18 / 49), 1): "1x7 + 7x1 costs 7 + 7 per output and channel pair, not "
                                       "two 3x3 kernels.",
        round(100 * (1 - 7 / 49), 1): "there are two layers, 1x7 *and* 7x1: 7 + 7 = 14 "
                                      "multiply-adds, not 7.",
    }, unit="%"),
    hints=("Per output value and channel pair, a k1 x k2 kernel costs k1 * k2 multiply-adds.",
           "Compare the factorized pair's cost with the 7x7's; the saving is what is left out."),
    solution="answer = round(100 * (1 - (7 + 7) / (7 * 7)), 1)  # 71.4",
    reasoning="Per output value and pair of channels, a 7x7 kernel costs 49 multiply-adds. A "
              "1x7 layer followed by a 7x1 layer (same channels, same output size) costs 7 + 7 "
              "= 14 and still sees a 7x7 window. The pair costs 14/49 = 28.6% of the original, "
              "a saving of 71.4%.",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
