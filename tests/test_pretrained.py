"""The ImageNet transfer path builds and runs offline with weights=None, and says so."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.parametrize("name", ["vgg16", "inception_v3", "resnet50"])
def test_offline_backbone_is_random_and_announced(tf, name, capsys, monkeypatch):
    from course_utils.models import pretrained, transfer

    monkeypatch.setenv("COURSE_OFFLINE", "1")
    size = 75 if name == "inception_v3" else 32
    backbone = pretrained.imagenet_backbone(name, (size, size, 3))
    assert not backbone.pretrained
    assert "random weights" in capsys.readouterr().out
    assert not backbone.model.trainable
    model = transfer.with_new_head(backbone.model, num_classes=3,
                                   preprocess=backbone.preprocess, dropout=0.2)
    assert model.predict(np.zeros((2, size, size, 3)), verbose=0).shape == (2, 3)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable == backbone.model.output_shape[-1] * 3 + 3, "only the head trains"


def test_unknown_backbone_lists_valid_names(tf):
    from course_utils.models import pretrained

    with pytest.raises(ValueError, match="vgg16, inception_v3, resnet50"):
        pretrained.imagenet_backbone("alexnet")
