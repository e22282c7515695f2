"""Incremental refresh: a chapter is stale exactly when its code, profile or a helper it
(transitively) imports changes."""

from __future__ import annotations

import shutil

import pytest

from course_utils.tooling import freshness
from tests.conftest import ROOT


@pytest.fixture
def tree(tmp_path):
    """A copy of the notebooks and helpers to edit freely."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns("*.keras", "fingerprints.json"))
    shutil.copytree(ROOT / "course_utils", tmp_path / "course_utils",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_transitive_helpers_are_found(tree):
    mods = freshness.helper_modules(tree / "notebooks" / "02_weight_initialization.ipynb", tree)
    assert "course_utils.initialization" in mods
    assert "course_utils.synthetic_images" in mods, "data imports it inside a function"
    ch1 = freshness.helper_modules(tree / "notebooks" / "01_transfer_learning.ipynb", tree)
    assert "course_utils.initialization" not in ch1


def test_imports_are_read_past_a_magic_continued_over_two_lines():
    source = ('import sys\n\nif "google.colab" in sys.modules:\n    %pip install -q \\\n'
              '      "course_utils @ git+https://example.org/x@main"\n\n'
              "from course_utils import plots\n")
    tree = freshness._parse(source)
    imported = [node.module for node in tree.body if getattr(node, "module", None)]
    assert imported == ["course_utils"]


def test_helper_change_invalidates_only_the_chapters_that_use_it(tree):
    for chapter in ("01", "02"):
        freshness.record(chapter, freshness.fingerprint(chapter, tree), tree)
    assert freshness.stale(["01", "02"], tree) == []
    helper = tree / "course_utils" / "initialization.py"
    helper.write_text(helper.read_text() + "\n# a change\n")
    assert freshness.stale(["01", "02"], tree) == ["02"]
    shared = tree / "course_utils" / "training.py"
    shared.write_text(shared.read_text() + "\n# a change\n")
    assert freshness.stale(["01", "02"], tree) == ["01", "02"]


ALL = ["01", "02", "03", "04", "05", "06", "07"]


def _touch(path):
    path.write_text(path.read_text() + "\n# an edit\n")


def _record_all(tree):
    for chapter in ALL:
        freshness.record(chapter, freshness.fingerprint(chapter, tree), tree)
    assert freshness.stale(ALL, tree) == []


def test_resnet_builder_stales_only_the_resnet_chapter(tree):
    _record_all(tree)
    _touch(tree / "course_utils" / "models" / "resnet.py")
    assert freshness.stale(ALL, tree) == ["07"]


def test_chapter_exercises_stale_only_their_chapter(tree):
    _record_all(tree)
    _touch(tree / "course_utils" / "exercises" / "ch07.py")
    assert freshness.stale(ALL, tree) == ["07"]
    _record_all(tree)
    _touch(tree / "course_utils" / "exercises" / "ch03.py")
    assert freshness.stale(ALL, tree) == ["03"]


def test_profile_change_stales_only_its_chapter(tree):
    _record_all(tree)
    path = tree / "course_utils" / "profiles.py"
    source = path.read_text()
    start = source.index('"05": {')
    book = source.index('"book": {', start) + len('"book": {')
    path.write_text(source[:book] + '"an_edit": 1, ' + source[book:])
    assert freshness.stale(ALL, tree) == ["05"]


def test_tensorflow_version_is_part_of_the_fingerprint(tree, monkeypatch):
    before = freshness.fingerprint("01", tree)
    monkeypatch.setattr(freshness, "_versions", lambda: "tensorflow==0.0, keras==0.0")
    assert freshness.fingerprint("01", tree) != before


def test_code_change_invalidates_but_prose_and_outputs_do_not(tree):
    import nbformat

    freshness.record("01", freshness.fingerprint("01", tree), tree)
    path = tree / "notebooks" / "01_transfer_learning.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nMore prose."
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbformat.write(nb, path)
    assert freshness.stale(["01"], tree) == []
    code = next(c for c in nb.cells if c.cell_type == "code" and "PROFILE" in c.source)
    code.source = 'PROFILE = "smoke"'
    nbformat.write(nb, path)
    assert freshness.stale(["01"], tree) == ["01"]


def test_stored_fingerprints_match_the_committed_notebooks():
    """The committed outputs were produced by the committed code: nothing is stale."""
    from course_utils import profiles

    assert freshness.stale(list(profiles.chapters()), ROOT) == []


def test_data_package_modules_are_followed_and_stale_their_chapters(tree):
    """``course_utils.data`` is a package: its ``__init__`` re-exports every reader, so a
    chapter that imports ``data`` depends on each data module, and editing one (here the
    idx reader) stales exactly the chapters that import ``data``."""
    mods = freshness.helper_modules(tree / "notebooks" / "02_weight_initialization.ipynb", tree)
    for name in ("data", "data.files", "data.splits", "data.idx", "data.fashion_mnist",
                 "data.folders", "data.standins", "data.provenance"):
        assert f"course_utils.{name}" in mods
    users = [c for c in ALL
             if "course_utils.data" in freshness.helper_modules(
                 tree / "notebooks" / _notebook(c), tree)]
    assert users, "some chapter loads data"
    _record_all(tree)
    _touch(tree / "course_utils" / "data" / "idx.py")
    assert freshness.stale(ALL, tree) == users


def _notebook(chapter):
    from course_utils import profiles

    return profiles.notebook_name(chapter)


def test_relative_imports_inside_a_package_are_followed(tmp_path):
    pkg = tmp_path / "course_utils" / "pkg"
    pkg.mkdir(parents=True)
    (tmp_path / "course_utils" / "__init__.py").write_text("")
    (tmp_path / "course_utils" / "other.py").write_text("")
    (pkg / "__init__.py").write_text("from .a import thing\n")
    (pkg / "a.py").write_text("from . import b\nfrom ..other import y\n\nthing = 1\n")
    (pkg / "b.py").write_text("def f():\n    from .a import thing\n    return thing\n")
    (tmp_path / "notebooks").mkdir()
    nb = tmp_path / "notebooks" / "x.ipynb"
    nb.write_text('{"cells": [{"cell_type": "code", "source": ["from course_utils import pkg"]}]}')
    assert freshness.helper_modules(nb, tmp_path) == [
        "course_utils.other", "course_utils.pkg", "course_utils.pkg.a", "course_utils.pkg.b"]
