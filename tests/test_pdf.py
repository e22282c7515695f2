"""`make pdf`: the whole book in one PDF, built offline in Debian's Chromium; every chapter,
its figures and its math are in it, no code runs off the page, and it has bookmarks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import nbformat
import pytest

from course_utils import profiles
from course_utils.tooling import pdf
from tests.conftest import ROOT

METRICS = ROOT / "_build" / "metrics"


def _chapter_titles() -> list[str]:
    titles = []
    for chapter in profiles.chapters():
        nb = nbformat.read(ROOT / "notebooks" / profiles.notebook_name(chapter), as_version=4)
        first = next(c for c in nb.cells if c.cell_type == "markdown")
        titles.append(re.match(r"#\s+(.+)", first.source.strip())[1].strip())
    return titles


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    assert shutil.which("pdftotext"), ("pdftotext is missing: `make test` installs Debian's "
                                       "poppler-utils (apt-get install poppler-utils).")
    out = tmp_path_factory.mktemp("pdf")
    report = pdf.build(ROOT, out)
    METRICS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out / pdf.REPORT_NAME, METRICS / "pdf.json")  # the page count, for the report
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", report.pdf, "-"], capture_output=True,
                          text=True, check=True).stdout
    yield report, text
    shutil.rmtree(out, ignore_errors=True)


def test_every_chapter_title_is_in_the_text_and_the_bookmarks(built):
    from pypdf import PdfReader

    report, text = built
    flat = " ".join(text.split())
    def titles_of(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles_of(item)
            else:
                yield " ".join(item.title.split())
    bookmarks = set(titles_of(PdfReader(report.pdf).outline))
    for title in _chapter_titles():
        assert " ".join(title.split()) in flat, f"chapter {title!r} is not in the PDF"
        assert any(" ".join(title.split()) in b for b in bookmarks), f"no bookmark for {title!r}"
    assert report.pages > 50, report


def test_math_is_rendered_not_raw(built):
    report, text = built
    assert report.math > 100
    for raw in ("\\(", "\\)", "\\[", "\\]", "$$", "\\frac{", "\\begin{"):
        assert raw not in text, f"raw LaTeX {raw!r} in the PDF's text"


def test_figures_are_embedded_and_code_fits_the_page(built):
    report, text = built
    assert report.images_in_page > 40
    # Chromium embeds a raster image used twice once; every plot of the page is in the PDF.
    raster = report.images_in_page - report.vector_images_in_page
    assert report.images_in_pdf >= raster * 0.8, report
    # Diagrams are SVG, which Chromium prints as vectors and text, not image objects: each
    # one's first label is in the PDF's text.
    assert report.vector_images_in_page >= 10, report
    assert len(report.vector_labels) == report.vector_images_in_page, report
    flat = " ".join(text.split())
    missing = [label for label in report.vector_labels if " ".join(label.split()) not in flat]
    assert not missing, f"diagrams not printed: {missing}"
    assert report.overflowing_code == 0


def test_the_report_records_the_page_count(built):
    report, _ = built
    data = json.loads((METRICS / "pdf.json").read_text())
    assert data["pages"] == report.pages and data["pdf"].endswith("course.pdf")
