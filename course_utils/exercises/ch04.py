"""Chapter 4 (AlexNet) exercises. The notebook imports this module as ``exercises``:
``from course_utils.exercises import ch04 as exercises``."""

from __future__ import annotations

from course_utils.exercises import Chapter, Exercise, expect_whole_number

chapter = Chapter("04")

chapter.add(Exercise(
    id="04.conv1_output",
    task="Output size (height = width) of AlexNet's conv1 on a 227x227 input: 11x11 filters, "
         "stride 4, no padding.",
    checker=expect_whole_number(55, known_mistakes={
        54: "that is a 224-pixel input without padding (the source's Keras model); here the "
            "input has 227 pixels.",
        56: "use floor((n - k) / s) + 1, not n / s.",
        57: "that is ceil(227 / 4), 'same' padding; this layer has no padding.",
        217: "divide by the stride: the filter moves 4 pixels at a time.",
    }),
    hints=("Output = floor((n + 2p - k) / s) + 1.",
           "Count the window's valid start positions: from 0 to n - k in steps of s."),
    solution="answer = (227 - 11) // 4 + 1  # 55",
    reasoning="Without padding the 11x11 window starts at columns 0 to 227 - 11 = 216. With "
              "stride 4 that is 0, 4, ..., 216: 216 / 4 + 1 = 55 positions, with no remainder. "
              "(This is why the paper's 224 is usually read as 227: with 224 pixels, "
              "floor(213 / 4) + 1 = 54.)",
))

chapter.add(Exercise(
    id="04.fc6_params",
    task="Parameters of fc6: 6x6x256 flattened inputs, 4,096 units.",
    checker=expect_whole_number(37_752_832, known_mistakes={
        37_748_736: "that is the source's number: it forgets the 4,096 biases, one per unit.",
        16_781_312: "that is fc7 (4,096 inputs); fc6's inputs are the 6x6x256 pool5 maps.",
        9_216: "that is the number of inputs; each of the 4,096 units has one weight per input.",
        4096 * 256 + 4096: "fc6 is fully connected to all 6 x 6 x 256 values of pool5, not to "
                           "its 256 channels.",
    }),
    hints=("A dense layer has inputs x units weights and units biases.",
           "Flatten pool5 first: how many numbers does a 6x6x256 volume hold?"),
    solution="answer = 6 * 6 * 256 * 4096 + 4096  # 37,752,832",
    reasoning="pool5 is a 6x6x256 volume; flattened, it is 9,216 inputs. fc6 connects each of "
              "its 4,096 units to every input: 9,216 x 4,096 = 37,748,736 weights, plus one "
              "bias per unit, 4,096: 37,752,832 parameters, more than half of AlexNet's total.",
))

chapter.add(Exercise(
    id="04.conv4_two_towers",
    task="Parameters of the paper's conv4: 384 filters 3x3 on 384 channels, groups=2 (each "
         "filter sees half of the input channels), biases included.",
    checker=expect_whole_number(663_936, known_mistakes={
        1_327_488: "that is the single-tower conv4; with two towers each filter sees only 192 "
                   "of the 384 input channels.",
        663_552: "add the 384 biases, one per filter.",
        332_160: "all 384 filters remain (192 per tower); only their inputs are halved.",
        331_968: "only the inputs are halved: 192 filters per tower, two towers, 384 filters "
                 "in all, each with a bias.",
    }),
    hints=("A grouped convolution's filter sees in_channels / groups channels.",
           "Count one filter's weights, multiply by all the filters, then add the biases."),
    solution="answer = 3 * 3 * (384 // 2) * 384 + 384  # 663,936",
    reasoning="With groups=2 the 384 input channels are split into two halves of 192, and each "
              "tower's 192 filters see only their half. A filter therefore has 3 x 3 x 192 = "
              "1,728 weights; 384 filters give 663,552 weights, plus 384 biases: 663,936, half "
              "of the single-tower layer's weights.",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
