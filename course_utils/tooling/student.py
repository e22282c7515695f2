"""Student copies of the chapters: exercise solutions replaced by stubs.

An exercise cell (tagged ``exercise``) holds the solution, so the book and the tests run
it. The student copy keeps the cell's ``exercises.check``/``hint`` calls and imports, and
replaces the rest: ``answer = <solution>`` becomes ``answer = ...`` and a solution function
keeps its signature and docstring with ``...`` as its body. The checkers explain a ``...``
answer, so a student running the copy gets "Not yet" until they write their own.

Student copies are written under ``_build/student/``; ``notebooks/`` is never touched.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

EXERCISE_TAG = "exercise"


def _keep(node: ast.stmt) -> bool:
    """Imports and calls into ``exercises`` stay in the student copy."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    call = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
        owner = call.func.value
        return isinstance(owner, ast.Name) and owner.id == "exercises"
    return False


def stub_source(source: str) -> str:
    """The student version of one exercise cell's source."""
    tree = ast.parse(source)
    lines = source.splitlines()
    out: list[str] = []
    stubbed = False
    for node in tree.body:
        text = "\n".join(lines[node.lineno - 1:node.end_lineno])
        if _keep(node):
            out.append(text)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            out.append(f"{node.targets[0].id} = ...  # your answer")
            stubbed = True
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body_start = node.body[0]
            keep_doc = (isinstance(body_start, ast.Expr) and isinstance(body_start.value, ast.Constant)
                        and isinstance(body_start.value.value, str))
            header_end = (body_start.end_lineno if keep_doc else body_start.lineno - 1)
            header = lines[node.lineno - 1:header_end]
            if node.decorator_list:
                header = lines[node.decorator_list[0].lineno - 1:header_end]
            indent = " " * (body_start.col_offset)
            out.append("\n".join(header) + f"\n{indent}...  # your code here")
            stubbed = True
        else:
            stubbed = True  # other solution statements are dropped
        out.append("")
    if not stubbed:
        raise ValueError("exercise cell has nothing to stub (no answer assignment or function):\n"
                         + source)
    return "\n".join(out).rstrip() + "\n"


def student_notebook(nb: Any) -> Any:
    """A copy of the notebook with every exercise cell stubbed and all outputs cleared."""
    student = copy.deepcopy(nb)
    for cell in student.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if EXERCISE_TAG in cell.metadata.get("tags", []):
            cell.source = stub_source(cell.source)
            tags = [t for t in cell.metadata["tags"] if t != "hide-input"]
            cell.metadata["tags"] = tags
    return student


def write_student_copies(notebooks: list[Path], out_dir: Path) -> list[Path]:
    """Write student copies of ``notebooks`` into ``out_dir``; return their paths."""
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        target = out_dir / path.name
        if target.resolve().parent == path.resolve().parent:
            raise ValueError(f"refusing to write student copies next to {path}.")
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written
