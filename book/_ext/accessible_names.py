"""Sphinx extension: every control's accessible name contains its visible label.

WCAG 2.5.3 (label in name): a speech-input user says what they see. The theme's templates
name three kinds of control with an ``aria-label`` that differs from what they show, which
axe-core reports as ``label-content-name-mismatch``:

* the search button shows "Search Ctrl + K" and is named "Search": its ``aria-label`` goes,
  so its name is what it shows (its ``title`` still says "Search");
* MyST-NB's collapsed cells show "Show code cell content" and are named "Toggle hidden
  content": the ``aria-label`` goes, so the summary is named by its visible text;
* the colour-mode button's three icons carry titles ("Light", "Dark", "System Settings")
  that count as its content: the icons are decorative (the button's own label, "Color
  mode", names it), so they become ``aria-hidden`` and lose their titles.

And one structure axe-core reports as ``aria-required-children``: the references page's
``role="list"`` holds entries of the (deprecated) role ``doc-biblioentry``, which a list may
not own; they become ``listitem``.

The pages are rewritten after the build, like :mod:`notebook_downloads`.
"""

from __future__ import annotations

import re
from typing import Any

from page_rewrite import rewrite_pages

_SEARCH_BUTTON = re.compile(r'(<button\b[^>]*\bsearch-button__button\b[^>]*?)\s+aria-label="[^"]*"')
_SUMMARY = re.compile(r'<summary\s+aria-label="Toggle hidden content"\s*>')
_BIBLIOENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry">')
_THEME_ICON = re.compile(r'<i class="theme-switch (?P<cls>[^"]*)" data-mode="(?P<mode>\w+)"'
                         r'\s+title="[^"]*"\s*>')


def label_in_name(html: str) -> str:
    """``html`` with the repairs above; anything else is left as it is."""
    html = _SEARCH_BUTTON.sub(r"\1", html)
    html = _SUMMARY.sub("<summary>", html)
    html = _BIBLIOENTRY.sub(r'\1 role="listitem">', html)
    return _THEME_ICON.sub(lambda m: f'<i class="theme-switch {m["cls"]}" data-mode='
                                     f'"{m["mode"]}" aria-hidden="true">', html)


def _rewrite(app: Any, exception: Exception | None) -> None:
    rewrite_pages(app, exception, label_in_name)


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _rewrite, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
