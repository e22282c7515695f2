"""The exercise machinery (course_utils.exercises) and, for every chapter's exercises, the
contract: the stored solution passes, the stub `...` fails asking for an answer, at least two
plausible wrong answers fail with advice naming the mistake (the ``CASES`` tables of
tests/test_exercises_chNN.py), and there are hints and a worked solution with its reasoning."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

from course_utils import exercises
from course_utils.exercises import ch01, ch07
from course_utils.tooling import freshness, student
from tests.conftest import ROOT

CHAPTERS = ["01", "02", "03", "04", "05", "06", "07"]
MODULES = {n: importlib.import_module(f"course_utils.exercises.ch{n}") for n in CHAPTERS}
ALL_IDS = sorted(i for m in MODULES.values() for i in m.EXERCISES)
NEEDS_TF = {"01.freeze"}


def _chapter_cases() -> list[tuple]:
    """The ``CASES`` tables of tests/test_exercises_chNN.py, all chapters together."""
    cases = []
    for path in sorted(Path(__file__).parent.glob("test_exercises_ch*.py")):
        cases += importlib.import_module(f"tests.{path.stem}").CASES
    return cases


CASES = _chapter_cases()


def _solved(exercise):
    scope: dict = {}
    exec(exercise.solution, scope)  # noqa: S102 - the course's own solution text
    return scope[exercise.answer_name]


def _stubbed(exercise):
    """What the student copy leaves: the solution cell's stub, run."""
    scope: dict = {}
    exec(student.stub_source(exercise.solution), scope)  # noqa: S102
    return scope[exercise.answer_name]


# --- the machinery ------------------------------------------------------------------------

def test_package_imports_no_chapter_module():
    tree = ast.parse((ROOT / "course_utils" / "exercises" / "__init__.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m and m.startswith("course_utils")}, imported


def test_freshness_sees_only_the_chapter_module(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "from course_utils.exercises import ch07 as "
                     "exercises\n", "metadata": {}, "outputs": [], "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "07_x.ipynb"
    path.write_text(json.dumps(nb))
    modules = freshness.helper_modules(path, ROOT)
    ours = [m for m in modules if m.startswith("course_utils.exercises")]
    assert ours == ["course_utils.exercises", "course_utils.exercises.ch07"], modules


def test_each_notebook_imports_only_its_chapter_module():
    for n in CHAPTERS:
        path = next((ROOT / "notebooks").glob(f"{n}_*.ipynb"))
        text = "".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                       for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
        assert f"from course_utils.exercises import ch{n} as exercises" in text, path.name
        others = {f"ch{m}" for m in CHAPTERS if m != n}
        assert not any(f"import {o}" in text for o in others), path.name


def test_check_prints_feedback_and_returns_none(capsys):
    assert ch01.check("01.head_params", 1010) is None  # no "True" under the cell
    assert "[01.head_params] Correct" in capsys.readouterr().out
    ch01.check("01.head_params", 1000)
    out = capsys.readouterr().out
    assert "Not yet" in out and "bias" in out and "exercises.hint('01.head_params')" in out


def test_check_offers_the_solution_once_the_hints_are_used_up(capsys, monkeypatch):
    monkeypatch.setattr(exercises, "_hints_shown", {})
    for _ in ch07.EXERCISES["07.cifar_depth"].hints:
        ch07.hint("07.cifar_depth")
    out = capsys.readouterr().out
    assert "last hint" in out and "exercises.solution('07.cifar_depth')" in out
    ch07.check("07.cifar_depth", 108)
    out = capsys.readouterr().out
    assert "Not yet" in out and "hints used up" in out
    assert "exercises.solution('07.cifar_depth')" in out


def test_solution_prints_reasoning_and_code(capsys):
    ch07.solution("07.projection_shape")
    out = capsys.readouterr().out
    assert "Worked solution" in out and "ceil(15 / 2)" in out and "answer = (8, 8, 512)" in out


def test_hints_are_revealed_one_at_a_time(capsys, monkeypatch):
    monkeypatch.setattr(exercises, "_hints_shown", {})
    ch01.hint("01.freeze", 1)
    ch01.hint("01.freeze")
    out = capsys.readouterr().out
    assert "Hint 1 of 3" in out and "Hint 2 of 3" in out
    with pytest.raises(ValueError, match="hints 1 to 3"):
        ch01.hint("01.freeze", 9)


def test_a_chapter_module_knows_only_its_own_exercises():
    with pytest.raises(KeyError, match="ch02 as exercises"):
        ch07.check("02.he_std", 1)
    with pytest.raises(KeyError, match="07.cifar_depth"):
        ch07.check("07.nope", 1)
    with pytest.raises(ValueError, match="does not belong"):
        ch07.chapter.add(exercises.Exercise("06.x", "t", lambda a: (True, ""), ("h",), "a", "r"))


def test_wrong_type_and_a_broken_function_are_feedback_not_crashes():
    ok, message = ch01.evaluate("01.head_params", "lots")
    assert not ok and "expected a number" in message
    def runs_the_function(fn):
        return fn(3) == 7, "wrong"

    scratch = exercises.Chapter("99")
    scratch.add(exercises.Exercise("99.fn", "t", runs_the_function, ("h",), "answer = 1", "r"))
    ok, message = scratch.evaluate("99.fn", lambda n: 1 / 0)
    assert not ok and "ZeroDivisionError" in message
    exercises.EXERCISES.pop("99.fn")


def test_whole_numbers_are_not_truncated():
    check = exercises.expect_whole_number(14)
    assert check(14)[0] and check(14.0)[0]
    ok, message = check(14.4)
    assert not ok and "whole number" in message


def test_statements_cannot_be_passed_by_trying_letters():
    ids = [i for i in ALL_IDS if "set of letters" in exercises.get(i).task]
    assert ids, "the multiple-choice exercises ask for a set of true statements"
    for exercise_id in ids:
        for letter in "abcdef":
            assert not exercises.evaluate(exercise_id, letter)[0], (exercise_id, letter)
        ok, message = exercises.evaluate(exercise_id, "z")
        assert not ok and "not one of them" in message


def test_stub_function_is_recognised():
    def stub(n):
        """Doc."""
        ...

    assert exercises.is_stub_function(stub)
    assert not exercises.is_stub_function(lambda n: 2 * n + 1)


# --- every exercise of every chapter -----------------------------------------------------

@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_solution_passes_stub_fails_and_help_exists(exercise_id, request):
    if exercise_id in NEEDS_TF:
        request.getfixturevalue("tf")
    exercise = exercises.get(exercise_id)
    ok, message = exercises.evaluate(exercise_id, _solved(exercise))
    assert ok, message
    ok, message = exercises.evaluate(exercise_id, _stubbed(exercise))
    assert not ok and message in (exercises.STUB_MESSAGE, exercises.STUB_FUNCTION_MESSAGE)
    assert "Replace `...`" in message or "body is still `...`" in message
    assert len(exercise.hints) >= 2 and all(len(h) > 20 for h in exercise.hints)
    assert len(exercise.reasoning) > 150, "the reasoning explains the steps, not just the number"
    wrong = [c for c in CASES if c[0] == exercise_id]
    assert len(wrong) >= 2, f"{exercise_id}: fewer than two wrong answers in CASES"


@pytest.mark.parametrize("exercise_id,wrong,advice", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_wrong_answer_fails_with_advice(exercise_id, wrong, advice, request):
    if exercise_id in NEEDS_TF:
        request.getfixturevalue("tf")
    ok, message = exercises.evaluate(exercise_id, wrong)
    assert not ok, f"{exercise_id} accepts {wrong!r}"
    assert advice in message, f"{exercise_id}, {wrong!r}: {message}"
