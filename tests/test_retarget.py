"""Forks retarget with one command, and the repository URL has one source of truth.

``_config.yml``'s ``repository.url``/``branch`` is the source of truth; every install line,
Colab link, clone command and CITATION.cff link agrees with it (:func:`retarget.check`), and
``make retarget URL=...`` rewrites them all. The rule for what may remain afterwards: no URL
of the old repository anywhere, in any form; its bare ``owner/repo`` name only in Markdown
prose that credits the original project.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from course_utils import __version__, profiles
from course_utils.tooling import cli, freshness, retarget, student
from tests.conftest import ROOT

FORK = "https://github.com/example-school/cnn-fork"


def test_repository_links_agree_with_config():
    """Install lines (chapters and student copies), Colab links, clone commands, CITATION.cff
    and the issues button all agree with _config.yml."""
    assert retarget.check(ROOT) == []


@pytest.mark.parametrize("url", [
    "http://github.com/a/b", "https://gitlab.com/a/b", "https://github.com/a",
    "https://github.com/a/b/c", "git@github.com:a/b.git", "github.com/a/b", "", "a/b",
    "https://github.com/-a/b", "https://github.com/a/b?x=1",
])
def test_bad_urls_are_clear_errors(url):
    with pytest.raises(retarget.RetargetError, match=r"https://github.com/<owner>/<repo>"):
        retarget.parse_url(url)


@pytest.mark.parametrize("url", [FORK, FORK + "/", FORK + ".git", " " + FORK + " "])
def test_good_urls_are_normalised(url):
    repo = retarget.parse_url(url, "main")
    assert (repo.url, repo.branch, repo.pages) == (
        FORK, "main", "https://example-school.github.io/cnn-fork")


@pytest.mark.parametrize("branch", ["", "a..b", "-x", "a b", "x.lock", "a//b"])
def test_bad_branches_are_clear_errors(branch):
    with pytest.raises(retarget.RetargetError, match="not a valid branch name"):
        retarget.parse_url(FORK, branch)


def test_cli_rejects_bad_input_without_a_traceback(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["retarget", "--url", "https://gitlab.com/a/b"])
    assert exc.value.code == 2
    assert "is not a GitHub repository URL" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["retarget"])
    assert "make retarget URL=" in capsys.readouterr().err


def test_rewriter_handles_every_form_and_leaves_other_repositories_alone():
    old = retarget.Repo("Old-Owner", "course", "main")
    new = retarget.parse_url(FORK, "dev")
    text = "\n".join([
        '%pip install -q "course_utils @ git+https://github.com/old-owner/course@v0.1.0"',
        "https://colab.research.google.com/github/Old-Owner/course/blob/main/notebooks/a.ipynb",
        "see https://github.com/Old-Owner/course/blob/main/LICENSE and",
        "https://github.com/Old-Owner/course/tree/v1/docs (a tag: kept)",
        "git clone https://github.com/Old-Owner/course.git",
        "cd course",
        "issues: https://github.com/Old-Owner/course/issues.",
        "site: https://old-owner.github.io/course/",
        "others: https://github.com/Old-Owner/course-extra https://github.com/other/course",
    ])
    out = retarget.rewriter(old, new)(text).splitlines()
    assert out == [
        f'%pip install -q "course_utils @ git+{FORK}@v0.1.0"',  # the release pin stays
        "https://colab.research.google.com/github/example-school/cnn-fork/blob/dev/notebooks/a.ipynb",
        f"see {FORK}/blob/dev/LICENSE and",
        f"{FORK}/tree/v1/docs (a tag: kept)",
        f"git clone {FORK}",
        "cd cnn-fork",
        f"issues: {FORK}/issues.",
        "site: https://example-school.github.io/cnn-fork/",
        "others: https://github.com/Old-Owner/course-extra https://github.com/other/course",
    ]


def _copy_tree(dest: Path) -> Path:
    """The tree as a clone holds it (tracked and untracked-but-not-ignored files)."""
    for path in retarget.files(ROOT):
        target = dest / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return dest


def _notebooks(root: Path) -> dict[str, nbformat.NotebookNode]:
    return {str(p.relative_to(root)): nbformat.read(p, as_version=4)
            for d in retarget.NOTEBOOK_DIRS for p in sorted((root / d).glob("*.ipynb"))}


def _student_status(root: Path) -> dict[str, str]:
    """Each student copy's sync status against its chapter ("unchanged" when up to date)."""
    if not (root / "notebooks" / "student").is_dir():
        return {}
    chapters = [root / "notebooks" / profiles.notebook_name(c) for c in profiles.chapters()]
    results = student.sync(chapters, root / "notebooks" / "student", check=True, root=root)
    return {r.path.name: r.status for r in results}


def test_retarget_a_copy_of_the_tree(tmp_path, capsys):
    tree = _copy_tree(tmp_path / "fork")
    old = retarget.configured(tree)
    chapters = list(profiles.chapters())
    for chapter in chapters:  # as after `make refresh`: every chapter fresh
        freshness.record(chapter, freshness.fingerprint(chapter, tree), tree)
    before = _notebooks(tree)
    students_before = _student_status(tree)

    assert cli.main(["retarget", "--url", FORK, "--root", str(tree)]) == 0
    out = capsys.readouterr().out
    assert f"-> {FORK}@main" in out

    config = yaml.safe_load((tree / "_config.yml").read_text())
    assert config["repository"]["url"] == FORK and config["repository"]["branch"] == "main"
    assert retarget.check(tree) == []

    # No URL of the old repository remains, in any file and any form.
    slug = re.escape(old.slug)
    url_forms = re.compile(
        rf"(github\.com[/:]{slug}|colab\.research\.google\.com/github/{slug}"
        rf"|raw\.githubusercontent\.com/{slug}|{re.escape(old.owner)}\.github\.io/{re.escape(old.name)})"
        r"(?![A-Za-z0-9_-])", re.I)
    bare = re.compile(rf"{slug}(?![A-Za-z0-9_-])", re.I)
    for path in retarget.files(tree):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = path.relative_to(tree)
        assert not url_forms.search(text), f"{rel} still links to {old.url}"
        if path.suffix != ".md":  # a Markdown page may credit the original project by name
            assert not bare.search(text), f"{rel} still names {old.slug}"

    # Notebooks were edited through nbformat: same cells, ids, metadata and outputs.
    after = _notebooks(tree)
    assert after.keys() == before.keys()
    for name, nb in after.items():
        assert [c.get("id") for c in nb.cells] == [c.get("id") for c in before[name].cells], name
        assert [c.get("outputs") for c in nb.cells] == [
            c.get("outputs") for c in before[name].cells], name
        assert nb.metadata == before[name].metadata, name
        if name.startswith("notebooks/") and nb.cells:
            assert f"git+{FORK}@v{__version__}" in "".join(c.source for c in nb.cells), name
    # The student copies match their chapters exactly as well as before (both rewritten alike).
    assert _student_status(tree) == students_before
    # Only the guarded install line changed: its fingerprint is re-recorded, nothing is stale.
    assert "re-recorded the fingerprints of chapters 01, 02" in out
    assert freshness.stale(chapters, tree) == []

    # A branch change rewrites the branch; retargeting again to the same place is a no-op.
    result = retarget.retarget(FORK, "dev", tree)
    assert result.changed and retarget.check(tree) == []
    assert all(f"git+{FORK}@v{__version__}" in "".join(c.source for c in nb.cells)
               for nb in _notebooks(tree).values())
    assert all(f"{FORK.removeprefix('https://github.com/')}/blob/dev/" in "".join(
        c.source for c in nb.cells) for name, nb in _notebooks(tree).items() if "student" not in name)
    assert retarget.retarget(FORK, "dev", tree).changed == []
