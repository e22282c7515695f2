"""Shared helpers for the course *Deep Learning Step by Step: CNNs*.

Import order matters in notebooks: call :func:`course_utils.runtime.setup` first, so the
TensorFlow import (and its log noise) happens under control; the other modules import
TensorFlow at module level.
"""

__version__ = "0.2.0"
