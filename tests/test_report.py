"""The report page's chapter table in seconds and calibration units, and the timing table of
``make test`` (``python -m course_utils timings``): both units, over-budget chapters reported
(never a failure), missing calibrations shown as "-"."""

from __future__ import annotations

import json

import pytest

from course_utils.tooling import calibration, cli, execution, report, timings


@pytest.fixture(autouse=True)
def _no_benchmarks(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "BENCHMARKS", tmp_path / "no-bench.json")
    monkeypatch.setattr(report, "REHEARSAL", tmp_path / "no-rehearsal.json")


def _cal(seconds):
    return {"seconds": seconds, "version": calibration.VERSION, "cpu": "AMD EPYC", "cores": 2,
            "threads": {"TF_NUM_INTRAOP_THREADS": "2"}, "samples": [seconds] * 3}


def _chapter(directory, chapter, wall, cal=None, **extra):
    run = {"chapter": chapter, "profile": "book", "wall_seconds": wall, "metrics": {"acc": 0.9},
           "data": {}, "environment": {"tensorflow": "2.21.0", "keras": "3.15.1", "device": "CPU"},
           **extra}
    if cal is not None:
        run["calibration"] = _cal(cal)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{chapter}.json").write_text(json.dumps(run))


# -- the report page (make refresh) ------------------------------------------------------------

def test_report_gives_seconds_and_calibration_units_and_names_the_reference_machine(tmp_path):
    metrics = tmp_path / "book"
    _chapter(metrics, "01", 90.0, 0.5)   # 180 units
    _chapter(metrics, "02", 200.0, 0.5)  # 400 units: over 180 s / 0.5 s = 360 units
    text = report.report_markdown(metrics)
    assert "| chapter | profile | seconds | calibration (s) | units | budget | data |" in text
    assert "| 01 | book | 90.0 | 0.500 | 180.0 | ok |" in text
    assert "| 02 | book | 200.0 | 0.500 | 400.0 | over |" in text
    assert "reference machine" in text and "AMD EPYC, 2 cores, 2 TensorFlow threads" in text
    assert "3-minute budget is 360.0 units" in text
    assert "- chapter 02: 200.0 s = 400.0 units > 360.0 units (180 s on the reference machine)" in text
    assert "All 2 chapters together: 580.0 units of 1800.0 (15 minutes)." in text
    # make test reads the reference calibration back from the page it committed
    assert timings.reference_calibration(text) == timings.Reference(0.5, calibration.VERSION)


def test_report_renders_older_metrics_without_calibration(tmp_path):
    metrics = tmp_path / "book"
    _chapter(metrics, "01", 91.2)
    _chapter(metrics, "02", 48.7, 0.5)  # refreshed alone, later: its own units, no total
    (metrics / timings.CALIBRATION_FILE).write_text("{}")  # never taken for a chapter
    text = report.report_markdown(metrics)
    assert "| 01 | book | 91.2 | - | - | - |" in text
    assert "| 02 | book | 48.7 | 0.500 | 97.4 | ok |" in text
    assert "chapters together" not in text
    _chapter(metrics, "02", 48.7)
    text = report.report_markdown(metrics)
    assert "| 02 | book | 48.7 | - | - | - |" in text and "predate the calibration" in text
    assert timings.reference_calibration(text) is None


def test_stamp_wall_time_stores_this_runs_calibration_only(tmp_path):
    path = tmp_path / "01.json"
    path.write_text(json.dumps({"chapter": "01", "calibration": _cal(9.0)}))
    execution.stamp_wall_time(path, 12.34, _cal(0.5))
    assert json.loads(path.read_text())["calibration"]["seconds"] == 0.5
    execution.stamp_wall_time(path, 12.34)  # a run without calibration drops the old one
    data = json.loads(path.read_text())
    assert data["wall_seconds"] == 12.3 and "calibration" not in data


def test_refresh_times_the_calibration_once_before_the_first_chapter(tmp_path, monkeypatch, capsys):
    from course_utils.tooling import freshness

    order = []
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for chapter in ("01", "02"):
        (notebooks / cli.profiles.notebook_name(chapter)).write_text("{}")

    def fake_execute(source, target, profile, metrics_dir, *a, **k):
        chapter = source.name[:2]
        order.append(chapter)
        target.write_text("{}")
        _chapter(metrics_dir, chapter, 1.0)
        return 45.0

    def fake_calibrate(**kwargs):
        order.append("calibration")
        return _cal(0.5)

    monkeypatch.setattr(cli, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(cli, "_dirty", lambda path: False)
    monkeypatch.setattr(cli, "execute", fake_execute)
    monkeypatch.setattr(cli, "strip_execution_metadata", lambda path: None)
    monkeypatch.setattr(cli, "write_figure_descriptions", lambda path, chapter: 0)
    monkeypatch.setattr(calibration, "calibrate_quietly", fake_calibrate)
    monkeypatch.setattr(freshness, "record", lambda *a: None)
    monkeypatch.setattr(freshness, "fingerprint", lambda *a: "x")
    page = tmp_path / "report.md"
    assert cli.main(["refresh", "--chapter", "01,02", "--all", "--metrics-dir",
                     str(tmp_path / "m"), "--report", str(page)]) == 0
    assert order == ["calibration", "01", "02"]
    assert json.loads((tmp_path / "m" / "02.json").read_text())["calibration"]["seconds"] == 0.5
    assert "01 (book): 45.0 s = 90.0 calibration units" in capsys.readouterr().out
    assert "| 01 | book | 45.0 | 0.500 | 90.0 | ok |" in page.read_text()


# -- the timing table (make test) --------------------------------------------------------------

def _make_test_metrics(root, scale=1.0, cal=0.5):
    """What make test leaves under _build/metrics; ``scale`` makes the machine slower."""
    if cal is not None:
        calibration.write(root / timings.CALIBRATION_FILE, _cal(cal * scale))
    for chapter, smoke, book in (("01", 10.0, 60.0), ("02", 40.0, 100.0)):
        timings.record_smoke(root, chapter, smoke * scale)
        (root / "nbval").mkdir(parents=True, exist_ok=True)
        (root / "nbval" / f"{chapter}.json").write_text(json.dumps(
            {"chapter": chapter, "profile": "book", "elapsed_seconds": book * scale, "metrics": {}}))


def test_timings_table_in_both_units_reports_over_budget(tmp_path):
    _make_test_metrics(tmp_path)
    text, over = timings.timings_markdown(tmp_path, timings.Reference(1.0, calibration.VERSION))
    assert "| chapter | smoke (s) | smoke (units) | book (s) | book (units) |" in text
    assert "| 01 | 10.0 | 20.0 | 60.0 | 120.0 |" in text
    assert "| 02 | 40.0 | 80.0 | 100.0 | 200.0 |" in text
    assert "| all | | | 160.0 | 320.0 |" in text
    assert "smoke 30 s = 30.0 units, book 180 s = 180.0 units" in text
    assert over == ["chapter 02 smoke: 40.0 s = 80.0 units > 30.0 units (30 s on the reference "
                    "machine)",
                    "chapter 02 book: 100.0 s = 200.0 units > 180.0 units (180 s on the "
                    "reference machine)"]
    assert "Over budget (reported, not a failure):" in text and f"- {over[0]}" in text
    assert "Whole-book PDF" not in text
    (tmp_path / "pdf.json").write_text(json.dumps({"pages": 116, "images_in_pdf": 46,
                                                   "math": 285, "seconds": 21.6}))
    text, _ = timings.timings_markdown(tmp_path, timings.Reference(1.0, calibration.VERSION))
    assert "Whole-book PDF (make pdf): 116 pages, 46 images, 285 math elements" in text
    (tmp_path / "pdf.json").write_text(json.dumps({"pages": 248, "images_in_pdf": 52,
                                                   "vector_images_in_page": 16,
                                                   "math": 359, "seconds": 29.0}))
    text, _ = timings.timings_markdown(tmp_path, timings.Reference(1.0, calibration.VERSION))
    assert "248 pages, 52 images, 16 diagrams, 359 math elements" in text


def test_timings_read_the_same_on_a_machine_twice_as_slow(tmp_path):
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    _make_test_metrics(fast)
    _make_test_metrics(slow, scale=2.0)
    reference = timings.Reference(0.5, calibration.VERSION)  # the fast machine made the report
    (fast_text, fast_over), (slow_text, slow_over) = (
        timings.timings_markdown(d, reference) for d in (fast, slow))
    assert "| 02 | 80.0 | 80.0 | 200.0 | 200.0 |" in slow_text  # seconds double, units do not
    heads = [line.split(": ")[0] for line in slow_over]
    assert heads == [line.split(": ")[0] for line in fast_over] == ["chapter 02 smoke"]
    # 200 s of book time is over 180 s, but 200 units are within 180 s / 0.5 s = 360 units
    assert "chapter 02 book" not in heads


def test_timings_without_calibration_or_reference_fall_back_to_seconds(tmp_path):
    _make_test_metrics(tmp_path, cal=None)
    text, over = timings.timings_markdown(tmp_path, timings.Reference(1.0, calibration.VERSION))
    assert "| 01 | 10.0 | - | 60.0 | - |" in text and "not recorded" in text
    assert over == ["chapter 02 smoke: 40.0 s > 30 s (seconds on this machine: no calibration)"]
    calibration.write(tmp_path / timings.CALIBRATION_FILE, {"seconds": None, "error": "boom"})
    text, _ = timings.timings_markdown(tmp_path, None)
    assert "not recorded (boom)" in text and "No reference calibration in book/report.md" in text
    calibration.write(tmp_path / timings.CALIBRATION_FILE, _cal(0.5))
    text, over = timings.timings_markdown(tmp_path, None)  # units shown, budgets in seconds
    assert "| 02 | 40.0 | 80.0 | 100.0 | 200.0 |" in text and len(over) == 1
    text, over = timings.timings_markdown(tmp_path, timings.Reference(1.0, calibration.VERSION + 1))
    assert "not comparable" in text and len(over) == 1


def test_timings_command_writes_the_table_and_never_fails(tmp_path, capsys):
    metrics = tmp_path / "metrics"
    _make_test_metrics(metrics)
    page = tmp_path / "report.md"
    page.write_text(f"... on it the {timings.reference_sentence(1.0)} on AMD EPYC ...\n")
    out = tmp_path / "report" / "timings.md"
    assert cli.main(["timings", "--metrics", str(metrics), "--reference", str(page),
                     "--write", str(out)]) == 0  # over budget is reported, exit 0
    printed = capsys.readouterr().out
    assert "| 02 | 40.0 | 80.0 | 100.0 | 200.0 |" in printed and "chapter 02 smoke" in printed
    assert out.read_text() in printed
    assert cli.main(["timings", "--metrics", str(tmp_path / "none"), "--reference",
                     str(tmp_path / "missing.md"), "--write", ""]) == 0
    assert "no smoke or book times" in capsys.readouterr().out
    assert cli.main(["timings", "--metrics", str(metrics), "--reference-seconds", "0.25",
                     "--write", ""]) == 0
    assert "Every recorded time is within its budget." in capsys.readouterr().out
