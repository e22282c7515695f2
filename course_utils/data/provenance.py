"""What a dataset is and where it came from: the result types, the errors, the announcement.

Every loader returns its data with a :class:`Provenance` and announces it (one printed line,
recorded with the chapter's metrics) through :func:`_announce`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils import metrics


class DatasetError(RuntimeError):
    """A dataset file is missing, corrupt or unsafe; the message names the file and the fix."""


class OfflineError(DatasetError):
    """The real source is needed but the course runs offline."""


@dataclass(frozen=True)
class Provenance:
    """Where a dataset came from, printed by every loader and stored with the metrics."""

    name: str
    kind: str  # "real", "stand-in" (for a real set, offline) or "generated" (its own task)
    source: str
    note: str = ""

    @property
    def is_real(self) -> bool:
        return self.kind == "real"

    def describe(self) -> str:
        text = f"Data: {self.name} ({self.kind}) from {self.source}"
        return f"{text}. {self.note}" if self.note else text

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "source": self.source, "note": self.note}


@dataclass
class ArrayData:
    """Arrays with train/test splits (validation is cut later with :func:`train_val_split`)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    provenance: Provenance


@dataclass
class ImageSplits:
    """Batched ``tf.data`` pipelines for an image-folder dataset."""

    train: Any
    val: Any
    test: Any
    class_names: list[str]
    counts: dict[str, int]
    image_size: int
    provenance: Provenance

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def summary(self) -> str:
        """One line for the reader: classes, images per split and chance accuracy (the
        loader has already said where the images come from)."""
        splits = ", ".join(f"{split} {n:,}" for split, n in self.counts.items())
        return (f"{self.num_classes} classes; images per split: {splits}; "
                f"chance accuracy {1 / self.num_classes:.3f}")


def _announce(provenance: Provenance, verbose: bool) -> None:
    """Say which data this is (real or stand-in) and record it with the chapter's metrics."""
    metrics.record_data(provenance)
    if verbose:
        print(provenance.describe())


def standin_name(num_classes: int) -> str:
    """The name of a generated stand-in set, e.g. "Generated shapes (10 classes)": titles
    and sentences that use ``provenance.name`` then say what the data is, never the name
    of the real set it stands in for (that one is in the provenance's note)."""
    return f"Generated shapes ({num_classes} classes)"
