"""Licences and citation: MIT for the code, CC BY 4.0 for the text and figures, named where a
reader looks (README, the book's footer), and a CITATION.cff valid against CFF 1.2.0.

(The built site's footer and issues button are checked in tests/test_book.py.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tomllib
import yaml

from tests.conftest import ROOT


def test_code_licence_is_mit():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 The course team" in text
    assert "LICENSE-CONTENT.md" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]


def test_content_licence_is_cc_by_4_0_with_its_legal_code():
    text = (ROOT / "LICENSE-CONTENT.md").read_text()
    assert "Creative Commons Attribution 4.0 International" in text
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    assert "Creative Commons Attribution 4.0 International Public License" in text
    assert "Section 3 -- License Conditions." in text  # the legal code, not just a link


def test_readme_and_contributing_name_both_licences():
    for name in ("README.md", "CONTRIBUTING.md"):
        text = (ROOT / name).read_text()
        assert "LICENSE-CONTENT.md" in text and "CC BY 4.0" in text, name
        assert "[LICENSE](LICENSE)" in text and "MIT" in text, name


def test_book_footer_names_the_licences_and_issues_button_is_on():
    html = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]
    assert html["use_issues_button"] is True
    assert "https://creativecommons.org/licenses/by/4.0/" in html["extra_footer"]
    assert "CC BY 4.0" in html["extra_footer"] and "MIT" in html["extra_footer"]


def test_citation_cff_is_valid_against_the_cff_1_2_0_schema():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert set(cff["license"]) == {"MIT", "CC-BY-4.0"}
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert cff["version"] == version
    # check-jsonschema ships the CFF 1.2.0 schema: the validation works offline.
    tool = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run([str(tool), "--builtin-schema", "vendor.citation-file-format",
                             str(ROOT / "CITATION.cff")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_contributing_covers_what_an_instructor_changes():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    # The budgets as DESIGN.md states them (all seven chapters: 15 minutes, not the 12 an
    # older table said), measured in calibration units and reported, never asserted.
    for topic in ("course_utils/profiles.py", "MetricsRecorder", "remove-cell",
                  "tests/expectations.py", "tests/lessons", "course_utils/exercises/chNN.py",
                  "make refresh", "make student", "notebooks/student/", "3 minutes",
                  "30 seconds", "15 minutes", "calibration units", "never asserted",
                  "make colab", "make rehearse", "make retarget",
                  "ci.yml", "publish.yml", "weekly.yml"):
        assert topic in text, topic
    readme = (ROOT / "README.md").read_text()
    assert "CONTRIBUTING.md" in readme
    assert "## Writing a chapter" not in readme, "it moved to CONTRIBUTING.md"
