"""The Colab lane: every student notebook, in Colab's package set, installed as Colab installs it.

Run by ``make colab`` with the lane's own interpreter
(``.venv-colab/bin/python -m course_utils.tooling.colab_lane``), whose packages are Colab's
(``tests/colab-constraints.txt``). It

1. copies the repository's committable files to a temporary folder and installs
   ``course_utils`` from that copy with pip: a regular, non-editable wheel whose dependencies
   are resolved against the constraints, which is what the notebooks' first cell
   (``%pip install "course_utils @ git+..."``) does on Colab;
2. executes every chapter's student notebook (``notebooks/student/NN_*.ipynb``; generated from
   the chapter when that copy does not exist yet) with ``PROFILE="smoke"`` and
   ``COURSE_OFFLINE=1``, in a working folder outside the repository, after a first cell that
   checks the kernel imports ``course_utils`` from the installed wheel and runs the pinned
   versions;
3. names every failure by chapter, cell (its index in the student notebook and its first
   source line) and exception, and exits non-zero.

The executed notebooks are kept in ``_build/colab/`` for inspection.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course_utils.tooling import packaging

CHECK_CELL_ID = "colab-lane-check"
PAPERMILL_TAGS = {"injected-parameters", "papermill-error-cell-tag"}
# Distributions whose versions the check cell verifies inside the kernel.
CHECKED = ("tensorflow", "keras", "numpy", "pandas", "matplotlib", "opencv-python-headless",
           "scikit-image", "mlxtend", "pillow", "ipykernel", "ipython")
CELL_TIMEOUT = 600  # seconds; a smoke cell takes a few


@dataclass
class Failure:
    """Where and how a chapter's notebook failed."""

    chapter: str
    notebook: str
    cell: int | None  # index in the student notebook; None when no cell can be blamed
    first_line: str
    error: str

    def __str__(self) -> str:
        where = "the lane's check cell" if self.cell == -1 else (
            f"cell {self.cell}" if self.cell is not None else "no cell (before or after the cells)")
        line = f" `{self.first_line}`" if self.first_line else ""
        return f"chapter {self.chapter} ({self.notebook}), {where}{line}: {self.error}"


def pins(constraints: Path) -> dict[str, str]:
    """``name==version`` lines of a constraints file (names lower-cased, ``_`` as ``-``)."""
    out = {}
    for line in Path(constraints).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            out[re.sub(r"[-_.]+", "-", name.strip()).lower()] = version.strip()
    return out


def check_cell_source(repo: Path, expected: dict[str, str]) -> str:
    """A first cell for the executed copy: the kernel runs the lane's interpreter with the
    pinned versions, and imports ``course_utils`` from that environment's site-packages
    (the installed wheel), not from the checkout, from a working folder outside the
    repository."""
    return (
        "# Added by the Colab lane (course_utils.tooling.colab_lane); not part of the notebook.\n"
        "import importlib.metadata, importlib.util, pathlib, sys, sysconfig\n"
        f"_repo = pathlib.Path({str(repo.resolve())!r})\n"
        f"assert sys.prefix == {sys.prefix!r}, f'kernel runs {{sys.prefix}}, not the lane venv'\n"
        "_site = pathlib.Path(sysconfig.get_paths()['purelib']).resolve()\n"
        "_origin = pathlib.Path(importlib.util.find_spec('course_utils').origin).resolve()\n"
        "assert _site in _origin.parents, f'course_utils not imported from the wheel: {_origin}'\n"
        "assert _repo not in pathlib.Path.cwd().resolve().parents, 'working folder is in the repository'\n"
        f"_want = {expected!r}\n"
        "_have = {d: importlib.metadata.version(d) for d in _want}\n"
        "assert _have == _want, f'kernel packages differ from the lane pins: {_have} != {_want}'\n"
        "print('Colab lane:', sys.executable, _origin.parent)\n"
    )


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def _one_line(text: str, limit: int = 400) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # ANSI colours in tracebacks
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def find_failure(chapter: str, name: str, original: Any, executed: Any | None,
                 fallback: str = "") -> Failure:
    """Name the failing cell of ``executed`` (the notebook papermill wrote) by its index in
    ``original`` (the student notebook) and its first source line, with the exception
    (``fallback`` when no cell holds one: a timeout, a dead kernel, papermill's own error).

    papermill adds cells of its own (the injected parameters, an error banner and an anchor
    before the failing cell), so the index is found through the cell ids of ``original``
    and, failing that, by counting the cells that are not papermill's.
    """
    ids = {c.get("id"): i for i, c in enumerate(original.cells) if c.get("id")}
    error = _one_line(fallback) or "unknown error"
    if executed is None:
        return Failure(chapter, name, None, "", error)
    blamed, index = None, -1
    for cell in executed.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & PAPERMILL_TAGS:
            continue
        if cell.get("id") != CHECK_CELL_ID:
            index += 1
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if errors:
            error = f"{errors[0].get('ename', '?')}: {_one_line(errors[0].get('evalue', ''))}"
            blamed = (cell, index)
            break
        if status in ("running", "failed") and blamed is None:
            blamed = (cell, index)  # a timeout or a dead kernel leaves no error output
    if blamed is None:
        return Failure(chapter, name, None, "", error)
    cell, index = blamed
    if cell.get("id") == CHECK_CELL_ID:
        return Failure(chapter, name, -1, "", error)
    index = ids.get(cell.get("id") or None, index)
    return Failure(chapter, name, index, _first_line(cell.source), error)


def run_notebook(chapter: str, source: Path, workdir: Path, *, check_source: str | None,
                 env: dict[str, str] | None = None, profile: str = "smoke",
                 timeout: int = CELL_TIMEOUT) -> Failure | None:
    """Execute a copy of ``source`` with papermill (this interpreter, a subprocess) in
    ``workdir``, the kernel's working folder, with ``PROFILE=profile``; return ``None`` on
    success, else the :class:`Failure`."""
    import nbformat

    original = nbformat.read(source, as_version=4)
    if not any("parameters" in c.metadata.get("tags", []) for c in original.cells):
        return Failure(chapter, source.name, None, "",
                       "no cell is tagged `parameters`, so PROFILE cannot be injected")
    nb = nbformat.from_dict(json.loads(json.dumps(original)))
    if check_source is not None:
        cell = nbformat.v4.new_code_cell(check_source)
        cell["id"] = CHECK_CELL_ID
        nb.cells.insert(0, cell)
    workdir.mkdir(parents=True, exist_ok=True)
    inp = workdir / source.name
    out = workdir / source.name.replace(".ipynb", ".executed.ipynb")
    nbformat.write(nb, inp)
    cmd = [sys.executable, "-m", "papermill", str(inp), str(out), "-y", f"PROFILE: {profile}",
           "-k", "python3", "--cwd", str(workdir), "--no-progress-bar", "--no-log-output",
           "--execution-timeout", str(timeout)]
    proc = subprocess.run(cmd, env=env, cwd=workdir, capture_output=True, text=True)
    if proc.returncode == 0:
        return None
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    causes = [ln for ln in lines if re.match(r"^[\w.]+(Error|Exception|Exit)\b", ln)]
    fallback = (causes or lines or [f"papermill exited with status {proc.returncode}"])[-1]
    executed = nbformat.read(out, as_version=4) if out.is_file() else None
    return find_failure(chapter, source.name, original, executed, fallback)


def student_notebooks(repo: Path, chapters: list[str], scratch: Path) -> dict[str, Path]:
    """Each chapter's student notebook: the committed copy in ``notebooks/student/``, or one
    generated from the chapter into ``scratch`` while that copy does not exist."""
    from course_utils import profiles
    from course_utils.tooling import student

    found: dict[str, Path] = {}
    for chapter in chapters:
        committed = sorted((repo / "notebooks" / "student").glob(f"{chapter}_*.ipynb"))
        if committed:
            found[chapter] = committed[0]
            continue
        source = repo / "notebooks" / profiles.notebook_name(chapter)
        generated = student.write_student_copies([source], scratch / "student")
        print(f"colab lane: no notebooks/student copy of chapter {chapter}; generated {generated[0]}")
        found[chapter] = Path(generated[0])
    return found


def install(repo: Path, constraints: Path, scratch: Path) -> float:
    """Install ``course_utils`` into this interpreter's environment from a clean copy of
    ``repo``, as ``pip install "course_utils @ git+..."`` does; return the seconds taken."""
    start = time.perf_counter()
    copy = packaging.clean_copy(repo, scratch / "course-src")
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(pip + ["uninstall", "--yes", "--quiet", packaging.PACKAGE], check=True)
    subprocess.run(pip + ["install", "--quiet", "-c", str(constraints), str(copy)], check=True)
    subprocess.run(pip + ["check"], check=True)
    shutil.rmtree(copy)
    return time.perf_counter() - start


def _kernel_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update({
        "COURSE_OFFLINE": "1",
        "COURSE_METRICS_DIR": str(workdir / "metrics"),
        # this venv's python3 kernel first, whatever kernels the user has installed
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # ipykernel 6's debugger warning on stderr
    })
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def _run_chapter(chapter: str, notebook: Path, scratch: Path, check: str,
                 keep: Path) -> tuple[Failure | None, float]:
    workdir = scratch / f"run-{chapter}"
    start = time.perf_counter()
    failure = run_notebook(chapter, notebook, workdir, check_source=check,
                           env=_kernel_env(workdir))
    for executed in workdir.glob("*.executed.ipynb"):
        shutil.copyfile(executed, keep / executed.name)
    return failure, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from course_utils import profiles

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--constraints", default="tests/colab-constraints.txt")
    parser.add_argument("--repo", default=".")
    parser.add_argument("--chapter", default="all", help="01, 01,03 or all (default)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once")
    parser.add_argument("--keep", default="_build/colab", help="where executed notebooks go")
    parser.add_argument("--no-install", action="store_true",
                        help="use the course_utils already installed in this environment")
    args = parser.parse_args(argv)
    repo = Path(args.repo).resolve()
    constraints = Path(args.constraints).resolve()
    chapters = (list(profiles.chapters()) if args.chapter in ("", "all")
                else [profiles.normalize_chapter(c) for c in args.chapter.split(",")])
    expected = {d: v for d, v in pins(constraints).items() if d in CHECKED}
    check = check_cell_source(repo, expected)
    keep = repo / args.keep
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir(parents=True)
    start = time.perf_counter()
    failures: list[Failure] = []
    with tempfile.TemporaryDirectory(prefix="colab-lane-") as tmp:
        scratch = Path(tmp).resolve()
        if repo in scratch.parents:
            raise SystemExit(f"colab lane: the temporary folder {scratch} is inside the repository")
        if not args.no_install:
            seconds = install(repo, constraints, scratch)
            print(f"colab lane: course_utils installed from a clean copy in {seconds:.0f} s")
        notebooks = student_notebooks(repo, chapters, scratch)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {c: pool.submit(_run_chapter, c, notebooks[c], scratch, check, keep)
                       for c in chapters}
            for chapter, future in futures.items():
                failure, took = future.result()
                if failure is None:
                    print(f"colab lane: chapter {chapter} ok ({took:.0f} s)", flush=True)
                    continue
                failures.append(failure)
                print(f"colab lane: FAILED {failure} ({took:.0f} s)", flush=True)
                if os.environ.get("GITHUB_ACTIONS") == "true":
                    print(f"::error title=Colab lane, chapter {chapter}::{failure}")
    total = time.perf_counter() - start
    versions = ", ".join(f"{d} {v}" for d, v in sorted(expected.items()))
    if failures:
        print(f"\ncolab lane: {len(failures)} of {len(chapters)} chapter(s) failed "
              f"({total:.0f} s; {versions}):", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        print(f"  executed notebooks: {keep}", file=sys.stderr)
        return 1
    print(f"colab lane: {len(chapters)} chapter(s) passed in {total:.0f} s ({versions})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
