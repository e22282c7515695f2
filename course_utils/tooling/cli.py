"""Command line behind the Makefile: ``python -m course_utils <command>``.

Commands:

* ``list``                         chapters and their profiles' settings;
* ``run --chapter 01 --profile full [--set epochs=1 ...]`` execute a chapter with papermill
  into ``_build/executed/`` and write its metrics JSON next to it (never touches
  ``notebooks/``); ``--set`` overrides settings of the profile (typed like the profile's);
* ``rehearse [--chapter 05]``      the ``full`` profile with epochs and sample counts capped:
  wall time and peak memory per chapter (:mod:`course_utils.tooling.rehearsal`);
* ``refresh [--chapter 01] [--force]`` re-execute the stored notebooks in ``notebooks/``
  with the ``book`` profile (refuses to overwrite uncommitted edits unless ``--force``);
  the calibration workload is timed once before the first chapter and stored with each
  chapter's metrics, for the report's calibration units;
* ``report``                       summarise recorded metrics as a Markdown table;
* ``timings [--metrics _build/metrics]`` the chapters' smoke and book times of a ``make test``
  run in seconds and calibration units, against the budgets (reported, never a failure;
  :mod:`course_utils.tooling.timings`), also into ``_build/report/timings.md``;
* ``student [--check]``            bring the committed student copies in ``notebooks/student/``
  up to date (solutions stubbed, no outputs); copies a student edited are left alone.
* ``retarget --url URL [--branch main]`` point every repository link of a fork at ``URL``
  (``_config.yml`` is the source of truth; see :mod:`course_utils.tooling.retarget`).
* ``release --version x.y.z``      set the version everywhere, pin every install line to
  ``@vx.y.z``, move the CHANGELOG's Unreleased notes, commit and tag
  (:mod:`course_utils.tooling.release`).
* ``pdf``                          the whole book as one PDF in ``_build/pdf/``, offline
  (:mod:`course_utils.tooling.pdf`);
* ``bundle``                       the built site, the chapters and the student copies in
  one zip that opens offline (:mod:`course_utils.tooling.bundle`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course_utils import profiles
from course_utils.tooling.execution import (
    DEFAULT_CELL_TIMEOUT,
    execute,
    stamp_wall_time,
    strip_execution_metadata,
    write_figure_descriptions,
)
from course_utils.tooling.report import ReportError, report_markdown

NOTEBOOKS = Path("notebooks")
EXECUTED = Path("_build") / "executed"
METRICS = Path("_build") / "metrics"


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
    failed: list[str] = []
    for chapter in _chapters(args.chapter):
        name = profiles.notebook_name(chapter)
        source = NOTEBOOKS / name
        target = out_dir / name.replace(".ipynb", f".{profile}.ipynb")
        metrics_dir = out_dir / "metrics" / profile
        overrides = _overrides(chapter, profile, args.set)
        try:
            seconds = execute(source, target, profile, metrics_dir, timeout=args.timeout,
                              overrides=overrides)
        except Exception as exc:  # report the chapter, run the others, fail at the end
            failed.append(_chapter_failure(chapter, name, profile, target, exc))
            continue
        metrics_file = metrics_dir / f"{chapter}.json"
        stamp_wall_time(metrics_file, seconds)
        print(f"{chapter} ({profile}): {seconds:.1f} s -> {target}, metrics {metrics_file}")
    if failed:
        raise CliError(f"{len(failed)} chapter(s) failed:\n  " + "\n  ".join(failed))
    return 0


def _overrides(chapter: str, profile: str, items: list[str]) -> dict:
    try:
        return profiles.parse_overrides(chapter, profile, items)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def cmd_rehearse(args: argparse.Namespace) -> int:
    from course_utils.tooling import rehearsal

    failed = rehearsal.rehearse(_chapters(args.chapter), Path(args.output),
                                Path(args.report) if args.report else None)
    if failed:
        raise CliError(f"rehearsal failed for chapter(s) {', '.join(failed)}")
    return 0


def _chapter_failure(chapter: str, name: str, profile: str, target: Path, exc: Exception) -> str:
    """One line naming the failed chapter (also a GitHub Actions error annotation in CI)."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    what = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    what = (what.strip().splitlines() or [type(exc).__name__])[0][:300]
    line = f"chapter {chapter} ({name}, {profile} profile) failed: {what}; see {target}"
    print(f"error: {line}", file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print(f"::error title=Chapter {chapter} failed::{line}")
    return line


def _dirty(path: Path) -> bool:
    """True when git reports uncommitted changes to ``path`` (or git is unavailable)."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--", str(path)],
                             capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return True
    return bool(out.stdout.strip())


def cmd_refresh(args: argparse.Namespace) -> int:
    from course_utils.tooling import freshness

    metrics_dir = Path(args.metrics_dir)
    chapters = _chapters(args.chapter)
    todo = chapters if args.all else freshness.stale(chapters)
    for chapter in sorted(set(chapters) - set(todo)):
        print(f"{chapter}: up to date (notebook code, profile and helpers unchanged); "
              "use --all (make refresh ALL=1) to re-execute anyway")
    for chapter in todo:  # before anything runs: a refused refresh executes nothing
        source = NOTEBOOKS / profiles.notebook_name(chapter)
        if not args.force and _dirty(source):
            raise CliError(f"{source} has uncommitted edits; commit them first, or pass --force "
                           "(make refresh FORCE=1) to overwrite its outputs.")
    calibration = _calibrate() if todo and args.calibrate else None
    for chapter in todo:
        name = profiles.notebook_name(chapter)
        source = NOTEBOOKS / name
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / name
            seconds = execute(source, target, None, metrics_dir)
            strip_execution_metadata(target)
            write_figure_descriptions(target, chapter)
            shutil.copyfile(target, source)
        freshness.record(chapter, freshness.fingerprint(chapter))
        stamp_wall_time(metrics_dir / f"{chapter}.json", seconds, calibration)
        print(f"{chapter} (book): {seconds:.1f} s{_in_units(seconds, calibration)} -> {source}")
    if args.report and todo:
        Path(args.report).write_text(_report(metrics_dir))
        print(f"wrote {args.report}")
    return 0


def _calibrate() -> dict | None:
    """Time the calibration workload once, before the first chapter of a refresh (in a fresh
    interpreter); ``None`` when it failed (then the report shows "-" for the units)."""
    from course_utils.tooling import calibration

    record = calibration.calibrate_quietly()
    if record.get("seconds") is None:
        return None
    print(f"calibration workload: {record['seconds']:.3f} s ({calibration.describe(record)})")
    return record


def _in_units(seconds: float, calibration: dict | None) -> str:
    return f" = {seconds / calibration['seconds']:.1f} calibration units" if calibration else ""


def cmd_timings(args: argparse.Namespace) -> int:
    """The timing table of a ``make test`` run; over-budget chapters are reported, exit 0."""
    from course_utils.tooling import calibration, timings

    reference = (timings.Reference(args.reference_seconds, calibration.VERSION)
                 if args.reference_seconds else timings.read_reference(Path(args.reference)))
    source = "--reference-seconds" if args.reference_seconds else args.reference
    text, _ = timings.timings_markdown(Path(args.metrics), reference, source)
    print(text, end="")
    if args.write:
        Path(args.write).parent.mkdir(parents=True, exist_ok=True)
        Path(args.write).write_text(text)
        print(f"wrote {args.write}")
    return 0


def _report(metrics_dir: Path) -> str:
    try:
        return report_markdown(metrics_dir)
    except ReportError as exc:
        raise CliError(str(exc)) from None


def cmd_report(args: argparse.Namespace) -> int:
    text = _report(Path(args.metrics_dir))
    if args.write:
        Path(args.write).write_text(text)
        print(f"wrote {args.write}")
    else:
        print(text)
    return 0


def cmd_student(args: argparse.Namespace) -> int:
    from course_utils.tooling import student

    sources = [NOTEBOOKS / profiles.notebook_name(c) for c in _chapters(args.chapter)]
    results = student.sync(sources, Path(args.output_dir), check=args.check)
    for result in results:
        print(result.message())
    return 1 if any(r.status in ("edited", "stale") for r in results) else 0


def cmd_retarget(args: argparse.Namespace) -> int:
    from course_utils.tooling import retarget

    if not args.url:
        raise CliError("give the fork's URL: make retarget URL=https://github.com/<owner>/<repo> "
                       "[BRANCH=main]")
    try:
        result = retarget.retarget(args.url, args.branch, Path(args.root))
    except retarget.RetargetError as exc:
        raise CliError(str(exc)) from None
    print(f"retargeted {result.old.url}@{result.old.branch} -> {result.new.url}@{result.new.branch}")
    for path in result.changed:
        print(f"  rewrote {path}")
    if result.refingerprinted:
        print(f"  re-recorded the fingerprints of chapters {', '.join(result.refingerprinted)} "
              "(only their guarded Colab install line changed)")
    for line in result.mentions:
        print(f"  still names {result.old.slug} (prose, left as is): {line}")
    problems = retarget.check(Path(args.root))
    if problems:
        raise CliError("the repository links disagree with _config.yml:\n  " + "\n  ".join(problems))
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from course_utils.tooling import release

    if not args.version:
        raise CliError("give the version: make release VERSION=x.y.z")
    try:
        result = release.release(args.version, Path(args.root), date=args.date or None,
                                 commit=not args.no_commit)
    except release.ReleaseError as exc:
        raise CliError(str(exc)) from None
    print(f"released course_utils {result.old} -> {result.new}")
    for path in result.changed:
        print(f"  updated {path}")
    if result.refingerprinted:
        print(f"  re-recorded the fingerprints of chapters {', '.join(result.refingerprinted)} "
              "(only version literals changed)")
    if not args.no_commit:
        print(f"  committed and tagged {result.tag}; publish it with: git push origin main "
              f"{result.tag}")
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from course_utils.tooling import pdf

    try:
        report = pdf.build(Path(args.root), Path(args.output_dir))
    except pdf.PdfError as exc:
        raise CliError(str(exc)) from None
    print(f"PDF: {report.pdf}, {report.pages} pages, {report.images_in_pdf} images, "
          f"{report.vector_images_in_page} diagrams, "
          f"{report.math} math elements rendered, built in {report.seconds:.0f} s")
    return 0


def cmd_bundle(args: argparse.Namespace) -> int:
    from course_utils.tooling import bundle

    try:
        path = bundle.build(Path(args.root), Path(args.site), Path(args.output_dir))
    except bundle.BundleError as exc:
        raise CliError(str(exc)) from None
    print(f"bundle: {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True,
                                metavar="{list,run,rehearse,refresh,report,timings,student,retarget,"
                                        "release,pdf,bundle}")
    sub.add_parser("list", help="chapters and profiles").set_defaults(func=cmd_list)
    run = sub.add_parser("run", help="execute chapters into _build/executed with papermill")
    run.add_argument("--chapter", default="all", help="01, 1, 01,03 or all (default)")
    run.add_argument("--profile", default="book", help="smoke, book or full")
    run.add_argument("--output-dir", default=str(EXECUTED))
    run.add_argument("--timeout", type=int, default=DEFAULT_CELL_TIMEOUT, help="seconds per cell")
    run.add_argument("--set", nargs="+", default=[], metavar="KEY=VALUE",
                     help="override settings of the profile, e.g. --set epochs=1 image_size=128")
    run.set_defaults(func=cmd_run)
    rehearse = sub.add_parser("rehearse", help="the full profile, capped, with time and memory")
    rehearse.add_argument("--chapter", default="all")
    rehearse.add_argument("--output", default="benchmarks/rehearsal.json")
    rehearse.add_argument("--report", default="book/report.md",
                          help="update this report page's rehearsal section ('' to skip)")
    rehearse.set_defaults(func=cmd_rehearse)
    refresh = sub.add_parser("refresh", help="re-execute notebooks/ with the book profile")
    refresh.add_argument("--chapter", default="all")
    refresh.add_argument("--force", action="store_true", help="overwrite uncommitted edits")
    refresh.add_argument("--all", action="store_true",
                         help="re-execute even chapters whose inputs did not change")
    refresh.add_argument("--metrics-dir", default=str(METRICS / "book"))
    refresh.add_argument("--report", default="book/report.md",
                         help="regenerate this report page afterwards ('' to skip)")
    refresh.add_argument("--no-calibration", dest="calibrate", action="store_false",
                         help="skip timing the calibration workload before the first chapter")
    refresh.set_defaults(func=cmd_refresh)
    stud = sub.add_parser("student", help="update the student copies in notebooks/student")
    stud.add_argument("--chapter", default="all")
    stud.add_argument("--output-dir", default=str(NOTEBOOKS / "student"))
    stud.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if a copy is stale or edited")
    stud.set_defaults(func=cmd_student)
    report = sub.add_parser("report", help="print recorded metrics as Markdown")
    report.add_argument("--metrics-dir", default=str(METRICS / "book"))
    report.add_argument("--write", default="", help="write the Markdown to this file")
    report.set_defaults(func=cmd_report)
    tim = sub.add_parser("timings", help="chapter times in seconds and calibration units "
                                         "against the budgets (make test)")
    tim.add_argument("--metrics", default=str(METRICS),
                     help="folder with calibration.json, smoke/ and nbval/ (default _build/metrics)")
    tim.add_argument("--reference", default="book/report.md",
                     help="the report page that states the reference machine's calibration time")
    tim.add_argument("--reference-seconds", type=float, default=None,
                     help="the reference calibration time, instead of reading --reference")
    tim.add_argument("--write", default=str(Path("_build") / "report" / "timings.md"),
                     help="also write the table here ('' to skip)")
    tim.set_defaults(func=cmd_timings)
    retarget = sub.add_parser("retarget", help="point every repository link at a fork")
    retarget.add_argument("--url", default="", help="https://github.com/<owner>/<repo>")
    retarget.add_argument("--branch", default="main")
    retarget.add_argument("--root", default=".", help=argparse.SUPPRESS)
    retarget.set_defaults(func=cmd_retarget)
    rel = sub.add_parser("release", help="set, pin and tag a release (one commit)")
    rel.add_argument("--version", default="", help="x.y.z, after the current version")
    rel.add_argument("--date", default="", help="release date, YYYY-MM-DD (default today)")
    rel.add_argument("--no-commit", action="store_true",
                     help="edit the files only; no clean-tree check, commit or tag")
    rel.add_argument("--root", default=".", help=argparse.SUPPRESS)
    rel.set_defaults(func=cmd_release)
    pdf = sub.add_parser("pdf", help="the whole book as one PDF, offline")
    pdf.add_argument("--output-dir", default=str(Path("_build") / "pdf"))
    pdf.add_argument("--root", default=".", help=argparse.SUPPRESS)
    pdf.set_defaults(func=cmd_pdf)
    bun = sub.add_parser("bundle", help="site, chapters and student copies in one zip")
    bun.add_argument("--site", default=str(Path("_build") / "html"))
    bun.add_argument("--output-dir", default="_build")
    bun.add_argument("--root", default=".", help=argparse.SUPPRESS)
    bun.set_defaults(func=cmd_bundle)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))
