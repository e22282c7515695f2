"""``make rehearse``: every chapter's ``full`` settings, on this machine's CPU, offline.

The full image sizes (224/299 px), widths and ImageNet-shaped backbones are kept; epochs and
sample counts are capped (:func:`course_utils.profiles.rehearsal_overrides`) so that every cell
runs in minutes. For each chapter it measures the wall time, the peak resident memory of
the kernel and the machine's mean load average during the run (:class:`LoadSampler`),
records them in ``benchmarks/rehearsal.json`` (other chapters' entries are kept) and
updates the "Full-profile rehearsal" section of the report page.

Each chapter runs in a child process of its own (``python -m course_utils.tooling.rehearsal
CHAPTER OUT_DIR``) that executes the notebook with papermill. The kernel is that child's
child, so the child's ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` after the run is the peak
resident memory of the kernel (the largest process of the run), measured by the OS.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from course_utils import profiles
from course_utils.tooling import calibration

OUTPUT = Path("benchmarks") / "rehearsal.json"
WORK = Path("_build") / "rehearsal"
LIMIT_GB = 12.0  # Colab's free tier
CELL_TIMEOUT = 3600


def _error_line(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return (text.strip().splitlines() or [type(exc).__name__])[0][:300]


def _child(chapter: str, work: Path) -> dict[str, Any]:
    """Run one chapter (in the child process); return its measurements."""
    from course_utils.tooling.execution import execute

    name = profiles.notebook_name(chapter)
    target = work / name.replace(".ipynb", ".rehearsal.ipynb")
    start = time.perf_counter()
    error = None
    try:
        execute(Path("notebooks") / name, target, "full", work / "metrics",
                timeout=CELL_TIMEOUT, overrides=profiles.rehearsal_overrides(chapter))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        error = _error_line(exc)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return {"wall_seconds": round(seconds, 1), "peak_rss_gb": round(peak_kb / 2**20, 2),
            "error": error, "executed": str(target)}


def _environment() -> dict[str, Any]:
    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "?"

    return {"python": platform.python_version(), "tensorflow": version("tensorflow"),
            "keras": version("keras"), "cpu": calibration.cpu_model(), "cores": os.cpu_count(),
            "threads": os.environ.get("TF_NUM_INTRAOP_THREADS", "default"),
            "gpu": False, "offline": True}


def _run_child(chapter: str, work: Path, env: dict[str, str]) -> Any:
    return subprocess.run([sys.executable, "-m", "course_utils.tooling.rehearsal", chapter,
                           str(work)], env=env, capture_output=True, text=True)


class LoadSampler:
    """The machine's 1-minute load average, sampled every ``interval`` seconds while a chapter
    runs. A chapter alone keeps the load at or below the number of TensorFlow threads; a mean
    well above it means other jobs shared the cores, so that chapter's wall time is an upper bound."""

    def __init__(self, interval: float = 5.0) -> None:
        self.interval = interval
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mean(self) -> float | None:
        return round(sum(self.samples) / len(self.samples), 1) if self.samples else None


def rehearse(chapters: list[str], output: Path = OUTPUT, report: Path | None = None,
             work: Path = WORK) -> list[str]:
    """Rehearse ``chapters`` one after the other; return the chapters that failed."""
    data: dict[str, Any] = {"chapters": {}}
    if output.is_file():
        data = json.loads(output.read_text())
    data["environment"] = _environment()
    data["limit_gb"] = LIMIT_GB
    data.pop("note", None)  # an old free-text note on load; each chapter now has its own
    failed = []
    env = dict(os.environ, COURSE_OFFLINE="1")
    for chapter in chapters:
        print(f"rehearsal: chapter {chapter}, full profile with {profiles.rehearsal_overrides(chapter)}",
              flush=True)
        with LoadSampler() as load:
            proc = _run_child(chapter, work, env)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if proc.returncode != 0 or not lines:
            result = {"wall_seconds": None, "peak_rss_gb": None,
                      "error": (proc.stderr.strip().splitlines() or ["no output"])[-1][:300]}
        else:
            result = json.loads(lines[-1])
        result["overrides"] = {k: list(v) if isinstance(v, tuple) else v
                               for k, v in profiles.rehearsal_overrides(chapter).items()}
        result["date"] = dt.date.today().isoformat()
        result["load_average"] = load.mean
        peak = result.get("peak_rss_gb")
        if result.get("error") or peak is None:
            failed.append(chapter)
            print(f"rehearsal: chapter {chapter} FAILED: {result.get('error')}", flush=True)
        else:
            over = peak >= LIMIT_GB
            if over:
                failed.append(chapter)
            print(f"rehearsal: chapter {chapter} {result['wall_seconds']} s, peak {peak} GB, "
                  f"mean load {load.mean}{' - OVER the 12 GB limit' if over else ''}", flush=True)
        data["chapters"][chapter] = result
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    if report is not None and report.is_file():
        from course_utils.tooling.report import REHEARSAL_TITLE, rehearsal_markdown, replace_section

        report.write_text(replace_section(report.read_text(), REHEARSAL_TITLE,
                                          rehearsal_markdown(output)))
        print(f"rehearsal: updated {report}")
    return failed


if __name__ == "__main__":
    chapter_arg, work_arg = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(_child(profiles.normalize_chapter(chapter_arg), work_arg)), flush=True)
