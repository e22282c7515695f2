"""AlexNet and VGG builders: every variant at small sizes, and the papers' full-size counts."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def models(tf):
    from course_utils import models

    return models


# --- AlexNet -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def alex(tf):
    from course_utils.models import alexnet

    return alexnet


@pytest.mark.parametrize("variant,towers", [("lrn", 2), ("lrn", 1), ("batchnorm", 1),
                                            ("batchnorm", 2)])
def test_alexnet_small_builds_and_trains(alex, variant, towers):
    model = alex.alexnet(input_shape=(67, 67, 3), num_classes=5, variant=variant,
                         width=0.125, towers=towers)
    x = np.random.default_rng(0).random((4, 67, 67, 3)).astype("float32")
    y = np.arange(4) % 5
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    probs = model.predict(x, verbose=0)
    assert probs.shape == (4, 5)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    kinds = {type(layer).__name__ for layer in model.layers}
    assert ("LocalResponseNormalization" in kinds) == (variant == "lrn")
    assert ("BatchNormalization" in kinds) == (variant == "batchnorm")
    assert model.get_layer("conv2").groups == towers
    assert model.get_layer("conv1").activation.__name__ == "relu"


def test_alexnet_takes_keyword_arguments_only(alex):
    with pytest.raises(TypeError):
        alex.alexnet(5, (67, 67, 3))  # the old positional order is gone


def test_alexnet_width_goes_through_the_shared_scaler(alex, tf):
    from course_utils.models import layers

    model = alex.alexnet(input_shape=(67, 67, 3), num_classes=3, width=0.3,
                         kernel_initializer="zeros")
    expected = [layers.scaled(c, 0.3, 4) for c in (96, 256, 384, 384, 256)]
    assert [model.get_layer(f"conv{i}").filters for i in range(1, 6)] == expected
    assert model.get_layer("fc6").units == layers.scaled(4096, 0.3)
    assert alex.scaled is layers.scaled  # one width scaler, not a copy


def test_alexnet_paper_counts(alex):
    from course_utils import analysis

    two = alex.alexnet(kernel_initializer="zeros")
    one = alex.alexnet(towers=1, kernel_initializer="zeros")
    assert two.count_params() == 60_965_224  # the paper's two-GPU wiring: "60 million"
    assert one.count_params() == 62_378_344  # single tower = the source's table + FC biases
    assert one.get_layer("pool5").output.shape[1:] == (6, 6, 256)
    assert analysis.totals(one)["mult-adds"] == 1_135_256_096
    assert analysis.totals(two)["mult-adds"] == 724_406_816
    neurons = sum(int(np.prod(one.get_layer(n).output.shape[1:])) for n in alex.WEIGHT_LAYERS)
    assert neurons == 659_272  # "650,000 neurons"


def test_source_table_constants_match_the_source(alex):
    """The source's totals: 62,369,152 parameters and 1,135,906,176 operations; every
    convolution row agrees with the built network, each dense row lacks its biases."""
    assert sum(alex.SOURCE_PARAMS.values()) == 62_369_152
    assert sum(alex.SOURCE_FORWARD.values()) == 1_135_906_176
    one = alex.alexnet(towers=1, kernel_initializer="zeros")
    for layer, params in alex.SOURCE_PARAMS.items():
        missing = one.get_layer(layer).count_params() - params
        assert missing == (0 if layer.startswith("conv") else one.get_layer(layer).units)


def test_alexnet_224_is_padded_to_55(alex):
    model = alex.alexnet(input_shape=(224, 224, 3), kernel_initializer="zeros")
    assert model.get_layer("conv1").output.shape[1:3] == (55, 55)
    assert model.count_params() == 60_965_224
    unpadded = alex.alexnet(input_shape=(224, 224, 3), conv1_padding=0,
                            kernel_initializer="zeros")
    assert unpadded.get_layer("conv1").output.shape[1:3] == (54, 54)


def test_alexnet_reproduces_the_source_keras_model(alex):
    """The source's summary: 24,834,833 parameters, 19,136 of them non-trainable."""
    from course_utils import analysis

    model = alex.alexnet(input_shape=(224, 224, 3), num_classes=17, variant="batchnorm",
                         conv1_padding=0, conv3_5_padding="valid", dropout=0.4,
                         kernel_initializer="zeros")
    assert model.count_params() == 24_834_833
    assert analysis.count_params(model, trainable=False) == 19_136
    bns = [layer.name for layer in model.layers if type(layer).__name__ == "BatchNormalization"]
    assert bns == ["bn1", "bn2", "bn3", "bn4", "bn5", "bn6", "bn7"]
    assert model.layers[model.layers.index(model.get_layer("bn1")) - 1].name == "pool1"


def test_alexnet_weight_decay_is_the_papers_update(alex, tf):
    """L2(wd / 2) on every kernel: its gradient is wd * w, the paper's decay term."""
    import keras

    model = alex.alexnet(input_shape=(67, 67, 3), num_classes=3, width=0.125,
                         weight_decay=alex.PAPER_WEIGHT_DECAY)
    assert len(model.losses) == 8
    kernel = model.get_layer("fc7").kernel
    assert np.isclose(float(model.get_layer("fc7").kernel_regularizer.l2), 2.5e-4)
    with tf.GradientTape() as tape:
        penalty = model.get_layer("fc7").kernel_regularizer(kernel)
    grad = tape.gradient(penalty, kernel)
    np.testing.assert_allclose(grad, 5e-4 * keras.ops.convert_to_numpy(kernel), rtol=1e-5)
    assert not alex.alexnet(input_shape=(67, 67, 3), num_classes=3, width=0.125).losses


def test_alexnet_rejects_bad_arguments(alex):
    with pytest.raises(ValueError, match="lrn, batchnorm"):
        alex.alexnet(variant="bn")
    with pytest.raises(ValueError, match="towers"):
        alex.alexnet(towers=3)
    with pytest.raises(ValueError, match="dropout"):
        alex.alexnet(dropout=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        alex.alexnet(weight_decay=-1e-4)


def test_conv_bn_groups_and_regularizer(tf):
    import keras

    from course_utils.models import layers

    inputs = keras.Input((8, 8, 4))
    out = layers.conv_bn(inputs, 6, 3, name="c", batch_norm=False, groups=2,
                         kernel_regularizer=keras.regularizers.L2(1e-3))
    model = keras.Model(inputs, out)
    conv = model.get_layer("c")
    assert conv.groups == 2 and conv.kernel.shape == (3, 3, 2, 6)
    assert len(model.losses) == 1
    with_bn = layers.conv_bn(inputs, 6, 3, name="d", groups=2)
    assert keras.Model(inputs, with_bn).get_layer("d_conv").groups == 2


def test_lrn_layer_matches_the_paper_formula(alex):
    rng = np.random.default_rng(1)
    a = (rng.random((1, 2, 2, 7)) * 300).astype("float32")
    layer = alex.LocalResponseNormalization()
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
        alex.LocalResponseNormalization(n=4)


def test_lrn_model_saves_and_loads(alex, tmp_path):
    import keras

    model = alex.alexnet(input_shape=(67, 67, 3), num_classes=3, width=0.125)
    path = tmp_path / "alexnet.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.ones((1, 67, 67, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5)


# --- VGG ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def vgg_module(tf):
    from course_utils.models import vgg

    return vgg


@pytest.mark.parametrize("config", ["A", "A-LRN", "B", "C", "D", "E"])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_vgg_small_builds_and_runs(vgg_module, config, batch_norm):
    model = vgg_module.vgg(config=config, num_classes=4, input_shape=(32, 32, 3),
                           width=1 / 16, batch_norm=batch_norm)
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    assert len(convs) + len(dense) == vgg_module.weight_layers(config)
    assert model.get_layer("block5.pool").output.shape[1:3] == (1, 1)
    assert model.predict(np.zeros((2, 32, 32, 3)), verbose=0).shape == (2, 4)
    has_bn = any(type(layer).__name__ == "BatchNormalization" for layer in model.layers)
    assert has_bn == batch_norm
    # the one conv + BN helper names the layers; every block groups under "block<b>"
    first = "block1.conv1_conv" if batch_norm else "block1.conv1"
    assert model.get_layer(first).use_bias == (not batch_norm)
    has_lrn = any(type(layer).__name__ == "LocalResponseNormalization" for layer in model.layers)
    assert has_lrn == (config == "A-LRN")


def test_vgg_takes_keywords_only_and_scales_width(vgg_module):
    with pytest.raises(TypeError):
        vgg_module.vgg("D", 10)  # the builder convention is keyword-only
    model = vgg_module.vgg(config="A", num_classes=3, input_shape=(32, 32, 3), width=0.125,
                           fc_units=16, name="tiny")
    assert model.name == "tiny"
    filters = [layer.filters for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert filters == [8, 16, 32, 32, 64, 64, 64, 64]  # 64..512 times 0.125
    assert model.get_layer("classifier.fc1").units == 16
    default = vgg_module.vgg(config="A-LRN", num_classes=3, input_shape=(32, 32, 3),
                             width=0.25)
    assert default.name == "vgg_a_lrn" and default.get_layer("classifier.fc1").units == 1024


def test_vgg_configuration_c_has_1x1_convolutions(vgg_module):
    model = vgg_module.vgg(config="C", num_classes=4, input_shape=(32, 32, 3), width=1 / 16)
    kernels = [layer.kernel_size for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert kernels.count((1, 1)) == 3
    assert vgg_module.describe("C")[2] == "conv3-256 conv3-256 conv1-256"
    assert vgg_module.describe("A") == ["conv3-64", "conv3-128", "conv3-256 conv3-256",
                                        "conv3-512 conv3-512", "conv3-512 conv3-512"]


def test_vgg_describe_shows_lrn_only_in_a_lrn(vgg_module):
    assert vgg_module.describe("A-LRN")[0] == "conv3-64 LRN"
    assert vgg_module.describe("A-LRN")[1:] == vgg_module.describe("A")[1:]
    model = vgg_module.vgg(config="A-LRN", num_classes=4, input_shape=(32, 32, 3),
                           width=1 / 16)
    assert "block1.lrn" in [layer.name for layer in model.layers]


def test_vgg_full_size_counts_match_the_paper(vgg_module):
    from course_utils import analysis

    builders = {c: (lambda c=c: vgg_module.vgg(config=c, kernel_initializer="zeros"))
                for c in vgg_module.CONFIG_NAMES}
    table = analysis.size_table(builders)
    params = table["params"]
    assert params["A"] == 132_863_336       # VGG11
    assert params["A-LRN"] == 132_863_336   # LRN has no weights
    assert params["B"] == 133_047_848       # VGG13
    assert params["C"] == 133_638_952
    assert params["D"] == 138_357_544       # VGG16 (keras.applications agrees)
    assert params["E"] == 143_667_240       # VGG19
    assert table.loc["D", "mult-adds"] == 15_470_264_320
    assert (table["dense params"] == 123_642_856).all()
    # the paper's Table 2 rounds to whole millions
    for config, millions in vgg_module.PAPER_PARAMS_MILLIONS.items():
        assert round(params[config] / 1e6) == millions
    assert [vgg_module.weight_layers(c) for c in ("A", "B", "C", "D", "E")] == [
        11, 13, 16, 16, 19]


def test_vgg_paper_table3_tells_the_a_to_e_story(vgg_module):
    rows = vgg_module.PAPER_SINGLE_SCALE_ERRORS
    fixed = {c: top1 for c, s, q, top1, _ in rows if s == "256"}
    assert fixed["A-LRN"] >= fixed["A"]             # LRN gave no gain
    assert fixed["D"] < fixed["C"] < fixed["B"] < fixed["A"]
    jittered = {c: top1 for c, s, q, top1, _ in rows if s == "256-512"}
    assert abs(jittered["E"] - jittered["D"]) < 0.2  # depth saturates at 16-19 layers


def test_vgg16_matches_the_source_summary(vgg_module):
    model = vgg_module.vgg(config="D", num_classes=17, dropout=0.0, kernel_initializer="zeros")
    assert model.count_params() == 134_330_193


def test_vgg_weight_decay_adds_l2_losses(vgg_module):
    for batch_norm, first in ((False, "block1.conv1"), (True, "block1.conv1_conv")):
        model = vgg_module.vgg(config="A", num_classes=3, input_shape=(32, 32, 3),
                               width=1 / 16, weight_decay=5e-4, batch_norm=batch_norm)
        assert len(model.losses) == 8 + 3
        layer = model.get_layer(first)
        assert np.isclose(float(layer.kernel_regularizer.l2), 2.5e-4)


def test_vgg_block_params_and_errors(vgg_module):
    block_params = vgg_module.block_params
    assert block_params(3, 128, 256) == 295_168 + 2 * 590_080
    assert block_params(1, 3, 64) == 1_792
    assert block_params(2, 64, 64, bias=False) == 2 * 9 * 64 * 64
    with pytest.raises(ValueError, match="Valid: A, A-LRN, B, C, D, E"):
        vgg_module.vgg(config="F")
    with pytest.raises(ValueError, match="at least 32"):
        vgg_module.vgg(config="A", input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="dropout"):
        vgg_module.vgg(config="A", input_shape=(32, 32, 3), dropout=1.0)
    with pytest.raises(ValueError, match="convolution"):
        block_params(0, 3, 3)
