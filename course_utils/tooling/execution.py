"""Executing chapter notebooks with papermill, and cleaning what papermill leaves behind."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

DEFAULT_CELL_TIMEOUT = 1800  # seconds per cell; the CLI's --timeout default
# Figures reach a notebook's outputs only through the inline backend; an MPLBACKEND=Agg
# inherited from a shell or a test run would silently leave every figure out of the book.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def _kernel_env(metrics_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["MPLBACKEND"] = INLINE_BACKEND
    env[  # the recorder writes <chapter>.json here
        "COURSE_METRICS_DIR"] = str(metrics_dir.resolve())
    return env


def execute(source: Path, target: Path, profile: str | None, metrics_dir: Path,
            timeout: int = DEFAULT_CELL_TIMEOUT, overrides: dict | None = None) -> float:
    """Execute ``source`` into ``target`` with papermill; return the wall time in seconds.

    ``profile=None`` executes the notebook as stored (no injected cell): that is how the
    book's stored outputs are produced. ``overrides`` (settings of the profile, see
    :func:`course_utils.profiles.parse_overrides`) are injected as ``OVERRIDES``, which the
    notebook passes to ``profiles.resolve``; tuples travel as lists.
    """
    parameters: dict = {} if profile is None else {"PROFILE": profile}
    if overrides:
        parameters["OVERRIDES"] = {k: list(v) if isinstance(v, tuple) else v
                                   for k, v in overrides.items()}
    import papermill as pm

    target.parent.mkdir(parents=True, exist_ok=True)
    old = dict(os.environ)
    os.environ.update(_kernel_env(metrics_dir))
    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(source), str(target),
            parameters=parameters,
            kernel_name="python3", cwd=str(source.parent), progress_bar=False,
            execution_timeout=timeout, log_output=False,
        )
    finally:
        os.environ.clear()
        os.environ.update(old)
    return time.perf_counter() - start


def stamp_wall_time(metrics_file: Path, seconds: float,
                    calibration: dict[str, Any] | None = None) -> None:
    """Add the measured wall time of the whole notebook to its metrics file, and the
    calibration record timed in the same run (:mod:`course_utils.tooling.calibration`), if
    any, so that the report gives the time in calibration units too."""
    if metrics_file.is_file():
        data = json.loads(metrics_file.read_text())
        data["wall_seconds"] = round(seconds, 1)
        if calibration is not None:
            data["calibration"] = calibration
        else:
            data.pop("calibration", None)  # an older run's calibration is not this run's
        metrics_file.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


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


FIGURE_KEY = "course_utils"  # plots.METADATA_KEY: a figure's description in its output metadata


def _figure_descriptions(cell: Any) -> list[dict[str, str]]:
    found = []
    for output in cell.get("outputs", []):
        for mime in ("image/png", "image/svg+xml"):  # plots, and diagrams
            text = (output.get("metadata", {}).get(mime) or {}).get(FIGURE_KEY)
            if isinstance(text, dict) and text.get("alt") and text not in found:
                found.append(text)
    return found


def write_figure_descriptions(path: Path, chapter: str) -> int:
    """Write each figure's alt text and caption where MyST-NB reads them.

    A figure drawn in a notebook carries its description in its output's metadata
    (:func:`course_utils.plots.carry_descriptions_in_notebook`). Here it becomes the cell's
    ``mystnb.image.alt``, ``mystnb.figure.caption`` and a figure ``name``
    (``fig-<chapter>-<cell id>``, for numbered references). An alt text, caption or name
    written into the cell by hand is kept; only values this function wrote before (listed in
    ``course_utils.generated``) are replaced. Returns the number of figure cells described."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    described = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = _figure_descriptions(cell)
        own = cell.metadata.get(FIGURE_KEY, {})
        generated = set(own.get("generated", []))
        mystnb = cell.metadata.get("mystnb", {})
        image, figure = dict(mystnb.get("image", {})), dict(mystnb.get("figure", {}))
        for field in generated:  # what this function wrote last time goes first
            (image if field == "alt" else figure).pop(field, None)
        generated = set()
        if texts:
            described += 1
            alt = " ".join(t["alt"] for t in texts)
            caption = " ".join(t["caption"] for t in texts if t.get("caption"))
            values = {"alt": alt, "caption": caption, "name": f"fig-{chapter}-{cell.get('id')}"}
            for field, value in values.items():
                target = image if field == "alt" else figure
                if value and not target.get(field):
                    target[field] = value
                    generated.add(field)
        if image:
            mystnb["image"] = image
        else:
            mystnb.pop("image", None)
        if figure and figure.get("caption"):
            mystnb["figure"] = figure
        else:
            mystnb.pop("figure", None)
            generated.discard("name")
        if mystnb:
            cell.metadata["mystnb"] = mystnb
        else:
            cell.metadata.pop("mystnb", None)
        if generated:
            cell.metadata[FIGURE_KEY] = {"generated": sorted(generated)}
        else:
            cell.metadata.pop(FIGURE_KEY, None)
    nbformat.write(nb, path)
    return described
