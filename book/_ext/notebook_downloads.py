"""Sphinx extension: links to notebooks download them.

A browser shown a link to an ``.ipynb`` file may open its JSON as a page. After the build,
every ``<a href="....ipynb">`` in the site (the download menu's chapter and student copy, and
links in the text) gets the ``download`` attribute, so it saves the file instead.
"""

from __future__ import annotations

import re
from typing import Any

from page_rewrite import rewrite_pages

_HAS_DOWNLOAD = re.compile(r"(?:^|\s)download(?:\s*=|\s|$)")
_ANCHOR = re.compile(r"<a\b(?P<attrs>[^>]*?\bhref=\"(?P<href>[^\"]+?\.ipynb)(?:#[^\"]*)?\"[^>]*)>")


def add_download(html: str) -> str:
    """``html`` with ``download`` on every anchor whose link ends in ``.ipynb``."""
    def fix(match: re.Match[str]) -> str:
        attrs = match["attrs"]
        href = match["href"]
        if href.startswith(("http://", "https://")) or _HAS_DOWNLOAD.search(attrs):
            return match[0]
        return f"<a{attrs} download>"

    return _ANCHOR.sub(fix, html)


def _rewrite(app: Any, exception: Exception | None) -> None:
    rewrite_pages(app, exception, add_download)


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _rewrite, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
