"""Chapter 6 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub)."""

from __future__ import annotations

from course_utils.exercises import ch06

# (id, wrong answer, words the feedback must contain)
CASES = [
    ("06.branch_cost", 101_154_816, "with* its 1x1 reduction"),
    ("06.branch_cost", 221_184, "number of weights"),
    ("06.branch_cost", 26 * 26 * 128 * 9 * 192, "'same' padding"),
    ("06.module_channels", 1024, "reduce"),
    ("06.module_channels", 704, "pooling branch"),
    ("06.asymmetric_saving", 28.6, "remains"),
    ("06.asymmetric_saving", 0.714, "percent"),
    ("06.asymmetric_saving", 85.7, "7 + 7 = 14"),
]


def test_branch_cost_matches_the_built_layer(tf):
    import keras

    from course_utils import analysis

    model = keras.Sequential([keras.Input((28, 28, 192)),
                              keras.layers.Conv2D(128, 3, padding="same")])
    assert ch06.evaluate("06.branch_cost", analysis.totals(model)["mult-adds"])[0]
