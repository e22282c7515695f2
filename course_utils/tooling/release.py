"""Cut a release: one commit and one tag that a saved notebook can keep installing.

``make release VERSION=x.y.z`` (``python -m course_utils release --version x.y.z``), on a
clean working tree:

* sets the version in ``pyproject.toml``, ``CITATION.cff`` (with ``date-released``) and
  ``course_utils.__version__``;
* pins every install line (``course_utils @ git+https://github.com/<owner>/<repo>@...``) in
  the chapters, the student copies, the README and the book pages to ``@vx.y.z``, and sets
  every notebook's ``runtime.setup(written_for="x.y.z")`` to the same version;
* moves the CHANGELOG's ``## Unreleased`` notes under ``## [x.y.z] - <date>``;
* re-records the fingerprints of the chapters that were fresh (only version literals
  changed: the warning they feed prints nothing when the installed release is the one the
  notebook was written for, which a release makes true);
* commits that as ``Release vx.y.z`` and tags it ``vx.y.z`` (annotated).

So ``main``'s notebooks always install the latest release, never a moving branch, and a
student's copy saved in week 1 installs in week 10 the helpers it was written for.
:func:`check` is the consistency test: the three version fields agree, and every install
line and ``written_for`` names that version.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.tooling import retarget

INIT = Path("course_utils") / "__init__.py"
PYPROJECT = Path("pyproject.toml")
CITATION = Path("CITATION.cff")
CHANGELOG = Path("CHANGELOG.md")
UNRELEASED = "## Unreleased"
EMPTY_NOTE = "Nothing yet."
# History may name old tags and the tests hold example URLs: neither is rewritten.
SKIP = {CHANGELOG}

_INIT_RE = re.compile(r'^__version__ = "([^"]*)"$', re.M)
_PYPROJECT_RE = re.compile(r'^(version = )"([^"]*)"$', re.M)
_CFF_VERSION_RE = re.compile(r"^(version: )(\S+)$", re.M)
_CFF_DATE_RE = re.compile(r'^date-released: "?[0-9-]+"?$', re.M)
_INSTALL_RE = re.compile(r"(git\+https://github\.com/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+?)(?:\.git)?"
                         r"@([A-Za-z0-9._/-]+?)(?=[\"'\s#]|$)", re.M)
_WRITTEN_FOR_RE = re.compile(r'(\bwritten_for\s*=\s*)"([^"]*)"')


class ReleaseError(ValueError):
    """A release that cannot be cut as asked; the message says what to do."""


@dataclass
class Result:
    old: str
    new: str
    tag: str
    changed: list[Path] = field(default_factory=list)
    refingerprinted: list[str] = field(default_factory=list)


def parse(version: str) -> tuple[int, int, int]:
    """``"0.3.0"`` (or ``"v0.3.0"``) as ``(0, 3, 0)``."""
    from course_utils import version as versions

    try:
        return versions.parse((version or "").strip().removeprefix("v"))
    except ValueError as exc:
        raise ReleaseError(f"{exc} (make release VERSION=0.3.0)") from None


def current(root: Path = Path(".")) -> str:
    """The version ``course_utils/__init__.py`` declares (the released one on ``main``)."""
    match = _INIT_RE.search((root / INIT).read_text())
    if not match:
        raise ReleaseError(f"{INIT}: no line `__version__ = \"x.y.z\"`")
    return match[1]


def tag(version: str) -> str:
    return f"v{version}"


def pin(text: str, version: str, *, notebook: bool = False) -> str:
    """Every install line of ``text`` pinned to ``v<version>``; in a ``notebook``'s code, every
    ``written_for`` set to ``version`` too (elsewhere it is documentation, left alone)."""
    text = _INSTALL_RE.sub(lambda m: f"{m[1]}@{tag(version)}", text)
    if notebook:
        text = _WRITTEN_FOR_RE.sub(lambda m: f'{m[1]}"{version}"', text)
    return text


def move_unreleased(text: str, version: str, date: str) -> str:
    """The CHANGELOG with its Unreleased notes under ``## [version] - date``."""
    if UNRELEASED not in text:
        raise ReleaseError(f"{CHANGELOG}: no '{UNRELEASED}' section to release")
    head, rest = text.split(UNRELEASED, 1)
    match = re.search(r"^## ", rest, re.M)
    notes, older = (rest[:match.start()], rest[match.start():]) if match else (rest, "")
    notes = notes.strip()
    if not notes or notes == EMPTY_NOTE:
        raise ReleaseError(f"{CHANGELOG}: the '{UNRELEASED}' section is empty. Write what changed "
                           "for readers and students there before releasing.")
    return (f"{head}{UNRELEASED}\n\n{EMPTY_NOTE}\n\n## [{version}] - {date}\n\n{notes}\n\n"
            f"{older}").rstrip() + "\n"


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {result.stderr.strip() or result.stdout}")
    return result.stdout


def _refuse_unless_clean(root: Path, version: str) -> None:
    dirty = _git(root, "status", "--porcelain", "--untracked-files=normal").strip()
    if dirty:
        raise ReleaseError("the working tree has uncommitted changes; a release commits only "
                           "itself. Commit or stash them first:\n" + dirty)
    if _git(root, "tag", "--list", tag(version)).strip():
        raise ReleaseError(f"tag {tag(version)} exists already: choose the next version")


def _set_version_fields(root: Path, version: str, date: str) -> list[Path]:
    edits = [
        (INIT, _INIT_RE, f'__version__ = "{version}"'),
        (PYPROJECT, _PYPROJECT_RE, rf'\g<1>"{version}"'),
        (CITATION, _CFF_VERSION_RE, rf"\g<1>{version}"),
    ]
    changed = []
    for rel, pattern, replacement in edits:
        text = (root / rel).read_text()
        updated, count = pattern.subn(replacement, text, count=1)
        if count != 1:
            raise ReleaseError(f"{rel}: found no version line to set")
        if rel == CITATION:
            if _CFF_DATE_RE.search(updated):
                updated = _CFF_DATE_RE.sub(f'date-released: "{date}"', updated, count=1)
            else:
                updated = _CFF_VERSION_RE.sub(rf'\g<0>\ndate-released: "{date}"', updated, count=1)
        if updated != text:
            (root / rel).write_text(updated)
            changed.append(rel)
    return changed


def _skipped(rel: Path) -> bool:
    return rel in SKIP or rel.parts[0] in retarget.CHECK_SKIPS


def release(version: str, root: Path = Path("."), *, date: str | None = None,
            commit: bool = True) -> Result:
    """Set, pin and record release ``version`` in ``root``; commit and tag it (``commit``)."""
    new = ".".join(map(str, parse(version)))
    old = current(root)
    if parse(new) <= parse(old):
        raise ReleaseError(f"version {new} is not after the current {old}: releases only move "
                           "forward")
    date = date or dt.date.today().isoformat()
    if commit:
        _refuse_unless_clean(root, new)
    changelog = root / CHANGELOG
    if not changelog.is_file():
        raise ReleaseError(f"{CHANGELOG} is missing: it holds the notes a release publishes")
    updated_log = move_unreleased(changelog.read_text(), new, date)
    fresh = retarget.fresh_chapters(root)
    result = Result(old=old, new=new, tag=tag(new))
    changelog.write_text(updated_log)
    result.changed.append(CHANGELOG)
    result.changed += _set_version_fields(root, new, date)
    result.changed += retarget.rewrite_tree(
        root, retarget.files(root), lambda text: pin(text, new),
        notebook=lambda text: pin(text, new, notebook=True), skip=_skipped)
    if fresh:
        from course_utils.tooling import freshness

        result.refingerprinted = retarget.rerecord_fingerprints(root, fresh)
        result.changed.append(freshness.STORE)
    problems = check(root)
    if problems:
        raise ReleaseError("the release left these inconsistent (nothing committed):\n  "
                           + "\n  ".join(problems))
    if commit:
        _git(root, "add", "--", *sorted({str(p) for p in result.changed}))
        _git(root, "commit", "-q", "-m", f"Release {result.tag}")
        _git(root, "tag", "-a", result.tag, "-m", f"course_utils {new}")
    return result


def check(root: Path = Path(".")) -> list[str]:
    """The version fields agree, and every install line and ``written_for`` names that version."""
    version = current(root)
    problems = []
    if (m := _PYPROJECT_RE.search((root / PYPROJECT).read_text())) is None or m[2] != version:
        problems.append(f"{PYPROJECT}: version is {m[2] if m else None!r}, expected {version!r}")
    if (root / CITATION).is_file():
        m = _CFF_VERSION_RE.search((root / CITATION).read_text())
        if m is None or m[2].strip("\"'") != version:
            problems.append(f"{CITATION}: version is {m[2] if m else None!r}, expected {version!r}")
    for path, rel, text in retarget.texts(root, skip=_skipped):
        for match in _INSTALL_RE.finditer(text):
            if match[2] != tag(version):
                problems.append(f"{rel}: install line pinned to @{match[2]}, expected "
                                f"@{tag(version)} (make release sets it)")
        for match in _WRITTEN_FOR_RE.finditer(text) if path.suffix == ".ipynb" else ():
            if match[2] != version:
                problems.append(f"{rel}: written_for=\"{match[2]}\", expected \"{version}\"")
        in_notebooks = any(rel.parent == d for d in retarget.NOTEBOOK_DIRS)
        if path.suffix == ".ipynb" and in_notebooks and f'written_for="{version}"' not in text:
            problems.append(f"{rel}: its setup cell does not pass written_for=\"{version}\" "
                            "to runtime.setup")
    return problems
