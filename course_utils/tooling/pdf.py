"""The whole book as one PDF, built offline: ``make pdf`` (``python -m course_utils pdf``).

jupyter-book's own PDF builder downloads a browser at build time, which an offline machine
cannot do. Instead the book is built as a single HTML page (``--builder singlehtml``, from the
stored outputs), opened in Debian's Chromium with every request off the machine blocked, and
printed:

* MathJax (served from the page's own ``_static``) typesets every formula first; the PDF is
  refused if any math element is left unrendered;
* collapsed blocks (worked answers, hidden cells) are opened, so nothing is left out;
* code and outputs wrap at the right margin instead of being cut (a block still wider than
  the text is counted and refused);
* the headings become the PDF's bookmarks, and every page's footer has its number.

The result is ``_build/pdf/course.pdf`` with ``_build/pdf/pdf.json`` beside it: page count,
images, math elements rendered, and code blocks that overflow.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
OUT = Path("_build") / "pdf"
PDF_NAME = "course.pdf"
REPORT_NAME = "pdf.json"

# Print layout: the article alone, full width, code wrapped, each chapter on a new page.
PRINT_CSS = """
@page { size: A4; margin: 15mm 14mm 17mm 14mm; }
html { font-size: 10pt !important; }
.bd-header, .bd-header-announcement, .bd-sidebar-primary, .bd-sidebar-secondary,
.header-article, .prev-next-area, .bd-footer, .bd-footer-content, footer, .headerlink,
#pst-back-to-top, .search-button-field, .theme-switch-button, .copybtn,
.toggle-button, .cell_input .toggle, button.toggle-button { display: none !important; }
.bd-container, .bd-container__inner, .bd-main, .bd-content, .bd-article-container,
.bd-article, .bd-page-width, main { max-width: none !important; width: auto !important;
  margin: 0 !important; padding: 0 !important; display: block !important; }
pre, .highlight pre, .cell_output pre, code { white-space: pre-wrap !important;
  overflow-wrap: anywhere !important; word-break: break-word !important;
  overflow: visible !important; }
pre { font-size: 7.5pt !important; line-height: 1.3 !important; }
img { max-width: 100% !important; height: auto !important; break-inside: avoid; }
table { font-size: 7.5pt !important; max-width: 100% !important; }
.cell_output, .output { overflow: visible !important; max-height: none !important; }
section > h1 { break-before: page; }
figure, .cell_output img { break-inside: avoid; }
"""

# Open every collapsed block; then the numbers the PDF's checks rest on.
OPEN_EVERYTHING = """() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('.tag_hide-input .cell_input, .tag_hide-output .cell_output, '
                            + '.tag_hide-cell').forEach(e => e.style.display = 'block');
}"""
MEASURE = """() => {
  const math = document.querySelectorAll('span.math, div.math');
  const unrendered = Array.from(math).filter(m => !m.querySelector('mjx-container'));
  const wide = Array.from(document.querySelectorAll('pre'))
      .filter(p => p.offsetParent !== null && p.scrollWidth > p.clientWidth + 2);
  const imgs = Array.from(document.images);
  const svgs = imgs.filter(i => new URL(i.src).pathname.toLowerCase().endsWith('.svg'));
  return {math: math.length, unrendered: unrendered.length,
          unrendered_examples: unrendered.slice(0, 3).map(m => m.textContent.slice(0, 60)),
          overflowing_code: wide.length, images: imgs.length,
          vector_sources: svgs.map(i => decodeURIComponent(new URL(i.src).pathname)),
          broken_images: imgs.filter(i => !i.complete || i.naturalWidth === 0).length};
}"""
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="title"></span> · page <span class="pageNumber"></span> of '
          '<span class="totalPages"></span></div>')


class PdfError(RuntimeError):
    """The PDF could not be built, or would be incomplete; the message says why and the fix."""


@dataclass
class PdfReport:
    pdf: str
    pages: int
    images_in_page: int  # every <img>: raster figures and SVG diagrams
    images_in_pdf: int  # raster image objects in the PDF (Chromium embeds a repeat once)
    vector_images_in_page: int  # SVG diagrams, which Chromium draws as vectors and text
    vector_labels: list[str]  # each diagram's first text label, to find in the PDF's text
    math: int
    overflowing_code: int
    seconds: float


def build_singlehtml(root: Path, out: Path) -> Path:
    """The book as one HTML page (stored outputs, no execution): the root document's page
    (``index.html`` only redirects to it)."""
    jb = Path(sys.executable).with_name("jupyter-book")
    build = out / "singlehtml-build"
    shutil.rmtree(build, ignore_errors=True)
    result = subprocess.run([str(jb), "build", str(root), "--builder", "singlehtml",
                             "--path-output", str(build), "-n", "--keep-going"],
                            capture_output=True, text=True)
    import yaml

    root_doc = yaml.safe_load((root / "_toc.yml").read_text())["root"]
    page = build / "_build" / "singlehtml" / f"{root_doc}.html"
    if result.returncode != 0 or not page.is_file():
        raise PdfError("the single-page HTML build failed:\n" + result.stdout[-3000:]
                       + result.stderr[-3000:])
    # The page links _static/ and _images/ as if it sat at the top of the build: put it there.
    index = page.parents[len(Path(root_doc).parts) - 1] / "book.html"
    shutil.copyfile(page, index)
    return index


def _first_labels(sources: list[str]) -> list[str]:
    """The first ``<text>`` of each SVG file: a diagram printed as vectors shows it as text."""
    import html
    import re

    labels = []
    for source in sources:
        match = re.search(r"<text[^>]*>([^<]+)</text>", Path(source).read_text(encoding="utf-8"))
        if match:
            labels.append(html.unescape(match[1]).strip())
    return labels


def _count_pdf_images(path: Path) -> tuple[int, int]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    images = 0
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
        if xobjects:
            xobjects = xobjects.get_object()
            images += sum(1 for name in xobjects
                          if xobjects[name].get_object().get("/Subtype") == "/Image")
    return len(reader.pages), images


def print_pdf(index: Path, pdf: Path, *, chromium: Path = CHROMIUM, timeout_s: float = 300) -> dict:
    """Print ``index`` (a local HTML file) to ``pdf`` in Chromium, offline; the page's numbers."""
    if not chromium.is_file():
        raise PdfError(f"{chromium} is missing: `make pdf` installs Debian's chromium package "
                       "(apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            # Offline by construction: only the book's own files load.
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith("file://") else route.abort())
            page.goto(index.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
            page.evaluate(OPEN_EVERYTHING)
            page.wait_for_function("() => window.MathJax && MathJax.startup && "
                                   "MathJax.startup.promise", timeout=60_000)
            page.evaluate("() => MathJax.startup.promise.then(() => MathJax.typesetPromise())")
            page.add_style_tag(content=PRINT_CSS)
            page.emulate_media(media="print")
            page.wait_for_timeout(500)
            numbers = page.evaluate(MEASURE)
            if numbers["unrendered"]:
                raise PdfError(f"{numbers['unrendered']} of {numbers['math']} math elements did "
                               f"not render (for example {numbers['unrendered_examples']}); is "
                               "MathJax in _static/mathjax? (make mathjax)")
            if numbers["broken_images"]:
                raise PdfError(f"{numbers['broken_images']} images did not load")
            pdf.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(pdf), format="A4", print_background=True, outline=True,
                     tagged=True, display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER, prefer_css_page_size=True)
        finally:
            browser.close()
    return numbers


def build(root: Path = Path("."), out: Path = OUT) -> PdfReport:
    """``make pdf``: the single-page build printed to ``out/course.pdf``, checked."""
    start = time.perf_counter()
    index = build_singlehtml(root, out)
    pdf = out / PDF_NAME
    numbers = print_pdf(index, pdf)
    if numbers["overflowing_code"]:
        raise PdfError(f"{numbers['overflowing_code']} code blocks are wider than the page "
                       "even wrapped; see PRINT_CSS in course_utils/tooling/pdf.py")
    pages, images = _count_pdf_images(pdf)
    report = PdfReport(pdf=str(pdf), pages=pages, images_in_page=numbers["images"],
                       images_in_pdf=images,
                       vector_images_in_page=len(numbers["vector_sources"]),
                       vector_labels=_first_labels(numbers["vector_sources"]),
                       math=numbers["math"],
                       overflowing_code=numbers["overflowing_code"],
                       seconds=round(time.perf_counter() - start, 1))
    (out / REPORT_NAME).write_text(json.dumps(asdict(report), indent=1) + "\n")
    return report
