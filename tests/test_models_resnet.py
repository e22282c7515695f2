"""ResNet builders: blocks, the table-driven ResNet-18..152, the CIFAR ResNets and their plain
twins; full-size counts against the paper and keras.applications; residual ratios."""

from __future__ import annotations

import numpy as np
import pytest


def _block_model(fn, shape, **kwargs):
    from course_utils.models import layers

    return layers.block_model(fn, input_shape=shape, **kwargs)


def test_basic_block_identity_shortcut_has_no_parameters(tf):
    from course_utils.models import resnet

    model = _block_model(resnet.basic_block, (8, 8, 16), filters=16, name="b")
    assert model.output_shape == (None, 8, 8, 16)
    assert not any("shortcut" in layer.name for layer in model.layers)
    assert model.count_params() == 2 * (9 * 16 * 16) + 2 * 4 * 16  # convs + BN (4 per channel)
    names = {layer.name for layer in model.layers}
    assert {"b.a_conv", "b.a_bn", "b.a_relu", "b.b_conv", "b.b_bn", "b.add",
            "b.relu_out"} <= names


def test_basic_block_projection_shortcut(tf):
    from course_utils import analysis
    from course_utils.models import resnet

    model = _block_model(resnet.basic_block, (8, 8, 16), filters=32, stride=2, name="b")
    assert model.output_shape == (None, 4, 4, 32)
    table = analysis.layer_table(model)
    assert table.loc["b.shortcut_conv", "params"] == 16 * 32
    assert table.loc["b.shortcut_conv", "mult-adds"] == 4 * 4 * 16 * 32
    assert "b.shortcut_relu" not in table.index  # the projection has no ReLU of its own


def test_zero_pad_shortcut_is_parameter_free_and_exact(tf):
    import keras

    from course_utils.models import resnet

    model = _block_model(resnet.basic_block, (8, 8, 4), filters=8, stride=2,
                         shortcut="zero_pad", name="z")
    plain = _block_model(resnet.basic_block, (8, 8, 4), filters=8, stride=2, shortcut=None,
                         name="p")
    assert model.output_shape == plain.output_shape == (None, 4, 4, 8)
    assert model.count_params() == plain.count_params()
    x = np.random.default_rng(0).normal(size=(1, 8, 8, 4)).astype("float32")
    pad = keras.Model(model.input, model.get_layer("z.shortcut_pad").output).predict(x, verbose=0)
    np.testing.assert_allclose(pad[..., :4], x[:, ::2, ::2, :])
    assert not pad[..., 4:].any()


def test_bottleneck_block_counts(tf):
    from course_utils import analysis
    from course_utils.models import resnet

    model = _block_model(resnet.bottleneck_block, (14, 14, 1024), filters=256, name="n")
    assert model.output_shape == (None, 14, 14, 1024)
    weights = 1024 * 256 + 9 * 256 * 256 + 256 * 1024
    assert analysis.totals(model)["mult-adds"] == 14 * 14 * weights
    assert analysis.count_params(model, trainable=True) == weights + 2 * (256 + 256 + 1024)


def test_bad_arguments_are_rejected(tf):
    from course_utils.models import resnet

    with pytest.raises(ValueError, match="shortcut"):
        _block_model(resnet.basic_block, (4, 4, 2), filters=2, shortcut="magic")
    with pytest.raises(ValueError, match="depth"):
        resnet.imagenet_resnet(depth=20)
    with pytest.raises(ValueError, match="blocks_per_stage"):
        resnet.cifar_resnet(blocks_per_stage=0)
    with pytest.raises(TypeError):
        resnet.cifar_resnet(3)  # keyword-only, like every builder


@pytest.mark.parametrize("depth", [18, 50])
def test_small_resnets_build_and_have_their_depth(tf, depth):
    from course_utils.models import resnet

    model = resnet.imagenet_resnet(depth=depth, input_shape=(32, 32, 3), num_classes=5,
                                   width=1 / 16)
    assert model.output_shape == (None, 5)
    assert model.get_layer("conv1.7x7_conv").filters == 4
    assert resnet.depth_of(model) == depth
    out = model.predict(np.zeros((2, 32, 32, 3), "float32"), verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def test_cifar_resnet_and_plain_twin_have_identical_parameters(tf):
    from course_utils.models import resnet

    kwargs = {"blocks_per_stage": 2, "width": 0.25, "input_shape": (16, 16, 3),
              "num_classes": 3}
    res = resnet.cifar_resnet(**kwargs)
    plain = resnet.cifar_resnet(**kwargs, residual=False)
    assert res.name == "resnet14" and plain.name == "plain14"
    assert res.count_params() == plain.count_params()
    assert resnet.depth_of(res) == resnet.depth_of(plain) == 14
    assert [res.get_layer(f"stage{s}_1.a_conv").filters for s in (1, 2, 3)] == [4, 8, 16]
    assert sum(layer.name.endswith(".add") for layer in res.layers) == 6
    assert not any("add" in layer.name for layer in plain.layers)


@pytest.mark.parametrize("n,width", [(1, 1.0), (3, 1.0), (2, 0.5), (5, 0.25)])
def test_cifar_weight_formula_matches_the_built_model(tf, n, width):
    from course_utils import analysis
    from course_utils.models import resnet

    model = resnet.cifar_resnet(blocks_per_stage=n, width=width, num_classes=7)
    assert resnet.cifar_weights(n, num_classes=7, width=width) == \
        analysis.count_params(model, trainable=True)


def test_cifar_parameters_match_the_papers_table_6():
    """Table 6 gives millions to two significant figures (0.27M ... 19.4M)."""
    from course_utils.models import resnet

    for depth, (n, millions, _) in resnet.CIFAR_PAPER.items():
        assert 6 * n + 2 == depth
        assert resnet.cifar_weights(n) / 1e6 == pytest.approx(millions, rel=0.03), depth


def test_source_small_resnet_uses_projections(tf):
    from course_utils.models import resnet

    model = resnet.cifar_resnet(blocks_per_stage=2, input_shape=(32, 32, 3), num_classes=17,
                                shortcut="auto")
    assert model.output_shape == (None, 17)
    assert sum(layer.name.endswith("shortcut_conv") for layer in model.layers) == 2


def test_resnet_multiply_adds_match_the_paper(tf):
    """Full size. The paper's "FLOPs" are multiply-adds, given to two significant figures;
    whether the projection shortcuts and the classifier are counted moves the totals by up
    to 2%. Tolerance 3%."""
    from course_utils import analysis
    from course_utils.models import resnet

    for depth, paper in resnet.RESNET_PAPER_GMACS.items():
        model = resnet.imagenet_resnet(depth=depth)
        assert resnet.depth_of(model) == depth
        macs = analysis.totals(model)["mult-adds"] / 1e9
        assert macs == pytest.approx(paper, rel=0.03), (depth, macs)


def test_resnet50_parameters_match_torchvision_and_keras_applications(tf):
    import keras

    from course_utils.analysis import count_params
    from course_utils.models import resnet

    # Without conv biases (the paper's Caffe model and torchvision): 25,557,032 trainable.
    assert count_params(resnet.imagenet_resnet(depth=50), trainable=True) == 25_557_032
    # keras.applications keeps a (redundant) bias in every conv; its total also counts the
    # BN moving statistics. With use_bias=True the builder matches it exactly.
    ours = resnet.imagenet_resnet(depth=50, use_bias=True).count_params()
    reference = keras.applications.ResNet50(weights=None).count_params()
    assert ours == reference == 25_636_712


def test_preact_block_is_identity_plus_branch_with_nothing_after_the_add(tf):
    import keras

    from course_utils.models import resnet

    model = _block_model(resnet.preact_block, (8, 8, 16), filters=16, name="p")
    assert model.output_shape == (None, 8, 8, 16)
    assert model.layers[-1].name == "p.add"  # no ReLU after the addition
    assert not any("shortcut" in layer.name for layer in model.layers)
    # with the last conv zeroed the branch adds nothing: the block is the identity
    model.get_layer("p.b_conv").kernel.assign(
        np.zeros(model.get_layer("p.b_conv").kernel.shape, "float32"))
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 16)).astype("float32")
    np.testing.assert_allclose(np.asarray(model(x, training=False)), x, atol=1e-6)
    assert isinstance(model.get_layer("p.pre_bn"), keras.layers.BatchNormalization)


def test_preact_projection_and_cifar_network(tf):
    from course_utils.models import resnet

    block = _block_model(resnet.preact_block, (8, 8, 16), filters=32, stride=2, name="p")
    assert block.output_shape == (None, 4, 4, 32)
    assert block.get_layer("p.shortcut_conv").count_params() == 16 * 32
    post = resnet.cifar_resnet(blocks_per_stage=2, input_shape=(16, 16, 1),
                               shortcut="auto", width=0.5)
    pre = resnet.cifar_resnet(blocks_per_stage=2, input_shape=(16, 16, 1),
                              shortcut="auto", width=0.5, preact=True)
    assert resnet.depth_of(pre) == resnet.depth_of(post) == 14
    assert pre.name == "preact14" and pre.get_layer("post_relu") is not None
    assert pre.output_shape == post.output_shape == (None, 10)
