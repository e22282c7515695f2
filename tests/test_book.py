"""The site builds from the stored outputs with warnings as errors, and every chapter page
has its figures and a Colab link to its student copy in the repository."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from course_utils import profiles
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n",
                             "--keep-going"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    html = out / "_build" / "html"
    assert (html / "index.html").is_file()
    yield html
    shutil.rmtree(out, ignore_errors=True)


def test_every_chapter_page_renders_with_figures_and_colab_link(site):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    for chapter in profiles.chapters():
        name = profiles.notebook_name(chapter)
        page = site / "notebooks" / name.replace(".ipynb", ".html")
        assert page.is_file(), f"{page} not built"
        text = page.read_text()
        expected = (f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
                    f"notebooks/student/{name}")  # the launch button and the badge
        links = set(re.findall(r'href="(https://colab\.research\.google\.com[^"]+)"', text))
        assert links == {expected}, f"{name}: Colab links {links}, expected {expected}"
        images = re.findall(r'<img [^>]*src="([^"]+)"', text)
        assert any(src.endswith(".png") for src in images), f"{name}: no figure rendered"
        for src in images:
            if not src.startswith(("http", "data:")):
                assert (page.parent / src).resolve().is_file(), f"{name}: missing image {src}"
        assert "Traceback" not in text



def test_answers_are_collapsed_and_students_get_their_copy(site):
    """No "Correct:" line is in view without opening a collapsed block, and every chapter page
    offers the student copy: Colab opens it and the download menu has it (a file in the site)."""
    from bs4 import BeautifulSoup

    for chapter in profiles.chapters():
        name = profiles.notebook_name(chapter)
        page = site / "notebooks" / name.replace(".ipynb", ".html")
        soup = BeautifulSoup(page.read_text(), "html.parser")
        main = soup.find("main") or soup
        shown = []
        for text in main.find_all(string=re.compile(r"\bCorrect:")):
            collapsed = [d for d in text.parents if d.name == "details" and not d.has_attr("open")]
            if not collapsed:
                shown.append(text.strip()[:80])
        assert not shown, f"{name}: answers in view without opening a block: {shown}"
        exercise_cells = main.select("div.tag_exercise")
        assert exercise_cells, f"{name}: no exercise cells rendered"
        for cell in exercise_cells:
            assert cell.find("details"), f"{name}: an exercise cell is not collapsed"
        launch = [a["href"] for a in soup.find_all("a", href=True)
                  if a["href"].startswith("https://colab.research.google.com")]
        assert launch and all(h.endswith(f"/notebooks/student/{name}") for h in launch), launch
        download = soup.select_one("a.btn-download-student-copy-button")
        assert download is not None, f"{name}: no student copy in the download menu"
        target = (page.parent / download["href"]).resolve()
        assert target == (site / "notebooks" / "student" / name).resolve(), download["href"]
        copy = json.loads(target.read_text())
        assert not any(c.get("outputs") for c in copy["cells"] if c["cell_type"] == "code")


def test_landing_and_reference_pages(site):
    assert "book/intro.html" in (site / "index.html").read_text()  # index redirects to the landing page
    assert "Deep Learning Step by Step" in (site / "book" / "intro.html").read_text()
    refs = (site / "book" / "references.html").read_text()
    assert "How transferable are features" in refs
    report = (site / "book" / "report.html").read_text()
    assert "Execution report" in report


def test_every_page_shows_the_licence_and_an_issues_button(site):
    """Readers see the content licence in the footer and can report an erratum from any page
    (the issues button opens a new issue on the configured repository)."""
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    chapters = [f"notebooks/{profiles.notebook_name(c).replace('.ipynb', '.html')}"
                for c in profiles.chapters()]
    for rel in ["book/intro.html", "book/setup.html", *chapters]:
        text = (site / rel).read_text()
        footer = text[text.index('<div class="extra_footer">'):]
        assert 'href="https://creativecommons.org/licenses/by/4.0/"' in footer, rel
        assert "CC BY 4.0" in footer and "MIT" in footer, rel
        assert f'href="{url}/blob/' in footer and "LICENSE-CONTENT.md" in footer, rel
        assert f'{url}/issues/new?title=' in text, f"{rel}: no issues button"


CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "_build" / "screenshots"


@pytest.fixture(scope="module")
def served(site):
    """The built site on a localhost port (pages fetched over HTTP, like a reader would)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output clean
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):  # the browser moved on
                pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_site_in_headless_chromium(site, served):
    """Landing page and every chapter: no console errors, every image loads, every internal
    link resolves; screenshots are saved under _build/screenshots/."""
    assert CHROMIUM.is_file(), ("Chromium is missing: `make test` installs Debian's chromium "
                                "package (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # index.html redirects to the landing page, book/intro.html.
    chapters = [profiles.notebook_name(c).replace(".ipynb", ".html") for c in profiles.chapters()]
    pages = ["index.html", "book/intro.html"] + [f"notebooks/{name}" for name in chapters]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # The machine has no internet: requests to other hosts are blocked, not errors of ours.
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served)
                   else route.abort())
        for rel in pages:
            errors.clear()
            page.goto(f"{served}/{rel}", wait_until="load")
            page.wait_for_load_state("networkidle")
            broken = page.evaluate(
                "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                ".map(i => i.getAttribute('src'))")
            links = page.evaluate(
                "Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
                ".filter(h => h.startsWith(location.origin))")
            own_errors = [e for e in errors if "ERR_FAILED" not in e and "net::" not in e]
            if own_errors:
                problems.append(f"{rel}: console errors {own_errors}")
            if broken:
                problems.append(f"{rel}: images not loaded {broken}")
            for link in sorted(set(links)):
                target = link.split("#")[0].removeprefix(served + "/") or "index.html"
                if not (site / target).exists():
                    problems.append(f"{rel}: broken internal link {link}")
            page.screenshot(path=str(SCREENSHOTS / (rel.replace("/", "_") + ".png")), full_page=False)
        browser.close()
    assert not problems, "\n".join(problems)


def _offline_page(pw):
    """A Chromium page that loads only files from the disk: every other request is refused
    and recorded, the way an offline reader's browser would fail it."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    refused: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file://"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.route("**/*", route)
    return browser, page, refused


def _rendered_math(page) -> dict:
    if not page.evaluate("document.querySelectorAll('span.math, div.math').length"):
        return {"math": 0, "rendered": 0, "raw": []}  # Sphinx loads MathJax only where needed
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=60_000)
    page.evaluate("() => MathJax.startup.promise")
    return page.evaluate(
        "() => { const m = Array.from(document.querySelectorAll('span.math, div.math'));"
        " return {math: m.length, rendered: m.filter(e => e.querySelector('mjx-container')).length,"
        " raw: m.filter(e => !e.querySelector('mjx-container')).slice(0, 3)"
        ".map(e => e.textContent.slice(0, 40))}; }")


def test_math_renders_from_the_disk_with_the_network_blocked(site):
    """Opened from the disk with no network (a downloaded site, the bundle), every chapter
    page typesets its math with the MathJax the site serves itself."""
    assert (site / "_static" / "mathjax" / "tex-mml-chtml.js").is_file()
    from playwright.sync_api import sync_playwright

    problems, with_math = [], 0
    with sync_playwright() as pw:
        browser, page, refused = _offline_page(pw)
        for chapter in profiles.chapters():
            name = profiles.notebook_name(chapter).replace(".ipynb", ".html")
            refused.clear()
            page.goto((site / "notebooks" / name).as_uri(), wait_until="load")
            math = _rendered_math(page)
            with_math += bool(math["math"])
            if math["rendered"] != math["math"]:
                problems.append(f"{name}: {math}")
            if any("mathjax" in url.lower() for url in refused):
                problems.append(f"{name}: MathJax requested from the network: {refused}")
        browser.close()
    assert not problems, "\n".join(problems)
    assert with_math >= 6, "chapters 2-7 have math to render"


def test_the_page_source_loads_mathjax_from_the_site_not_a_cdn(site):
    for page in [site / "book" / "intro.html", *sorted((site / "notebooks").glob("0*.html"))]:
        text = page.read_text()
        assert "cdn.jsdelivr.net/npm/mathjax" not in text, page.name
        if page.parent.name == "notebooks" and 'class="math' in text:
            assert 'src="../_static/mathjax/tex-mml-chtml.js' in text, page.name


def test_notebook_links_download_instead_of_showing_json(site):
    from bs4 import BeautifulSoup

    for chapter in profiles.chapters():
        name = profiles.notebook_name(chapter)
        soup = BeautifulSoup((site / "notebooks" / name.replace(".ipynb", ".html")).read_text(),
                             "html.parser")
        links = [a for a in soup.find_all("a", href=True)
                 if a["href"].split("#")[0].endswith(".ipynb")
                 and not a["href"].startswith(("http://", "https://"))]
        assert len(links) >= 2, f"{name}: expected the chapter and student-copy downloads"
        assert all(a.has_attr("download") for a in links), [
            a["href"] for a in links if not a.has_attr("download")]


def _extension(name: str):
    """One of the book's own Sphinx extensions (book/_ext), imported for a unit test."""
    import importlib

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))


def test_download_attribute_is_added_once_and_only_to_local_notebooks():
    add_download = _extension("notebook_downloads").add_download
    html = ('<a class="btn btn-download-source" href="../_sources/notebooks/01.ipynb">x</a> '
            '<a href="student/01.ipynb" download>y</a> <a href="01.html">z</a> '
            '<a href="https://colab.research.google.com/github/a/b/blob/main/x.ipynb">c</a>')
    out = add_download(html)
    assert out.count(" download>") == 2
    assert '<a class="btn btn-download-source" href="../_sources/notebooks/01.ipynb" download>' in out
    assert '<a href="01.html">' in out and 'x.ipynb">c</a>' in out
    assert add_download(out) == out


def test_header_names_the_release_and_the_changes_page_lists_it(site):
    from course_utils import __version__

    page = (site / "notebooks" / profiles.notebook_name("01").replace(".ipynb", ".html"))
    assert f"v{__version__}" in page.read_text()
    changes = (site / "book" / "changes.html").read_text()
    assert "Changes and errata" in changes and "Unreleased" in changes
    assert f"{__version__}" in changes


def test_bundle_holds_the_site_and_every_notebook_and_opens_offline(site, tmp_path):
    import zipfile

    from course_utils import __version__
    from course_utils.tooling import bundle

    path = bundle.build(ROOT, site, tmp_path)
    assert path.name == f"cnn-course-v{__version__}.zip"
    top = f"cnn-course-v{__version__}"
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "open")
    for chapter in profiles.chapters():
        name = profiles.notebook_name(chapter)
        assert f"{top}/notebooks/{name}" in names and f"{top}/notebooks/student/{name}" in names
        assert f"{top}/site/notebooks/{name.replace('.ipynb', '.html')}" in names
    assert f"{top}/site/_static/mathjax/tex-mml-chtml.js" in names
    readme = (tmp_path / "open" / top / "README.txt").read_text()
    assert f"@v{__version__}" in readme and "site/index.html" in readme

    from playwright.sync_api import sync_playwright

    chapter = profiles.notebook_name("07").replace(".ipynb", ".html")
    with sync_playwright() as pw:
        browser, page, _ = _offline_page(pw)
        page.goto((tmp_path / "open" / top / "site" / "notebooks" / chapter).as_uri(),
                  wait_until="load")
        math = _rendered_math(page)
        images = page.evaluate("Array.from(document.images).filter(i => !i.complete || "
                               "i.naturalWidth === 0).length")
        browser.close()
    assert math["math"] > 0 and math["rendered"] == math["math"], math
    assert images == 0


def test_a_bundle_of_an_unbuilt_site_is_refused(tmp_path):
    from course_utils.tooling import bundle

    with pytest.raises(bundle.BundleError, match="make book"):
        bundle.build(ROOT, tmp_path / "no-site", tmp_path)


def test_every_chapter_figure_has_alt_text_and_a_numbered_caption(site):
    """A screen reader hears what each figure shows, and the text can refer to it by number:
    every figure image has an alt text of a few words that is not its file name, inside a
    figure with a numbered caption (written by `make refresh` from the plot's description)."""
    from bs4 import BeautifulSoup

    problems = []
    for chapter in profiles.chapters():
        name = profiles.notebook_name(chapter).replace(".ipynb", ".html")
        soup = BeautifulSoup((site / "notebooks" / name).read_text(), "html.parser")
        figures = [img for img in (soup.find("main") or soup).find_all("img")
                   if "_images/" in img.get("src", "")]
        assert figures, f"{name}: no figures"
        for img in figures:
            alt = " ".join(img.get("alt", "").split())
            stem = Path(img["src"]).stem
            if len(alt.split()) < 5 or stem in alt or alt.endswith((".png", ".svg")):
                problems.append(f"{name}: {img['src']} alt {alt[:60]!r}")
            figure = img.find_parent("figure")
            number = figure.select_one("figcaption .caption-number") if figure else None
            text = figure.select_one("figcaption .caption-text") if figure else None
            if number is None or text is None or not text.get_text(strip=True):
                problems.append(f"{name}: {img['src']} has no numbered caption")
    assert not problems, f"{len(problems)} figures:\n" + "\n".join(problems[:40])


AXE = ROOT / "book" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"


def test_every_page_passes_axe_core_in_light_and_dark_mode(site, served):
    """axe-core (pinned in book/vendor, run offline in Debian's Chromium) finds no serious or
    critical violation on any page of the book, in light or dark mode. No rule is turned
    off: the book's own CSS and extensions fix what the theme gets wrong."""
    assert CHROMIUM.is_file(), "Chromium is missing: `make test` installs Debian's chromium."
    assert AXE.is_file(), ("axe-core is missing: `make mathjax` (run by `make test`) installs "
                           "it from book/vendor/package-lock.json with npm ci.")
    from playwright.sync_api import sync_playwright

    pages = sorted(str(p.relative_to(site)) for folder in ("book", "notebooks")
                   for p in (site / folder).glob("*.html"))
    assert len(pages) >= 12, pages
    axe = AXE.read_text(encoding="utf-8")
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        for mode in ("light", "dark"):
            page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=mode)
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith(served) else route.abort())
            for rel in pages:
                page.goto(f"{served}/{rel}", wait_until="load")
                # The theme's own switch: the mode a reader picks from the header button.
                page.evaluate(f"document.documentElement.dataset.theme = '{mode}';"
                              f"document.documentElement.dataset.mode = '{mode}'")
                assert page.evaluate("document.documentElement.dataset.theme") == mode
                page.add_script_tag(content=axe)
                found = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                    ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
                    ".map(v => `${v.id} (${v.impact}): ${v.nodes.length} nodes, e.g. `"
                    " + v.nodes[0].target.join(' '))")
                problems += [f"{mode} {rel}: {text}" for text in found]
            page.close()
        browser.close()
    assert not problems, "\n".join(problems)


def test_controls_are_named_by_what_they_show():
    label_in_name = _extension("accessible_names").label_in_name
    html = ('<button class="btn search-button-field search-button__button pst-js-only" '
            'title="Search" aria-label="Search" data-bs-toggle="tooltip">'
            '<summary aria-label="Toggle hidden content">'
            '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i>'
            '<button aria-label="Close">x</button>'
            '<div role="list" class="citation-list">'
            '<div class="citation" id="id22" role="doc-biblioentry"></div></div>')
    out = label_in_name(html)
    assert '<div class="citation" id="id22" role="listitem">' in out
    assert 'aria-label="Search"' not in out and 'title="Search"' in out
    assert "<summary>" in out
    assert 'data-mode="light" aria-hidden="true">' in out and 'title="Light"' not in out
    assert '<button aria-label="Close">' in out  # other labels are left alone
    assert label_in_name(out) == out
