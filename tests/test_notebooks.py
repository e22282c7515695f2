"""Every chapter runs end to end with the smoke profile (papermill), with sane recorded
metrics; the same seed gives the same metrics; `notebooks/` is never modified.

No test here asserts a duration (DESIGN: budgets are measured and reported). When
``COURSE_TIMINGS_DIR`` is set (``make test`` sets it to ``_build/metrics``), the calibration
workload is timed once before the first smoke run (``calibration.json``) and each smoke run's
wall time is recorded (``smoke/<chapter>.json``); ``python -m course_utils timings`` then
reports them in seconds and calibration units against the budgets.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import nbformat
import pytest

from course_utils import profiles
from course_utils.tooling import calibration, execution, timings
from tests import expectations
from tests.conftest import ROOT

TIMINGS_ENV = "COURSE_TIMINGS_DIR"


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run_smoke(chapter: str, out_dir) -> tuple[dict, float, object]:
    source = ROOT / "notebooks" / profiles.notebook_name(chapter)
    target = out_dir / source.name
    start = time.perf_counter()
    execution.execute(source, target, "smoke", out_dir / "metrics")
    seconds = time.perf_counter() - start
    metrics = json.loads((out_dir / "metrics" / f"{chapter}.json").read_text())
    return metrics, seconds, target


@pytest.fixture(scope="module")
def timings_dir() -> Path | None:
    """Where the smoke runs' times go (``None``: not recorded). The calibration workload is
    timed here, once, before the first smoke run, in a fresh interpreter."""
    directory = os.environ.get(TIMINGS_ENV)
    if not directory:
        return None
    directory = Path(directory)
    calibration.write(directory / timings.CALIBRATION_FILE, calibration.calibrate_quietly())
    return directory


@pytest.mark.parametrize("chapter", profiles.chapters())
def test_smoke_run(chapter, tmp_path, timings_dir):
    source = ROOT / "notebooks" / profiles.notebook_name(chapter)
    before = _digest(source)
    metrics, seconds, executed = _run_smoke(chapter, tmp_path)
    if timings_dir is not None:  # measured and reported, never asserted
        timings.record_smoke(timings_dir, chapter, seconds)
    assert _digest(source) == before, "executing a chapter must never modify notebooks/"
    assert metrics["profile"] == "smoke"
    problems = expectations.failures(metrics["metrics"], expectations.SMOKE[chapter])
    assert not problems, problems
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors


def test_same_seed_same_metrics(tmp_path):
    """Two smoke runs of chapter 1 with the same seed record identical metrics."""
    first, _, _ = _run_smoke("01", tmp_path / "a")
    second, _, _ = _run_smoke("01", tmp_path / "b")
    assert first["metrics"] == second["metrics"]
