"""Sphinx extension: the site's header names the release it was built from.

The version has one source, ``course_utils/__init__.py`` (``make release`` sets it). Here it
becomes Sphinx's ``version`` and ``release`` and is added to the title the header shows
("Deep Learning Step by Step: CNNs, v0.2.0"), so a reader can tell which release a page is
and look it up on the changes page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course_utils.tooling.release import current


def _configure(app: Any, config: Any) -> None:
    release = current(Path(app.srcdir))
    config.version = config.release = release
    title = config.html_title or config.project
    if f"v{release}" not in title:
        config.html_title = f"{title}, v{release}"


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
