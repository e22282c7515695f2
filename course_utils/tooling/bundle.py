"""One zip a student can keep and open offline: ``make bundle`` (``python -m course_utils bundle``).

``_build/cnn-course-v<version>.zip`` holds one folder, ``cnn-course-v<version>/``, with

* ``site/``: the built site (``make book``), which opens from the disk with no network: its
  MathJax is its own (``book/_ext/offline_math.py``) and its notebook links download;
* ``notebooks/``: the seven chapters with their stored outputs;
* ``notebooks/student/``: the seven student copies;
* ``README.txt``: what is where, and the install line of this release.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from course_utils import profiles
from course_utils.tooling import release

SITE = Path("_build") / "html"
OUT = Path("_build")
MATHJAX = Path("_static") / "mathjax" / "tex-mml-chtml.js"


class BundleError(RuntimeError):
    """The bundle would be incomplete; the message says what to build first."""


def readme(version: str, repository: str) -> str:
    return f"""Deep Learning Step by Step: CNNs, release v{version}

site/index.html        the book; open it in a browser, no network needed
notebooks/             the seven chapters, with their outputs (worked answers included)
notebooks/student/     the seven student copies: exercise cells to fill in, no outputs

To run a notebook, install the helpers of this release (Python 3.11):

    pip install "course_utils @ git+{repository}@v{version}"

On Colab, upload a notebook from notebooks/student/ and run it from the top: its first cell
installs the same release.
"""


def _notebooks(root: Path) -> list[Path]:
    chapters = [root / "notebooks" / profiles.notebook_name(c) for c in profiles.chapters()]
    students = [root / "notebooks" / "student" / p.name for p in chapters]
    missing = [p for p in chapters + students if not p.is_file()]
    if missing:
        raise BundleError(f"missing notebooks: {', '.join(str(p) for p in missing)} "
                          "(make student writes the student copies)")
    return chapters + students


def build(root: Path = Path("."), site: Path = SITE, out: Path = OUT) -> Path:
    """Zip the built site, the chapters and the student copies; the zip's path."""
    from course_utils import version as version_module

    root, site = Path(root), Path(site)
    if not (site / "index.html").is_file():
        raise BundleError(f"{site / 'index.html'} is missing: build the site first (make book)")
    if not (site / MATHJAX).is_file():
        raise BundleError(f"{site / MATHJAX} is missing: the site would show raw math offline. "
                          "Rebuild it with make book (it installs MathJax).")
    version = release.current(root)
    name = f"cnn-course-v{version}"
    path = Path(out) / f"{name}.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"{name}/README.txt", readme(version, version_module.REPOSITORY))
        for file in sorted(site.rglob("*")):
            if file.is_file():
                bundle.write(file, f"{name}/site/{file.relative_to(site).as_posix()}")
        for notebook in _notebooks(root):
            bundle.write(notebook, f"{name}/{notebook.relative_to(root).as_posix()}")
    return path
