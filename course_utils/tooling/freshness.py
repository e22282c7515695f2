"""Which chapters need re-executing: a fingerprint of everything a chapter's outputs depend on.

A chapter's fingerprint hashes its notebook's code cells (not outputs or prose), the
chapter's own resolved ``book`` settings (so editing another chapter's profile changes
nothing here), the installed TensorFlow and Keras versions, and the source of every
``course_utils`` module the notebook imports, followed transitively through the helpers' own
imports. ``make refresh`` re-executes only the chapters whose fingerprint differs from the one
stored after their last refresh, so editing a helper invalidates exactly the chapters that use
it: a chapter that imports ``course_utils.models.resnet`` depends on the ResNet builders, one
that does not, does not.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path
from types import ModuleType

PACKAGE = "course_utils"
STORE = Path("notebooks") / "fingerprints.json"
# Hashed through the chapter's resolved settings instead of its source: every chapter imports
# it, and a change to one chapter's profile must not stale the others.
PROFILES = "course_utils.profiles"
VERSIONED = ("tensorflow", "keras")


def _module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _absolute(node: ast.ImportFrom, module: str | None, is_package: bool) -> str | None:
    """The module a ``from ... import`` names, relative imports resolved against ``module``
    (the importing module; ``is_package`` when it is a package's ``__init__``)."""
    if node.level == 0:
        return node.module
    if module is None:  # a relative import outside a module (a notebook cell): nothing
        return None
    parts = module.split(".") if is_package else module.split(".")[:-1]
    if node.level - 1 > len(parts) - 1:
        return None
    base = parts[:len(parts) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imported(tree: ast.AST, root: Path, module: str | None = None,
              is_package: bool = False) -> set[str]:
    """``course_utils`` modules imported anywhere in ``tree`` (including inside functions),
    with the packages they live in (importing a submodule runs its package's __init__).
    Relative imports (``from .files import download``) are resolved against ``module``, the
    module ``tree`` is the source of (``is_package``: it is a package's ``__init__``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module, is_package)
            if target:
                names = [target] + [f"{target}.{a.name}" for a in node.names]
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
    # Notebook cells may hold IPython magics (%pip ..., continued over lines with a backslash):
    # IPython's own input transformer turns them into the Python the kernel runs.
    from IPython.core.inputtransformer2 import TransformerManager

    return ast.parse(TransformerManager().transform_cell(source))


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
        tree = ast.parse(path.read_text())
        todo |= _imported(tree, root, module, path.name == "__init__.py") - seen
    return sorted(seen)


def _profiles(root: Path) -> ModuleType:
    """``course_utils.profiles`` as it is in ``root`` (not necessarily the imported one)."""
    path = root / "course_utils" / "profiles.py"
    spec = importlib.util.spec_from_file_location("_fingerprinted_profiles", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _versions() -> str:
    found = []
    for name in VERSIONED:
        try:
            found.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} missing")
    return ", ".join(found)


def fingerprint(chapter: str, root: Path = Path(".")) -> str:
    """The chapter's fingerprint (hex sha256) as described in the module docstring."""
    profiles = _profiles(root)
    notebook = root / "notebooks" / profiles.notebook_name(chapter)
    digest = hashlib.sha256()
    for source in _code_cells(notebook):
        digest.update(source.encode() + b"\0")
    digest.update(repr(sorted(profiles.resolve(chapter, "book").items())).encode())
    digest.update(_versions().encode() + b"\0")
    for module in helper_modules(notebook, root):
        if module == PROFILES:
            continue
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
