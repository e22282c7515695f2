"""Shared test set-up: offline, quiet TensorFlow, a headless matplotlib backend."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("COURSE_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported through runtime.setup so its log lines stay quiet."""
    from course_utils import runtime

    runtime.setup(seed=0, verbose=False)
    import tensorflow

    return tensorflow


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras cache, so tests never see (or leave) real downloads."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras"
