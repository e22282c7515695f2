"""Releases a student can keep: `make release VERSION=x.y.z` sets the version everywhere, pins
every install line to the tag, moves the CHANGELOG's notes, and commits and tags it; a
notebook run with other helpers than the ones it was written for says so."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils import __version__, profiles, runtime, version
from course_utils.tooling import cli, freshness, release, retarget
from tests.conftest import ROOT

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True, env={**os.environ, **GIT_ENV}).stdout


def test_main_pins_every_install_line_to_its_release():
    assert release.check(ROOT) == []
    assert release.current(ROOT) == __version__
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        code = "".join(c.source for c in nbformat.read(path, as_version=4).cells
                       if c.cell_type == "code")
        assert "@main" not in code, f"{path.name} installs from a moving branch"
        assert f"cnn-course@v{__version__}" in code, path.name
        assert f'written_for="{__version__}"' in code, path.name


def test_pin_rewrites_install_lines_and_notebook_versions_only():
    text = ('%pip install -q "course_utils @ git+https://github.com/a/b@main"\n'
            "pip install git+https://github.com/a/b.git@v0.1.0#egg=x\n"
            'RUNTIME = runtime.setup(seed=42, written_for="0.1.0")\n'
            "see https://github.com/a/b/blob/main/README.md\n")
    out = release.pin(text, "1.2.3", notebook=True).splitlines()
    assert out[0] == '%pip install -q "course_utils @ git+https://github.com/a/b@v1.2.3"'
    assert out[1] == "pip install git+https://github.com/a/b@v1.2.3#egg=x"
    assert out[2] == 'RUNTIME = runtime.setup(seed=42, written_for="1.2.3")'
    assert out[3] == "see https://github.com/a/b/blob/main/README.md"  # a link, not a pin
    assert 'written_for="0.1.0"' in release.pin(text, "1.2.3")  # prose and docstrings


def test_changelog_notes_move_under_the_new_version():
    log = "# Changes\n\nintro\n\n## Unreleased\n\n- a fix\n- a feature\n\n## [0.1.0] - old\n\nfirst\n"
    out = release.move_unreleased(log, "0.2.0", "2026-12-02")
    assert out == ("# Changes\n\nintro\n\n## Unreleased\n\nNothing yet.\n\n"
                   "## [0.2.0] - 2026-12-02\n\n- a fix\n- a feature\n\n## [0.1.0] - old\n\nfirst\n")
    with pytest.raises(release.ReleaseError, match="Unreleased' section is empty"):
        release.move_unreleased(out, "0.3.0", "2026-12-03")


@pytest.mark.parametrize("bad", ["", "1.2", "v1.2.x", "01.2.3", "1.2.3-rc1"])
def test_bad_versions_are_clear_errors(bad):
    with pytest.raises(release.ReleaseError, match="MAJOR.MINOR.PATCH"):
        release.parse(bad)


def _clone(tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    return clone


def test_make_release_in_a_clean_clone_updates_every_place_and_tags(tmp_path):
    clone = _clone(tmp_path)
    chapters = list(profiles.chapters())
    stale_before = freshness.stale(chapters, clone)
    # Right after a release the Unreleased section is empty: write a note, as a change would.
    log = (clone / "CHANGELOG.md").read_text()
    empty = f"{release.UNRELEASED}\n\n{release.EMPTY_NOTE}\n"
    if empty in log:
        log = log.replace(empty, f"{release.UNRELEASED}\n\n- A change for students.\n", 1)
        (clone / "CHANGELOG.md").write_text(log)
        _git(clone, "commit", "-qam", "A change")
    notes = release.move_unreleased(log, "x", "y")
    notes = notes.split("## [x] - y\n\n", 1)[1].split("\n## ", 1)[0].strip()
    venv = ROOT / ".venv"
    # -o: the clone's fresh pyproject.toml must not reinstall this venv.
    result = subprocess.run(
        ["make", "-C", str(clone), "release", "VERSION=9.9.9", f"VENV={venv}",
         "-o", str(venv / ".installed")],
        capture_output=True, text=True, env={**os.environ, **GIT_ENV}, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "committed and tagged v9.9.9" in result.stdout

    # One commit, tagged, nothing left over.
    assert _git(clone, "status", "--porcelain") == ""
    assert _git(clone, "rev-parse", "v9.9.9^{commit}") == _git(clone, "rev-parse", "HEAD")
    assert _git(clone, "log", "-1", "--format=%s") == "Release v9.9.9\n"
    assert _git(clone, "cat-file", "-t", "v9.9.9").strip() == "tag"  # annotated

    # The version everywhere.
    assert '__version__ = "9.9.9"' in (clone / "course_utils" / "__init__.py").read_text()
    assert re.search(r'^version = "9.9.9"$', (clone / "pyproject.toml").read_text(), re.M)
    cff = (clone / "CITATION.cff").read_text()
    assert re.search(r"^version: 9.9.9$", cff, re.M) and "date-released:" in cff
    assert release.check(clone) == [] and retarget.check(clone) == []

    # Every install line, chapters and student copies alike, pins the tag.
    notebooks = sorted((clone / "notebooks").rglob("*.ipynb"))
    assert len(notebooks) == 2 * len(chapters)
    for path in notebooks:
        code = "".join(c.source for c in nbformat.read(path, as_version=4).cells
                       if c.cell_type == "code")
        assert "cnn-course@v9.9.9" in code and 'written_for="9.9.9"' in code, path.name
        assert "@main" not in code, path.name

    # The notes moved under the new version, the Unreleased section is empty again.
    log = (clone / "CHANGELOG.md").read_text()
    assert "## Unreleased\n\nNothing yet.\n\n## [9.9.9] - " in log
    assert notes in log.split("## [9.9.9] - ", 1)[1]

    # Only version literals changed: what was fresh is still fresh, the student copies agree.
    assert freshness.stale(chapters, clone) == stale_before
    changed = set(_git(clone, "show", "--name-only", "--format=", "HEAD").split())
    assert {"CHANGELOG.md", "CITATION.cff", "pyproject.toml", "course_utils/__init__.py"} <= changed
    assert {p for p in changed if p.endswith(".ipynb")} == {
        str(p.relative_to(clone)) for p in notebooks}

    # A second release of the same version, or an older one, is refused.
    for again in ("9.9.9", "9.9.8"):
        with pytest.raises(SystemExit) as exc:
            cli.main(["release", "--version", again, "--root", str(clone)])
        assert exc.value.code != 0


def test_a_release_refuses_a_dirty_tree_and_writes_nothing(tmp_path, capsys):
    clone = _clone(tmp_path)
    readme = clone / "README.md"
    readme.write_text(readme.read_text() + "\nmy unsaved notes\n")
    before = (clone / "pyproject.toml").read_text()
    with pytest.raises(SystemExit) as exc:
        cli.main(["release", "--version", "9.9.9", "--root", str(clone)])
    assert exc.value.code != 0
    assert "uncommitted changes" in capsys.readouterr().err
    assert (clone / "pyproject.toml").read_text() == before
    assert readme.read_text().endswith("my unsaved notes\n")
    assert _git(clone, "tag", "--list", "v9.9.9") == ""


def test_matching_helpers_print_nothing_and_others_one_warning(capsys):
    assert version.mismatch(__version__) is None
    warning = version.mismatch("0.0.1", have="0.3.0")
    assert "written for course_utils 0.0.1" in warning and "course_utils 0.3.0 is installed" in warning
    assert f'git+{version.REPOSITORY}@v0.0.1"' in warning and "restart" in warning
    with pytest.raises(ValueError, match="MAJOR.MINOR.PATCH"):
        version.mismatch("main")

    runtime.setup(seed=3, written_for=__version__, verbose=False)
    assert capsys.readouterr().err == ""
    runtime.setup(seed=3, written_for="0.0.1", verbose=False)
    err = capsys.readouterr().err
    assert err.count("Warning:") == 1 and f"course_utils {__version__} is installed" in err


def test_the_warning_names_the_repository_the_tree_is_configured_for():
    assert version.REPOSITORY == retarget.configured(ROOT).url


def test_release_is_documented_for_instructors():
    makefile = (ROOT / "Makefile").read_text()
    assert "release: $(STAMP)" in makefile and "course_utils release --version" in makefile
    assert "make release VERSION=" in (ROOT / "README.md").read_text()
    assert sys.modules["course_utils"].__version__ == __version__
