"""Model builders, one architecture family per module; this package imports none of them.

Import the family a chapter uses, so that a chapter depends only on its own builders (and
``make refresh`` re-executes only the chapters whose builders changed)::

    from course_utils.models import layers, resnet, transfer

Every builder takes keyword-only ``input_shape``, ``num_classes``, ``width`` (a multiplier of
the paper's channel counts, through :func:`course_utils.models.layers.scaled`) and ``name``.
"""
