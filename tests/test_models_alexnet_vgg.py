"""AlexNet and VGG builders: every variant at small sizes, and the papers' full-size counts."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def models(tf):
    from course_utils import models

    return models


# --- AlexNet -----------------------------------------------------------------------------

@pytest.mark.parametrize("variant,towers", [("lrn", 2), ("lrn", 1), ("batchnorm", 1),
                                            ("batchnorm", 2)])
def test_alexnet_small_builds_and_trains(models, variant, towers):
    model = models.alexnet(5, (67, 67, 3), variant=variant, width=0.125, towers=towers)
    x = np.random.default_rng(0).random((4, 67, 67, 3)).astype("float32")
    y = np.arange(4) % 5
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    probs = model.predict(x, verbose=0)
    assert probs.shape == (4, 5)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    has_lrn = any(isinstance(layer, models.LocalResponseNormalization) for layer in model.layers)
    assert has_lrn == (variant == "lrn")
    assert model.get_layer("conv2").groups == towers


def test_alexnet_paper_counts(models):
    from course_utils import analysis

    two = models.alexnet(kernel_initializer="zeros")
    one = models.alexnet(towers=1, kernel_initializer="zeros")
    assert two.count_params() == 60_965_224  # the paper's two-GPU wiring: "60 million"
    assert one.count_params() == 62_378_344  # single tower = the source's table + FC biases
    assert one.get_layer("pool5").output.shape[1:] == (6, 6, 256)
    assert analysis.totals(one)["mult-adds"] == 1_135_256_096
    neurons = sum(int(np.prod(one.get_layer(n).output.shape[1:]))
                  for n in ("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"))
    assert neurons == 659_272  # "650,000 neurons"


def test_alexnet_224_is_padded_to_55(models):
    model = models.alexnet(input_shape=(224, 224, 3), kernel_initializer="zeros")
    assert model.get_layer("conv1").output.shape[1:3] == (55, 55)
    assert model.count_params() == 60_965_224
    unpadded = models.alexnet(input_shape=(224, 224, 3), conv1_padding=0,
                              kernel_initializer="zeros")
    assert unpadded.get_layer("conv1").output.shape[1:3] == (54, 54)


def test_alexnet_reproduces_the_source_keras_model(models):
    """The source's summary: 24,834,833 parameters, 19,136 of them non-trainable."""
    model = models.alexnet(17, (224, 224, 3), variant="batchnorm", conv1_padding=0,
                           conv3_5_padding="valid", dropout=0.4, kernel_initializer="zeros")
    assert model.count_params() == 24_834_833
    assert models.count_params(model, trainable=False) == 19_136


def test_alexnet_rejects_bad_arguments(models):
    with pytest.raises(ValueError, match="lrn, batchnorm"):
        models.alexnet(variant="bn")
    with pytest.raises(ValueError, match="towers"):
        models.alexnet(towers=3)
    with pytest.raises(ValueError, match="dropout"):
        models.alexnet(dropout=1.0)


def test_lrn_layer_matches_the_paper_formula(models):
    rng = np.random.default_rng(1)
    a = (rng.random((1, 2, 2, 7)) * 300).astype("float32")
    layer = models.LocalResponseNormalization()
    out = np.asarray(layer(a))
    k, n, alpha, beta = 2.0, 5, 1e-4, 0.75
    expected = np.empty_like(a)
    for c in range(a.shape[-1]):
        lo, hi = max(0, c - n // 2), min(a.shape[-1] - 1, c + n // 2)
        expected[..., c] = a[..., c] / (k + alpha * (a[..., lo:hi + 1] ** 2).sum(-1)) ** beta
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    config = layer.get_config()
    assert (config["k"], config["n"], config["alpha"], config["beta"]) == (k, n, alpha, beta)
    with pytest.raises(ValueError, match="odd"):
        models.LocalResponseNormalization(n=4)


def test_lrn_model_saves_and_loads(models, tmp_path):
    import keras

    model = models.alexnet(3, (67, 67, 3), width=0.125)
    path = tmp_path / "alexnet.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.ones((1, 67, 67, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5)


# --- VGG ---------------------------------------------------------------------------------

@pytest.mark.parametrize("config", ["A", "A-LRN", "B", "C", "D", "E"])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_vgg_small_builds_and_runs(models, config, batch_norm):
    from course_utils.models.vgg import weight_layers

    model = models.vgg(config, num_classes=4, input_shape=(32, 32, 3), width=1 / 16,
                       batch_norm=batch_norm)
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    assert len(convs) + len(dense) == weight_layers(config)
    assert model.get_layer("block5.pool").output.shape[1:3] == (1, 1)
    assert model.predict(np.zeros((2, 32, 32, 3)), verbose=0).shape == (2, 4)
    assert any(type(layer).__name__ == "BatchNormalization" for layer in model.layers) == batch_norm


def test_vgg_configuration_c_has_1x1_convolutions(models):
    from course_utils.models.vgg import describe

    model = models.vgg("C", 4, (32, 32, 3), width=1 / 16)
    kernels = [layer.kernel_size for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert kernels.count((1, 1)) == 3
    assert describe("C")[2] == "conv3-256 conv3-256 conv1-256"
    assert describe("A") == ["conv3-64", "conv3-128", "conv3-256 conv3-256",
                             "conv3-512 conv3-512", "conv3-512 conv3-512"]


def test_vgg_full_size_counts_match_the_paper(tf):
    from course_utils.models.vgg import vgg_summary_rows

    rows = {r["configuration"]: r for r in vgg_summary_rows()}
    assert rows["A"]["params"] == 132_863_336       # VGG11
    assert rows["A-LRN"]["params"] == 132_863_336   # LRN has no weights
    assert rows["B"]["params"] == 133_047_848       # VGG13
    assert rows["C"]["params"] == 133_638_952
    assert rows["D"]["params"] == 138_357_544       # VGG16 (keras.applications agrees)
    assert rows["E"]["params"] == 143_667_240       # VGG19
    assert [rows[c]["weight layers"] for c in ("A", "B", "C", "D", "E")] == [11, 13, 16, 16, 19]
    assert rows["D"]["mult-adds"] == 15_470_264_320


def test_vgg16_matches_the_source_summary(models):
    model = models.vgg("D", 17, (224, 224, 3), dropout=0.0, kernel_initializer="zeros")
    assert model.count_params() == 134_330_193


def test_vgg_weight_decay_adds_l2_losses(models):
    model = models.vgg("A", 3, (32, 32, 3), width=1 / 16, weight_decay=5e-4)
    assert len(model.losses) == 8 + 3
    layer = model.get_layer("block1.conv1")
    assert np.isclose(float(layer.kernel_regularizer.l2), 2.5e-4)


def test_vgg_block_params_and_errors(models):
    from course_utils.models.vgg import block_params

    assert block_params(3, 128, 256) == 295_168 + 2 * 590_080
    assert block_params(1, 3, 64) == 1_792
    assert block_params(2, 64, 64, bias=False) == 2 * 9 * 64 * 64
    with pytest.raises(ValueError, match="Valid: A, A-LRN, B, C, D, E"):
        models.vgg("F")
    with pytest.raises(ValueError, match="at least 32"):
        models.vgg("A", input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="convolution"):
        block_params(0, 3, 3)
