"""Chapter 3 (CNN foundations) exercises. The notebook imports this module as
``exercises``: ``from course_utils.exercises import ch03 as exercises``."""

from __future__ import annotations

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

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
