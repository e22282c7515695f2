"""Retarget a fork: point every link to the course's repository at another one.

The repository URL and branch have one source of truth, ``_config.yml``'s
``repository.url`` and ``repository.branch``. ``make retarget URL=... [BRANCH=main]``
(``python -m course_utils retarget --url ... --branch ...``) reads the current values there
and rewrites, in every file of the tree (git's tracked and untracked-but-not-ignored files):

* ``_config.yml``: ``repository.url`` and ``repository.branch`` (comments and layout kept);
* install lines ``git+https://github.com/<owner>/<repo>@<tag>`` (every notebook's first
  code cell, the student copies, the docs): the repository changes, the release tag they pin
  (``make release``) stays, so the fork must carry that tag (``git push <fork> --tags``) or
  cut its own release;
* Colab links ``https://colab.research.google.com/github/<owner>/<repo>/blob/<branch>/...``;
* links into the repository, ``https://github.com/<owner>/<repo>[.git]`` with
  ``/blob|tree|edit|raw/<branch>/...`` (the old branch becomes the new one) and
  ``https://raw.githubusercontent.com/<owner>/<repo>/<branch>/...``;
* the Pages site ``https://<owner>.github.io/<repo>`` (CITATION.cff's ``url``);
* ``cd <repo>`` right after ``git clone <url>`` in the set-up instructions.

Notebooks (chapters and student copies) are edited through nbformat: cell ids, metadata and
outputs are kept, and only the text of sources and text outputs changes. Because a notebook's
install line is part of its code, the chapters that were fresh before (``make refresh``
fingerprints) get their fingerprints re-recorded: the guarded install line never runs outside
Colab, so the stored outputs still come from the stored code.

Every URL form above is rewritten, in every file, prose included. A sentence that names the
original project without a URL (its ``<owner>/<repo>`` as plain text) is left alone and
reported, so a fork may credit where it came from.

:func:`check` is the consistency check the tests run on the repository (and on a retargeted
copy of it): every install line, Colab link, clone command and CITATION.cff link agrees with
``_config.yml``.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CONFIG = Path("_config.yml")
NOTEBOOK_DIRS = (Path("notebooks"), Path("notebooks") / "student")
# Text files rewritten as text; notebooks (.ipynb) go through nbformat. JSON data files
# (fingerprints) are not links and are left alone.
TEXT_SUFFIXES = {".md", ".markdown", ".rst", ".txt", ".yml", ".yaml", ".cff", ".toml", ".cfg",
                 ".ini", ".py", ".bib", ".html", ".sh", ".in"}
TEXT_NAMES = {"Makefile", "LICENSE", "run", "Dockerfile"}
SKIP_DIRS = {".git", ".venv", ".venv-compat", ".venv-colab", "_build", "__pycache__", ".ruff_cache",
             ".pytest_cache", "node_modules", ".ipynb_checkpoints"}

_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_REPO = r"[A-Za-z0-9._-]{1,100}"
_URL_RE = re.compile(rf"https://github\.com/(?P<owner>{_OWNER})/(?P<repo>{_REPO}?)(?:\.git)?/?")
_BRANCH_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,200}")
# Where a repository name ends: not followed by a name character ("." only when a name
# character follows it, so a sentence may end right after a URL).
_END = r"(?![A-Za-z0-9_-]|\.[A-Za-z0-9])"


class RetargetError(ValueError):
    """Bad input or a tree that cannot be retargeted; the message says what to do."""


@dataclass(frozen=True)
class Repo:
    owner: str
    name: str
    branch: str

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"

    @property
    def slug(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def pages(self) -> str:
        return f"https://{self.owner.lower()}.github.io/{self.name}"


@dataclass
class Result:
    old: Repo
    new: Repo
    changed: list[Path] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)  # "path:line: text" left as prose
    refingerprinted: list[str] = field(default_factory=list)


def parse_url(url: str, branch: str = "main") -> Repo:
    """``https://github.com/<owner>/<repo>`` (``.git`` and a trailing ``/`` allowed)."""
    text = (url or "").strip()
    match = _URL_RE.fullmatch(text)
    if not match or match["repo"] in ("", ".", ".."):
        raise RetargetError(
            f"{url!r} is not a GitHub repository URL. Give it as "
            "https://github.com/<owner>/<repo>, for example "
            "make retarget URL=https://github.com/example-school/cnn-fork")
    branch = (branch or "").strip()
    if (not _BRANCH_RE.fullmatch(branch) or ".." in branch or branch.endswith((".", "/", ".lock"))
            or "//" in branch):
        raise RetargetError(f"{branch!r} is not a valid branch name (for example BRANCH=main)")
    return Repo(match["owner"], match["repo"], branch)


def configured(root: Path = Path(".")) -> Repo:
    """The repository named in ``_config.yml`` (the one source of truth)."""
    path = root / CONFIG
    try:
        repository = yaml.safe_load(path.read_text())["repository"]
        return parse_url(repository["url"], str(repository.get("branch", "main")))
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise RetargetError(f"{path}: cannot read repository.url and repository.branch ({exc})") from None


def files(root: Path) -> list[Path]:
    """The tree's files as a clone sees them: git's tracked plus untracked-but-not-ignored
    files, or (outside git) every file below ``root`` except build outputs and venvs."""
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, check=True)
        rels = {Path(p) for p in out.stdout.decode().split("\0") if p}
        found = [root / p for p in sorted(rels)]
    except (OSError, subprocess.CalledProcessError):
        found = sorted(p for p in root.rglob("*")
                       if not any(part in SKIP_DIRS or part.endswith(".egg-info")
                                  for part in p.relative_to(root).parts))
    return [p for p in found if p.is_file() and not p.is_symlink()]


def is_text(path: Path) -> bool:
    return path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES


def rewriter(old: Repo, new: Repo) -> Callable[[str], str]:
    """A function that rewrites every URL form of ``old`` in a text into ``new``."""
    o, r, b = re.escape(old.owner), re.escape(old.name), re.escape(old.branch)
    slug = rf"{o}/{r}"
    any_branch = rf"(?:{b}|[A-Za-z0-9._-]+)"
    subs: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
        # install lines: the repository changes, the release tag they pin stays
        (re.compile(rf"git\+https://github\.com/{slug}(?:\.git)?@(?P<ref>[A-Za-z0-9._/-]+?)"
                    rf"(?=[\"'\s#]|$)", re.I | re.M), lambda m: f"git+{new.url}@{m['ref']}"),
        # Colab links open the configured branch
        (re.compile(rf"colab\.research\.google\.com/github/{slug}/blob/{any_branch}/", re.I),
         f"colab.research.google.com/github/{new.slug}/blob/{new.branch}/"),
        (re.compile(rf"raw\.githubusercontent\.com/{slug}/{b}/", re.I),
         f"raw.githubusercontent.com/{new.slug}/{new.branch}/"),
        (re.compile(rf"https://github\.com/{slug}/(blob|tree|edit|raw)/{b}(?=[/\s\"')<>#]|$)",
                    re.I | re.M), lambda m: f"{new.url}/{m[1]}/{new.branch}"),
        (re.compile(rf"https://github\.com/{slug}(?:\.git)?{_END}", re.I), new.url),
        (re.compile(rf"git@github\.com:{slug}(?:\.git)?{_END}", re.I), f"git@github.com:{new.slug}.git"),
        (re.compile(rf"https://{o}\.github\.io/{r}{_END}", re.I), new.pages),
        # `git clone <url>` then `cd <repo>`: the folder is named after the repository
        (re.compile(rf"(git clone {re.escape(new.url)}(?:\.git)?[ \t]*\r?\n[ \t]*cd[ \t]+){r}{_END}"),
         lambda m: m[1] + new.name),
    ]

    def rewrite(text: str) -> str:
        for pattern, replacement in subs:
            text = pattern.sub(replacement, text)
        return text

    return rewrite


def _retarget_config(text: str, new: Repo) -> str:
    """Set ``repository.url``/``branch`` in the YAML text, keeping comments and layout."""
    lines = text.splitlines(keepends=True)
    inside = False
    done = set()
    for i, line in enumerate(lines):
        if re.match(r"^repository:\s*(#.*)?$", line):
            inside = True
            continue
        if inside and line.strip() and not line.startswith((" ", "\t")):
            inside = False
        if not inside:
            continue
        match = re.match(r"^(\s+)(url|branch)(\s*:\s*)(\S+?)(\s*(?:#.*)?)(\r?\n)?$", line)
        if match:
            value = new.url if match[2] == "url" else new.branch
            lines[i] = f"{match[1]}{match[2]}{match[3]}{value}{match[5]}{match[6] or ''}"
            done.add(match[2])
    if done != {"url", "branch"}:
        raise RetargetError(f"{CONFIG}: the repository section needs both url: and branch: lines")
    return "".join(lines)


def rewrite_notebook(path: Path, rewrite: Callable[[str], str]) -> bool:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    changed = False

    def fix(value: object) -> object:
        nonlocal changed
        if isinstance(value, str):
            new = rewrite(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            new = [rewrite(v) for v in value]
        else:
            return value
        changed |= new != value
        return new

    for cell in nb.cells:
        cell.source = fix(cell.source)
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = fix(output["text"])
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/"):
                    output["data"][mime] = fix(value)
    if changed:
        nbformat.write(nb, path)
    return changed


def _mentions(root: Path, paths: Iterable[Path], old: Repo) -> list[str]:
    """Lines that still name ``old`` (``owner/repo``), as ``path:line: text``."""
    needle = re.compile(rf"{re.escape(old.owner)}/{re.escape(old.name)}{_END}", re.I)
    found = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if needle.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()[:120]}")
    return found


def fresh_chapters(root: Path) -> list[str]:
    """Chapters whose stored outputs are fresh now (empty when fingerprints do not apply)."""
    from course_utils import profiles
    from course_utils.tooling import freshness

    if not (root / freshness.STORE).is_file():
        return []
    chapters = list(profiles.chapters())
    try:
        stale = set(freshness.stale(chapters, root))
    except (OSError, ValueError, KeyError, SyntaxError, AssertionError):
        return []
    return [c for c in chapters if c not in stale]


def rewrite_tree(root: Path, paths: Iterable[Path], rewrite: Callable[[str], str], *,
                 notebook: Callable[[str], str] | None = None,
                 skip: Callable[[Path], bool] = lambda rel: False) -> list[Path]:
    """Apply ``rewrite`` to every text file of ``paths`` and to every notebook's sources and
    text outputs (``notebook`` instead, when given), except where ``skip(rel)``; the files
    changed, relative to ``root``."""
    changed = []
    for path in paths:
        rel = path.relative_to(root)
        if skip(rel):
            continue
        if path.suffix == ".ipynb":
            if rewrite_notebook(path, notebook or rewrite):
                changed.append(rel)
            continue
        if not is_text(path):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        updated = rewrite(text)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(rel)
    return changed


def rerecord_fingerprints(root: Path, chapters: list[str]) -> list[str]:
    """Record ``chapters``' fingerprints anew: for edits that cannot change their outputs."""
    from course_utils.tooling import freshness

    for chapter in chapters:
        freshness.record(chapter, freshness.fingerprint(chapter, root), root)
    return chapters


def retarget(url: str, branch: str = "main", root: Path = Path(".")) -> Result:
    """Rewrite every link to the configured repository in ``root`` into ``url``/``branch``."""
    new = parse_url(url, branch)
    old = configured(root)
    result = Result(old=old, new=new)
    fresh = fresh_chapters(root)
    rewrite = rewriter(old, new)
    paths = files(root)
    result.changed = rewrite_tree(root, paths, rewrite)
    config = root / CONFIG
    text = config.read_text(encoding="utf-8")
    updated = _retarget_config(text, new)
    if updated != text:
        config.write_text(updated, encoding="utf-8")
        if CONFIG not in result.changed:
            result.changed.append(CONFIG)
    if fresh:
        result.refingerprinted = rerecord_fingerprints(root, fresh)
    if old.slug.lower() != new.slug.lower():
        result.mentions = _mentions(root, [p for p in paths if is_text(p) or p.suffix == ".ipynb"],
                                    old)
    return result


# --- the consistency check -------------------------------------------------------------------

# Real names only: placeholders such as ``<owner>/<repo>`` in the docs are not links.
_NAME = r"[A-Za-z0-9._-]+"
_INSTALL_RE = re.compile(rf"git\+https://github\.com/{_NAME}/{_NAME}@[A-Za-z0-9._/-]+")
_COLAB_RE = re.compile(rf"https://colab\.research\.google\.com/github/"
                       rf"(?P<slug>{_NAME}/{_NAME})/blob/(?P<branch>{_NAME})/"
                       r"(?P<path>[A-Za-z0-9._/-]+)")
# The tests hold example URLs of other repositories on purpose.
CHECK_SKIPS = {"tests"}
_CLONE_RE = re.compile(rf"git clone (https://github\.com/{_NAME}/{_NAME})")


def texts(root: Path, skip: Callable[[Path], bool] = lambda rel: False
          ) -> Iterator[tuple[Path, Path, str]]:
    """``(path, rel, text)`` for every text file of the tree and every notebook (its cell
    sources joined), outside ``CHECK_SKIPS`` and where not ``skip(rel)``: what the checks read."""
    import nbformat

    for path in files(root):
        rel = path.relative_to(root)
        if rel.parts[0] in CHECK_SKIPS or skip(rel):
            continue
        if path.suffix == ".ipynb":
            yield path, rel, "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        elif is_text(path):
            try:
                yield path, rel, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


def check(root: Path = Path(".")) -> list[str]:
    """Every place that names the repository agrees with ``_config.yml``; the problems found.

    Install lines (in every notebook, student copies included, and anywhere else), Colab
    links (their repository, branch, and the notebook they open must exist), ``git clone``
    commands, CITATION.cff's ``repository-code``/``url``, and the issues button.
    """
    repo = configured(root)
    install = f"git+{repo.url}@"
    problems: list[str] = []
    config = yaml.safe_load((root / CONFIG).read_text())
    if not (config.get("html") or {}).get("use_issues_button"):
        problems.append(f"{CONFIG}: html.use_issues_button should be true (errata from any page)")
    for path, rel, text in texts(root):
        for found in _INSTALL_RE.findall(text):
            if not found.startswith(install):
                problems.append(f"{rel}: install line {found!r}, expected {install}<release tag>")
        for match in _COLAB_RE.finditer(text):
            if match["slug"].lower() != repo.slug.lower() or match["branch"] != repo.branch:
                problems.append(f"{rel}: Colab link to {match['slug']}@{match['branch']}, "
                                f"expected {repo.slug}@{repo.branch}")
            elif not (root / match["path"]).is_file():
                problems.append(f"{rel}: Colab link opens {match['path']}, which does not exist")
        for found in _CLONE_RE.findall(text):
            if found.removesuffix(".git") != repo.url:
                problems.append(f"{rel}: `git clone {found}`, expected `git clone {repo.url}`")
        in_notebooks = any(rel.parent == d for d in NOTEBOOK_DIRS)
        if path.suffix == ".ipynb" and in_notebooks and install not in text:
            problems.append(f"{rel}: no Colab install line {install}<release tag>")
    citation = root / "CITATION.cff"
    if citation.is_file():
        cff = yaml.safe_load(citation.read_text())
        if cff.get("repository-code") != repo.url:
            problems.append(f"CITATION.cff: repository-code {cff.get('repository-code')!r}, "
                            f"expected {repo.url!r}")
        if "url" in cff and cff["url"].rstrip("/") != repo.pages:
            problems.append(f"CITATION.cff: url {cff['url']!r}, expected {repo.pages + '/'!r}")
    return problems
