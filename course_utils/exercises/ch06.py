"""Chapter 6 (Inception) exercises. The notebook imports this module as ``exercises``:
``from course_utils.exercises import ch06 as exercises``.

None of the answers is printed in the chapter: each carries one of its computations to a
setting the chapter does not show (module (4c) without its 1x1 reductions, label smoothing
on a five-class prediction, the cost of any Inception module at any size).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from course_utils.exercises import Chapter, Exercise, expect_number, expect_whole_number

chapter = Chapter("06")

# --- 6.1 inception (4c) without its reductions ---------------------------------------------

_4C_POSITIONS, _4C_IN = 14 * 14, 512
_4C_PER_POSITION = _4C_IN * (128 + 9 * 256 + 25 * 64)  # 1x1, 3x3 and 5x5 on all 512
NAIVE_4C = _4C_POSITIONS * _4C_PER_POSITION  # 404,619,264

chapter.add(Exercise(
    id="06.naive_4c_cost",
    task="Multiply-adds per image of inception (4c) built naively (Figure 2a: no 1x1 "
         "reductions, no pool projection): input 14x14x512, 128 1x1, 256 3x3 and 64 5x5 "
         "filters, 'same' padding.",
    checker=expect_whole_number(NAIVE_4C, known_mistakes={
        99_850_240: "that is (4c) as GoogLeNet builds it, with its 1x1 reductions (the "
                    "chapter's table); the question asks for the naive module.",
        _4C_PER_POSITION: "that is the cost of one output position: every one of the 14x14 "
                          "positions repeats it.",
        4 * NAIVE_4C: "(4c) runs on a 14x14 grid (after the max pool that follows 3b), not "
                      "28x28.",
        NAIVE_4C + _4C_POSITIONS * _4C_IN * 64: "the naive module has no pool projection: "
                                                "its pooling branch has no weights and costs "
                                                "no multiply-adds.",
        _4C_POSITIONS * 480 * (128 + 9 * 256 + 25 * 64): "(4c) reads the 512 channels that "
                                                         "(4b) outputs; 480 is (4a)'s input.",
    }),
    hints=("Each convolution costs (output positions) x (filters) x (kernel area) x (input "
           "channels) multiply-adds; the max-pooling branch costs none.",
           "Without reductions, the 1x1, 3x3 and 5x5 convolutions all read the 512 input "
           "channels, and 'same' padding keeps the 14x14 grid."),
    solution="answer = 14 * 14 * 512 * (128 + 9 * 256 + 25 * 64)  # 404,619,264",
    reasoning="Without reductions every convolution reads all 512 input channels. Per output "
              "position the 1x1 branch costs 512 x 128, the 3x3 branch 9 x 512 x 256 and the "
              "5x5 branch 25 x 512 x 64: 512 x (128 + 2,304 + 1,600) = 2,064,384 "
              "multiply-adds. 'Same' padding keeps the 14x14 grid, so the module costs "
              "196 x 2,064,384 = 404,619,264 multiply-adds per image, about four times the "
              "99.9 million of the module with its 1x1 reductions. The pooling branch has no "
              "weights; in the naive module it also passes all 512 channels on, so the "
              "output would have 128 + 256 + 64 + 512 = 960 channels, and the next module "
              "would be dearer still.",
))

# --- 6.2 label smoothing on a confident prediction -----------------------------------------

_K, _EPS, _P = 5, 0.1, 0.99
_OTHER = (1 - _P) / (_K - 1)  # 0.0025 for each of the four other classes


def _loss(true_target: float, other_target: float, others: int = _K - 1,
          log: Callable[[float], float] = math.log) -> float:
    return -(true_target * log(_P) + others * other_target * log(_OTHER))


SMOOTHED = _loss(1 - _EPS + _EPS / _K, _EPS / _K)  # 0.4886

chapter.add(Exercise(
    id="06.smoothed_loss",
    task="A 5-class classifier gives the true class probability 0.99 and each of the other "
         "four 0.0025. What is its cross-entropy loss (natural log) with label smoothing, "
         "epsilon = 0.1, as in the v3 paper?",
    checker=expect_number(SMOOTHED, abs_tol=0.002, known_mistakes={
        -math.log(_P): "that is the loss with one-hot targets. With smoothing, the target "
                       "puts 1 - 0.1 + 0.1/5 = 0.92 on the true class and 0.1/5 = 0.02 on "
                       "each other class, and each of those terms counts.",
        _loss(1 - _EPS, _EPS / (_K - 1)): "the paper spreads epsilon over all K classes, the "
                                          "true one included (u(k) = 1/K): the targets are "
                                          "0.92 and 0.02, not 0.9 and 0.025.",
        _loss(1 - _EPS + _EPS / _K, _EPS / _K, log=math.log10): "use the natural logarithm, "
                                                                "as Keras' cross-entropy "
                                                                "does.",
        _loss(1 - _EPS + _EPS / _K, _EPS / _K, others=1): "sum over all four other classes, "
                                                          "not one.",
        -SMOOTHED: "cross-entropy is -sum(q log p), a positive number.",
    }),
    hints=("Write the smoothed target first: (1 - epsilon) times the one-hot vector plus "
           "epsilon / K on every class.",
           "The loss is -sum_k q(k) ln p(k) over all five classes, with q the smoothed target "
           "and p the prediction."),
    solution=("import math\n\n"
              "q_true, q_other = 1 - 0.1 + 0.1 / 5, 0.1 / 5  # smoothed targets: 0.92, 0.02\n"
              "answer = -(q_true * math.log(0.99)\n"
              "           + 4 * q_other * math.log(0.0025))  # 0.4886"),
    reasoning="Label smoothing replaces the one-hot target by (1 - epsilon) one-hot + "
              "epsilon/K: 0.92 for the true class and 0.02 for each of the other four. The "
              "cross-entropy is -(0.92 ln 0.99 + 4 x 0.02 ln 0.0025) = 0.0092 + 0.4793 = "
              "0.4886. With one-hot targets the same prediction would cost only -ln 0.99 = "
              "0.0101. Almost all of the smoothed loss comes from the four wrong classes: the "
              "prediction is punished for being too sure, and the loss would fall if the wrong "
              "classes got more probability, down to its minimum when the prediction equals "
              "the target (0.92 / 0.02). That is why smoothing keeps the largest logit from "
              "running away from the others.",
))

# --- 6.3 the cost of any Inception module (coding) -----------------------------------------


def module_cost(grid: int, c_in: int, spec: Sequence[int]) -> tuple[int, int]:
    """The reference: (weights, multiply-adds) of a v1 module with 1x1 reductions."""
    n1, r3, n3, r5, n5, pp = spec
    weights = c_in * n1 + c_in * r3 + 9 * r3 * n3 + c_in * r5 + 25 * r5 * n5 + c_in * pp
    return weights, grid * grid * weights


def _with_biases(grid: int, c_in: int, spec: Sequence[int]) -> tuple[int, int]:
    w, m = module_cost(grid, c_in, spec)
    return w + sum(spec), m


def _no_pool_projection(grid: int, c_in: int, spec: Sequence[int]) -> tuple[int, int]:
    w = module_cost(grid, c_in, spec)[0] - c_in * spec[5]
    return w, grid * grid * w


def _no_reductions(grid: int, c_in: int, spec: Sequence[int]) -> tuple[int, int]:
    n1, r3, n3, r5, n5, pp = spec
    w = c_in * (n1 + r3 + 9 * n3 + r5 + 25 * n5 + pp)
    return w, grid * grid * w


def _no_kernel_area(grid: int, c_in: int, spec: Sequence[int]) -> tuple[int, int]:
    n1, r3, n3, r5, n5, pp = spec
    w = c_in * (n1 + r3 + r5 + pp) + r3 * n3 + r5 * n5
    return w, grid * grid * w


def _grid_once(grid: int, c_in: int, spec: Sequence[int]) -> tuple[int, int]:
    w = module_cost(grid, c_in, spec)[0]
    return w, grid * w


_COST_MISTAKES: tuple[tuple[Callable[..., tuple[int, int]], str], ...] = (
    (_with_biases, "count weights only, as the paper's table does: no biases."),
    (_no_pool_projection, "the pooling branch has a 1x1 projection, and it reads all c_in "
                          "input channels (max pooling keeps the channels)."),
    (_no_reductions, "the 3x3 and 5x5 convolutions read the outputs of their 1x1 reductions "
                     "(spec[1] and spec[3] channels), not the module's c_in input channels."),
    (_no_kernel_area, "a 3x3 kernel has 9 weights per pair of input and output channels, a "
                      "5x5 kernel 25."),
    (_grid_once, "every weight is used once per output position, and there are grid x grid "
                 "of them."),
)

# The nine modules of Table 1 with their grids and inputs, and sizes the chapter never used.
COST_CASES: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (28, 192, (64, 96, 128, 16, 32, 32)), (28, 256, (128, 128, 192, 32, 96, 64)),
    (14, 480, (192, 96, 208, 16, 48, 64)), (14, 512, (160, 112, 224, 24, 64, 64)),
    (14, 512, (128, 128, 256, 24, 64, 64)), (14, 512, (112, 144, 288, 32, 64, 64)),
    (14, 528, (256, 160, 320, 32, 128, 128)), (7, 832, (256, 160, 320, 32, 128, 128)),
    (7, 832, (384, 192, 384, 48, 128, 128)), (5, 7, (1, 2, 3, 4, 5, 6)),
    (1, 1, (1, 1, 1, 1, 1, 1)), (9, 40, (16, 8, 24, 4, 12, 8)), (3, 100, (0, 10, 20, 5, 7, 0)),
)


def _check_module_cost(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, ("pass your function itself (no parentheses), e.g. "
                       "check('06.module_cost', module_cost).")
    for grid, c_in, spec in COST_CASES:
        expected = module_cost(grid, c_in, spec)
        got = fn(grid, c_in, list(spec))
        try:
            got = tuple(int(v) for v in got)
        except (TypeError, ValueError):
            return False, (f"return a pair (weights, multiply_adds); got {got!r}.")
        if got == expected:
            continue
        advice = next((text for wrong, text in _COST_MISTAKES if got == wrong(grid, c_in, spec)),
                      "")
        if not advice:
            which = "weights" if got[0] != expected[0] else "multiply-adds"
            advice = (f"your {which} are off. Go branch by branch: what each convolution "
                      "reads, its kernel area, its filters.")
        return False, (f"for grid={grid}, c_in={c_in}, spec={list(spec)} your function gives "
                       f"{got}, expected {expected}: {advice}")
    return True, (f"checked on {len(COST_CASES)} modules: the nine of Table 1 at their sizes "
                  "(3a: 163,328 weights, the paper's 159K) and four made-up ones.")


chapter.add(Exercise(
    id="06.module_cost",
    task="Write module_cost(grid, c_in, spec) returning (weights, multiply_adds) of a v1 "
         "Inception module with 1x1 reductions on a grid x grid x c_in input, 'same' padding. "
         "spec holds Table 1's six filter counts (#1x1, #3x3 reduce, #3x3, #5x5 reduce, "
         "#5x5, pool proj). Count weights as the paper does: kernels only, no biases.",
    checker=_check_module_cost,
    hints=("List the six convolutions and what each reads: three 1x1 convolutions and the "
           "pool projection read the c_in input channels; the 3x3 reads the 3x3-reduce "
           "output, the 5x5 the 5x5-reduce output.",
           "A k x k convolution from a to b channels has k*k*a*b weights; with 'same' padding "
           "it runs at every one of the grid*grid positions, once per weight."),
    solution=("def module_cost(grid, c_in, spec):\n"
              "    \"\"\"(weights, multiply_adds) of a v1 Inception module on a\n"
              "    grid x grid x c_in input; spec = Table 1's six filter counts.\"\"\"\n"
              "    n1, r3, n3, r5, n5, pool_proj = spec\n"
              "    weights = (c_in * n1                   # 1x1 branch\n"
              "               + c_in * r3 + 9 * r3 * n3   # 1x1 reduce -> 3x3\n"
              "               + c_in * r5 + 25 * r5 * n5  # 1x1 reduce -> 5x5\n"
              "               + c_in * pool_proj)         # pool -> 1x1 projection\n"
              "    return weights, grid * grid * weights"),
    answer_name="module_cost",
    reasoning="Six convolutions carry weights. The 1x1 branch, the two 1x1 reductions and "
              "the pool projection read the module's c_in channels (max pooling keeps the "
              "channel count): c_in x (n1 + r3 + r5 + pool_proj). The 3x3 reads r3 channels "
              "(9 x r3 x n3 weights) and the 5x5 reads r5 (25 x r5 x n5). With 'same' padding "
              "every convolution produces a grid x grid map, and each weight is used once per "
              "output position, so the multiply-adds are grid x grid x weights. For (3a), "
              "grid 28 and c_in 192: 163,328 weights (the paper's \"159K\" in units of 1,024) "
              "and 128,049,152 multiply-adds (\"128M\"). Counting the biases would add "
              "sum(spec) parameters, and the reductions are what keep the 3x3 and 5x5 cheap.",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
