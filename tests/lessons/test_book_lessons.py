"""Each chapter's lessons, asserted on the metrics its book-profile run recorded.

`make test` runs this after nbval has re-executed the stored notebooks with
``COURSE_METRICS_DIR`` pointing at ``_build/metrics/nbval``; those training cells are
excluded from nbval's exact comparison, so their key numbers are checked here instead,
with the tolerances in ``tests/expectations.py``.
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
BOOK_BUDGET_SECONDS = 180


@pytest.mark.parametrize("chapter", profiles.chapters())
def test_book_lessons(chapter):
    path = METRICS_DIR / f"{chapter}.json"
    assert path.is_file(), (f"{path} is missing: run the nbval step first "
                            "(make test does), which records each chapter's metrics.")
    run = json.loads(path.read_text())
    assert run["profile"] == "book"
    problems = expectations.failures(run["metrics"], expectations.BOOK[chapter])
    assert not problems, f"chapter {chapter}: " + "; ".join(problems)


@pytest.mark.parametrize("chapter", profiles.chapters())
def test_book_profile_within_budget(chapter):
    """The recorder's elapsed time (from the parameters cell to the last record) must fit the
    3-minute budget. `make test` runs nbval one chapter at a time; the slack factor allows
    for a slower CI machine."""
    run = json.loads((METRICS_DIR / f"{chapter}.json").read_text())
    slack = float(os.environ.get("COURSE_BUDGET_SLACK", "1.5"))
    assert run["elapsed_seconds"] <= BOOK_BUDGET_SECONDS * slack, (
        f"chapter {chapter} took {run['elapsed_seconds']} s")
