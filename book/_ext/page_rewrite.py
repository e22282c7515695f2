"""Shared by the book's extensions that repair the built pages: apply a text transform to
every HTML page after an HTML build (``build-finished``), writing only the pages it changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def rewrite_pages(app: Any, exception: Exception | None, transform: Callable[[str], str]) -> None:
    """Run ``transform`` over every ``*.html`` page of a finished, successful HTML build."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        updated = transform(text)
        if updated != text:
            page.write_text(updated, encoding="utf-8")
