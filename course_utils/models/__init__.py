"""Model builders and transfer-learning helpers, one architecture family per module.

Import from here: ``from course_utils import models; models.mlp(...)``.
"""

from course_utils.models.alexnet import LocalResponseNormalization, alexnet
from course_utils.models.mlp import mlp
from course_utils.models.pretrained import Backbone, imagenet_backbone, transfer_classifier
from course_utils.models.transfer import (
    clone_pretrained,
    count_params,
    extract_features,
    feature_body,
    freeze,
    with_new_head,
)
from course_utils.models.vgg import vgg

__all__ = [
    "LocalResponseNormalization", "alexnet", "vgg",
    "Backbone", "imagenet_backbone", "transfer_classifier",
    "clone_pretrained", "count_params", "extract_features", "feature_body", "freeze", "mlp",
    "with_new_head",
]
