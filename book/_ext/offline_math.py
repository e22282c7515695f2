"""Sphinx extension: the site serves MathJax itself, so math renders offline.

Sphinx loads MathJax from a CDN by default; a downloaded site, the offline bundle or a
classroom without Wi-Fi then shows raw ``\\(F(x)\\)``. This extension points ``mathjax_path``
at ``_static/mathjax/tex-mml-chtml.js`` and copies MathJax 3 there from
``book/vendor/node_modules/mathjax`` (pinned in ``book/vendor/package-lock.json``;
``make mathjax`` installs it). Only the CommonHTML output and the parts it loads on demand
(TeX extensions, fonts, the menu, the accessibility tools) are copied; the other bundles are
left out.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

VENDOR = Path("book") / "vendor" / "node_modules" / "mathjax" / "es5"
ENTRY = "tex-mml-chtml.js"
TARGET = "mathjax"
# Combined bundles for outputs the site does not use.
UNUSED = {"tex-chtml.js", "tex-chtml-full.js", "tex-chtml-full-speech.js", "tex-mml-svg.js",
          "tex-svg.js", "tex-svg-full.js", "mml-chtml.js", "mml-svg.js", "node-main.js", "svg"}


class MathJaxMissing(RuntimeError):
    pass


def _source(app: Any) -> Path:
    source = Path(app.srcdir) / VENDOR
    if not (source / ENTRY).is_file():
        raise MathJaxMissing(
            f"{source / ENTRY} is missing: the site serves MathJax itself so that math renders "
            "offline. Install it with `make mathjax` (npm ci --prefix book/vendor), which "
            "`make book` runs first.")
    return source


def _configure(app: Any, config: Any) -> None:
    _source(app)
    config.mathjax_path = f"{TARGET}/{ENTRY}"


def _copy(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    shutil.copytree(_source(app), Path(app.outdir) / "_static" / TARGET, dirs_exist_ok=True,
                    ignore=lambda folder, names: [n for n in names if n in UNUSED])


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _configure)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
