"""Model builders and transfer-learning helpers, one architecture family per module.

Import from here: ``from course_utils import models; models.mlp(...)``.
"""

from course_utils.models.mlp import mlp
from course_utils.models.transfer import (
    clone_pretrained,
    count_params,
    extract_features,
    feature_body,
    freeze,
    with_new_head,
)

__all__ = [
    "clone_pretrained", "count_params", "extract_features", "feature_body", "freeze", "mlp",
    "with_new_head",
]
