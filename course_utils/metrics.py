"""A chapter's key numbers, recorded out of the reader's view for tests and the report.

Metrics (accuracies, counts, data provenance, timings) go to ``<chapter>.json`` in the folder
named by the environment variable ``COURSE_METRICS_DIR`` when it is set (papermill runs, nbval
in CI, ``make refresh``); without it, recording does nothing. Tests assert each chapter's
lessons on those files with tolerances, and the book's execution report is generated from
them.

A notebook starts one recorder in a cell the book removes (tag ``remove-cell``)::

    recorder = metrics.start("07", PROFILE)

Data loaders then record their provenance by themselves (:func:`record_data`), and the
chapter records its numbers in further ``remove-cell`` cells, so that no code the reader sees
carries plumbing.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

METRICS_ENV = "COURSE_METRICS_DIR"

_current: MetricsRecorder | None = None


class MetricsRecorder:
    """Collects a chapter's key numbers and writes them as JSON for tests and reports."""

    def __init__(self, chapter: str, profile: str) -> None:
        self.chapter = chapter
        self.profile = profile
        self.values: dict[str, Any] = {}
        self.timings: dict[str, float] = {}
        self.data: dict[str, Any] = {}
        self._start = time.perf_counter()

    def record(self, **values: Any) -> None:
        """Record named numbers (floats, ints, bools or short strings) and save."""
        for key, value in values.items():
            if hasattr(value, "item"):  # NumPy / TF scalars
                value = value.item()
            if not isinstance(value, (int, float, bool, str)):
                raise TypeError(f"metric {key!r} must be a number, bool or string, "
                                f"got {type(value).__name__}.")
            self.values[key] = value
        self.save()

    def record_timing(self, **seconds_or_ratios: float) -> None:
        """Record measured times or speed ratios, kept apart from the metrics because they vary
        from run to run (the determinism test compares metrics exactly, never timings)."""
        for key, value in seconds_or_ratios.items():
            self.timings[key] = round(float(value), 4)
        self.save()

    def record_data(self, provenance: Any) -> None:
        """Record the provenance of a dataset the chapter used."""
        self.data[provenance.name] = provenance.as_dict()
        self.save()

    def as_dict(self) -> dict[str, Any]:
        from course_utils import runtime

        info = runtime.current()
        env: dict[str, Any] = {}
        if info is not None:
            env = {"python": platform.python_version(), "tensorflow": info.tensorflow,
                   "keras": info.keras, "device": info.device, "colab": info.on_colab,
                   "offline": info.offline}
        return {"chapter": self.chapter, "profile": self.profile, "metrics": self.values,
                "timings": self.timings, "data": self.data, "environment": env,
                "elapsed_seconds": round(time.perf_counter() - self._start, 2)}

    def path(self) -> Path | None:
        """Where the metrics are written, or ``None`` when ``COURSE_METRICS_DIR`` is unset."""
        directory = os.environ.get(METRICS_ENV)
        return Path(directory) / f"{self.chapter}.json" if directory else None

    def save(self) -> None:
        target = self.path()
        if target is None:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.as_dict(), indent=2, sort_keys=True) + "\n")
        tmp.replace(target)


def start(chapter: str, profile: str) -> MetricsRecorder:
    """A new recorder for ``chapter``, also made the current one (see :func:`current`)."""
    global _current
    _current = MetricsRecorder(chapter, profile)
    return _current


def current() -> MetricsRecorder | None:
    """The recorder of the running chapter, or ``None`` outside a chapter."""
    return _current


def record_data(provenance: Any) -> None:
    """Record a data set's provenance with the current recorder, if there is one (the data
    loaders call this, so notebooks need not)."""
    if _current is not None:
        _current.record_data(provenance)
