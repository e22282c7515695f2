"""Chapter 5 exercises: plausible wrong answers and the advice each must get (run by
tests/test_exercises.py, with the solution and the stub); the answers agree with the builder."""

from __future__ import annotations

from course_utils.exercises import ch05

# (id, wrong answer, words the feedback must contain)
CASES = [
    ("05.block_params", 1_474_560, "biases"),
    ("05.block_params", 1_770_240, "128 channels"),
    ("05.block_params", 295_168, "only the first convolution"),
    ("05.receptive_field", lambda n: 3 * n, "adds 2 pixels"),
    ("05.receptive_field", lambda n: 3 ** n, "additively"),
    ("05.receptive_field", lambda n: 2 * n, "1 + 2n"),
    ("05.stack_saving", 55.1, "remains"),
    ("05.stack_saving", 81.6, "27 C^2"),
    ("05.stack_saving", 63.3, "two 3x3 layers"),
]


def test_receptive_field_checker_explains_a_non_function():
    ok, message = ch05.evaluate("05.receptive_field", 5)
    assert not ok and "function" in message


def test_receptive_field_checks_cases_beyond_the_chapter():
    # right for n <= 8 only: the checker goes on to n = 12
    ok, message = ch05.evaluate("05.receptive_field", lambda n: 2 * n + 1 if n <= 8 else 0)
    assert not ok and "n = 9" in message


def test_block_answer_matches_the_built_vgg16(tf):
    from course_utils.models import vgg

    model = vgg.vgg(config="D", num_classes=10, input_shape=(32, 32, 3))
    block3 = sum(model.get_layer(f"block3.conv{i}").count_params() for i in (1, 2, 3))
    assert block3 == 1_475_328
