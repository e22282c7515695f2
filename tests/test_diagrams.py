"""Diagrams are read off the builders' models: every box, filter count and arrow agrees."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import keras
import numpy as np
import pytest

from course_utils import analysis, convolution, diagrams
from course_utils.models import alexnet, inception, layers, lenet, resnet, vgg


def _connections(model):
    return {(p.operation.name, layer.name) for layer in model.layers
            for node in layer._inbound_nodes[:1] for p in node.parent_nodes}


def check_against(model, diagram):
    """Every layer is a box or folded into exactly one; each box's facts are its layer's;
    the arrows are exactly the model's connections between boxes."""
    by_name = {layer.name: layer for layer in model.layers}
    owner = {}
    for box in diagram.boxes:
        for name in (box.name, *box.folded):
            assert name not in owner, f"{name} drawn twice"
            owner[name] = box.name
    assert set(owner) == set(by_name), "every layer of the model is drawn once"
    for box in diagram.boxes:
        layer = by_name[box.name]
        if isinstance(layer, keras.layers.Conv2D):
            assert box.filters == layer.filters
            assert box.kernel == tuple(layer.kernel_size)
            assert box.strides == tuple(layer.strides)
            assert box.groups == layer.groups
        elif isinstance(layer, keras.layers.Dense):
            assert box.filters == layer.units
        for name in box.folded:  # only normalization, activation, dropout, scaling fold
            assert type(by_name[name]).__name__ in diagrams.FOLDED
        last = by_name[box.folded[-1]] if box.folded else layer
        assert box.shape == tuple(last.output.shape[1:])
    drawn = {(diagram.boxes[a].name, diagram.boxes[b].name) for a, b in diagram.edges}
    expected = {(owner[a], owner[b]) for a, b in _connections(model) if owner[a] != owner[b]}
    assert drawn == expected


BUILDERS = {
    "basic identity": lambda: layers.block_model(
        resnet.basic_block, input_shape=(56, 56, 64), filters=64, name="conv2_1"),
    "basic projection": lambda: layers.block_model(
        resnet.basic_block, input_shape=(56, 56, 64), filters=128, stride=2, name="conv3_1"),
    "bottleneck projection": lambda: layers.block_model(
        resnet.bottleneck_block, input_shape=(56, 56, 64), filters=64, name="conv2_1"),
    "bottleneck identity": lambda: layers.block_model(
        resnet.bottleneck_block, input_shape=(56, 56, 256), filters=64, name="conv2_2"),
    "naive inception": lambda: layers.block_model(
        inception.naive_inception_module, input_shape=(28, 28, 192), n1x1=64, n3x3=128,
        n5x5=32, name="naive"),
    "inception 3a": lambda: layers.block_model(
        inception.inception_module, input_shape=(28, 28, 192),
        spec=(64, 96, 128, 16, 32, 32), name="3a"),
    "factorized": lambda: layers.block_model(
        inception.factorized_module, input_shape=(35, 35, 192), n1x1=64, n3x3_reduce=48,
        n3x3=64, n5x5_reduce=64, n5x5=96, pool_proj=32, name="v3a"),
    "asymmetric": lambda: layers.block_model(
        inception.asymmetric_module, input_shape=(17, 17, 768), n1x1=192, n_reduce=128,
        n_out=192, pool_proj=192, name="v3b"),
    "grid reduction": lambda: layers.block_model(
        inception.grid_reduction, input_shape=(35, 35, 288), n3x3_reduce=None, n3x3=384,
        n_double_reduce=64, n_double=96, name="reduction"),
    "alexnet two towers": lambda: alexnet.alexnet(),
    "vgg16 at 32 px": lambda: vgg.vgg(config="D", input_shape=(32, 32, 3), num_classes=10),
    # A Sequential model does not list its input layer; as a functional model it does.
    "lenet-5": lambda: (lambda m: keras.Model(m.inputs, m.outputs))(lenet.lenet5()),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_diagram_agrees_with_its_builder(name):
    model = BUILDERS[name]()
    diagram = diagrams.from_model(model, title=name)
    check_against(model, diagram)
    root = ET.fromstring(diagram.svg())
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == name
    assert len(root.find(f"{ns}desc").text.split()) >= 10
    bundle, metadata = diagram._repr_mimebundle_()
    assert bundle["image/svg+xml"] == diagram.svg()
    assert metadata["image/svg+xml"]["course_utils"]["alt"] == diagram.alt


def test_shortcuts_and_branches_are_drawn_as_such():
    identity = diagrams.from_model(BUILDERS["basic identity"](), title="identity")
    add = next(i for i, b in enumerate(identity.boxes) if b.text.startswith("add"))
    assert (0, add) in identity.edges  # the input goes straight to the addition
    assert "shortcut" in identity.alt
    projection = diagrams.from_model(BUILDERS["basic projection"](), title="projection")
    shortcut = next(b for b in projection.boxes if "shortcut" in b.name)
    assert shortcut.kernel == (1, 1) and shortcut.strides == (2, 2) and shortcut.filters == 128
    assert len(set(projection.lane)) == 2
    module = diagrams.from_model(BUILDERS["inception 3a"](), title="3a")
    assert len(set(module.lane)) == 5  # four branch lanes and the centred input/concat
    towers = diagrams.from_model(BUILDERS["alexnet two towers"](), title="AlexNet")
    assert [b.groups for b in towers.boxes if b.kind == "conv"] == [1, 2, 1, 2, 2]


@pytest.mark.parametrize("size,kernel,stride,padding", [
    (5, 3, 1, 0), (5, 3, 1, 1), (5, 3, 2, 1), (7, 3, 2, 0), (4, 2, 2, 0), (6, 5, 1, 2)])
def test_conv_grid_matches_the_convolution(size, kernel, stride, padding):
    grid = diagrams.conv_grid(size, kernel, stride=stride, padding=padding)
    image = [[float(i * size + j) for j in range(size)] for i in range(size)]
    out = convolution.conv2d(np.array(image), np.ones((kernel, kernel)), stride=stride,
                             padding=padding)
    assert grid.out == analysis.conv_output_size(size, kernel, stride, padding) == out.shape[0]
    root = ET.fromstring(grid.svg())
    rects = root.findall("{http://www.w3.org/2000/svg}rect")
    # background + padded input cells + two windows (one if the output is 1 wide) + output
    windows = 2 if grid.out > 1 else 1
    assert len(rects) == 1 + (size + 2 * padding) ** 2 + windows + grid.out ** 2
    assert f"= {grid.out}" in grid.alt


def test_conv_grid_refuses_impossible_windows():
    with pytest.raises(ValueError, match="does not fit"):
        diagrams.conv_grid(3, 5)
    with pytest.raises(ValueError, match="at least"):
        diagrams.conv_grid(5, 3, stride=0)


def test_receptive_field_stack_uses_the_arithmetic():
    drawing = diagrams.receptive_field_stack((3, 3, 3))
    assert drawing.facts["fields"] == [7, 5, 3, 1]
    assert analysis.receptive_field([(3, 1)] * 3).size == 7
    assert "7×7" in drawing.alt
    assert diagrams.receptive_field_stack((3, 3)).facts["fields"][0] == 5
    with pytest.raises(ValueError, match="odd"):
        diagrams.receptive_field_stack((2, 3))


def test_multichannel_conv_counts_like_keras():
    drawing = diagrams.multichannel_conv(size=5, in_channels=3, kernel=3, filters=2)
    layer = keras.layers.Conv2D(2, 3)
    layer.build((None, 5, 5, 3))
    assert drawing.facts["params"] == layer.count_params() == convolution.conv_params(3, 3, 2)
    assert drawing.facts["out_size"] == 3
    assert "56" in drawing.title
    ET.fromstring(drawing.svg())
