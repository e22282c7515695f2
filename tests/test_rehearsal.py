"""Setting overrides (`make run SET=...`, papermill's OVERRIDES) and the full-profile
rehearsal (`make rehearse`): typed parsing, clear errors, the caps, and the report section."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import nbformat
import pytest

from course_utils import profiles
from course_utils.tooling import cli, execution, rehearsal, report
from tests.conftest import ROOT


def _setting_of_type(kind):
    """A (chapter, name, value) of the full profiles whose value is a ``kind``."""
    for chapter in profiles.chapters():
        for name, value in profiles.resolve(chapter, "full").items():
            if type(value) is kind and name not in ("chapter", "profile") and (
                    kind is not tuple or (value and type(value[0]) is int)):
                return chapter, name, value
    raise LookupError(kind)


@pytest.mark.parametrize("kind, text, expected", [
    (int, "7", 7), (float, "1e-2", 0.01), (float, "3", 3.0), (str, "E", "E"),
    (tuple, "(16, 32,64)", (16, 32, 64)), (tuple, "25", (25,)),
])
def test_set_values_are_parsed_with_the_profile_types(kind, text, expected):
    chapter, name, _ = _setting_of_type(kind)
    got = profiles.parse_overrides(chapter, "full", [f"{name}={text}"])
    assert got == {name: expected} and type(got[name]) is type(expected)


@pytest.mark.parametrize("item, message", [
    ("epoch=1", r"Unknown setting 'epoch' for chapter 05\. Valid settings: .*epochs"),
    ("epochs=one", r"Setting epochs: 'one' is not a valid int"),
    ("epochs", r"Expected key=value"),
    ("profile=book", r"Unknown setting 'profile'"),
])
def test_bad_set_values_are_clear_errors(item, message):
    with pytest.raises(ValueError, match=message):
        profiles.parse_overrides("05", "full", [item])


def test_cli_run_rejects_an_unknown_setting_before_executing(capsys, monkeypatch):
    monkeypatch.setattr(cli, "execute", lambda *a, **k: pytest.fail("must not execute"))
    with pytest.raises(SystemExit) as exc:
        cli.main(["run", "--chapter", "05", "--profile", "full", "--set", "epoch=1"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Unknown setting 'epoch'" in err and "image_size" in err


def test_resolve_takes_lists_for_tuples_as_papermill_passes_them():
    cfg = profiles.resolve("01", "full", sweep_sizes=[25, 50], learning_rate=1)
    assert cfg["sweep_sizes"] == (25, 50) and cfg["learning_rate"] == 1.0


def test_execute_injects_profile_and_overrides(tmp_path, monkeypatch):
    import papermill

    seen = {}
    monkeypatch.setattr(papermill, "execute_notebook",
                        lambda src, dst, parameters, **kw: seen.update(parameters))
    execution.execute(tmp_path / "in.ipynb", tmp_path / "out.ipynb", "full", tmp_path,
                      overrides={"epochs": 1, "sweep_sizes": (25, 50)})
    assert seen == {"PROFILE": "full", "OVERRIDES": {"epochs": 1, "sweep_sizes": [25, 50]}}


@pytest.mark.parametrize("chapter", profiles.chapters())
def test_rehearsal_caps_epochs_and_samples_but_keeps_full_sizes(chapter):
    caps = profiles.rehearsal_overrides(chapter)
    full = profiles.resolve(chapter, "full")
    rehearsed = profiles.resolve(chapter, "full", **caps)
    for name, value in rehearsed.items():
        if name.endswith("epochs"):
            assert value <= 1, name
        if name.endswith("per_class"):
            assert max(value) <= 20 if isinstance(value, tuple) else value <= 20, name
    for name in ("image_size", "transfer_image_size", "width", "stem", "config", "batch_size"):
        if name in full:
            assert rehearsed[name] == full[name], f"the rehearsal must keep the full {name}"


def test_every_notebook_takes_overrides():
    for chapter in profiles.chapters():
        nb = nbformat.read(ROOT / "notebooks" / profiles.notebook_name(chapter), as_version=4)
        i = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
        assert "OVERRIDES = {}" in nb.cells[i].source, chapter
        assert f'profiles.resolve("{chapter}", PROFILE, **OVERRIDES)' in nb.cells[i + 1].source


def _fake_child(peaks):
    def run(chapter, work, env):
        if peaks[chapter] is None:
            return SimpleNamespace(returncode=0, stderr="", stdout=json.dumps(
                {"wall_seconds": 3.0, "peak_rss_gb": 1.0, "error": "ValueError: boom"}) + "\n")
        return SimpleNamespace(returncode=0, stderr="", stdout="noise\n" + json.dumps(
            {"wall_seconds": 12.5, "peak_rss_gb": peaks[chapter], "error": None}) + "\n")
    return run


def test_rehearse_records_time_and_memory_and_flags_failures(tmp_path, monkeypatch):
    monkeypatch.setattr(rehearsal, "_run_child", _fake_child({"01": 2.5, "04": 13.0, "05": None}))
    monkeypatch.setattr(rehearsal.os, "getloadavg", lambda: (2.04, 1.0, 1.0))
    page = tmp_path / "report.md"
    page.write_text("# Execution report\n\nintro\n\n## Benchmarks\n\n| a |\n")
    out = tmp_path / "rehearsal.json"
    out.write_text(json.dumps({"chapters": {"07": {"wall_seconds": 9, "peak_rss_gb": 3.0}},
                               "note": "an old note on load"}))
    failed = rehearsal.rehearse(["01", "04", "05"], out, page, tmp_path / "work")
    assert failed == ["04", "05"]  # over 12 GB, and an error
    data = json.loads(out.read_text())
    assert set(data["chapters"]) == {"01", "04", "05", "07"}  # other chapters kept
    assert "note" not in data  # per-chapter load averages replace it
    assert data["chapters"]["01"]["peak_rss_gb"] == 2.5
    assert data["chapters"]["01"]["overrides"]["pretrain_epochs"] == 1
    text = page.read_text()
    assert text.startswith("# Execution report") and "## Benchmarks" in text
    assert data["chapters"]["01"]["load_average"] == 2.0
    assert "| 01 | 12.5 | 2.0 | 2.50 | ok |" in text and "over 12 GB" in text and "failed: ValueError" in text
    rehearsal.rehearse(["01"], out, page, tmp_path / "work")  # a second run replaces the section
    assert page.read_text().count(report.REHEARSAL_TITLE) == 1


def test_report_works_with_and_without_a_rehearsal(tmp_path, monkeypatch):
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "01.json").write_text(json.dumps({"chapter": "01", "profile": "book", "metrics": {}}))
    monkeypatch.setattr(report, "BENCHMARKS", tmp_path / "none.json")
    monkeypatch.setattr(report, "REHEARSAL", tmp_path / "missing.json")
    assert report.REHEARSAL_TITLE not in report.report_markdown(metrics)
    (tmp_path / "missing.json").write_text(json.dumps({"chapters": {
        "06": {"wall_seconds": 100.0, "peak_rss_gb": 4.25, "error": None, "overrides": {"epochs": 1}}}}))
    text = report.report_markdown(metrics)
    assert report.REHEARSAL_TITLE in text and "| 06 | 100.0 | - | 4.25 | ok | `epochs=1` |" in text


def test_replace_section_replaces_only_that_section():
    text = "# R\n\n## A\n\na\n\n## Full-profile rehearsal\n\nold\n\n## C\n\nc\n"
    new = report.replace_section(text, report.REHEARSAL_TITLE, ["", report.REHEARSAL_TITLE, "", "new"])
    assert new == "# R\n\n## A\n\na\n\n## Full-profile rehearsal\n\nnew\n\n## C\n\nc\n"
    assert report.replace_section("# R\n", "## X", ["", "## X", "", "x"]) == "# R\n\n## X\n\nx\n"


def test_load_sampler_averages_what_it_sampled(monkeypatch):
    values = iter([1.0, 3.0, 5.0, 5.0, 5.0])
    monkeypatch.setattr(rehearsal.os, "getloadavg", lambda: (next(values), 0.0, 0.0))
    with rehearsal.LoadSampler(interval=0.01) as load:
        while len(load.samples) < 3:
            time.sleep(0.005)
    assert load.samples[:3] == [1.0, 3.0, 5.0] and load.mean >= 3.0
    assert rehearsal.LoadSampler().mean is None
