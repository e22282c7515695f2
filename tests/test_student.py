"""Student copies in notebooks/student/: committed and up to date, stubbed (every exercise
prints "Not yet" with the chapter's own checkers), never overwritten when a student edited an
exercise cell, and kept out of nbval and the book."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import shutil

import nbformat
import pytest
import yaml

from course_utils import profiles
from course_utils.tooling import cli, student
from tests.conftest import ROOT

CHAPTERS = list(profiles.chapters())
NOTEBOOKS = [ROOT / "notebooks" / profiles.notebook_name(c) for c in CHAPTERS]
COPIES = [ROOT / "notebooks" / "student" / p.name for p in NOTEBOOKS]


def _exercise_cells(nb):
    return [c for c in nb.cells if student.is_exercise(c)]


def test_committed_student_copies_are_up_to_date():
    results = student.sync(NOTEBOOKS, ROOT / "notebooks" / "student", check=True, root=ROOT)
    problems = [r.message() for r in results if r.status != "unchanged"]
    assert not problems, ("student copies out of date with their chapters; run `make student` "
                          "and commit notebooks/student/:\n" + "\n".join(problems))


@pytest.mark.parametrize("path", COPIES, ids=lambda p: p.stem)
def test_copy_is_stubbed_without_outputs(path):
    copy = nbformat.read(path, as_version=4)
    chapter = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
    assert len(_exercise_cells(copy)) >= 3 or len(_exercise_cells(copy)) == len(
        _exercise_cells(chapter))
    for cell in copy.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
            assert student.REMOVE_TAG not in cell.metadata.get("tags", [])
    for cell in _exercise_cells(copy):
        assert "= ...  # your answer" in cell.source or "...  # your code here" in cell.source
        assert not set(student.HIDE_TAGS) & set(cell.metadata.get("tags", []))
    kept = [c for c in chapter.cells if student.REMOVE_TAG not in c.metadata.get("tags", [])]
    assert [c.get("id") for c in copy.cells] == [c.get("id") for c in kept]


def _run_exercise_cells(path) -> str:
    """Run a copy's exercise cells with the import of its chapter's exercise module (taken
    from the copy's own setup cell); return what they print."""
    nb = nbformat.read(path, as_version=4)
    setup = next(c.source for c in nb.cells
                 if c.cell_type == "code" and "course_utils.exercises import" in c.source)
    line = re.search(r"^from course_utils\.exercises import (ch\d\d) as exercises$", setup, re.M)
    assert line, f"{path.name}: the setup cell does not import its chapter's exercise module"
    scope = {"exercises": importlib.import_module(f"course_utils.exercises.{line.group(1)}")}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in _exercise_cells(nb):
            exec(compile(cell.source, f"{path.name}:{cell.get('id')}", "exec"), scope)  # noqa: S102
    return out.getvalue()


@pytest.mark.parametrize("path", COPIES, ids=lambda p: p.stem)
def test_every_exercise_in_a_copy_says_not_yet(path):
    nb = nbformat.read(path, as_version=4)
    ids = [i for c in _exercise_cells(nb) for i in re.findall(r'exercises\.check\("([^"]+)"',
                                                                c.source)]
    out = _run_exercise_cells(path)
    assert ids
    for exercise_id in ids:
        assert f"[{exercise_id}] Not yet" in out, out
    assert "Correct" not in out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_solutions_pass(path):
    """The chapter's own exercise cells (the worked solutions) all print "Correct"."""
    nb = nbformat.read(path, as_version=4)
    chapter = path.name[:2]
    scope = {"exercises": importlib.import_module(f"course_utils.exercises.ch{chapter}")}
    if any("01.freeze" in c.source for c in _exercise_cells(nb)):
        pytest.importorskip("keras")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in _exercise_cells(nb):
            exec(compile(cell.source, path.name, "exec"), scope)  # noqa: S102
    assert "Not yet" not in out.getvalue() and out.getvalue().count("Correct") == len(
        _exercise_cells(nb))


def test_stub_source_shapes():
    src = 'def f(x):\n    """Doc."""\n    return x + 1\n\n\nanswer = 3\nexercises.check("a", f)\n'
    out = student.stub_source(src)
    assert 'def f(x):\n    """Doc."""\n    ...  # your code here' in out
    assert "answer = ...  # your answer" in out and 'exercises.check("a", f)' in out
    assert "x + 1" not in out and "= 3" not in out


def test_remove_cell_cells_are_dropped():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("recorder.record('x', 1)", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_code_cell('answer = 3\nexercises.check("01.x", answer)',
                                  metadata={"tags": ["exercise", "hide-cell"]}),
    ])
    copy = student.student_notebook(nb)
    assert [c.cell_type for c in copy.cells] == ["markdown", "code"]
    assert copy.cells[1].metadata["tags"] == ["exercise"]


@pytest.fixture
def tree(tmp_path):
    """A copy of the chapters and their student copies to edit freely."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns("*.keras"))
    return tmp_path


def test_regeneration_keeps_an_edited_exercise_cell(tree, monkeypatch, capsys):
    name = profiles.notebook_name("07")
    copy_path = tree / "notebooks" / "student" / name
    nb = nbformat.read(copy_path, as_version=4)
    cell = _exercise_cells(nb)[0]
    cell.source = cell.source.replace("answer = ...", "answer = 12345")
    nbformat.write(nb, copy_path)
    before = copy_path.read_text()
    # the chapter changes too, so regeneration has a reason to rewrite the copy
    chapter = nbformat.read(tree / "notebooks" / name, as_version=4)
    chapter.cells[-1].source += "\n\nA new closing sentence."
    nbformat.write(chapter, tree / "notebooks" / name)

    monkeypatch.chdir(tree)
    assert cli.main(["student"]) == 1
    out = capsys.readouterr().out
    assert copy_path.read_text() == before, "the edited copy was rewritten"
    assert "answer = 12345" in copy_path.read_text()
    assert f"notebooks/student/{name}: NOT regenerated" in out
    assert f"{cell.get('id')} (exercise 07.bottleneck_weights) edited" in out
    # the other copies were not touched by the chapter edit and are reported unchanged
    assert "02_weight_initialization.ipynb: unchanged" in out


def test_regeneration_updates_an_untouched_stale_copy(tree, monkeypatch, capsys):
    name = profiles.notebook_name("03")
    chapter = nbformat.read(tree / "notebooks" / name, as_version=4)
    chapter.cells[-1].source += "\n\nA new closing sentence."
    nbformat.write(chapter, tree / "notebooks" / name)
    monkeypatch.chdir(tree)
    assert cli.main(["student", "--chapter", "03", "--check"]) == 1
    assert "run `make student`" in capsys.readouterr().out
    assert cli.main(["student", "--chapter", "03"]) == 0
    assert "updated" in capsys.readouterr().out
    copy = nbformat.read(tree / "notebooks" / "student" / name, as_version=4)
    assert copy.cells[-1].source.endswith("A new closing sentence.")


def test_added_cells_are_the_students_too(tree):
    name = profiles.notebook_name("05")
    path = tree / "notebooks" / "student" / name
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("my_experiment = 1"))
    nbformat.write(nb, path)
    results = student.sync([tree / "notebooks" / name], tree / "notebooks" / "student",
                           root=tree)
    assert results[0].status == "edited" and "added" in results[0].cells[0]
    assert "my_experiment" in path.read_text()


def test_refuses_to_write_next_to_the_chapters():
    with pytest.raises(ValueError, match="refusing"):
        student.sync([NOTEBOOKS[0]], NOTEBOOKS[0].parent)


def test_make_clean_and_nbval_and_the_book_leave_student_copies_alone():
    makefile = (ROOT / "Makefile").read_text()
    clean = re.search(r"^clean:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert clean, "no clean target"
    for line in clean.group(1).splitlines():
        assert "notebooks" not in line and re.fullmatch(r"\trm -rf _build\S*", line), line
    nbval = [line for line in makefile.splitlines() if "--dist loadscope notebooks" in line]
    assert nbval and all("notebooks/0*.ipynb" in line for line in nbval), nbval
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "notebooks/student" in config["exclude_patterns"]
    assert "student" not in (ROOT / "_toc.yml").read_text()
