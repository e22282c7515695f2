"""Convolution and pooling by hand agree with the worked examples, OpenCV and Keras."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import convolution as conv

# The worked example of the source: a 5x5 input, a 3x3 kernel, a 3x3 output.
WORKED_INPUT = np.array([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3],
                         [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]])
WORKED_KERNEL = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])
WORKED_OUTPUT = np.array([[12, 12, 17], [10, 17, 19], [9, 6, 14]])


def test_worked_example():
    np.testing.assert_array_equal(conv.conv2d(WORKED_INPUT, WORKED_KERNEL), WORKED_OUTPUT)


def test_stride_padding_and_bias():
    np.testing.assert_array_equal(conv.conv2d(WORKED_INPUT, WORKED_KERNEL, stride=2), [[12, 17], [9, 14]])
    same = conv.conv2d(WORKED_INPUT, WORKED_KERNEL, padding="same")
    assert same.shape == (5, 5)
    np.testing.assert_array_equal(same[1:-1, 1:-1], WORKED_OUTPUT)
    np.testing.assert_array_equal(conv.conv2d(WORKED_INPUT, WORKED_KERNEL, padding=1), same)
    np.testing.assert_array_equal(conv.conv2d(WORKED_INPUT, WORKED_KERNEL, bias=1.5), WORKED_OUTPUT + 1.5)


def test_ufldl_example():
    image = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]])
    kernel = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])
    np.testing.assert_array_equal(conv.conv2d(image, kernel), [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


def test_is_correlation_not_convolution():
    scipy_signal = pytest.importorskip("scipy.signal")
    flipped = scipy_signal.convolve2d(WORKED_INPUT, WORKED_KERNEL[::-1, ::-1], mode="valid")
    np.testing.assert_array_equal(conv.conv2d(WORKED_INPUT, WORKED_KERNEL), flipped)
    assert not np.array_equal(scipy_signal.convolve2d(WORKED_INPUT, WORKED_KERNEL, mode="valid"),
                              WORKED_OUTPUT)


@pytest.mark.parametrize("n,k,s,p", [(5, 3, 1, 0), (7, 3, 2, 1), (28, 5, 1, 2), (32, 5, 2, 0), (10, 4, 3, 1)])
def test_output_shape_matches_formula(n, k, s, p):
    rng = np.random.default_rng(0)
    out = conv.conv2d(rng.normal(size=(n, n)), rng.normal(size=(k, k)), stride=s, padding=p)
    assert out.shape == (conv.conv_output_size(n, k, s, p),) * 2


def test_matches_cv2_filter2d():
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(1)
    image = rng.uniform(0, 255, size=(20, 17)).astype(np.float32)
    for name, kernel in conv.KERNELS.items():
        ours = conv.conv2d(image, kernel, padding="same")
        theirs = cv2.filter2D(image, cv2.CV_32F, kernel, borderType=cv2.BORDER_CONSTANT)
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-3, err_msg=name)


def test_multichannel_matches_keras_conv2d(tf):
    import keras

    rng = np.random.default_rng(2)
    image = rng.normal(size=(9, 8, 3)).astype(np.float32)
    kernel = rng.normal(size=(3, 3, 3)).astype(np.float32)
    layer = keras.layers.Conv2D(1, 3, strides=2, padding="valid")
    layer.build((None, 9, 8, 3))
    layer.set_weights([kernel[..., None], np.array([0.5], np.float32)])
    theirs = np.asarray(layer(image[None]))[0, ..., 0]
    np.testing.assert_allclose(conv.conv2d(image, kernel, stride=2, bias=0.5), theirs, rtol=1e-5, atol=1e-5)


def test_max_pool_worked_example_and_channels():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    np.testing.assert_array_equal(conv.max_pool(x), [[6, 8], [3, 4]])
    stacked = np.stack([x, -x], axis=-1)
    pooled = conv.max_pool(stacked)
    assert pooled.shape == (2, 2, 2)
    np.testing.assert_array_equal(pooled[..., 1], [[-1, -2], [-1, 0]])
    assert conv.max_pool(np.arange(25).reshape(5, 5), size=3, stride=1).shape == (3, 3)


def test_parameter_counts():
    assert conv.conv_params(3, 1, 32) == 320
    assert conv.conv_params(3, 32, 64) == 18496
    assert conv.conv_params(5, 3, 64, bias=False) == 4800
    assert conv.dense_params(784, 512) == 401920
    assert conv.locally_connected_params(28, 28, 3, 1, 32) == 28 * 28 * 320


def test_kernels_are_read_only_and_edges_sum_to_zero():
    for name in ("sobel_x", "sobel_y", "outline"):
        assert conv.KERNELS[name].sum() == 0
    assert conv.KERNELS["sharpen"].sum() == 1
    with pytest.raises(ValueError):
        conv.KERNELS["sobel_x"][0, 0] = 5


def test_position_terms():
    text = conv.position_terms(WORKED_INPUT, WORKED_KERNEL, 0, 0)
    assert text == "3*0 + 3*1 + 2*2 + 0*2 + 0*2 + 1*0 + 3*0 + 1*1 + 2*2 = 12"
    assert conv.position_terms(WORKED_INPUT, WORKED_KERNEL, 2, 2).endswith("= 14")
    with pytest.raises(ValueError, match="outside"):
        conv.position_terms(WORKED_INPUT, WORKED_KERNEL, 3, 0)


@pytest.mark.parametrize("call,match", [
    (lambda: conv.conv2d(np.zeros((4, 4)), np.zeros((3, 3, 1))), "need a"),
    (lambda: conv.conv2d(np.zeros((4, 4, 2)), np.zeros((3, 3, 3))), "channels"),
    (lambda: conv.conv2d(np.zeros((2, 2)), np.zeros((3, 3))), "larger"),
    (lambda: conv.conv2d(np.zeros((4, 4)), np.zeros((3, 3)), stride=0), "stride"),
    (lambda: conv.conv2d(np.zeros((4, 4)), np.zeros((3, 3)), padding="full"), "padding"),
    (lambda: conv.same_padding(4), "odd"),
    (lambda: conv.max_pool(np.zeros((1, 1))), "at least"),
    (lambda: conv.pad(np.zeros((2, 2)), -1), "padding"),
])
def test_errors_say_what_is_wrong(call, match):
    with pytest.raises(ValueError, match=match):
        call()
