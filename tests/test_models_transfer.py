"""The MLP builder and the transfer helpers: clone, cut, freeze, new head, features."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def pretrained(tf):
    from course_utils.models.mlp import mlp

    return mlp(hidden=(20, 10), num_classes=10)


def test_mlp_matches_the_source_parameter_count(tf):
    from course_utils.models.mlp import mlp

    model = mlp()
    assert model.count_params() == 266_610
    assert [layer.name for layer in model.layers] == [
        "flatten", "hidden_1", "act_1", "hidden_2", "act_2", "output"]
    with pytest.raises(ValueError, match="at least 2"):
        mlp(num_classes=1)


def test_clone_is_independent(pretrained):
    from course_utils.models import transfer

    copy = transfer.clone_pretrained(pretrained)
    assert all(np.array_equal(a, b) for a, b in zip(copy.get_weights(), pretrained.get_weights()))
    assert copy.layers[1] is not pretrained.layers[1]
    copy.layers[1].kernel.assign(np.zeros(copy.layers[1].kernel.shape))
    assert pretrained.layers[1].kernel.numpy().any(), "changing the clone changed the original"


def test_body_freeze_head_and_counts(pretrained):
    from course_utils import analysis
    from course_utils.models import transfer

    body = transfer.feature_body(transfer.clone_pretrained(pretrained), cut="output")
    assert body.output_shape == (None, 10)
    transfer.freeze(body)
    model = transfer.with_new_head(body, num_classes=2)
    assert analysis.count_params(model, trainable=True) == 10 * 2 + 2
    assert analysis.count_params(model, trainable=False) == analysis.count_params(body)
    transfer.freeze(body, trainable_from="hidden_2")
    assert analysis.count_params(model, trainable=True) == 20 * 10 + 10 + 22
    with pytest.raises(ValueError, match="No layer named 'nope'"):
        transfer.freeze(body, trainable_from="nope")
    with pytest.raises(ValueError, match="No layer named"):
        transfer.feature_body(pretrained, cut="nope")


def test_extract_features_equals_body_output(pretrained):
    from course_utils.models import transfer

    body = transfer.feature_body(pretrained, cut="output")
    x = np.random.default_rng(0).random((5, 28, 28)).astype("float32")
    feats = transfer.extract_features(body, x)
    assert feats.shape == (5, 10)
    np.testing.assert_allclose(feats, body(x).numpy(), rtol=1e-5, atol=1e-6)
