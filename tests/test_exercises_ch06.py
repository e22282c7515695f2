"""Chapter 6 exercise checkers: each accepts the right answer and rejects a typical wrong one
with advice; the stored solutions pass."""

from __future__ import annotations

from course_utils import exercises

# Used by tests/test_exercises.py: one right and one wrong answer per checker.
CASES = [
    # (id, right answer, wrong answer, words the feedback on the wrong answer must contain)
    ("06.branch_cost", 173_408_256, 101_154_816, "with* its 1x1 reduction"),
    ("06.module_channels", 832, 1024, "reduce"),
    ("06.asymmetric_saving", 71.4, 28.6, "remains"),
]


def test_branch_cost_matches_the_built_layer(tf):
    import keras

    from course_utils import analysis

    model = keras.Sequential([keras.Input((28, 28, 192)), keras.layers.Conv2D(128, 3, padding="same")])
    assert exercises.evaluate("06.branch_cost", analysis.totals(model)["mult-adds"])[0]
