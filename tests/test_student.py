"""Student copies: every stub fails its checker, every stored solution passes, and the tool
writes only under _build/student."""

from __future__ import annotations

import hashlib

import nbformat
import pytest

from course_utils import exercises, profiles
from course_utils.tooling import student
from tests.conftest import ROOT

NOTEBOOKS = [ROOT / "notebooks" / profiles.notebook_name(c) for c in profiles.chapters()]


def _exercise_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells
            if c.cell_type == "code" and student.EXERCISE_TAG in c.metadata.get("tags", [])]


def _run_checks(source: str, monkeypatch) -> list[bool]:
    """Execute an exercise cell; return the result of each exercises.check call."""
    results: list[bool] = []

    def recording(exercise_id, answer):
        results.append(exercises.evaluate(exercise_id, answer)[0])

    monkeypatch.setattr(exercises, "check", recording)
    exec(compile(source, "<exercise>", "exec"), {"exercises": exercises})  # noqa: S102
    return results


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_solutions_pass_and_stubs_fail(tf, path, monkeypatch, capsys):
    cells = _exercise_cells(path)
    assert len(cells) >= 2, f"{path.name} needs at least two exercises"
    for source in cells:
        solved = _run_checks(source, monkeypatch)
        assert solved and all(solved), f"solution fails its checker:\n{source}"
        stubbed = _run_checks(student.stub_source(source), monkeypatch)
        assert stubbed and not any(stubbed), f"stub passes its checker:\n{source}"


def test_stub_source_shapes():
    src = 'def f(x):\n    """Doc."""\n    return x + 1\n\n\nanswer = 3\nexercises.check("a", f)\n'
    out = student.stub_source(src)
    assert 'def f(x):\n    """Doc."""\n    ...  # your code here' in out
    assert "answer = ...  # your answer" in out and 'exercises.check("a", f)' in out
    assert "x + 1" not in out and "= 3" not in out


def test_cli_writes_only_under_build(tmp_path, monkeypatch):
    from course_utils.tooling import cli

    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in NOTEBOOKS}
    monkeypatch.chdir(ROOT)
    assert cli.main(["student", "--output-dir", str(tmp_path)]) == 0
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in NOTEBOOKS} == before
    for path in NOTEBOOKS:
        copy = nbformat.read(tmp_path / path.name, as_version=4)
        assert all(not c.get("outputs") for c in copy.cells if c.cell_type == "code")
    with pytest.raises(ValueError, match="refusing"):
        student.write_student_copies([NOTEBOOKS[0]], NOTEBOOKS[0].parent)
