"""Sphinx extension: the convolution explorer on the CNN-foundations page.

A page that holds ``<div class="conv-explorer"></div>`` (chapter 3 does, in a markdown cell)
gets two scripts: ``conv-explorer-data.js``, written here at build time by
:func:`course_utils.tooling.explorer.write_script` (a real digit, a real photo and the
course's preset kernels), and ``conv-explorer.js`` from ``book/_static`` (the explorer
itself). Both are plain files of the site: it works offline and from the disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MARKER = 'class="conv-explorer"'
DATA = "conv-explorer-data.js"


def _scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if MARKER in (context.get("body") or ""):
        app.add_js_file(DATA)
        app.add_js_file("conv-explorer.js")


def _write_data(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from course_utils.tooling.explorer import write_script

    write_script(Path(app.outdir) / "_static" / DATA)


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _scripts)
    app.connect("build-finished", _write_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
