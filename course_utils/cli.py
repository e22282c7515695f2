"""Command line behind the Makefile: ``python -m course_utils <command>``.

Commands:

* ``list``                         chapters and their profiles' settings;
* ``run --chapter 01 --profile full`` execute a chapter with papermill into
  ``_build/executed/`` and write its metrics JSON next to it (never touches ``notebooks/``);
* ``refresh [--chapter 01] [--force]`` re-execute the stored notebooks in ``notebooks/``
  with the ``book`` profile (refuses to overwrite uncommitted edits unless ``--force``);
* ``report``                       summarise recorded metrics as a Markdown table;
* ``student``                      write student copies (solutions stubbed) to ``_build/student``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course_utils import profiles

ROOT = Path.cwd()
NOTEBOOKS = Path("notebooks")
EXECUTED = Path("_build") / "executed"
METRICS = Path("_build") / "metrics"
BENCHMARKS = Path("benchmarks") / "results.json"


class CliError(SystemExit):
    """An error for the user: printed without a traceback, exit status 2."""

    def __init__(self, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        super().__init__(2)


def _chapters(arg: str | None) -> list[str]:
    if arg in (None, "", "all"):
        return list(profiles.chapters())
    try:
        return [profiles.normalize_chapter(c) for c in arg.split(",")]
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _profile(arg: str) -> str:
    try:
        return profiles.check_profile(arg)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _kernel_env(metrics_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env[  # the recorder writes <chapter>.json here
        "COURSE_METRICS_DIR"] = str(metrics_dir.resolve())
    return env


def execute(source: Path, target: Path, profile: str | None, metrics_dir: Path,
            timeout: int = 900) -> float:
    """Execute ``source`` into ``target`` with papermill; return the wall time in seconds.

    ``profile=None`` executes the notebook as stored (no injected cell): that is how the
    book's stored outputs are produced.
    """
    import papermill as pm

    target.parent.mkdir(parents=True, exist_ok=True)
    old = dict(os.environ)
    os.environ.update(_kernel_env(metrics_dir))
    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(source), str(target),
            parameters={} if profile is None else {"PROFILE": profile},
            kernel_name="python3", cwd=str(source.parent), progress_bar=False,
            execution_timeout=timeout, log_output=False,
        )
    finally:
        os.environ.clear()
        os.environ.update(old)
    return time.perf_counter() - start


def cmd_list(_: argparse.Namespace) -> int:
    for chapter in profiles.chapters():
        print(f"{chapter}  {profiles.notebook_name(chapter)}")
        for name in profiles.PROFILE_NAMES:
            settings = dict(profiles.resolve(chapter, name))
            settings.pop("chapter")
            settings.pop("profile")
            print(f"    {name:6s} {settings}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    profile = _profile(args.profile)
    out_dir = Path(args.output_dir)
    for chapter in _chapters(args.chapter):
        name = profiles.notebook_name(chapter)
        source = NOTEBOOKS / name
        target = out_dir / name.replace(".ipynb", f".{profile}.ipynb")
        metrics_dir = out_dir / "metrics" / profile
        seconds = execute(source, target, profile, metrics_dir, timeout=args.timeout)
        metrics_file = metrics_dir / f"{chapter}.json"
        _stamp(metrics_file, seconds)
        print(f"{chapter} ({profile}): {seconds:.1f} s -> {target}, metrics {metrics_file}")
    return 0


def _stamp(metrics_file: Path, seconds: float) -> None:
    """Add the measured wall time of the whole notebook to its metrics file."""
    if metrics_file.is_file():
        data = json.loads(metrics_file.read_text())
        data["wall_seconds"] = round(seconds, 1)
        metrics_file.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def _dirty(path: Path) -> bool:
    """True when git reports uncommitted changes to ``path`` (or git is unavailable)."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--", str(path)],
                             capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return True
    return bool(out.stdout.strip())


def strip_execution_metadata(path: Path) -> None:
    """Remove papermill's metadata and per-cell timestamps from a notebook file."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags")
        if tags is not None and not tags:
            cell.metadata.pop("tags")
    nbformat.write(nb, path)


def cmd_refresh(args: argparse.Namespace) -> int:
    from course_utils import freshness

    metrics_dir = Path(args.metrics_dir)
    chapters = _chapters(args.chapter)
    todo = chapters if args.all else freshness.stale(chapters)
    for chapter in sorted(set(chapters) - set(todo)):
        print(f"{chapter}: up to date (notebook code, profile and helpers unchanged); "
              "use --all (make refresh ALL=1) to re-execute anyway")
    for chapter in todo:
        name = profiles.notebook_name(chapter)
        source = NOTEBOOKS / name
        if not args.force and _dirty(source):
            raise CliError(f"{source} has uncommitted edits; commit them first, or pass --force "
                           "(make refresh FORCE=1) to overwrite its outputs.")
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / name
            seconds = execute(source, target, None, metrics_dir)
            strip_execution_metadata(target)
            shutil.copyfile(target, source)
        freshness.record(chapter, freshness.fingerprint(chapter))
        _stamp(metrics_dir / f"{chapter}.json", seconds)
        print(f"{chapter} (book): {seconds:.1f} s -> {source}")
    if args.report and todo:
        Path(args.report).write_text(report_markdown(metrics_dir))
        print(f"wrote {args.report}")
    return 0


def report_markdown(metrics_dir: Path) -> str:
    """The execution report page: per chapter its profile, wall time, data and key metrics."""
    files = sorted(Path(metrics_dir).glob("*.json"))
    if not files:
        raise CliError(f"no metrics in {metrics_dir}; run `make refresh` or `make run` first.")
    runs = [json.loads(p.read_text()) for p in files]
    lines = [
        "# Execution report",
        "",
        "Generated by `python -m course_utils report` from the metrics the chapters recorded",
        f"when they were last executed (`{metrics_dir}`). Times are wall-clock seconds for the",
        "whole notebook on the machine named below; they are measurements, not promises.",
        "",
        "| chapter | profile | seconds | data | environment |",
        "| --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        data = "; ".join(f"{v['name']} ({v['kind']})" for v in run.get("data", {}).values())
        env = run.get("environment", {})
        env_text = (f"TF {env.get('tensorflow', '?')}, Keras {env.get('keras', '?')}, "
                    f"{env.get('device', '?')}")
        lines.append(f"| {run['chapter']} | {run['profile']} | {run.get('wall_seconds', '-')} "
                     f"| {data} | {env_text} |")
    for run in runs:
        lines += ["", f"## Chapter {run['chapter']}", "", "| metric | value |", "| --- | --- |"]
        for key, value in sorted(run.get("metrics", {}).items()):
            shown = f"{value:.4g}" if isinstance(value, float) else str(value)
            lines.append(f"| `{key}` | {shown} |")
    python = runs[0].get("environment", {}).get("python")
    if python:
        lines += ["", f"Python {python}."]
    lines += benchmark_markdown(BENCHMARKS)
    return "\n".join(lines) + "\n"


def benchmark_markdown(path: Path) -> list[str]:
    """The ``make bench`` results as a Markdown section (empty if never run)."""
    if not path.is_file():
        return []
    bench = json.loads(path.read_text())
    env = bench.get("environment", {})
    lines = ["", "## Benchmarks", "",
             "Ratios measured side by side in one run of `make bench` "
             f"(TF {env.get('tensorflow', '?')}, {env.get('device', '?')}, "
             f"{env.get('threads', '?')} threads).", "",
             "| comparison | ratio | target | measured |", "| --- | --- | --- | --- |"]
    for r in bench["results"]:
        target = "-" if r.get("target") is None else f"{r['target']:g}x"
        lines.append(f"| {r['name']} | {r['ratio']:.1f}x | {target} | {r['detail']} |")
    return lines


def cmd_report(args: argparse.Namespace) -> int:
    text = report_markdown(Path(args.metrics_dir))
    if args.write:
        Path(args.write).write_text(text)
        print(f"wrote {args.write}")
    else:
        print(text)
    return 0


def cmd_student(args: argparse.Namespace) -> int:
    from course_utils import student

    sources = [NOTEBOOKS / profiles.notebook_name(c) for c in _chapters(args.chapter)]
    for path in student.write_student_copies(sources, Path(args.output_dir)):
        print(f"student copy: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="{list,run,refresh,report,student}")
    sub.add_parser("list", help="chapters and profiles").set_defaults(func=cmd_list)
    run = sub.add_parser("run", help="execute chapters into _build/executed with papermill")
    run.add_argument("--chapter", default="all", help="01, 1, 01,03 or all (default)")
    run.add_argument("--profile", default="book", help="smoke, book or full")
    run.add_argument("--output-dir", default=str(EXECUTED))
    run.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    run.set_defaults(func=cmd_run)
    refresh = sub.add_parser("refresh", help="re-execute notebooks/ with the book profile")
    refresh.add_argument("--chapter", default="all")
    refresh.add_argument("--force", action="store_true", help="overwrite uncommitted edits")
    refresh.add_argument("--all", action="store_true",
                         help="re-execute even chapters whose inputs did not change")
    refresh.add_argument("--metrics-dir", default=str(METRICS / "book"))
    refresh.add_argument("--report", default="book/report.md",
                         help="regenerate this report page afterwards ('' to skip)")
    refresh.set_defaults(func=cmd_refresh)
    stud = sub.add_parser("student", help="write student copies (solutions stubbed)")
    stud.add_argument("--chapter", default="all")
    stud.add_argument("--output-dir", default=str(Path("_build") / "student"))
    stud.set_defaults(func=cmd_student)
    report = sub.add_parser("report", help="print recorded metrics as Markdown")
    report.add_argument("--metrics-dir", default=str(METRICS / "book"))
    report.add_argument("--write", default="", help="write the Markdown to this file")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))
