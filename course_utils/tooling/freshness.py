"""Which chapters need re-executing: a fingerprint of everything a chapter's outputs depend on.

A chapter's fingerprint hashes its notebook's code cells (not outputs or prose), the
resolved ``book`` profile settings, and the source of every ``course_utils`` module the
notebook imports, followed transitively through the helpers' own imports. ``make refresh``
re-executes only the chapters whose fingerprint differs from the one stored after their last
refresh, so editing a helper invalidates exactly the chapters that use it.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

PACKAGE = "course_utils"
STORE = Path("notebooks") / "fingerprints.json"


def _module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _imported(tree: ast.AST, root: Path) -> set[str]:
    """``course_utils`` modules imported anywhere in ``tree`` (including inside functions),
    with the packages they live in (importing a submodule runs its package's __init__)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name != PACKAGE and not name.startswith(PACKAGE + "."):
                continue
            parts = name.split(".")
            for i in range(2, len(parts) + 1):
                candidate = ".".join(parts[:i])
                if _module_file(root, candidate) is not None:
                    found.add(candidate)
    return found


def _code_cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _parse(source: str) -> ast.AST:
    # Notebook cells may hold IPython magics (%pip ...): blank them for the parser.
    lines = [line[:len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!"))
             else line for line in source.splitlines()]
    return ast.parse("\n".join(lines))


def helper_modules(notebook: Path, root: Path) -> list[str]:
    """All ``course_utils`` modules the notebook depends on, transitively, sorted."""
    todo: set[str] = set()
    for source in _code_cells(notebook):
        todo |= _imported(_parse(source), root)
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _module_file(root, module)
        assert path is not None
        todo |= _imported(ast.parse(path.read_text()), root) - seen
    return sorted(seen)


def fingerprint(chapter: str, root: Path = Path(".")) -> str:
    """The chapter's fingerprint (hex sha256) as described in the module docstring."""
    from course_utils import profiles

    notebook = root / "notebooks" / profiles.notebook_name(chapter)
    digest = hashlib.sha256()
    for source in _code_cells(notebook):
        digest.update(source.encode() + b"\0")
    digest.update(repr(sorted(profiles.resolve(chapter, "book").items())).encode())
    for module in helper_modules(notebook, root):
        path = _module_file(root, module)
        assert path is not None
        digest.update(module.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stored(root: Path = Path(".")) -> dict[str, str]:
    """Fingerprints recorded by the last refresh of each chapter."""
    path = root / STORE
    return json.loads(path.read_text()) if path.is_file() else {}


def record(chapter: str, value: str, root: Path = Path(".")) -> None:
    """Remember ``value`` as the chapter's fingerprint after a successful refresh."""
    data = stored(root)
    data[chapter] = value
    (root / STORE).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def stale(chapters: list[str], root: Path = Path(".")) -> list[str]:
    """The chapters among ``chapters`` whose inputs changed since their last refresh."""
    known = stored(root)
    return [c for c in chapters if known.get(c) != fingerprint(c, root)]
