"""The closed-form loss bowl of one weight and a bias: curvatures, condition number and the
steps gradient descent needs, checked against plain iteration and the textbook bound."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import input_scaling as scaling

PIXELS = np.random.default_rng(0).choice([0, 0, 0, 0, 64, 128, 255], size=5000)


def test_hessian_matches_finite_differences():
    x = PIXELS / 255.0
    y = 2 * x - 1

    def loss(w, b):
        return np.mean((w * x + b - y) ** 2)

    h = scaling.weight_and_bias_hessian(x)
    eps = 1e-3
    d2w = (loss(eps, 0) - 2 * loss(0, 0) + loss(-eps, 0)) / eps**2
    dwdb = (loss(eps, eps) - loss(eps, -eps) - loss(-eps, eps) + loss(-eps, -eps)) / (4 * eps**2)
    np.testing.assert_allclose(h, [[d2w, dwdb], [dwdb, 2.0]], rtol=1e-5)


def test_raw_pixels_make_an_elongated_bowl():
    raw = scaling.weight_and_bias_hessian(PIXELS)
    rescaled = scaling.weight_and_bias_hessian(PIXELS / 255.0)
    assert scaling.condition_number(raw) > 100 * scaling.condition_number(rescaled)
    largest_raw, _ = scaling.curvatures(raw)
    largest_scaled, _ = scaling.curvatures(rescaled)
    assert largest_raw > 1000 * largest_scaled  # the weight's curvature grows with 255**2
    assert scaling.best_learning_rate(raw) < 2 / largest_raw


def test_excess_loss_equals_iterated_gradient_descent():
    h = scaling.weight_and_bias_hessian(PIXELS / 255.0)
    start = np.array([-2.0, 1.0])
    lr = 0.3
    e, losses = start.copy(), []
    for _ in range(6):
        losses.append(0.5 * e @ h @ e)
        e = e - lr * (h @ e)  # the gradient of 0.5 e'He is He
    np.testing.assert_allclose(scaling.excess_loss(h, start, 5, lr), losses, rtol=1e-10)


def test_steps_to_reach_is_exact_and_near_the_bound():
    h = scaling.weight_and_bias_hessian(PIXELS)
    start = np.array([-2 / 255, 1.0])
    n = scaling.steps_to_reach(h, start, 1e-3)
    curve = scaling.excess_loss(h, start, [0, n - 1, n])
    assert curve[2] <= 1e-3 * curve[0] < curve[1]
    assert n <= scaling.predicted_steps(scaling.condition_number(h), 1e-3)
    fast = scaling.steps_to_reach(scaling.weight_and_bias_hessian(PIXELS / 255.0),
                                  np.array([-2.0, 1.0]), 1e-3)
    assert fast * 100 < n


@pytest.mark.parametrize("call,match", [
    (lambda: scaling.weight_and_bias_hessian([]), "at least one"),
    (lambda: scaling.curvatures(scaling.weight_and_bias_hessian([3.0, 3.0])), "positive definite"),
    (lambda: scaling.steps_to_reach(np.diag([2.0, 1.0]), [1.0, 1.0], 0.01, 1.5), "diverges"),
    (lambda: scaling.steps_to_reach(np.diag([2.0, 1.0]), [1.0, 1.0], 2.0), "fraction"),
    (lambda: scaling.steps_to_reach(np.diag([2.0, 1e-9]), [1.0, 1.0], 1e-3, max_steps=10),
     "more than"),
])
def test_errors_say_what_is_wrong(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_standardization_and_the_scaling_layer():
    import keras

    from course_utils.models.mlp import mlp

    x = np.array([[0.0, 255.0], [51.0, 102.0]])
    mean, std = scaling.standardization(x)
    assert mean == pytest.approx(x.mean()) and std == pytest.approx(x.std())
    with pytest.raises(ValueError, match="not all equal"):
        scaling.standardization(np.ones(4))

    def build():
        return mlp(input_shape=(2, 2, 1), hidden=(3,), num_classes=2)

    keras.utils.set_random_seed(0)
    plain = build()
    keras.utils.set_random_seed(0)
    scaled = scaling.with_input_scaling(build, input_shape=(2, 2, 1), shift=mean,
                                              scale=1 / std)()
    images = x.reshape(1, 2, 2, 1).astype("float32")
    expected = np.asarray(plain((images - mean) / std))
    assert np.allclose(np.asarray(scaled(images)), expected, atol=1e-5)
