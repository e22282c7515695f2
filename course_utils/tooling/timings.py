"""Chapter times in seconds and in calibration units, read against the budgets (reported only).

DESIGN's budgets hold on the reference machine: every chapter's ``book`` profile at most 3
minutes (all seven at most 15), its ``smoke`` profile at most 30 seconds. A time in seconds
means little on another machine, or beside another CPU-bound process, so each time is also
given in *calibration units*: seconds divided by the time of the fixed calibration workload
(:mod:`course_utils.tooling.calibration`) measured in the same run. The reference machine is
the one that made ``book/report.md`` (``make refresh``); the report page states its
calibration time (:func:`reference_sentence`), so a budget in units is ``budget seconds /
reference calibration seconds`` on any machine. Over-budget chapters are reported, never a
failure: no test asserts a duration.

``make test`` records, under ``_build/metrics``:

* ``calibration.json`` - the calibration record, timed once before the first smoke run
  (``tests/test_notebooks.py``, when ``COURSE_TIMINGS_DIR`` names that folder);
* ``smoke/<chapter>.json`` - ``{"chapter", "profile": "smoke", "wall_seconds"}``, the wall time
  around the papermill call of the chapter's smoke run (:func:`record_smoke`);
* ``nbval/<chapter>.json`` - the chapter's own metrics from the nbval run of the stored
  notebook (book profile), whose ``elapsed_seconds`` is the recorder's time from
  ``metrics.start`` to the last record;

and ``python -m course_utils timings`` (:func:`timings_markdown`) prints the table and writes it
to ``_build/report/timings.md``.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course_utils.tooling import calibration

SMOKE_BUDGET_SECONDS = 30.0  # DESIGN: each chapter, smoke profile, on the reference machine
BOOK_BUDGET_SECONDS = 180.0  # DESIGN: each chapter, book profile
COURSE_BUDGET_SECONDS = 900.0  # DESIGN: all seven chapters, book profile
CALIBRATION_FILE = "calibration.json"
SMOKE_DIR = "smoke"
NBVAL_DIR = "nbval"
REPORT_PAGE = Path("book") / "report.md"
OUTPUT = Path("_build") / "report" / "timings.md"

_REFERENCE = re.compile(r"calibration workload \(v(\d+)\) took \*\*([0-9]+(?:\.[0-9]+)?) s\*\*")


@dataclass(frozen=True)
class Reference:
    """The reference machine's calibration time, as the report page states it."""

    seconds: float
    version: int


def reference_sentence(seconds: float, version: int = calibration.VERSION) -> str:
    """The report page's statement of the reference calibration (read by
    :func:`reference_calibration`; keep the two in step)."""
    return f"calibration workload (v{version}) took **{seconds:.3f} s**"


def reference_calibration(text: str) -> Reference | None:
    """The reference calibration stated in a report page's ``text``, or ``None`` (a page made
    from metrics that predate the calibration)."""
    match = _REFERENCE.search(text)
    return Reference(float(match.group(2)), int(match.group(1))) if match else None


def read_reference(page: Path = REPORT_PAGE) -> Reference | None:
    page = Path(page)
    return reference_calibration(page.read_text()) if page.is_file() else None


def record_smoke(directory: Path, chapter: str, seconds: float) -> Path:
    """Record a smoke run's wall seconds as ``<directory>/smoke/<chapter>.json``."""
    path = Path(directory) / SMOKE_DIR / f"{chapter}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"chapter": chapter, "profile": "smoke",
                                "wall_seconds": round(seconds, 2)}, indent=2, sort_keys=True) + "\n")
    return path


def units(seconds: float | None, calibration_seconds: float | None) -> float | None:
    """``seconds`` in calibration units (``None`` when either is unknown)."""
    if seconds is None or not calibration_seconds:
        return None
    return seconds / calibration_seconds


def median_calibration(records: Iterable[dict[str, Any] | None]) -> float | None:
    """The median calibration seconds of ``records`` that have one."""
    values = [r["seconds"] for r in records if r and r.get("seconds")]
    return statistics.median(values) if values else None


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _seconds(directory: Path, *keys: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for path in sorted(directory.glob("*.json")):
        run = _read(path) or {}
        value = next((run[k] for k in keys if isinstance(run.get(k), (int, float))), None)
        if value is not None:
            found[str(run.get("chapter", path.stem))] = float(value)
    return found


@dataclass(frozen=True)
class Check:
    """One budget read in calibration units (or in seconds when a calibration is missing)."""

    what: str
    seconds: float
    budget_seconds: float
    calibration_seconds: float | None
    reference_seconds: float | None

    @property
    def in_units(self) -> bool:
        return bool(self.calibration_seconds and self.reference_seconds)

    @property
    def over(self) -> bool:
        if self.in_units:
            return self.seconds / self.calibration_seconds > self.budget_seconds / self.reference_seconds
        return self.seconds > self.budget_seconds

    def line(self) -> str:
        budget = f"{self.budget_seconds:g} s"
        if self.in_units:
            return (f"{self.what}: {self.seconds:.1f} s = "
                    f"{self.seconds / self.calibration_seconds:.1f} units > "
                    f"{self.budget_seconds / self.reference_seconds:.1f} units "
                    f"({budget} on the reference machine)")
        return f"{self.what}: {self.seconds:.1f} s > {budget} (seconds on this machine: no calibration)"


def timings_markdown(metrics_dir: Path, reference: Reference | None,
                     reference_source: str = str(REPORT_PAGE)) -> tuple[str, list[str]]:
    """The timing table of a ``make test`` run from the files under ``metrics_dir``; return
    the Markdown and the over-budget lines (also in the Markdown)."""
    metrics_dir = Path(metrics_dir)
    record = _read(metrics_dir / CALIBRATION_FILE)
    cal = record.get("seconds") if record else None
    smoke = _seconds(metrics_dir / SMOKE_DIR, "wall_seconds")
    book = _seconds(metrics_dir / NBVAL_DIR, "wall_seconds", "elapsed_seconds")
    ref = reference.seconds if reference else None
    lines = ["# Chapter timings", ""]
    if cal:
        lines.append(f"Calibration workload in this run: {cal:.3f} s ({calibration.describe(record)}).")
    else:
        why = f" ({record['error']})" if record and record.get("error") else ""
        lines.append(f"Calibration workload in this run: not recorded{why}; the units show \"-\".")
    if reference and reference.version != calibration.VERSION:
        lines.append(f"The reference calibration in {reference_source} is of workload "
                     f"v{reference.version}, this run's of v{calibration.VERSION}: not comparable, "
                     "budgets are read in seconds until the next `make refresh`.")
        ref = None
    elif ref:
        where = (f"given by {reference_source}" if reference_source.startswith("--")
                 else f"the machine that made {reference_source}")
        speed = f" (this run's is {cal / ref:.2f}x that)" if cal else ""
        lines.append(f"Reference calibration ({where}): {ref:.3f} s{speed}, so the budgets "
                     f"are: smoke {SMOKE_BUDGET_SECONDS:g} s = "
                     f"{SMOKE_BUDGET_SECONDS / ref:.1f} units, book {BOOK_BUDGET_SECONDS:g} s = "
                     f"{BOOK_BUDGET_SECONDS / ref:.1f} units, all seven "
                     f"{COURSE_BUDGET_SECONDS:g} s = {COURSE_BUDGET_SECONDS / ref:.1f} units.")
    else:
        lines.append(f"No reference calibration in {reference_source} (`make refresh` records "
                     "one): budgets are read in seconds on this machine.")
    lines += ["",
              "Units are seconds divided by this run's calibration time. Smoke: wall time of the "
              "papermill run (kernel start included); book: the recorder's time in the nbval "
              "run, from `metrics.start` to the last record. Budgets are reported, never "
              "asserted.", "",
              "| chapter | smoke (s) | smoke (units) | book (s) | book (units) |",
              "| --- | --- | --- | --- | --- |"]
    chapters = sorted(set(smoke) | set(book))
    checks: list[Check] = []
    for chapter in chapters:
        s, b = smoke.get(chapter), book.get(chapter)
        lines.append(f"| {chapter} | {fmt(s)} | {fmt(units(s, cal))} | {fmt(b)} | "
                     f"{fmt(units(b, cal))} |")
        if s is not None:
            checks.append(Check(f"chapter {chapter} smoke", s, SMOKE_BUDGET_SECONDS, cal, ref))
        if b is not None:
            checks.append(Check(f"chapter {chapter} book", b, BOOK_BUDGET_SECONDS, cal, ref))
    if book:
        total = sum(book.values())
        lines.append(f"| all | | | {fmt(total)} | {fmt(units(total, cal))} |")
        checks.append(Check(f"all {len(book)} chapters book", total, COURSE_BUDGET_SECONDS, cal, ref))
    if not chapters:
        lines.append(f"| - | no smoke or book times under {metrics_dir} | | | |")
    over = [c.line() for c in checks if c.over]
    lines.append("")
    if over:
        lines += ["Over budget (reported, not a failure):", ""] + [f"- {line}" for line in over]
    elif checks:
        lines.append("Every recorded time is within its budget.")
    pdf = _read(metrics_dir / "pdf.json")  # written by tests/test_pdf.py
    if pdf:
        lines += ["", f"Whole-book PDF (make pdf): {pdf.get('pages')} pages, "
                      f"{pdf.get('images_in_pdf')} images, "
                      + (f"{pdf['vector_images_in_page']} diagrams, "
                         if "vector_images_in_page" in pdf else "")
                      + f"{pdf.get('math')} math elements "
                      f"rendered, built in {fmt(pdf.get('seconds'))} s."]
    return "\n".join(lines) + "\n", over
