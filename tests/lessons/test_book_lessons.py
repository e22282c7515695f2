"""Each chapter's lessons, asserted on the metrics its book-profile run recorded.

`make test` runs this after nbval has re-executed the stored notebooks with
``COURSE_METRICS_DIR`` pointing at ``_build/metrics/nbval``; those training cells are
excluded from nbval's exact comparison, so their key numbers are checked here instead,
with the tolerances in ``tests/expectations.py``. Each chapter's time is not asserted here
(DESIGN: budgets are measured and reported): ``python -m course_utils timings``, the last
report of ``make test``, reads it in seconds and calibration units against the budgets.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from course_utils import profiles
from tests import expectations
from tests.conftest import ROOT

METRICS_DIR = Path(os.environ.get("COURSE_LESSONS_METRICS_DIR", ROOT / "_build" / "metrics" / "nbval"))


@pytest.mark.parametrize("chapter", profiles.chapters())
def test_book_lessons(chapter):
    path = METRICS_DIR / f"{chapter}.json"
    assert path.is_file(), (f"{path} is missing: run the nbval step first "
                            "(make test does), which records each chapter's metrics.")
    run = json.loads(path.read_text())
    assert run["profile"] == "book"
    # Its time is measured and reported (python -m course_utils timings), never asserted.
    assert run["elapsed_seconds"] > 0
    problems = expectations.failures(run["metrics"], expectations.BOOK[chapter])
    assert not problems, f"chapter {chapter}: " + "; ".join(problems)
