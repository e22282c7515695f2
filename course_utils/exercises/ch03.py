"""Chapter 3 (CNN foundations) exercises. The notebook imports this module as
``exercises``: ``from course_utils.exercises import ch03 as exercises``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from course_utils.exercises import Chapter, Exercise, expect_whole_number

chapter = Chapter("03")

chapter.add(Exercise(
    id="03.conv_output_size",
    task="A Conv2D layer with 5x5 kernels, stride 2 and no padding ('valid') gets a 32x32x3 "
         "image. How many pixels high is its output?",
    checker=expect_whole_number(14, known_mistakes={
        14.5: "round down: a window that would stick out of the image is not computed, so "
              "floor((n + 2p - k) / s) + 1.",
        28: "that is the output at stride 1; stride 2 visits every second position.",
        27: "that forgets the + 1 and the stride: floor((32 - 5) / 2) + 1.",
        16: "that is 'same' padding (ceil(32 / 2)); this layer uses no padding.",
        13: "do not forget the + 1: the first window position counts too.",
    }),
    hints=("Output size = floor((n + 2p - k) / s) + 1 with n the input size, k the kernel, "
           "p the padding per side and s the stride.",
           "Here p = 0 and s = 2; mind the floor."),
    solution="answer = (32 + 2 * 0 - 5) // 2 + 1  # 14",
    reasoning="A 5x5 window fits at top-left corners 0 to 32 - 5 = 27 without padding. With "
              "stride 2 it visits 0, 2, ..., 26: floor(27 / 2) + 1 = 14 positions (28 would "
              "need the window to stick out of the image). The general formula is "
              "floor((n + 2p - k) / s) + 1.",
))

chapter.add(Exercise(
    id="03.conv_params",
    task="How many trainable parameters does that layer have if it has 64 filters?",
    checker=expect_whole_number(4864, known_mistakes={
        4800: "that counts the weights only; each of the 64 filters also has one bias.",
        1664: "each filter spans all 3 input channels: it has 5 x 5 x 3 weights, not 5 x 5.",
        1600: "each filter has 5 x 5 x 3 weights (all input channels) and one bias.",
        14 * 14 * 4864: "a convolution shares its weights across positions: the count does "
                        "not depend on the output size.",
    }),
    hints=("One filter has a weight for every (row, column, input channel) of its window, "
           "plus one bias.",
           "Count one filter's parameters, then multiply by the number of filters."),
    solution="answer = 5 * 5 * 3 * 64 + 64  # 4,864",
    reasoning="Each filter looks at a 5x5 window through all 3 input channels: 75 weights, plus "
              "one bias, 76 parameters. The 64 filters give 64 x 76 = 4,864. The same weights "
              "are reused at every position, so the image and output sizes do not enter.",
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


def _profile(response: Any) -> Any:
    """The responses met walking across the target edge (along one row), zeros trimmed."""
    import numpy as np

    row = response[response.shape[0] // 2]
    nonzero = np.flatnonzero(np.abs(row) > 1e-9)
    return row[nonzero[0]:nonzero[-1] + 1] if nonzero.size else row[:0]


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
    # The response *pattern* decides, not the kernel's scale: normalise to a largest weight of 1.
    scale = np.abs(k).max()
    k = k / scale
    images = _diagonal_edge_images()
    flat = np.abs(conv2d(images["flat"], k)).max()
    response = conv2d(images["target"], k)
    target, target_min = response.max(), response.min()
    other = np.abs(conv2d(images["other_diagonal"], k)).max()
    raw = ", ".join(f"{v:.3g}" for v in _profile(response) * scale)
    if flat > 1e-6:
        return False, (f"it responds to a flat grey region: an edge detector's weights should "
                       f"sum to 0 (yours sum to {k.sum():.3g} times your largest weight).")
    if target <= 1e-9:
        if target_min < 0:
            return False, ("it responds negatively to the edge: it detects bright-to-dark. "
                           "Flip the signs.")
        return False, "it does not respond to the diagonal edge at all."
    if other > 0.5 * target:
        return False, (f"it responds almost as much to the other diagonal ({other:.3g} vs "
                       f"{target:.3g}, largest weight scaled to 1): a detector of "
                       "vertical, horizontal or all edges sees both diagonals. Put the negative "
                       "weights above-left and the positive ones below-right.")
    profile = _profile(response) / target
    shown = ", ".join(f"{v:.2g}" for v in profile)
    if profile.min() < -0.25:
        return False, (f"its response changes sign across the edge ({shown}): it responds to "
                       "thin lines (a second difference), not to the step from dark to bright. "
                       "Keep every weight on the dark side negative and on the bright side "
                       "positive.")
    if np.linalg.norm(profile - profile[::-1]) > 0.25 * np.linalg.norm(profile):
        return False, (f"its response across the edge is lopsided ({shown}, dark side first): "
                       "it fires on the first bright pixel next to dark ones, a corner or spot "
                       "detector, rather than on the change itself. An edge detector's response "
                       "is symmetric about the edge: give each weight a partner of opposite "
                       "sign at the mirrored position (w at row i, column j and -w at row 2 - i, "
                       "column 2 - j).")
    return True, (f"peak response {target * scale:.3g} on the target edge, {other * scale:.3g} "
                  "on the other diagonal and 0 on a flat region; walking across the edge the "
                  f"response is symmetric ({raw}).")


chapter.add(Exercise(
    id="03.edge_kernel",
    task="Design a 3x3 kernel that responds positively to a diagonal edge running from "
         "bottom-left to top-right with dark pixels above-left and bright pixels below-right, "
         "gives 0 on flat regions and at most half as much on the other diagonal.",
    checker=_check_edge_kernel,
    hints=("The kernel is laid over a patch and the products are summed (no flipping). Where "
           "should the bright pixels' weights be positive?",
           "Zero sum: as much negative weight as positive. Sobel x puts -1, -2, -1 on the left "
           "and 1, 2, 1 on the right; rotate that idea by 45 degrees.",
           "Weights on the edge's own diagonal (top-right to bottom-left) can be 0; the "
           "corner above-left gets the most negative weight and the opposite corner the "
           "most positive."),
    solution="answer = [[-2, -1, 0],\n          [-1, 0, 1],\n          [0, 1, 2]]",
    reasoning="The kernel is laid over a patch and the products are summed. To respond "
              "positively when the bright pixels are below-right, the weights there are "
              "positive and those above-left negative; the weights along the edge's own "
              "diagonal are 0. The weights sum to 0, so a flat region gives 0. Each weight has "
              "a partner of opposite sign at the mirrored position, so the response is "
              "symmetric about the edge (2, 4, 4, 2 walking across it): it measures the change "
              "from dark to bright, not a bright spot. On the other diagonal the positive and "
              "negative weights cancel. This is Sobel's kernel rotated by 45 degrees.",
))

chapter.add(Exercise(
    id="03.multichannel_output",
    task="One filter on a two-channel input: channel 1's 3x3 patch [[2, 0, 1], [1, 3, 0], "
         "[0, 1, 2]] with weights [[1, 0, 0], [0, 1, 0], [0, 0, 1]]; channel 2's patch "
         "[[1, 1, 0], [0, 2, 1], [1, 0, 1]] with weights [[0, -1, 0], [-1, 2, -1], "
         "[0, -1, 0]]; bias -5. What is the output value?",
    checker=expect_whole_number(4, known_mistakes={
        9: "that leaves out the bias: the filter adds its bias, -5, to the sum.",
        2: "that is channel 1 alone (7) plus the bias: a filter sums the products of "
           "*every* input channel, then adds its bias.",
        -3: "that is channel 2 alone (2) plus the bias: add channel 1's sum too.",
        -1: "the bias is added once per filter, not once per channel: 7 + 2 - 5.",
        -0.5: "the channels' sums are added, not averaged: 7 + 2, then the bias.",
        14: "the bias is -5: adding it lowers the sum.",
    }),
    hints=("Work channel by channel: multiply each patch element by the weight at the same "
           "position and add the nine products.",
           "Then add the two channels' sums and the filter's single bias."),
    solution="# channel 1: 2*1 + 3*1 + 2*1 = 7 (the diagonal)\n"
             "# channel 2: -1*1 - 1*0 + 2*2 - 1*1 - 1*0 = 2 (the cross)\n"
             "answer = 7 + 2 + (-5)  # both channels' sums, then the bias once",
    reasoning="A filter on a C-channel input has one k x k slice of weights per channel. At "
              "one position, each slice is laid over its own channel's patch and the products "
              "are summed: channel 1's weights pick the diagonal, 2 + 3 + 2 = 7; channel 2's "
              "cross of weights gives -1*1 - 1*0 + 2*2 - 1*1 - 1*0 = 2. The channel sums are "
              "added (the filter mixes channels; it does not keep them apart or average "
              "them), and the filter's one bias is added once: 7 + 2 - 5 = 4. A layer with f "
              "filters computes f such numbers per position, one per output channel.",
))


# --- 03.cnn_params: a coding exercise --------------------------------------------------

Layer = Sequence[Any]


def _params(input_shape: Sequence[int], layers: Sequence[Layer], *, bias: bool = True,
            spans_channels: bool = True, tracks_channels: bool = True,
            pool_rounding: Callable[[float], int] = math.floor, pools_shrink: bool = True,
            same_padding: bool = True, flatten_channels: bool = True) -> int:
    """Trainable parameters of a plain CNN; the keyword flags reproduce the usual slips."""
    height, width, channels = input_shape
    first_channels = channels
    total = 0
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            k, filters = layer[1], layer[2]
            seen = (channels if tracks_channels else first_channels) if spans_channels else 1
            total += k * k * seen * filters + (filters if bias else 0)
            channels = filters
            if not same_padding:
                height, width = height - k + 1, width - k + 1
        elif kind == "pool":
            if pools_shrink:
                height = pool_rounding(height / layer[1])
                width = pool_rounding(width / layer[1])
        elif kind == "dense":
            units = layer[1]
            inputs = height * width * (channels if flatten_channels else 1)
            total += inputs * units + (units if bias else 0)
            height, width, channels = 1, 1, units
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
    return total


def cnn_params_reference(input_shape: Sequence[int], layers: Sequence[Layer]) -> int:
    """The right answer, for the checker and the tests."""
    return _params(input_shape, layers)


_PARAMS_MISTAKES: tuple[tuple[dict[str, Any], str], ...] = (
    ({"bias": False}, "the biases are missing: each conv filter and each dense unit has one."),
    ({"spans_channels": False}, "a k x k filter has k x k weights *per input channel*: it "
                                "spans all the channels of its input."),
    ({"tracks_channels": False}, "after a convolution the image has as many channels as the "
                                 "layer has filters; the next filter spans those, not the "
                                 "input's channels."),
    ({"pool_rounding": math.ceil}, "pooling without padding drops a leftover row or column: "
                                   "sizes round *down* (use //)."),
    ({"pools_shrink": False}, "a pooling layer of size s divides the height and the width by "
                              "s, so the dense layer after it sees fewer inputs."),
    ({"same_padding": False}, "'same' padding keeps the height and width of a convolution; "
                              "only the pooling layers shrink them."),
    ({"flatten_channels": False}, "flattening an image gives height x width x channels "
                                  "values, all of which the dense layer connects to."),
)

# The chapter builds only its own two networks (the digit CNN, 220,234): these are new.
PARAMS_CASES: tuple[tuple[tuple[int, int, int], tuple[Layer, ...]], ...] = (
    ((30, 30, 3), (("conv", 3, 16), ("pool", 2), ("conv", 3, 32), ("pool", 2),
                   ("dense", 10))),
    ((64, 48, 1), (("conv", 5, 8), ("pool", 3), ("conv", 3, 16), ("pool", 2),
                   ("dense", 32), ("dense", 5))),
    ((17, 17, 2), (("pool", 2), ("dense", 7))),
    ((20, 20, 3), (("conv", 1, 6), ("conv", 3, 4), ("pool", 5), ("dense", 2))),
    ((9, 9, 4), (("dense", 3),)),
    ((33, 33, 3), (("conv", 3, 16), ("pool", 2), ("conv", 3, 32), ("pool", 2),
                   ("conv", 3, 64), ("pool", 2), ("dense", 100), ("dense", 10))),
)


def _describe(case: tuple[tuple[int, int, int], tuple[Layer, ...]]) -> str:
    shape, layers = case
    return f"cnn_params({shape}, {list(layers)})"


def _check_cnn_params(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, ("pass your function itself (no parentheses), e.g. "
                       "check('03.cnn_params', cnn_params).")
    answers = []
    for shape, layers in PARAMS_CASES:
        got = fn(shape, [tuple(layer) for layer in layers])
        if got is None:
            return False, "your function returned None: end it with `return total`."
        answers.append(got)
    expected = [cnn_params_reference(shape, layers) for shape, layers in PARAMS_CASES]
    wrong = [i for i, (got, want) in enumerate(zip(answers, expected)) if got != want]
    if not wrong:
        return True, (f"checked on {len(PARAMS_CASES)} networks the chapter never built, "
                      f"e.g. {_describe(PARAMS_CASES[1])} = {expected[1]:,}.")
    first = wrong[0]
    variants = [([_params(s, ls, **flags) for s, ls in PARAMS_CASES], advice)
                for flags, advice in _PARAMS_MISTAKES]
    advice = next((text for values, text in variants if values == answers), "")
    if not advice:
        advice = next((text for values, text in variants
                       if values[first] == answers[first]), "")
    if not advice:
        advice = ("walk through the layers keeping height, width and channels: a conv adds "
                  "k*k*channels*filters + filters, a pool divides height and width (rounding "
                  "down), a dense layer adds inputs*units + units.")
    return False, (f"{_describe(PARAMS_CASES[first])} gives {answers[first]!r}, expected "
                   f"{expected[first]:,}: {advice}")


_CNN_PARAMS_SOLUTION = '''def cnn_params(input_shape, layers):
    """Trainable parameters of a plain CNN described by `layers`."""
    height, width, channels = input_shape
    total = 0
    for layer in layers:
        if layer[0] == "conv":
            k, filters = layer[1], layer[2]
            total += k * k * channels * filters + filters
            channels = filters  # "same" padding keeps height and width
        elif layer[0] == "pool":
            height, width = height // layer[1], width // layer[1]
        elif layer[0] == "dense":
            inputs = height * width * channels  # flatten; 1 x 1 x n if dense
            total += inputs * layer[1] + layer[1]
            height, width, channels = 1, 1, layer[1]
    return total'''

chapter.add(Exercise(
    id="03.cnn_params",
    task="Write cnn_params(input_shape, layers): the trainable parameters of a plain CNN with "
         "layers ('conv', k, f) ('same' padding, stride 1, biases), ('pool', s) (stride s, "
         "no padding, sizes round down) and ('dense', u) (flattens an image input first).",
    checker=_check_cnn_params,
    hints=("Keep three numbers as you walk through the layers: height, width and channels. "
           "Each layer changes some of them and may add parameters.",
           "A conv layer adds k * k * channels * f + f and then has f channels; a pool layer "
           "divides height and width by s with //; a dense layer sees height * width * "
           "channels inputs and adds inputs * u + u, after which the shape is 1 x 1 x u."),
    solution=_CNN_PARAMS_SOLUTION,
    reasoning="Walk through the network keeping the shape (height, width, channels) of what "
              "flows between layers. A convolution with f filters of k x k has k*k*channels "
              "weights per filter (each filter spans every input channel) plus one bias per "
              "filter; with 'same' padding it keeps height and width, and its output has f "
              "channels. A pooling layer has no parameters; without padding it divides height "
              "and width by s, rounding down (a 15-pixel map pooled by 2 gives 7). A dense "
              "layer connects every one of height*width*channels inputs to each of its units, "
              "plus a bias per unit; its output is a vector of u values, which the next dense "
              "layer sees as 1 x 1 x u. The usual slips: forgetting biases, a filter that "
              "spans one channel only, rounding up, or forgetting that pooling shrinks what the "
              "dense layer sees.",
    answer_name="cnn_params",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
