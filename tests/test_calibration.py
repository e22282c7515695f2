"""The calibration workload: timed in a fresh interpreter, its record, its failures. Times
are checked to be measured (positive), never against a limit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from course_utils.tooling import calibration


def test_calibration_at_a_tiny_size_runs_in_a_child_and_records_the_machine():
    env = dict(os.environ, TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1",
               OMP_NUM_THREADS="1")
    record = calibration.calibrate(size=0.01, repeats=2, env=env)
    assert record["seconds"] > 0
    assert len(record["samples"]) == 2 and all(s > 0 for s in record["samples"])
    assert min(record["samples"]) <= record["seconds"] <= max(record["samples"])  # the median
    assert record["size"] == 0.01 and record["version"] == calibration.VERSION
    assert record["threads"] == {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
                                 "OMP_NUM_THREADS": "1"}  # the child ran with the given threads
    assert record["cores"] and record["cpu"] and record["tensorflow"]
    assert calibration.describe(record).endswith(", 1 TensorFlow threads")


def test_a_failing_calibration_raises_or_is_reported_quietly(capsys):
    with pytest.raises(calibration.CalibrationError, match="failed"):
        calibration.calibrate(size=-1)  # the child rejects it before importing TensorFlow
    record = calibration.calibrate_quietly(size=-1)
    assert record["seconds"] is None and "size must be positive" in record["error"]
    assert "seconds only" in capsys.readouterr().err


def test_importing_the_module_does_not_import_tensorflow():
    """The CLI, the report and the tests import it; only the child process runs TensorFlow."""
    code = ("import sys, course_utils.tooling.calibration, course_utils.tooling.timings; "
            "sys.exit('tensorflow' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
