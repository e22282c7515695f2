"""A clean copy of the repository, and the wheel pip builds from it.

On Colab, ``%pip install "course_utils @ git+<repository>@main"`` clones the repository and
builds a regular (non-editable) wheel from the clone, so only what packaging declares is
installed. A *clean copy* stands in for that clone: the files git would commit (tracked
files, plus untracked files that ``.gitignore`` does not exclude) with their working-tree
contents, and nothing that is ignored (virtual environments, ``_build``, caches, egg-info).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

PACKAGE = "course_utils"


def repo_files(repo: Path) -> list[str]:
    """Paths (relative, POSIX) of the files a commit of ``repo``'s working tree would hold."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo, capture_output=True, check=True,
    ).stdout.decode()
    # A tracked file deleted from the working tree is listed but gone: skip it.
    return sorted({p for p in out.split("\0") if p and (repo / p).is_file()})


def clean_copy(repo: Path, dest: Path) -> Path:
    """Copy ``repo``'s committable files into ``dest`` (created); return ``dest``."""
    repo = Path(repo).resolve()
    dest = Path(dest)
    for rel in repo_files(repo):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / rel, target)
    return dest


def build_wheel(source: Path, out_dir: Path, python: str = sys.executable) -> Path:
    """Build ``source``'s wheel into ``out_dir`` with pip (isolated build, no dependencies)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
                    str(out_dir), str(source)], check=True)
    wheels = sorted(out_dir.glob(f"{PACKAGE}-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one {PACKAGE} wheel in {out_dir}, found {wheels}")
    return wheels[0]


def source_modules(root: Path) -> set[str]:
    """The ``.py`` files of the package under ``root`` (POSIX paths relative to ``root``)."""
    base = Path(root) / PACKAGE
    return {p.relative_to(root).as_posix() for p in base.rglob("*.py")
            if "__pycache__" not in p.parts}


def wheel_files(wheel: Path) -> set[str]:
    """The package's files inside ``wheel`` (POSIX paths)."""
    with zipfile.ZipFile(wheel) as zf:
        return {n for n in zf.namelist() if n.startswith(f"{PACKAGE}/")}


def module_names(paths: set[str] | list[str]) -> list[str]:
    """Dotted module names for package ``.py`` paths (``a/b/__init__.py`` -> ``a.b``)."""
    names = []
    for path in sorted(paths):
        if not path.endswith(".py"):
            continue
        parts = path[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names
