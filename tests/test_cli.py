"""The command line: clear errors, refresh safety, report generation."""

from __future__ import annotations

import json

import pytest

from course_utils.tooling import cli, execution


def test_unknown_profile_lists_valid_ones(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["run", "--chapter", "01", "--profile", "huge"])
    assert exc.value.code == 2
    assert "Valid profiles: smoke, book, full" in capsys.readouterr().err


def test_unknown_chapter_lists_valid_ones(capsys):
    with pytest.raises(SystemExit):
        cli.main(["run", "--chapter", "42", "--profile", "smoke"])
    assert "Valid chapters: 01" in capsys.readouterr().err


def test_unknown_command_and_option_are_rejected(capsys):
    with pytest.raises(SystemExit):
        cli.main(["explode"])
    assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["run", "--chapterz", "01"])
    assert "unrecognized arguments" in capsys.readouterr().err


def test_refresh_refuses_uncommitted_edits(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_dirty", lambda path: True)
    monkeypatch.setattr(cli, "execute", lambda *a, **k: pytest.fail("must not execute"))
    with pytest.raises(SystemExit):
        cli.main(["refresh", "--chapter", "01", "--all"])
    assert "uncommitted edits" in capsys.readouterr().err


def test_list_shows_profiles(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "01_transfer_learning.ipynb" in out and "smoke" in out


def test_report_from_metrics(tmp_path, capsys):
    (tmp_path / "01.json").write_text(json.dumps({
        "chapter": "01", "profile": "book", "wall_seconds": 12.5,
        "metrics": {"acc": 0.9}, "timings": {},
        "data": {"MNIST": {"name": "MNIST", "kind": "stand-in", "source": "x", "note": ""}},
        "environment": {"tensorflow": "2.21.0", "keras": "3.15.1", "device": "CPU",
                        "python": "3.11.7"}}))
    out = tmp_path / "report.md"
    assert cli.main(["report", "--metrics-dir", str(tmp_path), "--write", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Execution report")
    assert "| 01 | book | 12.5 | - | - | - | MNIST (stand-in) | TF 2.21.0, Keras 3.15.1, CPU |" in text
    assert "| `acc` | 0.9 |" in text


def test_report_without_metrics_says_what_to_run(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.main(["report", "--metrics-dir", str(tmp_path)])
    assert "make refresh" in capsys.readouterr().err


def test_strip_execution_metadata(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("1")])
    nb.metadata["papermill"] = {"x": 1}
    nb.cells[0].metadata["papermill"] = {"duration": 1}
    nb.cells[0].metadata["execution"] = {"t": 1}
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    execution.strip_execution_metadata(path)
    again = nbformat.read(path, as_version=4)
    assert "papermill" not in again.metadata and again.cells[0].metadata == {}


def test_refresh_skips_up_to_date_chapters(monkeypatch, capsys):
    from course_utils.tooling import freshness

    monkeypatch.setattr(freshness, "stale", lambda chapters, root=None: [])
    monkeypatch.setattr(cli, "execute", lambda *a, **k: pytest.fail("must not execute"))
    assert cli.main(["refresh", "--chapter", "01", "--report", ""]) == 0
    assert "01: up to date" in capsys.readouterr().out


def test_run_names_the_failing_chapter_and_runs_the_others(monkeypatch, tmp_path, capsys):
    """`make run CHAPTER=all` (the weekly workflow) fails naming the chapter that failed."""
    ran = []

    def fake_execute(source, target, profile, metrics_dir, timeout, overrides=None):
        ran.append(source.name)
        if source.name.startswith("02_"):
            raise RuntimeError("download failed: HTTP 404\nmore detail")
        return 1.0

    monkeypatch.setattr(cli, "execute", fake_execute)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    with pytest.raises(SystemExit) as exc:
        cli.main(["run", "--chapter", "01,02,03", "--profile", "smoke",
                  "--output-dir", str(tmp_path)])
    assert exc.value.code == 2
    assert [name[:2] for name in ran] == ["01", "02", "03"]
    captured = capsys.readouterr()
    assert "chapter 02 (02_weight_initialization.ipynb, smoke profile) failed: RuntimeError: " \
           "download failed: HTTP 404;" in captured.err
    assert "1 chapter(s) failed" in captured.err
    assert "::error title=Chapter 02 failed::chapter 02" in captured.out
