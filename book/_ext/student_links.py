"""Sphinx extension: chapter pages send students to their student copy.

sphinx-book-theme builds the Colab launch link from the page's own path, so on
``notebooks/07_resnet.html`` it opens ``notebooks/07_resnet.ipynb``, the chapter with its worked
solutions. For every page under ``notebooks/`` that has a student copy
(``notebooks/student/<same name>.ipynb``) this extension

* rewrites the Colab launch link to open ``notebooks/student/<same name>.ipynb``;
* adds "student copy (.ipynb)" to the page's download menu, and copies the student copies
  into the built site (``_build/html/notebooks/student/``) so that entry downloads it.

The page itself still renders the full chapter.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

STUDENT_DIR = "notebooks/student"


def _student_copy(app: Any, pagename: str) -> Path | None:
    if not pagename.startswith("notebooks/") or pagename.startswith(STUDENT_DIR + "/"):
        return None
    path = Path(app.srcdir) / STUDENT_DIR / (pagename.rsplit("/", 1)[-1] + ".ipynb")
    return path if path.is_file() else None


def _walk(buttons: list[dict]) -> Any:
    for button in buttons:
        yield button
        yield from _walk(button.get("buttons", []))


def _retarget(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    student = _student_copy(app, pagename)
    buttons = context.get("header_buttons")
    if student is None or not buttons:
        return
    chapter_rel = f"/{pagename}.ipynb"
    student_rel = f"/{STUDENT_DIR}/{student.name}"
    for button in _walk(buttons):
        url = button.get("url", "")
        if "colab.research.google.com" in url and url.endswith(chapter_rel):
            button["url"] = url[: -len(chapter_rel)] + student_rel
            button["tooltip"] = "Launch the student copy on Colab"
    for group in buttons:
        if group.get("label") == "download-buttons":
            group["buttons"].insert(0, {
                "type": "link",
                "url": context["pathto"](f"{STUDENT_DIR}/{student.name}", 1),
                "text": "student copy (.ipynb)",
                "tooltip": "Download the student copy: exercise cells to fill in, no outputs",
                "icon": "fas fa-pencil-alt",
                "label": "download-student-copy-button",
            })


def _copy_student_copies(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = Path(app.srcdir) / STUDENT_DIR
    target = Path(app.outdir) / STUDENT_DIR
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.ipynb")):
        shutil.copyfile(path, target / path.name)


def setup(app: Any) -> dict[str, Any]:
    # after sphinx-book-theme's own handlers (priority 501), which create the buttons
    app.connect("html-page-context", _retarget, priority=600)
    app.connect("build-finished", _copy_student_copies)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
