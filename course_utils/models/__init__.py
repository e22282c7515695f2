"""Model builders and transfer-learning helpers, one architecture family per module.

Import from here: ``from course_utils import models; models.mlp(...)``.
"""

from course_utils.models.alexnet import LocalResponseNormalization, alexnet
from course_utils.models.inception import (
    asymmetric_module,
    factorized_module,
    googlenet,
    grid_reduction,
    inception_module,
    inception_resnet_block,
    naive_inception_module,
)
from course_utils.models.mlp import mlp
from course_utils.models.pretrained import Backbone, imagenet_backbone, transfer_classifier
from course_utils.models.resnet import (
    basic_block,
    bottleneck_block,
    cifar_resnet,
    imagenet_resnet,
)
from course_utils.models.small_cnn import small_cnn
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
    "asymmetric_module", "factorized_module", "googlenet", "grid_reduction", "inception_module",
    "inception_resnet_block", "naive_inception_module",
    "basic_block", "bottleneck_block", "cifar_resnet", "imagenet_resnet",
    "LocalResponseNormalization", "alexnet", "vgg",
    "Backbone", "imagenet_backbone", "transfer_classifier",
    "clone_pretrained", "count_params", "extract_features", "feature_body", "freeze", "mlp",
    "with_new_head",
    "small_cnn",
]
