"""The site builds from the stored outputs with warnings as errors, and every chapter page
has its figures and a Colab link to the notebook's real path in the repository."""

from __future__ import annotations

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
                    f"notebooks/{name}")
        links = set(re.findall(r'href="(https://colab\.research\.google\.com[^"]+)"', text))
        assert links == {expected}, f"{name}: Colab links {links}, expected {expected}"
        images = re.findall(r'<img [^>]*src="([^"]+)"', text)
        assert any(src.endswith(".png") for src in images), f"{name}: no figure rendered"
        for src in images:
            if not src.startswith(("http", "data:")):
                assert (page.parent / src).resolve().is_file(), f"{name}: missing image {src}"
        assert "Traceback" not in text


def test_landing_and_reference_pages(site):
    assert "Deep Learning Step by Step" in (site / "index.html").read_text()
    refs = (site / "book" / "references.html").read_text()
    assert "How transferable are features" in refs
    report = (site / "book" / "report.html").read_text()
    assert "Execution report" in report
