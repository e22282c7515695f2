"""The dev pins live in pyproject.toml; environment.yml must list exactly the same ones, and
the runtime dependencies stay loose lower bounds (Colab brings its own TensorFlow)."""

from __future__ import annotations

import re

import tomllib
import yaml

from tests.conftest import ROOT


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_environment_yml_agrees_with_dev_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = sorted(p for p in pip_section if not p.startswith("-"))
    assert conda_pins == sorted(_project()["optional-dependencies"]["dev"])
    assert "python=3.11" in env["dependencies"]


def test_dev_dependencies_are_exact_pins():
    for spec in _project()["optional-dependencies"]["dev"]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", spec), spec


def test_runtime_dependencies_are_loose_lower_bounds():
    for spec in _project()["dependencies"]:
        assert "==" not in spec and "<" not in spec, f"{spec}: would fight Colab's versions"


def test_jupyter_book_is_pinned_below_2():
    dev = _project()["optional-dependencies"]["dev"]
    jb = next(s for s in dev if s.startswith("jupyter-book"))
    assert jb.split("==")[1].startswith("1."), "jupyter-book 2 ignores _config.yml/_toc.yml"


def test_colab_install_cells_point_at_the_configured_repository():
    """Chapters and their student copies install from _config.yml's repository, pinned to
    the current release's tag (the other places that name it:
    tests/test_retarget.py::test_repository_links_agree_with_config)."""
    import json

    from course_utils import __version__

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"]
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in notebooks + sorted((ROOT / "notebooks" / "student").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
        source = "".join(first_code["source"])
        assert 'if "google.colab" in sys.modules' in source, path.name
        assert f"git+{url}@v{__version__}" in source, path.name
        assert source.index("pip install") < source.index("from course_utils"), path.name
