"""Inception builders: shapes and counts at small sizes, and GoogLeNet against Table 1."""

from __future__ import annotations

import numpy as np
import pytest


def _block(fn, shape, **kwargs):
    from course_utils.models import layers

    return layers.block_model(fn, input_shape=shape, **kwargs)


def test_naive_module_passes_all_input_channels_through(tf):
    from course_utils import analysis
    from course_utils.models import inception

    model = _block(inception.naive_inception_module, (8, 8, 12), n1x1=4, n3x3=5, n5x5=6)
    assert model.output_shape == (None, 8, 8, 4 + 5 + 6 + 12)
    table = analysis.layer_table(model, group_by_prefix=".")
    assert table.loc["naive", "params"] == 12 * 4 + 4 + 9 * 12 * 5 + 5 + 25 * 12 * 6 + 6


def test_inception_module_counts_match_hand_arithmetic(tf):
    from course_utils import analysis
    from course_utils.models import inception

    spec = inception.ModuleSpec(64, 96, 128, 16, 32, 32)  # inception (3a)
    model = _block(inception.inception_module, (28, 28, 192), spec=spec, name="m")
    assert model.output_shape == (None, 28, 28, spec.out_channels) == (None, 28, 28, 256)
    weights = 192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32
    biases = 64 + 96 + 128 + 16 + 32 + 32
    totals = analysis.totals(model)
    assert totals["params"] == weights + biases
    assert totals["mult-adds"] == 28 * 28 * weights  # every conv runs at 28x28
    # The layer names the Table-1 grouping relies on: <block>.<layer>.
    assert "m.b2_3x3" in [layer.name for layer in model.layers]


def test_module_with_batch_norm_drops_conv_biases(tf):
    from course_utils.models import inception

    model = _block(inception.inception_module, (8, 8, 16), spec=(4, 4, 8, 2, 4, 4),
                   name="m", batch_norm=True)
    convs = [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]
    assert convs and all(not layer.use_bias for layer in convs)
    assert {"m.b2_3x3_conv", "m.b2_3x3_bn", "m.b2_3x3_relu"} <= {x.name for x in model.layers}
    assert model.output_shape[-1] == 4 + 8 + 4 + 4


def test_source_block_has_three_branches_and_shifted_filters(tf):
    from course_utils import analysis
    from course_utils.models import inception

    spec = dict(inception.GOOGLENET_TABLE1)["inception_3a"]
    model = _block(inception.source_inception_block, (28, 28, 192), filters=spec[:5],
                   name="s")
    # 1x1(64) -> 3x3(96); 1x1(128) -> 5x5(16); pool -> 1x1(32): 144 channels, not 256.
    assert model.output_shape == (None, 28, 28, 96 + 16 + 32)
    table = analysis.layer_table(model)
    assert table.loc["s.t2_1x1", "params"] == 192 * 128 + 128
    with pytest.raises(ValueError, match="five numbers"):
        _block(inception.source_inception_block, (8, 8, 4), filters=spec, name="x")


def test_small_googlenet_runs(tf):
    from course_utils.models import inception

    model = inception.googlenet(input_shape=(32, 32, 3), num_classes=5, width=0.125,
                                stem="small", batch_norm=True)
    assert model.output_shape == (None, 5)
    x = np.random.default_rng(0).random((4, 32, 32, 3), dtype=np.float32)
    out = np.asarray(model(x, training=True))  # eager: no graph tracing of the whole net
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("size,strides,pool", [(16, 1, False), (32, 1, True), (64, 2, True)])
def test_small_stem_options_reach_the_same_grid_at_the_same_module_cost(tf, size, strides,
                                                                         pool):
    """The v3 paper's low-resolution experiment: stride and pooling in the stem keep the
    modules' grid, and so their cost, the same for 16, 32 and 64 pixel inputs."""
    from course_utils import analysis
    from course_utils.models import inception

    model = inception.googlenet(input_shape=(size, size, 3), num_classes=3, width=0.125,
                                stem="small", stem_strides=strides, stem_pool=pool,
                                batch_norm=True, table=inception.GOOGLENET_TABLE1[:1])
    assert model.get_layer("inception_3a.concat").output.shape[1:3] == (16, 16)
    table = analysis.layer_table(model, group_by_prefix=".")
    reference = inception.googlenet(input_shape=(32, 32, 3), num_classes=3, width=0.125,
                                    stem="small", batch_norm=True,
                                    table=inception.GOOGLENET_TABLE1[:1])
    ref = analysis.layer_table(reference, group_by_prefix=".")
    assert table.loc["inception_3a", "mult-adds"] == ref.loc["inception_3a", "mult-adds"]
    first = 32 if strides == 2 else size  # the stem conv's output grid
    assert table.loc["conv1", "mult-adds"] == first * first * 8 * 9 * 3


def test_googlenet_aux_classifiers_add_outputs_and_bn_variant(tf):
    from course_utils import analysis
    from course_utils.models import inception

    model = inception.googlenet(input_shape=(96, 96, 3), num_classes=7, width=0.125,
                                aux_classifiers=True)
    assert [tuple(s) for s in model.output_shape] == [(None, 7)] * 3
    names = {layer.name.split(".")[0] for layer in model.layers}
    assert {"aux_4a", "aux_4d"} <= names
    small = dict(input_shape=(32, 32, 3), num_classes=4, width=0.25, stem="small",
                 batch_norm=True, aux_classifiers=True, aux_after=("inception_3a",),
                 table=inception.GOOGLENET_TABLE1[:2])
    plain = inception.googlenet(**small)
    bn = inception.googlenet(**small, aux_batch_norm=True)
    assert len(plain.outputs) == len(bn.outputs) == 2
    assert bn.get_layer("aux_3a.fc_bn") is not None and not bn.get_layer("aux_3a.fc").use_bias
    units = bn.get_layer("aux_3a.fc").units
    rows_plain = analysis.layer_table(plain, group_by_prefix=".")
    rows_bn = analysis.layer_table(bn, group_by_prefix=".")
    # BN-auxiliary: the FC bias goes, four numbers per unit (gamma, beta, mean, variance) come.
    assert rows_bn.loc["aux_3a", "params"] - rows_plain.loc["aux_3a", "params"] == 3 * units
    with pytest.raises(ValueError, match="aux_after"):
        inception.googlenet(**{**small, "aux_after": ("inception_4d",)})


def test_auxiliary_classifier_alone_matches_the_head_inside_googlenet(tf):
    from course_utils import analysis
    from course_utils.models import inception

    head = _block(inception.auxiliary_classifier, (14, 14, 512), num_classes=1000,
                  name="aux_4a")
    full = inception.googlenet(aux_classifiers=True)
    rows = analysis.layer_table(full, group_by_prefix=".")
    assert head.output_shape == (None, 1000)
    assert head.count_params() == rows.loc["aux_4a", "params"]


def test_googlenet_rejects_bad_arguments(tf):
    from course_utils.models import inception

    with pytest.raises(ValueError, match="stem"):
        inception.googlenet(stem="tiny")
    with pytest.raises(ValueError, match="width"):
        inception.googlenet(width=0)
    with pytest.raises(ValueError, match="stem='small'"):
        inception.googlenet(stem_strides=2)
    with pytest.raises(TypeError):
        inception.googlenet((224, 224, 3), 1000)  # keyword-only


def test_googlenet_matches_table1(tf):
    """Full size, against the paper's columns. The rows whose difference rounding cannot
    explain are inconsistencies of the paper's table with its own filter counts: conv1
    (2.7K/34M cannot be a 7x7x3->64 conv at 112x112: 9.4K weights, 118M multiply-adds),
    4c's params (463K, while its own 100M ops / 196 positions give 498K, as we count), 5a
    (both columns 5% off its filter counts), and smaller ones in most params entries."""
    from course_utils import analysis
    from course_utils.models import inception

    model = inception.googlenet()
    assert model.output_shape == (None, 1000)
    table = analysis.paper_comparison(model, inception.GOOGLENET_PAPER_TABLE1)
    big = {"conv1", "inception_4c", "inception_5a"}
    assert table.drop(index=list(big))["params diff %"].abs().max() <= 2.0
    assert table.drop(index=["conv1", "inception_5a"])["ops diff %"].abs().max() <= 2.5
    beyond = table.attrs["beyond rounding"]
    assert set(beyond["ops"]) == {"conv1", "inception_4a", "inception_5a"}
    assert {"conv1", "inception_4c", "inception_4d", "inception_5a",
            "inception_5b"} <= set(beyond["params"])
    assert not {"conv2", "inception_3a", "linear"} & set(beyond["params"])
    assert table.loc["inception_3a", "params (ours, K)"] == pytest.approx(163328 / 1024,
                                                                         abs=0.05)
    # Whole network: weights only vs the sum of the paper's column (6.8M in K = 1024).
    assert table.attrs["weights (no biases)"] == 6_990_272
    assert abs(table.attrs["weights (no biases)"] / table.attrs["paper weights"] - 1) < 0.005
    assert table.attrs["params"] == model.count_params() == 6_998_552  # Keras-style, biases
    # Multiply-adds: 1.58G against the 1.50G sum of the paper's ops column, +5%, and conv1
    # alone accounts for more than the whole difference.
    assert table.attrs["mult-adds"] == 1_582_671_872
    assert table.attrs["paper mult-adds"] == 1_502e6
    conv1_excess = (table.loc["conv1", "ops (ours, M)"] - 34) * 1e6
    assert conv1_excess > table.attrs["mult-adds"] - table.attrs["paper mult-adds"]


def test_separable_conv1_reproduces_the_papers_conv1_row(tf):
    """The paper's conv1 numbers (2.7K, 34M) are those of a 7x7 depthwise-separable
    convolution with depth multiplier 8 (3 -> 24 -> 64 channels), the first layer of
    TF-slim's BN-Inception, not of the plain 7x7 convolution the paper describes."""
    import keras

    from course_utils import analysis

    model = keras.Sequential([keras.Input((224, 224, 3)),
                              keras.layers.SeparableConv2D(64, 7, strides=2, padding="same",
                                                           depth_multiplier=8,
                                                           use_bias=False, name="conv1")])
    table = analysis.paper_comparison(model, {"conv1": (2.7, 34)}, params_unit=("K", 1000))
    assert table.attrs["weights (no biases)"] == 7 * 7 * 3 * 8 + 24 * 64 == 2712
    assert table.loc["conv1", "ops (ours, M)"] == pytest.approx(34.0, abs=0.05)
    assert table.attrs["beyond rounding"] == {"params": [], "ops": []}


def test_factorized_module_keeps_receptive_field_and_saves_28_percent(tf):
    import keras

    from course_utils import analysis
    from course_utils.models import inception

    model = _block(inception.factorized_module, (17, 17, 32), n1x1=8, n3x3_reduce=8,
                   n3x3=16, n5x5_reduce=8, n5x5=16, pool_proj=8, name="f")
    assert model.output_shape == (None, 17, 17, 8 + 16 + 16 + 8)
    c = 16
    five = keras.Sequential([keras.Input((10, 10, c)),
                             keras.layers.Conv2D(c, 5, padding="same", use_bias=False)])
    two = keras.Sequential([keras.Input((10, 10, c)),
                            keras.layers.Conv2D(c, 3, padding="same", use_bias=False),
                            keras.layers.Conv2D(c, 3, padding="same", use_bias=False)])
    ratio = analysis.totals(two)["mult-adds"] / analysis.totals(five)["mult-adds"]
    assert ratio == pytest.approx(18 / 25)
    assert analysis.receptive_field([(3, 1), (3, 1)]).size == 5


def test_asymmetric_module_shapes_and_cost(tf):
    from course_utils import analysis
    from course_utils.models import inception

    model = _block(inception.asymmetric_module, (17, 17, 24), n1x1=8, n_reduce=6, n_out=10,
                   pool_proj=8, n=7, name="a")
    assert model.output_shape == (None, 17, 17, 8 + 10 + 10 + 8)
    table = analysis.layer_table(model)
    assert table.loc["a.b2_1x7_conv", "params"] == 7 * 6 * 6
    assert table.loc["a.b2_7x1_conv", "params"] == 7 * 6 * 10


def test_grid_reduction_halves_grid_and_widens(tf):
    from course_utils.models import inception

    model = _block(inception.grid_reduction, (35, 35, 32), n3x3_reduce=8, n3x3=24,
                   n_double_reduce=8, n_double=16, name="r")
    assert model.output_shape == (None, 17, 17, 24 + 16 + 32)


def test_grid_reduction_without_a_first_reduction_is_kerass_mixed3(tf):
    import keras

    from course_utils.models import inception

    ours = _block(inception.grid_reduction, (35, 35, 288), n3x3_reduce=None, n3x3=384,
                  n_double_reduce=64, n_double=96, name="r")
    assert "r.b1_reduce_conv" not in [layer.name for layer in ours.layers]
    assert ours.get_layer("r.b1_3x3_s2_conv").input.shape[-1] == 288
    keras_v3 = keras.applications.InceptionV3(weights=None, input_shape=(299, 299, 3))
    mixed3 = keras_v3.get_layer("mixed3")
    assert mixed3.input[0].shape[1:] == (17, 17, 384)  # its stride-2 3x3 branch
    convs = [layer for layer in keras_v3.layers if isinstance(layer, keras.layers.Conv2D)
             and layer.output.shape[1:] == (17, 17, 384)]
    assert convs and all(layer.input.shape[-1] == 288 for layer in convs[:1])
    assert ours.output_shape[1:] == mixed3.output.shape[1:] == (17, 17, 768)


@pytest.mark.parametrize("scale", [0.1, 1.0])
def test_inception_resnet_block_keeps_shape_and_scales_residual(tf, scale):
    import keras

    from course_utils.models import inception

    model = _block(inception.inception_resnet_block, (9, 9, 40), scale=scale, name="ir")
    assert model.output_shape == (None, 9, 9, 40)
    x = np.random.default_rng(1).normal(size=(2, 9, 9, 40)).astype("float32")
    branch = keras.Model(model.input, model.get_layer("ir.linear_1x1").output)
    added = keras.Model(model.input, model.get_layer("ir.add").output)
    np.testing.assert_allclose(added.predict(x, verbose=0) - x,
                               scale * branch.predict(x, verbose=0), rtol=1e-4, atol=1e-5)


def test_module_imports_no_other_family():
    """Chapter 6 must not depend on chapter 7's builders (per-chapter freshness)."""
    import ast
    from pathlib import Path

    from course_utils.models import inception

    tree = ast.parse(Path(inception.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported <= {"__future__", "collections.abc", "typing",
                        "course_utils.models.layers"}, imported
