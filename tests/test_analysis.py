"""Parameter and multiply-add counts and size arithmetic, against hand-computed cases."""

from __future__ import annotations

import pytest

from course_utils import analysis


@pytest.mark.parametrize("n,k,s,p,expected", [
    (5, 3, 1, 0, 3), (5, 3, 1, 1, 5), (7, 3, 2, 0, 3), (224, 11, 4, 2, 55), (227, 11, 4, 0, 55),
    (28, 2, 2, 0, 14), (10, 3, 2, "same", 5), (10, 3, 1, "valid", 8),
])
def test_conv_output_size(n, k, s, p, expected):
    assert analysis.conv_output_size(n, k, s, p) == expected


def test_conv_output_size_errors_are_clear():
    with pytest.raises(ValueError, match="larger than the padded input"):
        analysis.conv_output_size(2, 5)
    with pytest.raises(ValueError, match="padding"):
        analysis.conv_output_size(5, 3, 1, -1)


def test_receptive_field_of_stacked_3x3():
    assert analysis.receptive_field([(3, 1)] * 2).size == 5
    assert analysis.receptive_field([(3, 1)] * 3).size == 7
    rf = analysis.receptive_field([(3, 1), (2, 2), (3, 1)])
    assert (rf.size, rf.jump) == (8, 2)


def test_layer_table_counts_params_and_macs(tf):
    import keras

    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        keras.layers.Conv2D(8, 3, padding="same", name="conv"),
        keras.layers.MaxPooling2D(name="pool"),
        keras.layers.Flatten(name="flat"),
        keras.layers.Dense(10, name="fc"),
    ])
    table = analysis.layer_table(model)
    assert table.loc["conv", "params"] == 3 * 3 * 3 * 8 + 8
    assert table.loc["conv", "mult-adds"] == 32 * 32 * 8 * 3 * 3 * 3
    assert table.loc["pool", "mult-adds"] == 0
    assert table.loc["fc", "params"] == 16 * 16 * 8 * 10 + 10
    assert table.loc["fc", "mult-adds"] == 16 * 16 * 8 * 10
    assert table.attrs["total params"] == model.count_params()
    split = analysis.split_by_type(table)
    assert split.loc["dense", "params %"] > 95 and split.loc["conv", "mult-adds %"] > 90


def test_layer_table_groups_by_prefix_and_handles_depthwise(tf):
    import keras

    inp = keras.Input((8, 8, 4))
    a = keras.layers.Conv2D(2, 1, name="block1.a")(inp)
    b = keras.layers.DepthwiseConv2D(3, padding="same", name="block1.b")(inp)
    c = keras.layers.SeparableConv2D(5, 3, padding="same", name="block2.c")(inp)
    model = keras.Model(inp, [a, b, c])
    grouped = analysis.layer_table(model, group_by_prefix=".")
    assert list(grouped.index) == ["block1", "block2"]
    assert grouped.loc["block1", "mult-adds"] == 8 * 8 * 2 * 4 + 8 * 8 * 4 * 9
    assert grouped.loc["block2", "mult-adds"] == 8 * 8 * 4 * 9 + 8 * 8 * 4 * 5
    assert analysis.totals(model)["params"] == model.count_params()


def test_size_table_builds_each_model_and_adds_extra_columns(tf):
    import keras

    def build(units):
        return lambda: keras.Sequential([
            keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, name="conv"),
            keras.layers.Flatten(), keras.layers.Dense(units, name="fc")])

    table = analysis.size_table({"small": build(2), "large": build(5)},
                                extra={"small": {"paper params": 1}}, index_name="net")
    assert list(table.index) == ["small", "large"] and table.index.name == "net"
    assert list(table.columns)[:1] == ["paper params"]
    conv = 3 * 3 * 3 * 4 + 4
    assert table.loc["small", "conv params"] == conv
    assert table.loc["large", "dense params"] == 6 * 6 * 4 * 5 + 5
    assert table.loc["large", "params"] == conv + 6 * 6 * 4 * 5 + 5
    assert table.loc["small", "mult-adds"] == 6 * 6 * 4 * 27 + 6 * 6 * 4 * 2
    assert table.loc["small", "paper params"] == 1


def test_activation_table_measures_rms_and_dead_units(tf):
    import keras
    import numpy as np

    inputs = keras.Input((4,))
    linear = keras.layers.Dense(3, use_bias=True, name="linear")(inputs)
    relu = keras.layers.ReLU(name="relu")(linear)
    model = keras.Model(inputs, relu)
    # unit 0 copies the first input, unit 1 is always negative (dead), unit 2 copies -x0
    kernel = np.zeros((4, 3), "float32")
    kernel[0, 0], kernel[0, 2] = 1.0, -1.0
    model.get_layer("linear").set_weights([kernel, np.array([0.0, -5.0, 0.0], "float32")])
    x = np.array([[1.0, 0, 0, 0], [2.0, 0, 0, 0]], "float32")
    table = analysis.activation_table(model, x, ["linear", "relu"])
    assert list(table.index) == ["linear", "relu"]
    assert table.loc["relu", "dead"] == 2 / 3  # units 1 and 2 are zero for both examples
    assert table.loc["linear", "dead"] == 2 / 3  # "zero or below" counts the negatives too
    expected = np.sqrt(np.mean(np.square([[1, -5, -1], [2, -5, -2]])))
    assert np.isclose(table.loc["linear", "RMS"], expected)
    one = analysis.activation_table(model, x, ["relu"])
    assert np.isclose(one.loc["relu", "RMS"], np.sqrt((1 + 4) / 6))


@pytest.mark.parametrize("printed,expected", [
    (159, 100 * 0.5 / 159), (2.7, 100 * 0.05 / 2.7), (1, 50.0), (380, 100 * 0.5 / 380),
    (0.25, 100 * 0.005 / 0.25),
])
def test_rounding_pct_is_half_a_unit_in_the_last_printed_digit(printed, expected):
    assert analysis.rounding_pct(printed) == pytest.approx(expected)


def test_paper_comparison_counts_kernels_and_flags_what_rounding_cannot_explain(tf):
    import keras

    inp = keras.Input((10, 10, 3))
    x = keras.layers.Conv2D(8, 3, padding="same", name="a.conv")(inp)       # 216 weights
    x = keras.layers.BatchNormalization(name="a.bn")(x)                     # not counted
    x = keras.layers.SeparableConv2D(4, 3, padding="same", name="b.sep")(x)  # 72 + 32
    model = keras.Model(inp, x)
    paper = {"a": (0.21, 0.0216), "b": (0.1, 0.0104)}  # in K = 1,000 and M = 1e6
    table = analysis.paper_comparison(model, paper, params_unit=("K", 1000))
    assert table.attrs["weights (no biases)"] == 216 + 72 + 32
    assert table.attrs["params"] == model.count_params()
    assert table.loc["a", "params (ours, K)"] == pytest.approx(0.2, abs=0.05)
    assert table.loc["a", "ops (ours, M)"] == pytest.approx(0.0, abs=0.05)
    # a: 0.216 printed as 0.21 is beyond half a unit (0.005) of the last digit; b: 0.104
    # printed as 0.1 is within 0.05.
    assert table.attrs["beyond rounding"]["params"] == ["a"]
    assert table.attrs["beyond rounding"]["ops"] == []
    assert table.attrs["paper weights"] == pytest.approx(310)
    with pytest.raises(KeyError, match="no block c"):
        analysis.paper_comparison(model, {"c": (1, 1)})


def test_residual_ratios_measure_the_branch_against_the_shortcut(tf):
    import keras
    import numpy as np

    from course_utils.models import resnet

    keras.utils.set_random_seed(0)
    model = resnet.cifar_resnet(blocks_per_stage=2, width=0.25, input_shape=(8, 8, 3))
    x = np.random.default_rng(0).normal(size=(4, 8, 8, 3)).astype("float32")
    ratios = analysis.residual_ratios(model, x)
    assert list(ratios) == [f"stage{s}_{j}.add" for s in (1, 2, 3) for j in (1, 2)]
    assert all(r > 0 for r in ratios.values())
    # The block's output is relu(shortcut + branch): check one ratio by hand.
    probe = keras.Model(model.input, model.get_layer("stage1_2.add").input)
    short, branch = (np.asarray(t, dtype=np.float64) for t in probe(x, training=False))
    rms = [np.sqrt(np.mean(np.square(v))) for v in (short, branch)]
    assert ratios["stage1_2.add"] == pytest.approx(rms[1] / rms[0], rel=1e-6)
    # Zero the last BN's scale (and shift) of one block: its branch then outputs 0.
    bn = model.get_layer("stage2_2.b_bn")
    bn.gamma.assign(np.zeros(bn.gamma.shape, "float32"))
    bn.beta.assign(np.zeros(bn.beta.shape, "float32"))
    assert analysis.residual_ratios(model, x)["stage2_2.add"] == pytest.approx(0.0, abs=1e-9)
    plain = resnet.cifar_resnet(blocks_per_stage=1, width=0.25, input_shape=(8, 8, 3),
                                residual=False)
    with pytest.raises(ValueError, match="no two-input Add"):
        analysis.residual_ratios(plain, x)
